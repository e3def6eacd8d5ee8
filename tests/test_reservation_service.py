"""The reservation state machine, straight through the services."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from partnerhub.models import AuditEvent, OutboxMessage, ReservationStatus, UnitStatus
from partnerhub.services import reservations
from partnerhub.services.errors import (
    InvalidTransition,
    LimitReached,
    NotAllowed,
    UnitNotAvailable,
)
from tests.factories import World, make_agency, make_user

S = ReservationStatus


def _request(world, unit=None, days=7, agent=None):
    return reservations.request_reservation(
        agent or world.agent,
        unit or world.units[0],
        world.grant,
        client_name="Иван Петров",
        client_phone="8 916 123-45-67",
        days=days,
    )


def test_request_marks_unit_requested_and_queues_the_deal(db):
    world = World()

    reservation = _request(world)

    assert reservation.status == S.REQUESTED
    assert reservation.client_phone == "+79161234567"
    assert world.units[0].status == UnitStatus.REQUESTED
    topics = db.session.scalars(db.select(OutboxMessage.topic)).all()
    assert topics == ["crm.deal.create"]
    actions = db.session.scalars(db.select(AuditEvent.action)).all()
    assert sorted(actions) == ["reservation.status", "unit.status"]


def test_second_request_for_the_same_unit_is_refused(db):
    world = World()
    other_agent = make_user(world.agency)
    _request(world)

    with pytest.raises(UnitNotAvailable):
        _request(world, agent=other_agent)


def test_term_is_capped_by_the_grant(db):
    world = World()

    with pytest.raises(LimitReached):
        _request(world, days=world.grant.max_days + 1)


def test_full_path_to_sold(db):
    world = World()
    reservation = _request(world)

    reservations.ask_for_information(world.manager, reservation, text="Паспорт?")
    assert reservation.status == S.INFO_REQUESTED
    reservations.agent_answered(reservation, world.agent)
    assert reservation.status == S.REQUESTED
    reservations.approve(world.manager, reservation, days=10, price=Decimal("5100000"))
    assert world.units[0].status == UnitStatus.RESERVED
    reservations.book(world.manager, reservation)
    assert world.units[0].status == UnitStatus.BOOKED
    reservations.mark_sold(world.manager, reservation)

    assert reservation.status == S.SOLD
    assert world.units[0].status == UnitStatus.SOLD


def test_lost_frees_the_unit(db):
    world = World()
    reservation = _request(world)
    reservations.approve(world.manager, reservation, days=3, price=Decimal("1"))

    reservations.mark_lost(world.manager, reservation)

    assert world.units[0].status == UnitStatus.AVAILABLE


def test_manager_of_another_developer_cannot_decide(db):
    world, other = World(), World()
    reservation = _request(world)

    with pytest.raises(NotAllowed):
        reservations.reject(other.manager, reservation, reason="no")


def test_sold_cannot_be_cancelled(db):
    world = World()
    reservation = _request(world)
    reservations.approve(world.manager, reservation, days=3, price=Decimal("1"))
    reservations.mark_sold(world.manager, reservation)

    with pytest.raises(InvalidTransition):
        reservations.cancel(world.agent, reservation)


def test_another_agent_cannot_cancel(db):
    world = World()
    reservation = _request(world)
    stranger = make_user(make_agency())

    with pytest.raises(NotAllowed):
        reservations.cancel(stranger, reservation)


def test_expiry_is_the_end_of_the_last_day_in_the_project_zone():
    approved_at = datetime(2026, 12, 3, 20, 30, tzinfo=UTC)  # 23:30 MSK

    expires = reservations.expiry_for(1, "Europe/Moscow", now=approved_at)

    # Through 4 December in Moscow: midnight of the 5th, 21:00 UTC on the 4th.
    assert expires == datetime(2026, 12, 4, 21, 0, tzinfo=UTC)


def test_lapsed_reservation_shows_free_and_expires_on_sweep(db):
    world = World()
    reservation = _request(world)
    reservations.approve(world.manager, reservation, days=1, price=Decimal("1"))
    later = reservation.expires_at + timedelta(seconds=1)

    assert (
        reservations.displayed_unit_status(
            world.units[0].status, reservation, now=later
        )
        == UnitStatus.AVAILABLE
    )
    assert reservations.expire_due(now=later) == 1
    db.session.refresh(reservation)
    assert reservation.status == S.EXPIRED
    assert db.session.get(type(world.units[0]), world.units[0].id).status == (
        UnitStatus.AVAILABLE
    )


def test_request_after_lapse_expires_the_old_one_first(db):
    world = World()
    first = _request(world)
    reservations.approve(world.manager, first, days=1, price=Decimal("1"))
    first.expires_at = datetime.now(UTC) - timedelta(minutes=1)
    db.session.commit()

    second = _request(world, agent=make_user(world.agency))

    assert second.status == S.REQUESTED
    db.session.refresh(first)
    assert first.status == S.EXPIRED
