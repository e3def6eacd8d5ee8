"""A reservation's thread: messages and files from both sides, and read marks.

Posting is all or nothing: the message, its files on disk and their rows
commit together, or nothing stays behind (no message without its files, no
file without its row).
"""

import logging
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, joinedload, selectinload

from partnerhub import access
from partnerhub.extensions import db
from partnerhub.models import (
    Attachment,
    AuditEvent,
    Message,
    MessageKind,
    Project,
    Reservation,
    ReservationStatus,
    ThreadRead,
    Unit,
    User,
)
from partnerhub.services import files, outbox, reservations
from partnerhub.services.errors import DomainError, InvalidTransition, NotAllowed

log = logging.getLogger(__name__)

MAX_BODY = 5000
# A closed reservation keeps its thread to read; a sold one goes on, since the
# deal still needs papers after the sale.
READ_ONLY = (
    ReservationStatus.REJECTED,
    ReservationStatus.CANCELLED,
    ReservationStatus.EXPIRED,
    ReservationStatus.LOST,
)
# Limitation: "my reservations" lists the most recently active ones only;
# finding an older one needs a search that is not built yet.
INBOX_LIMIT = 200


def can_post(user, reservation):
    if reservation.status in READ_ONLY:
        return False
    return access.takes_part_in(user, reservation)


# Posting


def post_message(user, reservation, *, body, uploads=()):
    """Add a message with its files; an agency answer goes back to the manager."""
    if not access.takes_part_in(user, reservation):
        raise NotAllowed(_l("You cannot write in this thread."))
    # Read the status as it stands now, and hold it until commit.
    reservations.lock_for_change(reservation)
    if reservation.status in READ_ONLY:
        raise InvalidTransition(
            _l("This reservation is closed; its thread can only be read."),
            field="body",
        )
    body = (body or "").strip()
    if len(body) > MAX_BODY:
        raise DomainError(
            ngettext(
                "Keep the message under %(num)s character.",
                "Keep the message under %(num)s characters.",
                MAX_BODY,
            ),
            field="body",
        )
    uploads = [upload for upload in uploads or () if upload and upload.filename]
    if not body and not uploads:
        raise DomainError(_l("Write a message or attach a file."), field="body")

    staged = files.stage_all(uploads)
    # Files are moved into place before the commit, and removed again if it
    # fails. Limitation: a process killed between the move and the commit
    # leaves an unreferenced file (or a ".upload-" temporary) in the store;
    # nothing sweeps those yet.
    placed = []
    try:
        message = Message(
            reservation_id=reservation.id,
            author_id=user.id,
            kind=MessageKind.MESSAGE,
            body=body,
        )
        db.session.add(message)
        db.session.flush()
        attachments = []
        for item in staged:
            stored_name = files.place(item)
            placed.append(stored_name)
            attachments.append(
                Attachment(
                    message_id=message.id,
                    reservation_id=reservation.id,
                    original_name=item.original_name,
                    stored_name=stored_name,
                    content_type=item.content_type,
                    size=item.size,
                    sha256=item.sha256,
                )
            )
        db.session.add_all(attachments)
        db.session.flush()
        if user.is_agency_staff:
            _send_to_crm(reservation, message, attachments)
            reservations.agent_answered(reservation, user)
        _advance_read_mark(user, reservation.id, message.id)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        files.discard(staged)
        files.remove_stored(placed)
        raise
    log.info(
        "reservation %s: message %s with %s files posted by user %s",
        reservation.id,
        message.id,
        len(placed),
        user.id,
    )
    return message


def _send_to_crm(reservation, message, attachments):
    """The sales team may work in its CRM: the agency's words and files go there."""
    if message.body:
        outbox.add(
            "crm.comment.create",
            developer_id=reservation.developer_id,
            reservation_id=reservation.id,
            payload={"message_id": message.id},
        )
    for attachment in attachments:
        outbox.add(
            "crm.file.send",
            developer_id=reservation.developer_id,
            reservation_id=reservation.id,
            payload={"attachment_id": attachment.id},
        )


# Reading


