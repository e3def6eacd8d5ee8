"""Grants: the buildings, whole or in part, a developer opens to an agency.

Every change bumps the grant's revision and the building's version, marks the
units whose visibility changed, and writes an audit event, so that the
agency's open grids redraw on their next poll.
"""

import logging
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, joinedload, lazyload

from partnerhub import access
from partnerhub.extensions import db
from partnerhub.models import (
    Building,
    Floor,
    Grant,
    Organization,
    Project,
    Reservation,
    ReservationStatus,
    Section,
    Unit,
    grant_unit,
)
from partnerhub.models.types import is_possible_id
from partnerhub.services import accounts, audit
from partnerhub.services.errors import DomainError, NotAllowed

log = logging.getLogger(__name__)

MIN_DAYS = 1
MAX_DAYS = 90


def create_grant(actor, building, agency_id, *, whole_building, unit_ids, max_days):
    """Open a building (or some of its units) to an agency."""
    developer_id = building.project.developer_id
    _check_actor(actor, developer_id)
    agency = None
    if is_possible_id(agency_id):
        agency = db.session.get(Organization, agency_id)
    if agency is None or not agency.is_agency:
        raise DomainError(_l("Choose an agency."), field="agency_id")
    if _grant_exists(agency.id, building.id):
        raise DomainError(_already_granted(), field="agency_id")
    _check_days(max_days)
    units = _units_of_building(building, whole_building, unit_ids)

    grant = Grant(
        developer_id=developer_id,
        agency_id=agency.id,
        building_id=building.id,
        whole_building=whole_building,
        max_days=max_days,
        revision=1,
        units=units,
    )
    db.session.add(grant)
    try:
        db.session.flush()
    except IntegrityError:
        # Another admin granted the same building to this agency just now.
        db.session.rollback()
        raise DomainError(_already_granted(), field="agency_id") from None
    after = _visible_ids(building.id, whole_building, units)
    _redraw(building.id, set(), after)
    audit.record(
        "grant.created",
        actor,
        organization_id=developer_id,
        to_value=describe(grant),
        grant_id=grant.id,
        agency_id=agency.id,
        building_id=building.id,
        revision=grant.revision,
    )
    db.session.commit()

    log.info(
        "grant %s created by user %s: agency %s, building %s, %s",
        grant.id,
        actor.id,
        agency.id,
        building.id,
        describe(grant),
    )
    return grant


def change_grant(actor, grant, *, whole_building, unit_ids, max_days):
    """Change what a grant opens, or its maximum reservation length."""
    _check_actor(actor, grant.developer_id)
    _check_days(max_days)
    units = _units_of_building(grant.building, whole_building, unit_ids)
    new_ids = {unit.id for unit in units}
    old_ids = {unit.id for unit in grant.units}
    if (
        grant.whole_building == whole_building
        and grant.max_days == max_days
        and (whole_building or old_ids == new_ids)
    ):
        return grant

    before_text = describe(grant)
    before = _visible_ids(grant.building_id, grant.whole_building, grant.units)
    grant.whole_building = whole_building
    grant.max_days = max_days
    grant.units = units
    # Counted in SQL, so that two admins saving at once get two revisions.
    grant.revision = Grant.revision + 1
    after = _visible_ids(grant.building_id, whole_building, units)
    _redraw(grant.building_id, before, after)
    audit.record(
        "grant.changed",
        actor,
        organization_id=grant.developer_id,
        from_value=before_text,
        to_value=describe(grant),
        grant_id=grant.id,
        agency_id=grant.agency_id,
        building_id=grant.building_id,
        revision=grant.revision,
    )
    db.session.commit()

    log.info(
        "grant %s changed by user %s to revision %s: %s",
        grant.id,
        actor.id,
        grant.revision,
        describe(grant),
    )
    return grant


def revoke_grant(actor, grant):
    """Close a building to an agency.

    Reservations the agency already holds stay as they are (the agency still
    sees them in its list); it only cannot request new ones.
    """
    _check_actor(actor, grant.developer_id)
    grant_id, developer_id = grant.id, grant.developer_id
    agency_id, building_id = grant.agency_id, grant.building_id
    before = _visible_ids(building_id, grant.whole_building, grant.units)
    summary = describe(grant)
    open_left = db.session.scalar(
        select(func.count())
        .select_from(Reservation)
        .join(Unit, Unit.id == Reservation.unit_id)
        .where(
            Reservation.agency_id == agency_id,
            Unit.building_id == building_id,
            Reservation.status.in_(ReservationStatus.OPEN),
        )
    )

    db.session.delete(grant)
    _redraw(building_id, before, set())
    audit.record(
        "grant.revoked",
        actor,
        organization_id=developer_id,
        from_value=summary,
        grant_id=grant_id,
        agency_id=agency_id,
        building_id=building_id,
        open_reservations=open_left,
    )
    db.session.commit()

    log.info(
        "grant %s revoked by user %s: agency %s, building %s; "
        "%s open reservations stay",
        grant_id,
        actor.id,
        agency_id,
        building_id,
        open_left,
    )


def describe(grant):
    """A short, language-neutral summary for the audit trail."""
    scope = "whole building" if grant.whole_building else f"{len(grant.units)} units"
    return f"{scope}, up to {grant.max_days} days"


# Reading, for the pages


@dataclass
class Overview:
    """What the partners page shows: buildings, their grants, the agencies."""

    buildings: list
    grants_by_building: dict
    unit_totals: dict
    granted_counts: dict
    agencies: list
    grants_by_agency: dict


