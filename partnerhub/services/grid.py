"""What the list of buildings, the grid and the unit panel show, in a few queries.

The grid of a building is drawn from one query over its units with their open
reservation (an outer join), plus the sections, the floors and the viewer's
grant. Cells are plain rows, not ORM objects: a building may have thousands.

The live grid asks what changed since a version token. The token covers all
that changes what one viewer sees: the building's version (every change of a
unit bumps it and stamps the unit), the viewer's grant (a change of rights
redraws everything) and the clock (an approved reservation whose term ended
shows the unit free even before the expiry job has run).
"""

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import joinedload

from partnerhub import access
from partnerhub.extensions import db
from partnerhub.models import (
    AuditEvent,
    Building,
    Floor,
    Project,
    Reservation,
    ReservationStatus,
    Section,
    Unit,
    UnitKind,
    UnitStatus,
    User,
)
from partnerhub.models.types import utcnow
from partnerhub.services.reservations import displayed_unit_status

HISTORY_LIMIT = 12

# The rooms filter: a studio, 1, 2, 3, or 4 and more.
ROOM_CHOICES = ("s", "1", "2", "3", "4")


@dataclass(slots=True)
class Cell:
    """One unit as the grid draws it."""

    id: int
    section_id: int
    floor_id: int
    number: str
    kind: str
    rooms: int | None
    area: Decimal | None
    price: Decimal | None
    status: str
    granted: bool = True
    match: bool = True

    @property
    def is_studio(self):
        return self.kind == UnitKind.STUDIO or (
            self.rooms == 0 and self.kind == UnitKind.FLAT
        )

    @property
    def room_choice(self):
        """The rooms filter value this unit answers to, or None."""
        if self.is_studio:
            return "s"
        if self.rooms is None or self.rooms < 1:
            return None
        return str(min(self.rooms, 4))


@dataclass(frozen=True)
class GridFilters:
    """What the viewer looks for; cells that do not match are dimmed."""

    rooms: frozenset = frozenset()
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    area_min: Decimal | None = None
    area_max: Decimal | None = None
    status: str | None = None

    @property
    def active(self):
        return bool(
            self.rooms
            or self.status
            or any(
                value is not None
                for value in (
                    self.price_min,
                    self.price_max,
                    self.area_min,
                    self.area_max,
                )
            )
        )

    def matches(self, cell):
        if not cell.granted:
            return False
        if self.rooms and cell.room_choice not in self.rooms:
            return False
        if self.status and cell.status != self.status:
            return False
        return _within(cell.price, self.price_min, self.price_max) and _within(
            cell.area, self.area_min, self.area_max
        )


def _within(value, low, high):
    if low is None and high is None:
        return True
    if value is None:
        return False
    return (low is None or value >= low) and (high is None or value <= high)


NO_FILTERS = GridFilters()


# The list of buildings


def buildings_for(user):
    """The buildings the user may open, and how many of their units are free to it.

    Returns (buildings by project and name, {building id: free units}).
    """
    buildings = db.session.scalars(
        access.visible_buildings(user).order_by(Project.name, Building.name)
    ).all()
    free_counts = dict(
        db.session.execute(
            select(Unit.building_id, func.count())
            .where(
                Unit.building_id.in_([b.id for b in buildings]),
                Unit.status == UnitStatus.AVAILABLE,
                access.unit_visibility_clause(user),
            )
            .group_by(Unit.building_id)
        ).all()
    )
    return buildings, free_counts


# The version token


@dataclass(frozen=True)
class Token:
    """Where a viewer's grid stands: building version, grant, time of drawing."""

    version: int
    grant_id: int
    revision: int
    at_ms: int

    def __str__(self):
        return f"{self.version}.{self.grant_id}.{self.revision}.{self.at_ms}"

    @property
    def at(self):
        return datetime.fromtimestamp(self.at_ms / 1000, UTC)

    @classmethod
    def parse(cls, raw):
        """The token, or None when it is missing or malformed."""
        parts = (raw or "").split(".")
        if len(parts) != 4 or not all(part.isdigit() for part in parts):
            return None
        return cls(*(int(part) for part in parts))


def token_for(building, grant, now):
    return Token(
        version=building.version,
        grant_id=grant.id if grant is not None else 0,
        revision=grant.revision if grant is not None else 0,
        at_ms=int(now.timestamp() * 1000),
    )


# The grid


@dataclass
class Grid:
    building: object
    project: object
    grant: object
    sections: list
    floors: list
    # Per floor, top first: the floor and, per section, its cells in order.
    rows: list
    token: Token
    filters: GridFilters
    matching: int = 0
    granted: int = 0
    total: int = 0

    @property
    def single_floor(self):
        return len(self.floors) == 1

    @property
    def partial(self):
        """Some units exist that this viewer was not given."""
        return self.granted < self.total


def load_grid(user, building, grant, filters=NO_FILTERS, now=None):
    """Everything the grid page draws, for this viewer."""
    now = now or utcnow()
    # The page names the developer: load it with the project in one query.
    project = db.session.scalar(
        select(Project)
        .options(joinedload(Project.developer))
        .where(Project.id == building.project_id)
    )
    sections = db.session.scalars(
        select(Section)
        .where(Section.building_id == building.id)
        .order_by(Section.position, Section.id)
    ).all()
    floors = db.session.scalars(
        select(Floor)
        .where(Floor.building_id == building.id)
        .order_by(Floor.number.desc())
    ).all()
    cells = _load_cells(Unit.building_id == building.id, _granted_ids(user, grant), now)

    by_place = {}
    grid = Grid(
        building=building,
        project=project,
        grant=grant,
        sections=sections,
        floors=floors,
        rows=[],
        token=token_for(building, grant, now),
        filters=filters,
    )
    for cell in sorted(cells, key=_number_key):
        cell.match = filters.matches(cell)
        grid.matching += cell.match
        grid.granted += cell.granted
        grid.total += 1
        by_place.setdefault((cell.floor_id, cell.section_id), []).append(cell)
    for floor in floors:
        grid.rows.append(
            (floor, [by_place.get((floor.id, section.id), []) for section in sections])
        )
    return grid


