"""A developer's projects (ЖК): their names, place and time zone."""

import logging
from zoneinfo import available_timezones

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from partnerhub import access
from partnerhub.extensions import db
from partnerhub.models import Building, Project, Unit
from partnerhub.services import audit
from partnerhub.services.errors import DomainError, NotAllowed

log = logging.getLogger(__name__)

# The zones offered first: where developers on the platform build.
COMMON_TIMEZONES = (
    "Europe/Kaliningrad",
    "Europe/Moscow",
    "Europe/Samara",
    "Asia/Yekaterinburg",
    "Asia/Omsk",
    "Asia/Novosibirsk",
    "Asia/Krasnoyarsk",
    "Asia/Irkutsk",
    "Asia/Yakutsk",
    "Asia/Vladivostok",
    "Asia/Magadan",
    "Asia/Kamchatka",
    "Europe/Minsk",
    "Asia/Almaty",
    "Europe/Warsaw",
)


def projects_of(developer_id):
    """The developer's projects with their buildings and unit counts."""
    projects = db.session.scalars(
        select(Project)
        .where(Project.developer_id == developer_id)
        .order_by(Project.name)
    ).all()
    counts = dict(
        db.session.execute(
            select(Unit.building_id, func.count())
            .join(Building, Building.id == Unit.building_id)
            .join(Project, Project.id == Building.project_id)
            .where(Project.developer_id == developer_id)
            .group_by(Unit.building_id)
        ).all()
    )
    return projects, counts


def update_project(actor, project, *, name, city, address, timezone):
    if not access.is_developer_admin_of(actor, project.developer_id):
        raise NotAllowed(_l("Only the developer's admin can change its projects."))
    name = (name or "").strip()
    if not name:
        raise DomainError(_l("Enter the project's name."), field="name")
    if timezone not in available_timezones():
        raise DomainError(_l("Choose a time zone from the list."), field="timezone")
    taken = db.session.scalar(
        select(Project.id).where(
            Project.developer_id == project.developer_id,
            Project.name == name,
            Project.id != project.id,
        )
    )
    if taken:
        raise DomainError(_l("Another project already has this name."), field="name")

    if project.timezone != timezone:
        audit.record(
            "project.timezone",
            actor,
            organization_id=project.developer_id,
            from_value=project.timezone,
            to_value=timezone,
            project_id=project.id,
        )
    project.name = name[:200]
    project.city = (city or "").strip()[:120] or None
    project.address = (address or "").strip()[:300] or None
    project.timezone = timezone
    db.session.commit()
    log.info("project %s updated by user %s", project.id, actor.id)
    return project
