"""Configuration: defaults here, overridden from the environment.

DATABASE_URL, REDIS_URL, SECRET_KEY and PORT are read as they are; every other
setting is read from PARTNERHUB_<NAME>.
"""

import os
from pathlib import Path

INSTANCE_DIR = Path(__file__).resolve().parent.parent / "instance"


def _database_url():
    """DATABASE_URL as given; a plain postgresql:// URL means the psycopg 3 driver."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        return f"sqlite:///{INSTANCE_DIR / 'partnerhub.sqlite3'}"
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _env_int(name, default):
    value = os.environ.get(f"PARTNERHUB_{name}")
    return int(value) if value else default


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-secret-change-me")
    SQLALCHEMY_DATABASE_URI = _database_url()
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    REDIS_URL = os.environ.get("REDIS_URL") or None

    # A dashboard left open for a day must still be able to post.
    WTF_CSRF_TIME_LIMIT = None
    WTF_CSRF_SSL_STRICT = False

    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = os.environ.get("PARTNERHUB_SECURE_COOKIES", "0") == "1"
    SESSION_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_DURATION = 60 * 60 * 24 * 30

    BABEL_DEFAULT_LOCALE = "ru"
    BABEL_DEFAULT_TIMEZONE = "Europe/Moscow"
    LANGUAGES = ("ru", "en")

    # Uploaded listing files may be up to 50 MB; attachments are capped lower
    # by their own check.
    MAX_CONTENT_LENGTH = 50 * 1024 * 1024 + 64 * 1024
    LISTING_MAX_BYTES = 50 * 1024 * 1024
    ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024
    UPLOAD_DIR = os.environ.get("PARTNERHUB_UPLOAD_DIR", str(INSTANCE_DIR / "uploads"))

    GRID_POLL_SECONDS = _env_int("GRID_POLL_SECONDS", 10)
    THREAD_POLL_SECONDS = _env_int("THREAD_POLL_SECONDS", 5)
    LOGIN_RATE_LIMIT = os.environ.get("PARTNERHUB_LOGIN_RATE_LIMIT", "10 per minute")

    # Without Redis the background work runs in this process.
    SWEEP_SECONDS = _env_int("SWEEP_SECONDS", 30)
    OUTBOX_RETRY_SECONDS = _env_int("OUTBOX_RETRY_SECONDS", 60)

    # Pages go out compressed, for phones on slow networks.
    COMPRESS_ALGORITHM = ["br", "gzip"]
    COMPRESS_MIN_SIZE = 1024

    RATELIMIT_HEADERS_ENABLED = True
    # If Redis goes away, count in memory rather than refuse every sign-in.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret"
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    REDIS_URL = None
    LOGIN_RATE_LIMIT = "1000 per minute"
    # Cheap hashes keep the suite fast; production keeps Werkzeug's scrypt.
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