@dataclass
class Changes:
    """What a poll answers: nothing, some cells, or the whole grid."""

    token: Token
    cells: list = field(default_factory=list)
    redraw: bool = False

    @property
    def empty(self):
        return not self.redraw and not self.cells


def changes_since(user, building, grant, since, filters=NO_FILTERS, now=None):
    """The cells that look different to this viewer since the token."""
    now = now or utcnow()
    token = token_for(building, grant, now)
    if (
        since is None
        or since.grant_id != token.grant_id
        or since.revision != token.revision
        or since.version > building.version
        or since.at_ms > token.at_ms
    ):
        return Changes(token=token, redraw=True)

    # A cell looks different when its unit was stamped by a change
    # (audit.touch_units) or when an approved term ran out in between.
    changed = or_(
        Unit.changed_version > since.version,
        and_(
            Reservation.status == ReservationStatus.APPROVED,
            Reservation.expires_at > since.at,
            Reservation.expires_at <= now,
        ),
    )
    cells = _load_cells(and_(Unit.building_id == building.id, changed), None, now)
    if not cells:
        return Changes(token=token)
    granted = _granted_ids(user, grant)
    cells = [cell for cell in cells if granted is None or cell.id in granted]
    for cell in cells:
        cell.match = filters.matches(cell)
    return Changes(token=token, cells=cells)


def _granted_ids(user, grant):
    """The unit ids a partial grant opens; None when everything is open."""
    if user.is_developer_staff:
        return None
    return access.granted_unit_ids(grant)


def _load_cells(where, granted_ids, now):
    """Cells from one query over units and their open reservation."""
    open_reservation = and_(
        Reservation.unit_id == Unit.id,
        Reservation.status.in_(ReservationStatus.OPEN),
    )
    rows = db.session.execute(
        select(
            Unit.id,
            Unit.section_id,
            Unit.floor_id,
            Unit.number,
            Unit.kind,
            Unit.rooms,
            Unit.area,
            Unit.price,
            Unit.status,
            Reservation.status,
            Reservation.expires_at,
        )
        .outerjoin(Reservation, open_reservation)
        .where(where)
    ).tuples()
    approved = ReservationStatus.APPROVED
    cells = []
    # Positional, for speed: a building may have thousands of units.
    for id_, section, floor, number, kind, rooms, area, price, status, *term in rows:
        if term[0] == approved:
            status = displayed_unit_status(status, _Term(*term), now)
        granted = granted_ids is None or id_ in granted_ids
        cells.append(
            Cell(id_, section, floor, number, kind, rooms, area, price, status, granted)
        )
    return cells


class _Term:
    """The two fields of a reservation that decide whether its term is over."""

    __slots__ = ("status", "expires_at")

    def __init__(self, status, expires_at):
        self.status = status
        self.expires_at = expires_at


_DIGITS = re.compile(r"(\d+)")


def _number_key(cell):
    """Unit numbers in natural order: 2 before 10, A002 before A010.

    The parts alternate text and number, so keys compare part by part.
    """
    if cell.number.isdigit():
        return ("", int(cell.number), "")
    parts = _DIGITS.split(cell.number)
    return tuple(int(part) if i % 2 else part for i, part in enumerate(parts))


# The unit panel


@dataclass
class Panel:
    unit: Unit
    cell: Cell
    project: object
    # The open reservation, when this viewer may see it; others see the status.
    reservation: Reservation | None
    grant: object
    history: list
    can_edit: bool
    can_request: bool
    show_phone: bool


def load_panel(user, unit, filters=NO_FILTERS, now=None):
    """What the unit's panel shows to this viewer."""
    now = now or utcnow()
    grant = access.grant_for(user, unit.building_id)
    (cell,) = _load_cells(Unit.id == unit.id, None, now)
    cell.match = filters.matches(cell)
    reservation = db.session.scalar(
        select(Reservation).where(
            Reservation.unit_id == unit.id,
            Reservation.status.in_(ReservationStatus.OPEN),
            access.reservation_visibility_clause(user),
        )
    )
    if reservation is not None and cell.status == UnitStatus.AVAILABLE:
        # Its term is over: the unit is free, the reservation only waits for
        # the expiry job.
        reservation = None
    staff = access.is_developer_staff_of(user, unit.project.developer_id)
    return Panel(
        unit=unit,
        cell=cell,
        project=unit.project,
        reservation=reservation,
        grant=grant,
        history=_history(unit) if staff else [],
        can_edit=staff,
        can_request=(
            grant is not None
            and user.is_agency_staff
            and cell.status == UnitStatus.AVAILABLE
        ),
        show_phone=(
            reservation is not None and access.can_see_client_phone(user, reservation)
        ),
    )


def _history(unit):
    rows = db.session.execute(
        select(AuditEvent, User.full_name)
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .where(
            AuditEvent.unit_id == unit.id,
            AuditEvent.action.in_(("unit.status", "unit.price", "reservation.status")),
        )
        .order_by(AuditEvent.id.desc())
        .limit(HISTORY_LIMIT)
    )
    return [(event, actor_name) for event, actor_name in rows]
