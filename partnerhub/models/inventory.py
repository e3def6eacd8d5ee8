"""What a developer sells: project (ЖК) → building → sections and floors → units."""

from decimal import Decimal

from sqlalchemy import JSON, ForeignKey, Index, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from partnerhub.extensions import db
from partnerhub.models.types import UTCDateTime, utcnow

# Prices are Numeric(14, 2); no real unit costs more than this, and anything
# above it is a typing slip.
MAX_PRICE = Decimal("100000000000")


class UnitStatus:
    AVAILABLE = "available"
    REQUESTED = "requested"
    RESERVED = "reserved"
    BOOKED = "booked"
    SOLD = "sold"
    UNAVAILABLE = "unavailable"

    ALL = (AVAILABLE, REQUESTED, RESERVED, BOOKED, SOLD, UNAVAILABLE)
    # What staff may set by hand; the others follow reservations.
    SETTABLE = (AVAILABLE, RESERVED, BOOKED, SOLD, UNAVAILABLE)


class UnitKind:
    FLAT = "flat"
    STUDIO = "studio"
    COMMERCIAL = "commercial"
    PARKING = "parking"
    STORAGE = "storage"
    HOUSE = "house"

    ALL = (FLAT, STUDIO, COMMERCIAL, PARKING, STORAGE, HOUSE)


class Project(db.Model):
    __table_args__ = (UniqueConstraint("developer_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    developer_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    city: Mapped[str | None] = mapped_column(String(120))
    address: Mapped[str | None] = mapped_column(String(300))
    currency: Mapped[str] = mapped_column(String(3), default="RUB")
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Moscow")
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    developer = relationship("Organization")
    buildings: Mapped[list["Building"]] = relationship(
        back_populates="project", order_by="Building.name"
    )


class Building(db.Model):
    __table_args__ = (UniqueConstraint("project_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    completion: Mapped[str | None] = mapped_column(String(40))
    # Bumped by every change that alters what someone sees on the grid; units
    # remember the version of their last change so that the grid can ask for
    # what changed since.
    version: Mapped[int] = mapped_column(default=1)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    project: Mapped[Project] = relationship(back_populates="buildings")
    sections: Mapped[list["Section"]] = relationship(
        back_populates="building", order_by="Section.position"
    )
    floors: Mapped[list["Floor"]] = relationship(
        back_populates="building", order_by="Floor.number.desc()"
    )


class Section(db.Model):
    __table_args__ = (UniqueConstraint("building_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("building.id"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    position: Mapped[int] = mapped_column(default=0)

    building: Mapped[Building] = relationship(back_populates="sections")


class Floor(db.Model):
    """A floor of a building, numbered the Russian way: the ground floor is 1."""

    __table_args__ = (UniqueConstraint("building_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("building.id"), index=True)
    number: Mapped[int]

    building: Mapped[Building] = relationship(back_populates="floors")


class Unit(db.Model):
    __table_args__ = (
        UniqueConstraint("section_id", "number"),
        Index("ix_unit_project_external", "project_id", "external_id", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Kept on the unit for the file-id match and for queries by project.
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"))
    building_id: Mapped[int] = mapped_column(ForeignKey("building.id"), index=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("section.id"), index=True)
    floor_id: Mapped[int] = mapped_column(ForeignKey("floor.id"), index=True)
    number: Mapped[str] = mapped_column(String(40))
    external_id: Mapped[str | None] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(16), default=UnitKind.FLAT)
    rooms: Mapped[int | None]
    area: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    price: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    status: Mapped[str] = mapped_column(String(16), default=UnitStatus.AVAILABLE)
    layout_url: Mapped[str | None] = mapped_column(String(500))
    extra: Mapped[dict | None] = mapped_column(JSON)
    changed_version: Mapped[int] = mapped_column(default=1, index=True)
    updated_at = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    building: Mapped[Building] = relationship()
    section: Mapped[Section] = relationship()
    floor: Mapped[Floor] = relationship()
    project: Mapped[Project] = relationship()

    @property
    def is_studio(self):
        return self.kind == UnitKind.STUDIO or self.rooms == 0

    @property
    def price_per_m2(self):
        if self.price is None or not self.area:
            return None
        return (self.price / self.area).quantize(Decimal("0.01"))


class ImportMapping(db.Model):
    """A column mapping the admin chose for a price list, reused next time."""

    __table_args__ = (UniqueConstraint("developer_id", "header_signature"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    developer_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    header_signature: Mapped[str] = mapped_column(String(64))
    mapping: Mapped[dict] = mapped_column(JSON)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
