"""/healthz: is the database there, and Redis when one is configured."""

import logging

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from partnerhub.extensions import csrf, db

bp = Blueprint("health", __name__)
log = logging.getLogger(__name__)


@bp.route("/healthz")
@csrf.exempt
def healthz():
    checks = {"database": _check_database()}
    if current_app.config.get("REDIS_URL"):
        checks["redis"] = _check_redis(current_app.config["REDIS_URL"])

    healthy = all(value == "ok" for value in checks.values())
    response = jsonify(status="ok" if healthy else "error", checks=checks)
    response.status_code = 200 if healthy else 503
    response.headers["Cache-Control"] = "no-store"
    return response


def _check_database():
    try:
        db.session.execute(text("SELECT 1"))
        return "ok"
    except Exception as error:  # any failure means unhealthy, whatever its kind
        log.warning("health check: database unreachable: %s", error)
        db.session.rollback()
        return "unreachable"


def _check_redis(url):
    from redis import Redis

    try:
        Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1).ping()
        return "ok"
    except Exception as error:
        log.warning("health check: redis unreachable: %s", error)
        return "unreachable"
