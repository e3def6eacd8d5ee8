"""The life of a reservation, and the unit status that follows it.

requested → info_requested ⇄ requested → approved → booked → sold; an open
reservation may also end rejected, cancelled, expired or lost. A unit has at
most one open reservation; a unique index over open reservations is the real
guard, the row lock on the unit keeps the common case polite.
"""

import logging
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from partnerhub import access
from partnerhub.extensions import db
from partnerhub.models import (
    MAX_PRICE,
    Message,
    MessageKind,
    Reservation,
    ReservationStatus,
    Unit,
    UnitStatus,
)
from partnerhub.models.types import utcnow
from partnerhub.services import audit, outbox
from partnerhub.services.errors import (
    DomainError,
    InvalidTransition,
    LimitReached,
    NotAllowed,
    UnitNotAvailable,
)
from partnerhub.services.phones import normalize_phone

log = logging.getLogger(__name__)

S = ReservationStatus
MAX_APPROVED_DAYS = 180

# The unit status that each reservation status implies; the closed states
# that free the unit map to available.
UNIT_STATUS_FOR = {
    S.REQUESTED: UnitStatus.REQUESTED,
    S.INFO_REQUESTED: UnitStatus.REQUESTED,
    S.APPROVED: UnitStatus.RESERVED,
    S.BOOKED: UnitStatus.BOOKED,
    S.SOLD: UnitStatus.SOLD,
    S.REJECTED: UnitStatus.AVAILABLE,
    S.CANCELLED: UnitStatus.AVAILABLE,
    S.EXPIRED: UnitStatus.AVAILABLE,
    S.LOST: UnitStatus.AVAILABLE,
}

# Which steps lead from which states.
ALLOWED = {
    S.INFO_REQUESTED: (S.REQUESTED,),
    S.REQUESTED: (S.INFO_REQUESTED,),
    S.APPROVED: (S.REQUESTED, S.INFO_REQUESTED),
    S.REJECTED: (S.REQUESTED, S.INFO_REQUESTED),
    S.BOOKED: (S.APPROVED,),
    S.SOLD: (S.APPROVED, S.BOOKED),
    S.LOST: (S.APPROVED, S.BOOKED),
    S.CANCELLED: (S.REQUESTED, S.INFO_REQUESTED, S.APPROVED),
    S.EXPIRED: (S.APPROVED,),
}


def is_lapsed(reservation, now=None):
    """An approved reservation whose term is over, expired job or not."""
    return (
        reservation is not None
        and reservation.status == S.APPROVED
        and reservation.expires_at is not None
        and reservation.expires_at <= (now or utcnow())
    )


def displayed_unit_status(unit_status, reservation, now=None):
    """What the grid shows: a lapsed reservation frees the unit before the job runs."""
    if is_lapsed(reservation, now):
        return UnitStatus.AVAILABLE
    return unit_status


def expiry_for(days, project_timezone, now=None):
    """The end of the last day of the term, in the project's time zone, as UTC.

    A term of N days approved today runs through the N-th day after today, so
    that a one-day reservation approved in the evening still lasts a day.
    """
    zone = ZoneInfo(project_timezone or "Europe/Moscow")
    today = (now or utcnow()).astimezone(zone).date()
    last_day = today + timedelta(days=days)
    end = datetime.combine(last_day + timedelta(days=1), time.min, tzinfo=zone)
    return end.astimezone(ZoneInfo("UTC"))


def open_reservation_for(unit_id):
    return db.session.scalar(
        select(Reservation).where(
            Reservation.unit_id == unit_id, Reservation.status.in_(S.OPEN)
        )
    )


# Requests


