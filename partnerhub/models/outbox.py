"""Messages for the outside world, written in the same transaction as the change."""

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from partnerhub.extensions import db
from partnerhub.models.types import UTCDateTime, utcnow


class OutboxStatus:
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"


class OutboxMessage(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    # e.g. crm.deal.create, crm.comment.create, crm.file.send
    topic: Mapped[str] = mapped_column(String(60))
    developer_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"))
    reservation_id: Mapped[int | None] = mapped_column(ForeignKey("reservation.id"))
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(
        String(16), default=OutboxStatus.PENDING, index=True
    )
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    next_attempt_at = mapped_column(UTCDateTime, default=utcnow)
    delivered_at = mapped_column(UTCDateTime)
