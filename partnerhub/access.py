"""Who may see and touch what: the one place that answers it.

Views and jobs load buildings, units, reservations and files through these
functions. Another organization's object is a 404 (it does not exist for the
viewer); a wrong role inside one's own organization is a 403.
"""

from functools import wraps

from flask import abort
from flask_login import current_user, login_required
from sqlalchemy import and_, exists, or_, select

from partnerhub.extensions import db
from partnerhub.models import (
    Attachment,
    Building,
    Grant,
    Project,
    Reservation,
    Role,
    Unit,
    User,
    grant_unit,
)


def roles_required(*roles):
    """Sign-in required, and one of these roles, or 403."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def _found_or_404(query):
    """The one row the query finds, or 404: it does not exist for this user."""
    found = db.session.scalar(query)
    if found is None:
        abort(404)
    return found


def is_developer_staff_of(user, developer_id):
    return user.is_developer_staff and user.organization_id == developer_id


def is_developer_admin_of(user, developer_id):
    """The developer's admin: its partners, projects and imports are theirs."""
    return user.role == Role.DEVELOPER_ADMIN and user.organization_id == developer_id


# People of one's own organization


def assignable_roles(user):
    """The roles this user may give to a colleague it adds or deactivates."""
    if user.role == Role.DEVELOPER_ADMIN:
        return (Role.SALES_MANAGER, Role.DEVELOPER_ADMIN)
    if user.role == Role.AGENCY_ADMIN:
        return (Role.AGENT,)
    return ()


def member_or_404(user, member_id):
    """A user of the same organization, or 404."""
    return _found_or_404(
        select(User).where(
            User.id == member_id,
            User.organization_id == user.organization_id,
            User.organization_id.is_not(None),
        )
    )


# Buildings


def visible_buildings(user):
    """A select of the buildings this user may open."""
    query = select(Building).join(Project)
    if user.is_developer_staff:
        return query.where(Project.developer_id == user.organization_id)
    if user.is_agency_staff:
        return query.join(
            Grant,
            and_(
                Grant.building_id == Building.id,
                Grant.agency_id == user.organization_id,
            ),
        )
    return query.where(False)


def building_or_404(user, building_id):
    return _found_or_404(visible_buildings(user).where(Building.id == building_id))


def grant_for(user, building_id):
    """The agency's grant on a building, or None (also for developer staff)."""
    if not user.is_agency_staff:
        return None
    return db.session.scalar(
        select(Grant).filter_by(agency_id=user.organization_id, building_id=building_id)
    )


def granted_unit_ids(grant):
    """The units a partial grant opens, as a set; None for a whole building."""
    if grant is None or grant.whole_building:
        return None
    rows = db.session.execute(
        select(grant_unit.c.unit_id).where(grant_unit.c.grant_id == grant.id)
    )
    return {row.unit_id for row in rows}


# Grants


def visible_grants(user):
    """A select of the grants this user may see: its developer's or its agency's."""
    if user.is_developer_staff:
        return select(Grant).where(Grant.developer_id == user.organization_id)
    if user.is_agency_staff:
        return select(Grant).where(Grant.agency_id == user.organization_id)
    return select(Grant).where(False)


def grant_or_404(user, grant_id):
    return _found_or_404(visible_grants(user).where(Grant.id == grant_id))


# Units


def unit_visibility_clause(user):
    """A WHERE clause on Unit limiting it to what the user may open."""
    if user.is_developer_staff:
        return Unit.project_id.in_(
            select(Project.id).where(Project.developer_id == user.organization_id)
        )
    if user.is_agency_staff:
        whole = exists().where(
            Grant.building_id == Unit.building_id,
            Grant.agency_id == user.organization_id,
            Grant.whole_building.is_(True),
        )
        picked = exists().where(
            Grant.building_id == Unit.building_id,
            Grant.agency_id == user.organization_id,
            grant_unit.c.grant_id == Grant.id,
            grant_unit.c.unit_id == Unit.id,
        )
        return or_(whole, picked)
    return False


def unit_or_404(user, unit_id, *, for_update=False):
    query = select(Unit).where(Unit.id == unit_id, unit_visibility_clause(user))
    if for_update:
        query = query.with_for_update()
    return _found_or_404(query)


# Reservations and their files


def reservation_visibility_clause(user):
    if user.is_developer_staff:
        return Reservation.developer_id == user.organization_id
    if user.role == Role.AGENCY_ADMIN:
        return Reservation.agency_id == user.organization_id
    if user.role == Role.AGENT:
        return and_(
            Reservation.agency_id == user.organization_id,
            Reservation.agent_id == user.id,
        )
    return False


def visible_reservations(user):
    return select(Reservation).where(reservation_visibility_clause(user))


def reservation_or_404(user, reservation_id):
    """A reservation the user may see, or 404.

    Services that change it lock it themselves (unit first, then reservation).
    """
    return _found_or_404(
        visible_reservations(user).where(Reservation.id == reservation_id)
    )


def attachment_or_404(user, attachment_id):
    return _found_or_404(
        select(Attachment)
        .join(Reservation, Reservation.id == Attachment.reservation_id)
        .where(Attachment.id == attachment_id, reservation_visibility_clause(user))
    )


def takes_part_in(user, reservation):
    """The two sides of a reservation: the developer's staff and the agency's."""
    if user.is_developer_staff:
        return user.organization_id == reservation.developer_id
    return user.is_agency_staff and user.organization_id == reservation.agency_id


def can_see_client_phone(user, reservation):
    """Only the agent's agency and the developer's staff see the phone."""
    return takes_part_in(user, reservation)


def can_cancel(user, reservation):
    """The agent who asked for the reservation, or its agency's admin."""
    return reservation.agent_id == user.id or (
        user.role == Role.AGENCY_ADMIN and user.organization_id == reservation.agency_id
    )


# Listing files waiting at the import's mapping step


def listing_upload_or_404(user, token):
    """A listing file uploaded by this developer's staff, kept for the mapping step."""
    from partnerhub.services.importing import load_upload

    upload = None
    if user.is_developer_staff:
        upload = load_upload(user.organization_id, token)
    if upload is None:
        abort(404)
    return upload


def project_or_404(user, project_id):
    """A project of the user's own developer, or 404."""
    project = db.session.get(Project, project_id)
    if project is None or not is_developer_staff_of(user, project.developer_id):
        abort(404)
    return project
