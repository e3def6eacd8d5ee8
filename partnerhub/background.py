"""Where background work runs: RQ workers with Redis, a thread here without.

Services never call this module; the outbox hands it the ids of new
messages after their transaction commits.
"""

import logging
import threading
from concurrent.futures import ThreadPoolExecutor

from partnerhub.extensions import db
from partnerhub.services import outbox

log = logging.getLogger(__name__)

QUEUE_NAME = "partnerhub"
DELIVERY_JOB = "workers.jobs.deliver_outbox"
SWEEP_JOB = "workers.jobs.sweep"
# A delivery that fails is retried by RQ at these intervals (seconds); the
# sweep catches anything that falls through.
RETRY_INTERVALS = (10, 30, 120, 600, 1800)


def init_app(app):
    if app.config.get("REDIS_URL"):
        dispatcher = RQDispatcher(app.config["REDIS_URL"], app.config)
    else:
        dispatcher = ThreadDispatcher(app)
    app.extensions[outbox.DISPATCHER_KEY] = dispatcher


def dispatcher(app):
    return app.extensions[outbox.DISPATCHER_KEY]


def job_queue(redis_url, is_async=True):
    from redis import Redis
    from rq import Queue
    from rq.serializers import JSONSerializer

    connection = Redis.from_url(redis_url, socket_connect_timeout=2, socket_timeout=5)
    return Queue(
        QUEUE_NAME, connection=connection, serializer=JSONSerializer, is_async=is_async
    )


class RQDispatcher:
    """Enqueue one RQ job per outbox message, under an id that repeats on retry."""

    def __init__(self, redis_url, config):
        self.redis_url = redis_url
        self.retry_intervals = list(
            config.get("OUTBOX_RETRY_INTERVALS") or RETRY_INTERVALS
        )
        self._queue = None

    @property
    def queue(self):
        if self._queue is None:
            self._queue = job_queue(self.redis_url)
        return self._queue

    def __call__(self, outbox_ids):
        from redis.exceptions import RedisError
        from rq import Retry
        from rq.exceptions import DuplicateJobError

        for outbox_id in outbox_ids:
            try:
                self.queue.enqueue(
                    DELIVERY_JOB,
                    outbox_id,
                    job_id=f"outbox-{outbox_id}",
                    unique=True,
                    retry=Retry(
                        max=len(self.retry_intervals), interval=self.retry_intervals
                    ),
                    job_timeout=300,
                    failure_ttl=7 * 24 * 3600,
                )
            except DuplicateJobError:
                pass  # already queued or running: it will deliver this message
            except RedisError as error:
                # The row stays pending; the sweep enqueues it once Redis is back.
                log.warning(
                    "outbox %s not enqueued, Redis unavailable: %s", outbox_id, error
                )

    def drain(self, timeout=None):
        """Nothing to wait for here: RQ workers run elsewhere."""


class ThreadDispatcher:
    """Without Redis: deliver in one background thread of this process, in order."""

    def __init__(self, app):
        self.app = app
        self.executor = ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="partnerhub-outbox"
        )
        self._pending = []
        self._lock = threading.Lock()

    def __call__(self, outbox_ids):
        future = self.executor.submit(self._deliver, list(outbox_ids))
        with self._lock:
            self._pending = [f for f in self._pending if not f.done()] + [future]

    def _deliver(self, outbox_ids):
        from partnerhub.crm import adapter_for

        with self.app.app_context():
            try:
                for outbox_id in outbox_ids:
                    try:
                        outbox.deliver(outbox_id, adapter_for)
                    except Exception:
                        # Recorded on the row by the outbox; the sweep retries it.
                        log.exception("outbox %s delivery failed in-process", outbox_id)
            finally:
                db.session.remove()

    def drain(self, timeout=30):
        """Wait until what was handed over so far has run (tests, shutdown).

        The caller's own transaction is ended first: on SQLite it may hold the
        write lock the delivery thread needs.
        """
        db.session.rollback()
        with self._lock:
            pending = list(self._pending)
        for future in pending:
            future.result(timeout=timeout)


def run_sweep(app):
    """One pass of the periodic work: expire lapsed reservations, resend what is due."""
    from partnerhub.services import reservations

    with app.app_context():
        try:
            expired = reservations.expire_due()
            due = outbox.due_ids()
            db.session.rollback()
        finally:
            db.session.remove()
    if due:
        dispatcher(app)(due)
    if expired or due:
        log.info(
            "sweep: %s reservations expired, %s outbox messages resent",
            expired,
            len(due),
        )
    return expired, len(due)


def start_sweeper(app, interval=None):
    """Run the sweep every few seconds in a daemon thread (no Redis)."""
    interval = interval or app.config["SWEEP_SECONDS"]
    stop = threading.Event()

    def loop():
        while not stop.wait(interval):
            try:
                run_sweep(app)
            except Exception:
                log.exception("sweep failed; trying again in %s s", interval)

    thread = threading.Thread(target=loop, name="partnerhub-sweeper", daemon=True)
    thread.start()
    return stop
