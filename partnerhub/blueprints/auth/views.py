"""Signing in and out, and the choice of language."""

import logging

from flask import (
    Blueprint,
    current_app,
    make_response,
    redirect,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from partnerhub.blueprints.auth.forms import LoginForm
from partnerhub.extensions import limiter
from partnerhub.i18n import LANG_COOKIE
from partnerhub.services import accounts
from partnerhub.services.errors import DomainError
from partnerhub.web import error_response, is_htmx, render, safe_next

bp = Blueprint("auth", __name__)
log = logging.getLogger(__name__)


def _login_limit():
    return current_app.config["LOGIN_RATE_LIMIT"]


def _login_key():
    """Count attempts per address and account, so one office NAT is not locked out."""
    email = (request.form.get("email") or "").strip().lower()
    return f"{request.remote_addr}|{email}"


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, key_func=_login_key, methods=["POST"])
def login():
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    back = safe_next(form.next.data) or url_for("home.index")
    if current_user.is_authenticated and request.method == "GET":
        return redirect(back)

    if not form.validate_on_submit():
        return _login_page(form, status=422 if form.is_submitted() else 200)

    try:
        user = accounts.authenticate(form.email.data, form.password.data)
    except DomainError as error:
        form.form_errors.append(error.message)
        return _login_page(form, status=422)
    if user is None:
        form.form_errors.append(_("Wrong e-mail or password."))
        return _login_page(form, status=422)

    login_user(user, remember=form.remember.data)
    return redirect(back)


def _login_page(form, status):
    return render("auth/login.html", "auth/login.html", status=status, form=form)


@bp.errorhandler(429)
def too_many_attempts(_error):
    """The sign-in page again, saying why, instead of a bare error page.

    An htmx request gets the toast fragment, which the error handler of
    static/js/app.js shows.
    """
    message = _("Too many sign-in attempts. Wait a minute and try again.")
    if is_htmx():
        return error_response(429, message)

    form = LoginForm()
    form.next.data = safe_next(request.form.get("next")) or ""
    form.form_errors.append(message)
    return _login_page(form, status=429)


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    return redirect(url_for("auth.login"))


@bp.post("/language")
def set_language():
    lang = request.form.get("lang")
    if lang not in current_app.config["LANGUAGES"]:
        lang = current_app.config["BABEL_DEFAULT_LOCALE"]

    if current_user.is_authenticated:
        accounts.set_locale(current_user, lang)

    response = make_response(redirect(safe_next(request.form.get("next")) or "/"))
    response.set_cookie(LANG_COOKIE, lang, max_age=365 * 24 * 3600, samesite="Lax")
    return response
