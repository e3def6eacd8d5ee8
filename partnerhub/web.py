"""How every request and response behaves: sign-in, htmx, errors, headers."""

import hashlib
import logging
import os
import re
from urllib.parse import urlsplit

from flask import (
    Response,
    abort,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.routing import IntegerConverter

from partnerhub import i18n
from partnerhub.extensions import db, login_manager
from partnerhub.models.types import MAX_ID

log = logging.getLogger(__name__)


def is_htmx():
    """True for an htmx request that wants a fragment (not a history restore)."""
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def render(page, fragment, status=200, **context):
    """Render the fragment for htmx and the whole page otherwise.

    The page includes the same fragment, so both always agree.
    """
    template = fragment if is_htmx() else page
    response = Response(render_template(template, **context), status=status)
    response.headers["Vary"] = "HX-Request"
    return response


def htmx_redirect(location):
    """Send the browser elsewhere, also from inside an htmx request."""
    if request.headers.get("HX-Request") == "true":
        response = Response(status=204)
        response.headers["HX-Redirect"] = location
        return response
    return redirect(location)


class IdConverter(IntegerConverter):
    """An id in a URL; one too large for the database names nothing (404)."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def id_arg(value):
    """A row id from a query or form value, or None when it cannot be one."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 <= number <= MAX_ID else None


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def safe_next(target):
    """A local path to go back to after sign-in, or None."""
    if not target:
        return None
    target = _CONTROL.sub("", target).strip()
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def _login_url_coming_back():
    back = request.full_path if request.method == "GET" else request.referrer
    if request.headers.get("HX-Request") == "true":
        # An htmx click comes back to the page it was made from, not the cell.
        back = request.headers.get("HX-Current-URL") or back
        if back:
            parts = urlsplit(back)
            back = parts.path + (f"?{parts.query}" if parts.query else "")
    return url_for("auth.login", next=safe_next(back) or None)


@login_manager.user_loader
def _load_user(session_token):
    from partnerhub.models import User

    return db.session.scalar(db.select(User).filter_by(session_token=session_token))


@login_manager.unauthorized_handler
def _unauthorized():
    return htmx_redirect(_login_url_coming_back())


def error_response(status, message):
    """An error as a toast for htmx, or as a page of its own."""
    if is_htmx():
        html = render_template("_error_toast.html", message=message)
    else:
        html = render_template("error.html", status=status, message=message)
    response = Response(html, status=status)
    response.headers["Vary"] = "HX-Request"
    return response


def _error_page(status, message):
    if request.accept_mimetypes.best == "application/json":
        return jsonify(error=message), status
    return error_response(status, message)


def _version_static_urls(app):
    """Give static URLs a version from the file's content, so phones may cache them.

    A changed file gets a new URL; an unchanged one is served from the
    phone's cache for a year without even a revalidation request.
    """
    versions = {}

    @app.url_defaults
    def _add_version(endpoint, values):
        if endpoint != "static" or "v" in values:
            return
        filename = values.get("filename")
        if filename not in versions:
            path = os.path.join(app.static_folder, filename or "")
            try:
                with open(path, "rb") as handle:
                    versions[filename] = hashlib.sha256(handle.read()).hexdigest()[:10]
            except OSError:
                versions[filename] = None
        if versions[filename]:
            values["v"] = versions[filename]

    @app.after_request
    def _cache_versioned_static(response):
        if request.endpoint == "static" and request.args.get("v"):
            response.cache_control.no_cache = None
            response.cache_control.max_age = 365 * 24 * 3600
            response.cache_control.public = True
            response.cache_control.immutable = True
        return response


def init_app(app):
    app.url_map.converters["int"] = IdConverter
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "basic"
    i18n.init_app(app)

    @app.errorhandler(CSRFError)
    def _csrf_failed(error):
        log.info(
            "CSRF check failed on %s %s: %s",
            request.method,
            request.path,
            error.description,
        )
        if not current_user.is_authenticated and request.endpoint != "auth.login":
            # The session ran out (the token went with it): sign in again.
            return _unauthorized()
        return _error_page(
            400,
            _(
                "The form has expired or was sent from elsewhere. Reload the page "
                "and try again."
            ),
        )

    @app.before_request
    def _refuse_nul_bytes():
        # PostgreSQL cannot store a NUL character; no person types one. An
        # uploaded file's name becomes a project's name on import.
        values = [
            *request.args.values(),
            *request.form.values(),
            *(upload.filename or "" for _, upload in request.files.items(multi=True)),
        ]
        if any("\x00" in value for value in values):
            abort(400, _("The form contains an invalid character."))

    @app.errorhandler(400)
    def _bad_request(error):
        message = error.description if isinstance(error.description, str) else None
        if not message or message.startswith("The browser (or proxy)"):
            message = _("The request could not be understood.")
        return _error_page(400, message)

    @app.errorhandler(403)
    def _forbidden(_error):
        return _error_page(403, _("You do not have the rights for this."))

    @app.errorhandler(404)
    def _not_found(_error):
        return _error_page(404, _("Not found."))

    @app.errorhandler(413)
    def _too_large(_error):
        return _error_page(413, _("The file is too large."))

    @app.errorhandler(429)
    def _too_many(_error):
        return _error_page(429, _("Too many attempts. Wait a minute and try again."))

    _version_static_urls(app)

    @app.after_request
    def _security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault(
            "Referrer-Policy", "strict-origin-when-cross-origin"
        )
        response.headers.setdefault("X-Frame-Options", "DENY")
        if current_user.is_authenticated and "Cache-Control" not in response.headers:
            # Personal pages and fragments must not be served from a cache.
            response.headers["Cache-Control"] = "no-store"
        return response

    @app.context_processor
    def _template_globals():
        return {
            "is_htmx": is_htmx(),
            "current_locale": str(i18n.get_locale()),
            "grid_poll_seconds": app.config["GRID_POLL_SECONDS"],
        }
