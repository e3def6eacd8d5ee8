"""How reservations read on a page: status words, terms, durations, file sizes.

Registered as template filters and globals by the reservations blueprint, so
that the queue, the thread and the unit panel say the same things.
"""

from datetime import timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_timedelta
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from partnerhub.i18n import number
from partnerhub.models import ReservationStatus
from partnerhub.services.reservations import is_lapsed

S = ReservationStatus

STATUS_LABELS = {
    S.REQUESTED: _l("Requested"),
    S.INFO_REQUESTED: _l("Information requested"),
    S.APPROVED: _l("Reserved"),
    S.BOOKED: _l("Booked"),
    S.SOLD: _l("Sold"),
    S.REJECTED: _l("Rejected"),
    S.CANCELLED: _l("Cancelled"),
    S.EXPIRED: _l("Expired"),
    S.LOST: _l("Lost"),
}


def status_label(status):
    return STATUS_LABELS.get(status, status)


def shown_status(reservation):
    """The status to show: an approved term that is over reads expired at once,
    before the sweep has recorded it."""
    return S.EXPIRED if is_lapsed(reservation) else reservation.status


def deal_stage(reservation):
    """The deal's stage: the CRM's own name when it has one, else the status."""
    return reservation.crm_stage_name or status_label(shown_status(reservation))


def term_end(expires_at, zone=None):
    """The last day of a term, in the project's zone: "until the end of" it."""
    if expires_at is None:
        return ""
    local = expires_at.astimezone(ZoneInfo(zone or "Europe/Moscow"))
    return format_date(local - timedelta(microseconds=1), "medium")


def duration(delta):
    """A waiting time as people say it: "3 h 12 min", "2 days 5 h", "4 min"."""
    minutes = max(int(delta.total_seconds() // 60), 0)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = []
    if days:
        parts.append(_span(timedelta(days=days), "day"))
    if hours:
        parts.append(_span(timedelta(hours=hours), "hour"))
    if minutes and not days:
        parts.append(_span(timedelta(minutes=minutes), "minute"))
    if not parts:
        return _("less than a minute")
    return " ".join(parts)


def _span(delta, unit):
    return format_timedelta(
        delta, granularity=unit, threshold=10**9, format="short", locale=get_locale()
    )


def file_size(size):
    if size < 1024 * 1024:
        return _("%(size)s KB", size=number(max(size / 1024, 1), 0))
    return _("%(size)s MB", size=number(size / (1024 * 1024), 1))


def register(blueprint):
    blueprint.add_app_template_filter(status_label, "reservation_status")
    blueprint.add_app_template_filter(shown_status, "shown_status")
    blueprint.add_app_template_filter(term_end, "term_end")
    blueprint.add_app_template_filter(duration, "duration")
    blueprint.add_app_template_filter(file_size, "file_size")
    blueprint.add_app_template_global(deal_stage, "deal_stage")
