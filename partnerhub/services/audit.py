"""Writing the audit trail and moving the grid's version on."""

import logging

from sqlalchemy import select, update

from partnerhub.extensions import db
from partnerhub.models import AuditEvent, Building

log = logging.getLogger(__name__)


def record(
    action,
    actor=None,
    *,
    organization_id=None,
    unit=None,
    reservation=None,
    from_value=None,
    to_value=None,
    **detail,
):
    """Add an audit event to the current transaction."""
    event = AuditEvent(
        action=action,
        actor_id=actor.id if actor is not None else None,
        organization_id=organization_id,
        unit_id=unit.id if unit is not None else None,
        reservation_id=reservation.id if reservation is not None else None,
        from_value=None if from_value is None else str(from_value),
        to_value=None if to_value is None else str(to_value),
        detail=detail or None,
    )
    db.session.add(event)
    return event


def bump_building(building_id):
    """Move the building's version on by one and return the new version.

    The UPDATE takes the row lock on PostgreSQL, so concurrent changes to one
    building get distinct versions in commit order.
    """
    db.session.flush()
    db.session.execute(
        update(Building)
        .where(Building.id == building_id)
        .values(version=Building.version + 1)
    )
    version = db.session.scalar(
        select(Building.version).where(Building.id == building_id)
    )
    return version


def touch_units(units):
    """Mark units as changed, so open grids pick them up on their next poll."""
    by_building = {}
    for unit in units:
        by_building.setdefault(unit.building_id, []).append(unit)
    for building_id, changed in by_building.items():
        version = bump_building(building_id)
        for unit in changed:
            unit.changed_version = version
