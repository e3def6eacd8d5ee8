"""What a developer opens to an agency: a building, whole or a subset of units."""

from sqlalchemy import Column, ForeignKey, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from partnerhub.extensions import db
from partnerhub.models.types import UTCDateTime, utcnow

grant_unit = Table(
    "grant_unit",
    db.metadata,
    Column("grant_id", ForeignKey("grant.id", ondelete="CASCADE"), primary_key=True),
    Column("unit_id", ForeignKey("unit.id", ondelete="CASCADE"), primary_key=True),
)


class Grant(db.Model):
    __table_args__ = (UniqueConstraint("agency_id", "building_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    developer_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("building.id"), index=True)
    whole_building: Mapped[bool] = mapped_column(default=True)
    max_days: Mapped[int] = mapped_column(default=14)
    # Bumped whenever the grant changes, so that open grids redraw.
    revision: Mapped[int] = mapped_column(default=1)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    developer = relationship("Organization", foreign_keys=[developer_id])
    agency = relationship("Organization", foreign_keys=[agency_id])
    building = relationship("Building")
    units = relationship("Unit", secondary=grant_unit)