def request_reservation(
    agent, unit, grant, *, client_name, client_phone, days, comment=None
):
    """An agent's request for a unit; the unit shows "requested" at once.

    The caller loaded the unit through access.unit_or_404(for_update=True), so
    the row is locked until commit.
    """
    if not agent.is_agency_staff or grant is None:
        raise NotAllowed(_l("Only a partner agency's staff may request a reservation."))
    if not 1 <= days <= grant.max_days:
        raise LimitReached(
            ngettext(
                "The term must be from 1 to %(num)s day.",
                "The term must be from 1 to %(num)s days.",
                grant.max_days,
            ),
            field="days",
        )
    phone = normalize_phone(client_phone, unit.project.currency)
    client_name = (client_name or "").strip()
    if not client_name:
        raise DomainError(_l("Enter the client's name."), field="client_name")

    _expire_if_lapsed(open_reservation_for(unit.id))
    if unit.status != UnitStatus.AVAILABLE:
        raise UnitNotAvailable(_l("This unit has just been taken. Choose another."))

    reservation = Reservation(
        unit_id=unit.id,
        developer_id=unit.project.developer_id,
        agency_id=agent.organization_id,
        agent_id=agent.id,
        status=S.REQUESTED,
        client_name=client_name[:200],
        client_phone=phone,
        requested_days=days,
        comment=(comment or "").strip() or None,
        price_at_request=unit.price,
    )
    try:
        with db.session.begin_nested():
            db.session.add(reservation)
    except IntegrityError:
        db.session.rollback()
        log.info("unit %s: request by user %s lost the race", unit.id, agent.id)
        raise UnitNotAvailable(
            _l("This unit has just been taken. Choose another.")
        ) from None

    audit.record(
        "reservation.status",
        agent,
        organization_id=reservation.developer_id,
        unit=unit,
        reservation=reservation,
        from_value=None,
        to_value=S.REQUESTED,
    )
    _set_unit_status(unit, UnitStatus.REQUESTED, agent, reservation)
    outbox.add(
        "crm.deal.create",
        developer_id=reservation.developer_id,
        reservation_id=reservation.id,
    )
    db.session.commit()
    log.info(
        "reservation %s requested by user %s for unit %s, %s days",
        reservation.id,
        agent.id,
        unit.id,
        days,
    )
    return reservation


# The sales manager's decisions


def approve(manager, reservation, *, days, price):
    """Approve with a term and a fixed price; the unit is reserved until the end."""
    _require_staff(manager, reservation)
    if not 1 <= days <= MAX_APPROVED_DAYS:
        raise LimitReached(
            ngettext(
                "The term must be from 1 to %(num)s day.",
                "The term must be from 1 to %(num)s days.",
                MAX_APPROVED_DAYS,
            ),
            field="days",
        )
    if price is None or not 0 < price <= MAX_PRICE:
        raise DomainError(_l("Enter the fixed price."), field="price")
    unit = lock_for_change(reservation)
    _check_step(reservation, S.APPROVED)
    reservation.approved_days = days
    reservation.fixed_price = price
    reservation.expires_at = expiry_for(days, unit.project.timezone)
    _move(reservation, S.APPROVED, manager, unit)
    db.session.commit()
    log.info(
        "reservation %s approved by user %s, unit %s reserved until %s",
        reservation.id,
        manager.id,
        unit.id,
        reservation.expires_at.isoformat(),
    )
    return reservation


def reject(manager, reservation, *, reason):
    _require_staff(manager, reservation)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_l("Say why the request is rejected."), field="reason")
    unit = lock_for_change(reservation)
    _check_step(reservation, S.REJECTED)
    reservation.reject_reason = reason
    _move(reservation, S.REJECTED, manager, unit)
    _add_message(reservation, manager, reason, MessageKind.SYSTEM)
    db.session.commit()
    log.info(
        "reservation %s rejected by user %s, unit %s free again",
        reservation.id,
        manager.id,
        unit.id,
    )
    return reservation


def ask_for_information(manager, reservation, *, text):
    """The manager asks the agent for details or documents, in the thread."""
    _require_staff(manager, reservation)
    text = (text or "").strip()
    if not text:
        raise DomainError(_l("Write what you need from the agent."), field="text")
    unit = lock_for_change(reservation)
    if reservation.status != S.INFO_REQUESTED:
        _move(reservation, S.INFO_REQUESTED, manager, unit)
    message = _add_message(reservation, manager, text, MessageKind.INFO_REQUEST)
    db.session.commit()
    log.info(
        "reservation %s: user %s asked for information (message %s)",
        reservation.id,
        manager.id,
        message.id,
    )
    return message


def book(manager, reservation):
    return _advance(manager, reservation, S.BOOKED)


def mark_sold(manager, reservation):
    return _advance(manager, reservation, S.SOLD)


def mark_lost(manager, reservation):
    return _advance(manager, reservation, S.LOST)


def _advance(manager, reservation, status):
    _require_staff(manager, reservation)
    unit = lock_for_change(reservation)
    _move(reservation, status, manager, unit)
    db.session.commit()
    log.info(
        "reservation %s moved to %s by user %s, unit %s is %s",
        reservation.id,
        status,
        manager.id,
        unit.id,
        unit.status,
    )
    return reservation


# The agent's side


def cancel(user, reservation):
    """The agent (or its agency admin) withdraws a request or a reservation."""
    if not access.can_cancel(user, reservation):
        raise NotAllowed(_l("Only the agent who made the request can cancel it."))
    unit = lock_for_change(reservation)
    _move(reservation, S.CANCELLED, user, unit)
    db.session.commit()
    log.info(
        "reservation %s cancelled by user %s, unit %s free again",
        reservation.id,
        user.id,
        unit.id,
    )
    return reservation


