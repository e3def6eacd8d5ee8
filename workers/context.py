"""One application per worker process, and a clean session for every job."""

import os
from contextlib import contextmanager

from partnerhub import create_app
from partnerhub.extensions import db

_app = None
_pid = None


def get_app():
    global _app, _pid
    if _app is None:
        _app = create_app()
    if _pid != os.getpid():
        # A forked work-horse must not share the parent's pooled connections.
        with _app.app_context():
            db.engine.dispose(close=False)
        _pid = os.getpid()
    return _app


@contextmanager
def job_context():
    app = get_app()
    with app.app_context():
        try:
            yield app
        finally:
            db.session.remove()
