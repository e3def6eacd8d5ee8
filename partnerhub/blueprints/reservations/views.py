"""The agent's reservations, each reservation's thread, its files, cancelling."""

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    request,
    send_from_directory,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from partnerhub import access
from partnerhub.blueprints.fields import show_service_error
from partnerhub.blueprints.grid.panel import panel_response
from partnerhub.blueprints.reservations import labels
from partnerhub.blueprints.reservations.forms import message_form
from partnerhub.extensions import db
from partnerhub.models import ReservationStatus, Role
from partnerhub.services import files, reservations, threads
from partnerhub.services.errors import DomainError, InvalidTransition, NotAllowed
from partnerhub.web import id_arg, is_htmx, render

bp = Blueprint("reservations", __name__)
labels.register(bp)

# The states an agent may still withdraw from, as the state machine says.
CANCELLABLE = reservations.ALLOWED[ReservationStatus.CANCELLED]


@bp.app_context_processor
def _thread_settings():
    return {
        "cancellable_statuses": CANCELLABLE,
        "files_accept": ",".join(files.allowed_extensions()),
        "attachment_max_mb": current_app.config["ATTACHMENT_MAX_BYTES"] // 2**20 or 1,
    }


# My reservations


@bp.route("/reservations")
@access.roles_required(*Role.AGENCY_STAFF)
def my_reservations():
    items = threads.inbox(current_user)

    return render(
        "reservations/my_reservations.html",
        "reservations/_my_list.html",
        items=items,
    )


def _my_row(reservation, status=200, message=None):
    items = threads.inbox(current_user, reservation_id=reservation.id)
    return render(
        "reservations/my_row.html",
        "reservations/_my_row.html",
        status=status,
        item=items[0],
        message=message,
    )


# The thread


@bp.get("/reservations/<int:reservation_id>/thread")
@login_required
def thread(reservation_id):
    reservation = access.reservation_or_404(current_user, reservation_id)

    messages = threads.messages_of(reservation)
    threads.mark_read(current_user, reservation, messages)

    return _thread_page(reservation, messages, message_form(reservation, formdata=None))


def _thread_page(reservation, messages, form, status=200):
    return render(
        "reservations/thread.html",
        "reservations/_thread.html",
        status=status,
        **_thread_context(reservation, form=form),
        messages=messages,
        after_id=messages[-1].id if messages else 0,
        clear_badge=request.args.get("list") == "1",
    )


def _thread_context(reservation, **extra):
    staff = access.is_developer_staff_of(current_user, reservation.developer_id)
    return {
        "reservation": reservation,
        "zone": reservation.unit.project.timezone,
        "show_phone": access.can_see_client_phone(current_user, reservation),
        "history": threads.status_history(reservation) if staff else None,
        "can_post": threads.can_post(current_user, reservation),
        "poll_seconds": current_app.config["THREAD_POLL_SECONDS"],
        **extra,
    }


@bp.get("/reservations/<int:reservation_id>/thread/new")
@login_required
def thread_news(reservation_id):
    """What was posted after the last message the page shows; 204 if nothing.

    A status that moved on without a message (an approval) is news too: the
    page says which status it shows.
    """
    after = request.args.get("after", type=id_arg)
    shown_status = request.args.get("status")
    reservation = access.reservation_or_404(current_user, reservation_id)

    if after is None:
        abort(400)

    messages = threads.messages_of(reservation, after=after)
    if not messages and shown_status in (None, reservation.status):
        return Response(status=204)
    threads.mark_read(current_user, reservation, messages)

    return render(
        "reservations/_thread_news.html",
        "reservations/_thread_news.html",
        **_thread_context(reservation),
        messages=messages,
        after_id=messages[-1].id if messages else after,
    )


@bp.post("/reservations/<int:reservation_id>/messages")
@login_required
def post_message(reservation_id):
    reservation = access.reservation_or_404(current_user, reservation_id)
    form = message_form(reservation)
    after = request.form.get("after", type=id_arg) or 0

    if not form.validate():
        return _refused_post(reservation, form)

    try:
        threads.post_message(
            current_user, reservation, body=form.body.data, uploads=form.files.data
        )
    except NotAllowed:
        db.session.rollback()
        abort(403)
    except DomainError as error:
        db.session.rollback()
        show_service_error(form, error, fallback="body")
        return _refused_post(reservation, form)

    if not is_htmx():
        return redirect(url_for(".thread", reservation_id=reservation.id))
    messages = threads.messages_of(reservation, after=after)
    return render(
        "reservations/_thread_posted.html",
        "reservations/_thread_posted.html",
        **_thread_context(reservation, form=message_form(reservation, formdata=None)),
        messages=messages,
        after_id=messages[-1].id if messages else after,
    )


def _refused_post(reservation, form):
    if is_htmx():
        return render(
            "reservations/_thread_form.html",
            "reservations/_thread_form.html",
            status=422,
            **_thread_context(reservation, form=form),
        )
    return _thread_page(reservation, threads.messages_of(reservation), form, 422)


# Files


@bp.get("/attachments/<int:attachment_id>")
@login_required
def download(attachment_id):
    attachment = access.attachment_or_404(current_user, attachment_id)
    reservation = access.reservation_or_404(current_user, attachment.reservation_id)

    response = send_from_directory(
        files.attachments_dir(),
        attachment.stored_name,
        mimetype=attachment.content_type,
        as_attachment=True,
        download_name=attachment.original_name,
        conditional=False,
        etag=False,
    )
    files.record_download(current_user, attachment, reservation)

    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


# Cancelling


@bp.post("/reservations/<int:reservation_id>/cancel")
@login_required
def cancel(reservation_id):
    reservation = access.reservation_or_404(current_user, reservation_id)
    from_panel = request.form.get("from_panel") == "1" and is_htmx()

    try:
        reservations.cancel(current_user, reservation)
    except NotAllowed:
        db.session.rollback()
        abort(403)
    except InvalidTransition:
        db.session.rollback()
        return _cancel_refused(reservation, from_panel)

    if from_panel:
        return _panel(reservation)
    if is_htmx():
        return _my_row(reservation)
    return redirect(url_for(".my_reservations"))


def _cancel_refused(reservation, from_panel):
    message = _(
        "This reservation is %(status)s now; it can no longer be cancelled.",
        status=labels.status_label(reservation.status),
    )
    if from_panel:
        return _panel(reservation, status=409, message=message)
    return _my_row(reservation, status=409, message=message)


def _panel(reservation, status=200, message=None):
    return panel_response(
        current_user, reservation.unit, status=status, message=message
    )