def overview(user):
    """The developer's buildings with their grants, and every agency."""
    buildings = db.session.scalars(
        access.visible_buildings(user)
        .options(contains_eager(Building.project))
        .order_by(Project.name, Building.name)
    ).all()
    grant_rows = db.session.scalars(
        access.visible_grants(user)
        .options(lazyload(Grant.units), joinedload(Grant.agency))
        .order_by(Grant.building_id, Grant.id)
    ).all()
    unit_totals = dict(
        db.session.execute(
            select(Unit.building_id, func.count())
            .where(Unit.building_id.in_([building.id for building in buildings]))
            .group_by(Unit.building_id)
        ).all()
    )
    by_building, by_agency = {}, {}
    for grant in grant_rows:
        by_building.setdefault(grant.building_id, []).append(grant)
        by_agency.setdefault(grant.agency_id, []).append(grant)
    return Overview(
        buildings=buildings,
        grants_by_building=by_building,
        unit_totals=unit_totals,
        granted_counts=granted_unit_count(
            [grant.id for grant in grant_rows if not grant.whole_building]
        ),
        agencies=accounts.agencies(),
        grants_by_agency=by_agency,
    )


def granted_agency_ids(building_id):
    """The agencies that already have a grant on this building."""
    return set(
        db.session.scalars(
            select(Grant.agency_id).where(Grant.building_id == building_id)
        )
    )


def granted_unit_count(grant_ids):
    """How many units each partial grant opens, by grant id."""
    if not grant_ids:
        return {}
    rows = db.session.execute(
        select(grant_unit.c.grant_id, func.count())
        .where(grant_unit.c.grant_id.in_(grant_ids))
        .group_by(grant_unit.c.grant_id)
    )
    return dict(rows.all())


def units_by_section(building):
    """The building's units as [(section, [(floor number, [units])])].

    Sections in their order, floors top first, units by number, ready for a
    list of checkboxes.
    """
    units = db.session.scalars(
        select(Unit)
        .join(Unit.section)
        .join(Unit.floor)
        .options(contains_eager(Unit.section), contains_eager(Unit.floor))
        .where(Unit.building_id == building.id)
        .order_by(Section.position, Section.name, Floor.number.desc(), Unit.id)
    ).all()
    groups = []
    for unit in units:
        if not groups or groups[-1][0].id != unit.section_id:
            groups.append((unit.section, []))
        floors = groups[-1][1]
        if not floors or floors[-1][0] != unit.floor.number:
            floors.append((unit.floor.number, []))
        floors[-1][1].append(unit)
    for _section, floors in groups:
        for _number, row in floors:
            row.sort(key=_number_key)
    return groups


def pick_units(groups, section_id=None, floor_from=None, floor_to=None):
    """The ids of the units in a section (or all) within a floor range."""
    picked = set()
    for section, floors in groups:
        if section_id and section.id != section_id:
            continue
        for number, row in floors:
            if floor_from is not None and number < floor_from:
                continue
            if floor_to is not None and number > floor_to:
                continue
            picked.update(unit.id for unit in row)
    return picked


def _number_key(unit):
    digits = "".join(ch for ch in unit.number if ch.isdigit())
    return (int(digits) if digits else 0, unit.number)


# Checks and helpers


def _check_actor(actor, developer_id):
    if not access.is_developer_admin_of(actor, developer_id):
        raise NotAllowed(_l("Only the developer's admin can change its partners."))


def _check_days(max_days):
    if max_days is None or not MIN_DAYS <= max_days <= MAX_DAYS:
        raise DomainError(
            ngettext(
                "From %(min)s to %(num)s day.",
                "From %(min)s to %(num)s days.",
                MAX_DAYS,
                min=MIN_DAYS,
            ),
            field="max_days",
        )


def _already_granted():
    return _l("This agency already has access to this building; change that grant.")


def _grant_exists(agency_id, building_id):
    found = db.session.scalar(
        select(Grant.id).filter_by(agency_id=agency_id, building_id=building_id)
    )
    return found is not None


def _units_of_building(building, whole_building, unit_ids):
    """The units a partial grant opens; refuses ids from any other building."""
    if whole_building:
        return []
    try:
        wanted = {int(unit_id) for unit_id in unit_ids or ()}
    except (TypeError, ValueError):
        wanted = None
    if not wanted:
        raise DomainError(
            _l("Choose at least one unit, or open the whole building."),
            field="unit_ids",
        )
    units = db.session.scalars(
        select(Unit).where(
            Unit.id.in_([unit_id for unit_id in wanted if is_possible_id(unit_id)]),
            Unit.building_id == building.id,
        )
    ).all()
    if len(units) != len(wanted):
        log.warning(
            "grant on building %s refused: %s of the chosen units are not in it",
            building.id,
            len(wanted) - len(units),
        )
        raise DomainError(
            _l(
                "Some of the chosen units are not in this building. "
                "Nothing was saved; choose units of this building only."
            ),
            field="unit_ids",
        )
    return units


def _visible_ids(building_id, whole_building, units):
    if not whole_building:
        return {unit.id for unit in units}
    return set(
        db.session.scalars(select(Unit.id).where(Unit.building_id == building_id))
    )


def _redraw(building_id, before, after):
    """Bump the building's version and mark the units that appeared or vanished."""
    version = audit.bump_building(building_id)
    changed = before ^ after
    if changed:
        db.session.execute(
            update(Unit)
            .where(Unit.id.in_(sorted(changed)))
            .values(changed_version=version)
            .execution_options(synchronize_session=False)
        )
    return version
