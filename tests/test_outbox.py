"""Outbox rows are delivered after commit, in order, once; failures are kept."""

from decimal import Decimal

import pytest

from partnerhub.background import dispatcher
from partnerhub.crm.base import CrmAdapter
from partnerhub.models import OutboxMessage, OutboxStatus, Reservation
from partnerhub.services import outbox, reservations
from tests.factories import World
from tests.helpers import request_first_unit


def test_request_is_delivered_to_the_builtin_crm_after_commit(app, db):
    world = World()

    reservation = request_first_unit(world)
    dispatcher(app).drain()

    db.session.expire_all()
    row = db.session.scalar(db.select(OutboxMessage))
    assert row.status == OutboxStatus.DELIVERED
    assert db.session.get(Reservation, reservation.id).crm_deal_id == (
        f"PH-{reservation.id}"
    )


class Flaky(CrmAdapter):
    """Fails the first call, then records what it delivered."""

    def __init__(self):
        self.calls = []
        self.fail_next = True

    def deliver(self, row):
        if self.fail_next:
            self.fail_next = False
            raise ConnectionError("CRM unreachable")
        self.calls.append((row.reservation_id, row.topic))


def test_failure_is_recorded_and_retry_keeps_order(app, db):
    world = World()
    dispatcher(app).drain()
    reservation = request_first_unit(world)
    reservations.approve(world.manager, reservation, days=3, price=Decimal("1"))
    dispatcher(app).drain()
    db.session.execute(
        db.update(OutboxMessage).values(status=OutboxStatus.PENDING, attempts=0)
    )
    db.session.commit()
    ids = db.session.scalars(
        db.select(OutboxMessage.id).order_by(OutboxMessage.id)
    ).all()
    crm = Flaky()

    with pytest.raises(ConnectionError):
        outbox.deliver(ids[-1], lambda _developer_id: crm)
    first = db.session.get(OutboxMessage, ids[0])
    assert first.status == OutboxStatus.PENDING
    assert first.attempts == 1 and "CRM unreachable" in first.last_error

    outbox.deliver(ids[-1], lambda _developer_id: crm)

    assert crm.calls == [
        (reservation.id, "crm.deal.create"),
        (reservation.id, "crm.deal.stage"),
    ]
    outbox.deliver(ids[-1], lambda _developer_id: crm)
    assert len(crm.calls) == 2


def test_rolled_back_change_sends_nothing(app, db):
    world = World()
    seen = []
    original = dispatcher(app)
    app.extensions[outbox.DISPATCHER_KEY] = seen.extend
    try:
        outbox.add("crm.deal.stage", developer_id=world.developer.id)
        db.session.rollback()
        db.session.commit()
    finally:
        app.extensions[outbox.DISPATCHER_KEY] = original

    assert seen == []
