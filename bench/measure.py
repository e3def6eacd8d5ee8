"""Tools the suites share: a fresh app on a temporary SQLite file, a signed-in
test client, query counting and timing."""

import statistics
import time
from contextlib import contextmanager

from sqlalchemy import event

from partnerhub import create_app
from partnerhub.config import Config
from partnerhub.extensions import db

REPEATS = 30
WARM_UP = 3


class BenchConfig(Config):
    TESTING = False
    REDIS_URL = None
    RATELIMIT_STORAGE_URI = "memory://"
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"


def make_app(workdir, name):
    """A fresh application on its own SQLite file, with the schema created."""
    path = workdir / f"{name}.sqlite3"
    app = create_app(
        BenchConfig,
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}",
        UPLOAD_DIR=str(workdir / "uploads"),
    )
    with app.app_context():
        db.create_all()
    return app


def signed_in_client(app, user):
    """A test client with the user's session, as after a sign-in."""
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = user.session_token
        session["_fresh"] = True
    return client


class QueryCounter:
    """Counts the SQL statements sent, leaving out transaction control."""

    def __init__(self, engine):
        self.engine = engine
        self.count = 0

    def _on_execute(self, conn, cursor, statement, *args):
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK")):
            self.count += 1

    @contextmanager
    def counting(self):
        self.count = 0
        event.listen(self.engine, "before_cursor_execute", self._on_execute)
        try:
            yield self
        finally:
            event.remove(self.engine, "before_cursor_execute", self._on_execute)


def median_ms(call, repeats=REPEATS, warm_up=WARM_UP):
    """The median wall time of a call, in milliseconds, after a warm-up."""
    for _ in range(warm_up):
        call()
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 2)
