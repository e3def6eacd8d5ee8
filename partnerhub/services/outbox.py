"""The outbox: what must reach the outside world, delivered after commit.

A service adds a row in the same transaction as its change. After the commit
the row is handed to the dispatcher: an RQ job when Redis is configured, a
background thread of this process otherwise. A periodic sweep hands over
again whatever is still pending, so nothing is lost while Redis, the CRM or
a worker is down. Delivery is idempotent and in order per reservation.
"""

import logging
from datetime import timedelta

from flask import current_app, has_app_context
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from partnerhub.extensions import db
from partnerhub.models import OutboxMessage, OutboxStatus
from partnerhub.models.types import utcnow

log = logging.getLogger(__name__)

_SESSION_KEY = "outbox_new_ids"
# Limitation: a message that has failed this many times stays failed, and
# nothing puts it back in line yet; PartnerHub's own CRM, the only one so far,
# never refuses a message.
MAX_ATTEMPTS = 12


def add(topic, *, developer_id, reservation_id=None, payload=None):
    """Queue a message for the outside world in the current transaction."""
    row = OutboxMessage(
        topic=topic,
        developer_id=developer_id,
        reservation_id=reservation_id,
        payload=payload or {},
    )
    db.session.add(row)
    db.session.flush()
    db.session.info.setdefault(_SESSION_KEY, []).append(row.id)
    return row


def backoff(attempts):
    """How long to wait before the next attempt: 10 s doubling, up to an hour."""
    return timedelta(seconds=min(10 * 2 ** max(attempts - 1, 0), 3600))


def deliver(outbox_id, adapter_for):
    """Deliver one message, and before it any older one of the same reservation.

    Returns True when the message is delivered (now or before). Raises the
    adapter's error after recording it, so that a job runner can retry.
    """
    row = db.session.get(OutboxMessage, outbox_id)
    if row is None or row.status == OutboxStatus.DELIVERED:
        db.session.rollback()
        return True
    query = select(OutboxMessage.id).where(
        OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.id <= outbox_id
    )
    if row.reservation_id is not None:
        query = query.where(OutboxMessage.reservation_id == row.reservation_id)
    else:
        query = query.where(OutboxMessage.id == outbox_id)
    pending_ids = db.session.scalars(query.order_by(OutboxMessage.id)).all()
    db.session.rollback()

    for pending_id in pending_ids:
        _deliver_one(pending_id, adapter_for)
    return True


def _deliver_one(outbox_id, adapter_for):
    row = db.session.scalar(
        select(OutboxMessage)
        .where(OutboxMessage.id == outbox_id)
        .with_for_update(skip_locked=True)
    )
    if row is None or row.status != OutboxStatus.PENDING:
        # Delivered meanwhile, or another worker holds it right now.
        db.session.rollback()
        return
    try:
        adapter_for(row.developer_id).deliver(row)
    except Exception as error:
        db.session.rollback()
        _record_failure(outbox_id, error)
        raise
    row.status = OutboxStatus.DELIVERED
    row.delivered_at = utcnow()
    row.attempts += 1
    row.last_error = None
    db.session.commit()
    log.info(
        "outbox %s (%s, reservation %s) delivered",
        row.id,
        row.topic,
        row.reservation_id,
    )


def _record_failure(outbox_id, error):
    row = db.session.get(OutboxMessage, outbox_id)
    row.attempts += 1
    row.last_error = f"{type(error).__name__}: {error}"[:2000]
    row.next_attempt_at = utcnow() + backoff(row.attempts)
    if row.attempts >= MAX_ATTEMPTS:
        row.status = OutboxStatus.FAILED
    db.session.commit()
    log.warning(
        "outbox %s (%s) attempt %s failed: %s",
        row.id,
        row.topic,
        row.attempts,
        row.last_error,
    )


def due_ids(now=None, limit=500):
    """Pending messages whose next attempt is due, oldest first."""
    return db.session.scalars(
        select(OutboxMessage.id)
        .where(
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.next_attempt_at <= (now or utcnow()),
        )
        .order_by(OutboxMessage.id)
        .limit(limit)
    ).all()


# Hand new rows to the app's dispatcher once their transaction has committed.

DISPATCHER_KEY = "partnerhub.dispatcher"


@event.listens_for(Session, "after_commit")
def _after_commit(session):
    ids = session.info.pop(_SESSION_KEY, None)
    if ids and has_app_context():
        current_app.extensions[DISPATCHER_KEY](ids)


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session, previous_transaction):
    # The rows of a rolled-back transaction never existed. A rolled-back
    # savepoint may leave an id behind; delivery skips ids with no row.
    if previous_transaction.parent is None:
        session.info.pop(_SESSION_KEY, None)
