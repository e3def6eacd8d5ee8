"""The jobs RQ runs. Each pushes an app context and calls one service."""

import logging

from workers.context import job_context

log = logging.getLogger(__name__)


def deliver_outbox(outbox_id):
    """Deliver one outbox message; raises on failure so that RQ retries it."""
    from partnerhub.crm import adapter_for
    from partnerhub.services import outbox

    with job_context():
        outbox.deliver(outbox_id, adapter_for)


def sweep():
    """Expire lapsed reservations and re-enqueue outbox messages that are due."""
    from partnerhub.background import run_sweep

    with job_context() as app:
        return run_sweep(app)
