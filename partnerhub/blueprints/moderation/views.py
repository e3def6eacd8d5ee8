"""The sales team's queue: pending requests and active reservations, decided inline.

Each action answers with the request's row, so htmx swaps it in place: the
row in its new state, the form with its errors beside the fields (422), or
the fresh row with a message when someone else acted first (409).
"""

import logging
from collections.abc import Callable
from typing import NamedTuple

from flask import (
    Blueprint,
    Response,
    abort,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from partnerhub import access
from partnerhub.blueprints.fields import show_service_error
from partnerhub.blueprints.moderation.forms import (
    ApproveForm,
    AskForm,
    RejectForm,
)
from partnerhub.blueprints.reservations.labels import status_label
from partnerhub.extensions import db
from partnerhub.models import ReservationStatus, Role
from partnerhub.models.types import utcnow
from partnerhub.services import reservations, threads
from partnerhub.services.errors import DomainError, InvalidTransition, NotAllowed
from partnerhub.services.reservations import MAX_APPROVED_DAYS, expiry_for
from partnerhub.web import is_htmx, render

bp = Blueprint("moderation", __name__, url_prefix="/moderation")
log = logging.getLogger(__name__)

S = ReservationStatus


class Decision(NamedTuple):
    """A decision on a pending request, as its row posts it."""

    form: type
    # Prefixes the form's fields: a page holds the forms of many rows.
    letter: str
    # Takes the form's fields as its keyword arguments.
    step: Callable


DECISIONS = {
    "approve": Decision(ApproveForm, "a", reservations.approve),
    "reject": Decision(RejectForm, "r", reservations.reject),
    "ask": Decision(AskForm, "q", reservations.ask_for_information),
}
# The later life of an approved reservation.
STEPS = {
    "booked": reservations.book,
    "sold": reservations.mark_sold,
    "lost": reservations.mark_lost,
}
staff_only = access.roles_required(*Role.DEVELOPER_STAFF)


@bp.app_context_processor
def _queue_settings():
    return {"pending_statuses": S.PENDING, "active_statuses": S.ACTIVE}


@bp.route("/")
@staff_only
def queue():
    pending, active = reservations.queue(current_user)
    unread = threads.unread_counts(current_user, [r.id for r in pending + active])

    return render(
        "moderation/queue.html",
        "moderation/_queue.html",
        version=reservations.queue_version(current_user),
        pending=[_row_context(r, unread=unread.get(r.id, 0)) for r in pending],
        active=[_row_context(r, unread=unread.get(r.id, 0)) for r in active],
        now=utcnow(),
    )


@bp.get("/changes")
@staff_only
def changes():
    """The queue's poll: 204 while nothing changed, else a notice to refresh.

    The rows are not redrawn by themselves, so that a form being filled in
    or an open thread is never swept away under the manager's hands.
    """
    since = request.args.get("since", "")

    version = reservations.queue_version(current_user)

    if version == since:
        response = Response(status=204)
        response.headers["Vary"] = "HX-Request"
        return response
    return render("moderation/_changed.html", "moderation/_changed.html")


def _prefix(decision, reservation):
    return f"{DECISIONS[decision].letter}{reservation.id}"


def _decision_form(decision, reservation, **kwargs):
    form_class = DECISIONS[decision].form
    return form_class(prefix=_prefix(decision, reservation), **kwargs)


def _row_context(reservation, unread=0, **bound):
    """The row's reservation and its forms: fresh ones, or those just posted."""
    approve = bound.get("approve") or _decision_form(
        "approve",
        reservation,
        formdata=None,
        data={
            "days": reservation.requested_days,
            "price": reservation.price_at_request or reservation.unit.price,
        },
    )
    reject = bound.get("reject") or _decision_form("reject", reservation, formdata=None)
    ask = bound.get("ask") or _decision_form("ask", reservation, formdata=None)
    days = approve.days.data if isinstance(approve.days.data, int) else None
    return {
        "reservation": reservation,
        "unread": unread,
        "approve": approve,
        "reject": reject,
        "ask": ask,
        "term_ends": _term_ends(reservation, days),
    }


def _term_ends(reservation, days):
    if days is None or not 1 <= days <= MAX_APPROVED_DAYS:
        return None
    return expiry_for(days, reservation.unit.project.timezone)


def _row(reservation, status=200, message=None, **bound):
    unread = threads.unread_counts(current_user, [reservation.id])
    return render(
        "moderation/row.html",
        "moderation/_row.html",
        status=status,
        row=_row_context(reservation, unread=unread.get(reservation.id, 0), **bound),
        message=message,
        now=utcnow(),
    )


# Decisions


@bp.post("/<int:reservation_id>/<any(approve, reject, ask):decision>")
@staff_only
def decide(reservation_id, decision):
    """Approve, reject or ask for information, from the request's row."""
    reservation = access.reservation_or_404(current_user, reservation_id)
    form = _decision_form(decision, reservation)

    if not form.validate():
        return _row(reservation, 422, **{decision: form})

    try:
        DECISIONS[decision].step(current_user, reservation, **form.arguments())
    except DomainError as error:
        return _refused(reservation, error, **{decision: form})

    return _decided(reservation)


@bp.post("/<int:reservation_id>/<any(booked, sold, lost):step>")
@staff_only
def move(reservation_id, step):
    """Booked, sold or lost: the later life of an approved reservation."""
    reservation = access.reservation_or_404(current_user, reservation_id)

    try:
        STEPS[step](current_user, reservation)
    except DomainError as error:
        return _refused(reservation, error)

    return _decided(reservation)


def _refused(reservation, error, **bound):
    db.session.rollback()
    if isinstance(error, NotAllowed):
        abort(403)
    if isinstance(error, InvalidTransition) or not bound:
        log.info(
            "reservation %s: user %s was too late (%s)",
            reservation.id,
            current_user.id,
            reservation.status,
        )
        message = _(
            "Someone has acted on this request first: it is now %(status)s.",
            status=status_label(reservation.status),
        )
        return _row(reservation, 409, message=message)
    (form,) = bound.values()
    show_service_error(form, error)
    return _row(reservation, 422, **bound)


def _decided(reservation):
    if not is_htmx():
        return redirect(url_for(".queue"))
    response = _row(reservation)
    # The manager's own decision is not news to the manager: move the queue's
    # poll on past it.
    response.set_data(
        response.get_data()
        + render_template(
            "moderation/_poller.html",
            version=reservations.queue_version(current_user),
            oob=True,
        ).encode()
    )
    # An open thread of this request shows the new message or status at once.
    response.headers["HX-Trigger"] = f"thread-changed-{reservation.id}"
    return response


@bp.get("/<int:reservation_id>/term")
@staff_only
def term(reservation_id):
    """The last day an approval with these days would reserve the unit to."""
    reservation = access.reservation_or_404(current_user, reservation_id)
    days = request.args.get(f"{_prefix('approve', reservation)}-days", type=int)

    return render(
        "moderation/_term.html",
        "moderation/_term.html",
        reservation=reservation,
        term_ends=_term_ends(reservation, days),
    )
