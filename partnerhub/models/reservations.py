"""Reservation requests, their threads and files."""

from decimal import Decimal

from sqlalchemy import ForeignKey, Index, Numeric, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from partnerhub.extensions import db
from partnerhub.models.types import UTCDateTime, utcnow


class ReservationStatus:
    REQUESTED = "requested"
    INFO_REQUESTED = "info_requested"
    APPROVED = "approved"
    BOOKED = "booked"
    SOLD = "sold"
    REJECTED = "rejected"
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    LOST = "lost"

    PENDING = (REQUESTED, INFO_REQUESTED)
    ACTIVE = (APPROVED, BOOKED)
    OPEN = PENDING + ACTIVE
    ALL = (
        REQUESTED,
        INFO_REQUESTED,
        APPROVED,
        BOOKED,
        SOLD,
        REJECTED,
        CANCELLED,
        EXPIRED,
        LOST,
    )


_OPEN_SQL = "status IN ('requested', 'info_requested', 'approved', 'booked')"


class Reservation(db.Model):
    __table_args__ = (
        # The real guard against double booking: one open reservation a unit.
        Index(
            "uq_reservation_open_unit",
            "unit_id",
            unique=True,
            postgresql_where=text(_OPEN_SQL),
            sqlite_where=text(_OPEN_SQL),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    developer_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=ReservationStatus.REQUESTED)
    client_name: Mapped[str] = mapped_column(String(200))
    # E.164, as normalised by phonenumbers.
    client_phone: Mapped[str] = mapped_column(String(32))
    requested_days: Mapped[int]
    comment: Mapped[str | None] = mapped_column(Text)
    price_at_request: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    approved_days: Mapped[int | None]
    fixed_price: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    expires_at = mapped_column(UTCDateTime)
    reject_reason: Mapped[str | None] = mapped_column(Text)
    # The deal in the developer's CRM (for the built-in CRM, PartnerHub's own).
    crm_deal_id: Mapped[str | None] = mapped_column(String(64))
    crm_stage_name: Mapped[str | None] = mapped_column(String(200))
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    decided_at = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    unit = relationship("Unit")
    agent = relationship("User", foreign_keys=[agent_id])
    agency = relationship("Organization", foreign_keys=[agency_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])
    messages: Mapped[list["Message"]] = relationship(
        back_populates="reservation", order_by="Message.id"
    )


class MessageKind:
    MESSAGE = "message"
    INFO_REQUEST = "info_request"
    SYSTEM = "system"


class Message(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    reservation_id: Mapped[int] = mapped_column(
        ForeignKey("reservation.id"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    kind: Mapped[str] = mapped_column(String(16), default=MessageKind.MESSAGE)
    body: Mapped[str] = mapped_column(Text, default="")
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    reservation: Mapped[Reservation] = relationship(back_populates="messages")
    author = relationship("User")
    attachments: Mapped[list["Attachment"]] = relationship(
        back_populates="message", order_by="Attachment.id"
    )


class Attachment(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("message.id"), index=True)
    reservation_id: Mapped[int] = mapped_column(
        ForeignKey("reservation.id"), index=True
    )
    original_name: Mapped[str] = mapped_column(String(255))
    # A generated name under UPLOAD_DIR; never derived from what was uploaded.
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    message: Mapped[Message] = relationship(back_populates="attachments")


class ThreadRead(db.Model):
    """How far a user has read a reservation's thread, for unread marks."""

    reservation_id: Mapped[int] = mapped_column(
        ForeignKey("reservation.id"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), primary_key=True)
    last_message_id: Mapped[int] = mapped_column(default=0)
