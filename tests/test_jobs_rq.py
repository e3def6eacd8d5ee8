"""Background work through a real Redis and a real RQ worker process."""

import os
import subprocess
import sys
import time
from datetime import timedelta
from decimal import Decimal

import pytest

from partnerhub import create_app
from partnerhub.config import TestConfig
from partnerhub.extensions import db as _db
from partnerhub.models import (
    OutboxMessage,
    OutboxStatus,
    Reservation,
    ReservationStatus,
)
from partnerhub.models.types import utcnow
from partnerhub.services import reservations
from tests.factories import World
from tests.helpers import request_first_unit
from tests.redis_server import PrivateRedis

pytestmark = [
    pytest.mark.redis,
    pytest.mark.skipif(
        not PrivateRedis.available(), reason="redis-server not installed"
    ),
]


@pytest.fixture()
def redis_server():
    server = PrivateRedis().start()
    yield server
    server.stop()


@pytest.fixture()
def rq_app(app, database_url, redis_server):
    """The same database as `app`, with jobs going to the private Redis."""
    web = create_app(
        TestConfig, SQLALCHEMY_DATABASE_URI=database_url, REDIS_URL=redis_server.url
    )
    with web.app_context():
        yield web
        _db.session.remove()


@pytest.fixture()
def worker(database_url, redis_server, tmp_path):
    env = dict(
        os.environ,
        DATABASE_URL=database_url,
        REDIS_URL=redis_server.url,
        PARTNERHUB_SWEEP_SECONDS="1",
    )
    log = tmp_path / "worker.log"
    with open(log, "wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "workers"],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        process.log = log
        yield process
        process.terminate()
        process.wait(timeout=20)


def _wait_for(check, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = check()
        # End the read at once: on SQLite it would hold the worker's write lock.
        _db.session.rollback()
        if done:
            return True
        time.sleep(0.2)
    return False


def test_worker_delivers_the_new_deal(rq_app, worker):
    world = World()

    reservation_id = request_first_unit(world).id
    _db.session.rollback()

    assert _wait_for(
        lambda: _db.session.get(Reservation, reservation_id).crm_deal_id is not None
    ), worker.log.read_text()[-3000:]


def test_worker_sweep_expires_a_lapsed_reservation(rq_app, worker):
    world = World()
    reservation = request_first_unit(world)
    reservations.approve(world.manager, reservation, days=1, price=Decimal("1"))
    reservation.expires_at = utcnow() - timedelta(seconds=1)
    _db.session.commit()
    reservation_id = reservation.id

    assert _wait_for(
        lambda: (
            _db.session.get(Reservation, reservation_id).status
            == ReservationStatus.EXPIRED
        )
    )


def test_nothing_is_lost_while_redis_is_down(rq_app, redis_server, worker):
    world = World()
    redis_server.stop()

    reservation_id = request_first_unit(world).id
    _db.session.rollback()
    row = _db.session.scalar(_db.select(OutboxMessage))
    assert row.status == OutboxStatus.PENDING

    redis_server.start()
    assert _wait_for(
        lambda: _db.session.get(Reservation, reservation_id).crm_deal_id is not None,
        timeout=60,
    )
