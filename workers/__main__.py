"""An RQ worker with its scheduler, plus the clock that enqueues the sweep.

    REDIS_URL=redis://127.0.0.1:6379/0 python -m workers

Run as many as needed, on any host that reaches the database and Redis. The
sweep is enqueued under one id per time slot, so several workers never
enqueue it twice.
"""

import logging
import os
import threading
import time

from redis.exceptions import RedisError
from rq import Worker
from rq.exceptions import DuplicateJobError

from partnerhub.background import SWEEP_JOB, job_queue
from workers.context import get_app

log = logging.getLogger("workers")


def _clock(queue, interval, stop):
    while not stop.wait(interval - time.time() % interval):
        slot = int(time.time() // interval)
        try:
            queue.enqueue(
                SWEEP_JOB,
                job_id=f"sweep-{slot}",
                unique=True,
                job_timeout=600,
                result_ttl=interval * 2,
            )
        except DuplicateJobError:
            pass
        except RedisError as error:
            log.warning("sweep not enqueued, Redis unavailable: %s", error)


def main():
    app = get_app()
    redis_url = app.config.get("REDIS_URL")
    if not redis_url:
        raise SystemExit(
            "REDIS_URL is not set: without Redis, jobs run in the web "
            "process and no worker is needed."
        )
    queue = job_queue(redis_url)
    stop = threading.Event()
    clock = threading.Thread(
        target=_clock, args=(queue, app.config["SWEEP_SECONDS"], stop), daemon=True
    )
    clock.start()
    worker = Worker(
        [queue],
        connection=queue.connection,
        serializer=queue.serializer,
        name=os.environ.get("WORKER_NAME"),
    )
    try:
        worker.work(with_scheduler=True, logging_level="INFO")
    finally:
        stop.set()


if __name__ == "__main__":
    main()