def messages_of(reservation, after=0):
    """The thread's messages after a message id, with authors and files."""
    return db.session.scalars(
        select(Message)
        .where(Message.reservation_id == reservation.id, Message.id > after)
        .options(
            joinedload(Message.author).joinedload(User.organization),
            selectinload(Message.attachments),
        )
        .order_by(Message.id)
    ).all()


def status_history(reservation):
    """Who moved the reservation from what to what, and when, oldest first."""
    return db.session.scalars(
        select(AuditEvent)
        .where(
            AuditEvent.reservation_id == reservation.id,
            AuditEvent.action == "reservation.status",
        )
        .options(joinedload(AuditEvent.actor))
        .order_by(AuditEvent.id)
    ).all()


def mark_read(user, reservation, messages):
    """Remember that the user has seen these messages; commits."""
    if messages:
        _advance_read_mark(user, reservation.id, max(m.id for m in messages))
        db.session.commit()


def _advance_read_mark(user, reservation_id, message_id):
    mark = db.session.get(ThreadRead, (reservation_id, user.id))
    if mark is None:
        try:
            with db.session.begin_nested():
                mark = ThreadRead(
                    reservation_id=reservation_id,
                    user_id=user.id,
                    last_message_id=message_id,
                )
                db.session.add(mark)
            return
        except IntegrityError:
            # The same user in another tab got there first.
            mark = db.session.get(
                ThreadRead, (reservation_id, user.id), populate_existing=True
            )
    if mark.last_message_id < message_id:
        mark.last_message_id = message_id


def unread_counts(user, reservation_ids):
    """Messages from the other side the user has not seen, by reservation id."""
    if not reservation_ids:
        return {}
    author = aliased(User)
    rows = db.session.execute(
        select(Message.reservation_id, func.count(Message.id))
        .outerjoin(
            ThreadRead,
            and_(
                ThreadRead.reservation_id == Message.reservation_id,
                ThreadRead.user_id == user.id,
            ),
        )
        .outerjoin(author, author.id == Message.author_id)
        .where(
            Message.reservation_id.in_(reservation_ids),
            Message.id > func.coalesce(ThreadRead.last_message_id, 0),
            or_(
                Message.author_id.is_(None),
                author.organization_id != user.organization_id,
            ),
        )
        .group_by(Message.reservation_id)
    )
    return dict(rows.all())


@dataclass
class InboxItem:
    reservation: Reservation
    last_message: Message | None
    unread: int


def inbox(user, reservation_id=None):
    """The user's reservations, most recent activity first, for "my reservations".

    A handful of queries for the whole page: the reservations with their
    units, the last messages with their authors, the unread counts.
    """
    last_message_id = (
        select(func.max(Message.id))
        .where(Message.reservation_id == Reservation.id)
        .correlate(Reservation)
        .scalar_subquery()
    )
    last_message_at = (
        select(func.max(Message.created_at))
        .where(Message.reservation_id == Reservation.id)
        .correlate(Reservation)
        .scalar_subquery()
    )
    activity = case(
        (last_message_at > Reservation.updated_at, last_message_at),
        else_=func.coalesce(Reservation.updated_at, Reservation.created_at),
    )
    query = (
        access.visible_reservations(user)
        .add_columns(last_message_id)
        .options(
            joinedload(Reservation.unit).joinedload(Unit.building),
            joinedload(Reservation.unit)
            .joinedload(Unit.project)
            .joinedload(Project.developer),
            joinedload(Reservation.agent),
        )
        .order_by(activity.desc(), Reservation.id.desc())
        .limit(INBOX_LIMIT)
    )
    if reservation_id is not None:
        query = query.where(Reservation.id == reservation_id)
    rows = db.session.execute(query).all()

    message_ids = [row[1] for row in rows if row[1] is not None]
    last_messages = {}
    if message_ids:
        last_messages = {
            message.id: message
            for message in db.session.scalars(
                select(Message)
                .where(Message.id.in_(message_ids))
                .options(joinedload(Message.author).joinedload(User.organization))
            )
        }
    unread = unread_counts(user, [row[0].id for row in rows])
    return [
        InboxItem(
            reservation=reservation,
            last_message=last_messages.get(message_id),
            unread=unread.get(reservation.id, 0),
        )
        for reservation, message_id in rows
    ]
