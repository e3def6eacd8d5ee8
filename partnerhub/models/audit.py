"""The audit trail: who changed what, when, from what to what."""

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from partnerhub.extensions import db
from partnerhub.models.types import UTCDateTime, utcnow


class AuditEvent(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # e.g. unit.status, unit.price, reservation.status, attachment.download
    action: Mapped[str] = mapped_column(String(40))
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    reservation_id: Mapped[int | None] = mapped_column(
        ForeignKey("reservation.id"), index=True
    )
    from_value: Mapped[str | None] = mapped_column(String(200))
    to_value: Mapped[str | None] = mapped_column(String(200))
    detail: Mapped[dict | None] = mapped_column(JSON)

    actor = relationship("User")
