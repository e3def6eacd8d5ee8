"""Fixtures shared by the suite.

The suite runs on SQLite (the default) or on PostgreSQL (`--db postgresql`,
at TEST_DATABASE_URL). The schema is created once per run; every test starts
from empty tables, so that its data are only what it made with the factories.
"""

import os
import re

import pytest
from flask import g, request_started
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from partnerhub import create_app
from partnerhub.background import dispatcher
from partnerhub.config import TestConfig
from partnerhub.extensions import db as _db
from tests.factories import World

DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/partnerhub_test"


def pytest_addoption(parser):
    parser.addoption(
        "--db",
        default=os.environ.get("PARTNERHUB_TEST_DB", "sqlite"),
        choices=("sqlite", "postgresql"),
        help="the database the suite runs on",
    )


def pytest_collection_modifyitems(config, items):
    """Tests marked postgres_only are skipped on SQLite."""
    if config.getoption("--db") == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (run with --db postgresql)")
    for item in items:
        if "postgres_only" in item.keywords:
            item.add_marker(skip)


def _postgres_url():
    url = os.environ.get("TEST_DATABASE_URL", DEFAULT_PG_URL)
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


def _ensure_postgres_database(url):
    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        found = conn.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :name"),
            {"name": parsed.database},
        )
        if not found:
            conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()


@pytest.fixture(scope="session")
def database_url(request, tmp_path_factory):
    backend = request.config.getoption("--db")
    if backend == "postgresql":
        url = _postgres_url()
        worker = os.environ.get("PYTEST_XDIST_WORKER")
        if worker:
            url = f"{url}_{worker}"
        _ensure_postgres_database(url)
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def upload_dir(tmp_path_factory):
    return str(tmp_path_factory.mktemp("uploads"))


@pytest.fixture(scope="session")
def _app(database_url, upload_dir):
    app = create_app(
        TestConfig,
        SQLALCHEMY_DATABASE_URI=database_url,
        UPLOAD_DIR=upload_dir,
    )
    with app.app_context():
        _db.drop_all()
        _db.create_all()
    request_started.connect(_forget_request_globals, app)
    return app


def _forget_request_globals(sender, **_extra):
    """Give every test request an empty `g`, as a server would.

    Tests hold one app context open, and Flask reuses it for each request, so
    `g` (the signed-in user, the CSRF token, the locale) would leak from one
    request, or one client, into the next.
    """
    g.__dict__.clear()


@pytest.fixture()
def app(_app):
    """The application with empty tables, inside an app context."""
    with _app.app_context():
        yield _app
        _db.session.remove()
        dispatcher(_app).drain()
        _empty_tables()


def _empty_tables():
    tables = list(reversed(_db.metadata.sorted_tables))
    with _db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(table.delete())


@pytest.fixture()
def db(app):
    return _db


@pytest.fixture()
def backend(app):
    return _db.engine.dialect.name


@pytest.fixture()
def english(app, monkeypatch):
    """English as the default language, for tests that read the English texts.

    Russian is the real default; tests/test_i18n.py checks the Russian pages.
    """
    monkeypatch.setitem(app.config, "BABEL_DEFAULT_LOCALE", "en")


@pytest.fixture()
def world(app):
    """A developer with staff and a building, and an agency granted all of it."""
    return World()


class WebClient:
    """A test client that signs in and sends the CSRF token like a browser."""

    def __init__(self, flask_client):
        self.raw = flask_client
        self._token = None

    def csrf_token(self):
        if self._token is None:
            # Signed in, /login redirects to a page that carries the token too.
            page = self.raw.get("/login", follow_redirects=True).get_data(as_text=True)
            match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
            if match is None:
                match = re.search(r'"X-CSRFToken": "([^"]+)"', page)
            self._token = match.group(1)
        return self._token

    def login(self, user, password="demo12345"):
        response = self.post("/login", data={"email": user.email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        self._token = None
        return response

    def get(self, url, htmx=False, **kwargs):
        headers = kwargs.pop("headers", {})
        if htmx:
            headers["HX-Request"] = "true"
        return self.raw.get(url, headers=headers, **kwargs)

    def post(self, url, data=None, htmx=False, csrf=True, **kwargs):
        headers = kwargs.pop("headers", {})
        if htmx:
            headers["HX-Request"] = "true"
        if csrf:
            headers["X-CSRFToken"] = self.csrf_token()
        return self.raw.post(url, data=data or {}, headers=headers, **kwargs)


@pytest.fixture()
def client(app):
    return WebClient(app.test_client())


@pytest.fixture()
def make_client(app):
    """More clients, for tests with several people signed in at once."""

    def _make(user=None):
        web = WebClient(app.test_client())
        if user is not None:
            web.login(user)
        return web

    return _make