def agent_answered(reservation, user):
    """An answer from the agency sends an info request back to the manager."""
    unit = lock_for_change(reservation)
    if reservation.status == S.INFO_REQUESTED and user.is_agency_staff:
        _move(reservation, S.REQUESTED, user, unit)


# Expiry


def expire_due(now=None):
    """Expire every approved reservation whose term is over; returns how many."""
    now = now or utcnow()
    due_ids = db.session.scalars(
        select(Reservation.id).where(
            Reservation.status == S.APPROVED, Reservation.expires_at <= now
        )
    ).all()
    db.session.rollback()
    expired = 0
    for reservation_id in due_ids:
        reservation = db.session.get(Reservation, reservation_id)
        lock_for_change(reservation)
        if _expire_if_lapsed(reservation, now):
            expired += 1
        db.session.commit()
    return expired


def _expire_if_lapsed(reservation, now=None):
    if not is_lapsed(reservation, now):
        return False
    # The unit is locked already (by the request, or by lock_for_change).
    unit = db.session.get(Unit, reservation.unit_id)
    _move(reservation, S.EXPIRED, None, unit)
    log.info("reservation %s expired, unit %s free again", reservation.id, unit.id)
    return True


# The sales team's queue


def queue(user):
    """The pending requests, oldest first, and the active ones, ending soonest first."""
    return (
        _queued(user, S.PENDING, Reservation.created_at),
        _queued(user, S.ACTIVE, Reservation.expires_at),
    )


def queue_version(user):
    """A text that changes whenever a request the user sees arrives or moves."""
    count, last = db.session.execute(
        select(func.count(), func.max(Reservation.updated_at)).where(
            access.reservation_visibility_clause(user)
        )
    ).one()
    return f"{count}-{last.timestamp() if last else 0}"


def _queued(user, statuses, oldest_first_by):
    unit = joinedload(Reservation.unit)
    query = (
        access.visible_reservations(user)
        .where(Reservation.status.in_(statuses))
        .options(
            unit.joinedload(Unit.project),
            unit.joinedload(Unit.building),
            unit.joinedload(Unit.section),
            unit.joinedload(Unit.floor),
            joinedload(Reservation.agency),
            joinedload(Reservation.agent),
        )
        .order_by(oldest_first_by, Reservation.id)
    )
    return db.session.scalars(query).all()


# Shared steps


def _require_staff(user, reservation):
    if not access.is_developer_staff_of(user, reservation.developer_id):
        raise NotAllowed(_l("Only the developer's sales team can do this."))


def lock_for_change(reservation):
    """Lock the unit, then the reservation, and read both afresh; returns the unit.

    Every change takes the locks in this order (a new request locks the unit
    alone), so two changes never wait for each other in a circle, and the
    status checked next is the one standing now, not when the page was drawn.
    """
    unit = db.session.scalar(
        select(Unit)
        .where(Unit.id == reservation.unit_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    db.session.refresh(reservation, with_for_update=True)
    return unit


def _check_step(reservation, status):
    if reservation.status not in ALLOWED[status]:
        raise InvalidTransition(
            _l("This reservation has already moved on. Reload to see where it is.")
        )


def _move(reservation, status, actor, unit):
    """Change the reservation's status, the unit's with it, and record both."""
    _check_step(reservation, status)
    previous = reservation.status
    reservation.status = status
    reservation.updated_at = utcnow()
    if actor is not None and actor.is_developer_staff:
        reservation.decided_at = utcnow()
        reservation.decided_by_id = actor.id
    audit.record(
        "reservation.status",
        actor,
        organization_id=reservation.developer_id,
        unit=unit,
        reservation=reservation,
        from_value=previous,
        to_value=status,
    )
    _set_unit_status(unit, UNIT_STATUS_FOR[status], actor, reservation)
    outbox.add(
        "crm.deal.stage",
        developer_id=reservation.developer_id,
        reservation_id=reservation.id,
        payload={"from": previous, "to": status},
    )


def _set_unit_status(unit, status, actor, reservation=None):
    if unit.status != status:
        audit.record(
            "unit.status",
            actor,
            organization_id=unit.project.developer_id,
            unit=unit,
            reservation=reservation,
            from_value=unit.status,
            to_value=status,
        )
        unit.status = status
    # Even without a status change the cell may look different (its
    # reservation changed), so the grid is told either way.
    audit.touch_units([unit])


def _add_message(reservation, author, body, kind=MessageKind.MESSAGE):
    message = Message(
        reservation=reservation,
        author_id=author.id if author else None,
        body=body,
        kind=kind,
    )
    db.session.add(message)
    db.session.flush()
    return message
