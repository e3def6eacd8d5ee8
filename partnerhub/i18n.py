"""Locale and time zone choice, and the formatting filters the templates use.

Russian is the default; English is chosen by the user (stored on the account,
or in a cookie before sign-in).
"""

from decimal import Decimal
from zoneinfo import ZoneInfo

from babel.numbers import format_compact_currency, format_currency, format_decimal
from flask import current_app, has_request_context, request
from flask_babel import format_datetime, get_locale, gettext
from flask_login import current_user

from partnerhub.services.phones import display_phone

LANG_COOKIE = "lang"


def select_locale():
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        # Commands and jobs speak the default language.
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen in languages:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone():
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def money(value, currency):
    """A full amount in the user's locale: 717 675 ₽, or 11 761,30 ₽ with kopecks."""
    if value is None:
        return ""
    locale = get_locale()
    pattern = locale.currency_formats["standard"].pattern
    if Decimal(value) == Decimal(value).to_integral():
        pattern = pattern.replace(".00", "")
    return format_currency(
        value, currency, locale=locale, format=pattern, currency_digits=False
    )


def short_money(value, currency):
    """A compact amount for a grid cell: 7,8 млн ₽."""
    if value is None:
        return ""
    return format_compact_currency(
        value, currency, locale=get_locale(), fraction_digits=1
    )


def number(value, digits=2):
    if value is None:
        return ""
    return format_decimal(
        value,
        locale=get_locale(),
        decimal_quantization=False,
        format=f"#,##0.{'#' * digits}" if digits else "#,##0",
    )


def local_datetime(value, zone=None, fmt="short"):
    """A UTC datetime shown in a zone (the project's, or the default)."""
    if value is None:
        return ""
    if zone:
        value = value.astimezone(ZoneInfo(zone))
        return format_datetime(value.replace(tzinfo=None), fmt, rebase=False)
    return format_datetime(value, fmt)


def _is_bare_code(name):
    """A name like "1" or "A" needs a word before it; "Корпус 1" does not."""
    return bool(name) and len(name) <= 3 and " " not in name


def building_label(name):
    """How a building is named in a sentence: "корпус 1", or its own name."""
    return gettext("building %(name)s", name=name) if _is_bare_code(name) else name


def section_label(name):
    return gettext("Section %(name)s", name=name) if _is_bare_code(name) else name


def init_app(app):
    app.add_template_filter(money)
    app.add_template_filter(building_label)
    app.add_template_filter(section_label)
    app.add_template_filter(display_phone, "phone")
    app.add_template_filter(short_money)
    app.add_template_filter(number)
    app.add_template_filter(local_datetime)
