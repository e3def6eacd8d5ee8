"""Putting a parsed listing into the database, in one transaction.

Rules the import follows:
- The project is the one the caller chose or named, else the one the file
  names (a YRL feed's building-name, a table's project column). A file that
  names none goes to the developer's project that already holds more than
  half of its units (the same id, or the same building, section and number,
  on the same floor and of the same size), so that tomorrow's export under
  another file name updates today's project; only when no project does is
  it imported into a project named after the file. Its currency comes from
  the file; a new project gets the time zone of the currency's country.
- A unit is matched on its external id within the project, else on building,
  section and number. Matched units get the file's values; a value the file
  leaves empty ("brak danych", "-") never erases one PartnerHub has.
- A unit with an open reservation in PartnerHub keeps its status and its
  reservation: a different status in the file is reported as a conflict.
  Its list price is still updated, since the reservation carries its own
  fixed price. A unit without one takes the file's status, sold or reserved
  included.
- Every status or price change of an existing unit writes an audit event,
  and every unit created or changed moves its building's version on, so
  open grids fetch it on their next poll.
- Units of the project that the file does not list are left as they are.
- Any error in the file leaves the database as it was; the result lists the
  errors by line or offer. The queries do not depend on the number of rows.
"""

import logging
import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import PurePath

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from partnerhub.extensions import db
from partnerhub.models import (
    Building,
    Floor,
    ImportMapping,
    Project,
    Reservation,
    ReservationStatus,
    Section,
    Unit,
    UnitStatus,
)
from partnerhub.services import audit
from partnerhub.services.importing.core import Problem
from partnerhub.services.importing.reader import read_listing

log = logging.getLogger(__name__)

DEFAULT_CURRENCY = "RUB"
# Floors are filled in up to the top one, so that a building keeps its shape
# when the file lists only some floors; beyond this height it is not done.
FILL_FLOORS_UP_TO = 200
# The words the grid's legend uses, so that a conflict reads like the grid.
_STATUS_WORDS = {
    UnitStatus.AVAILABLE: _l("Available"),
    UnitStatus.REQUESTED: _l("Requested"),
    UnitStatus.RESERVED: _l("Reserved"),
    UnitStatus.BOOKED: _l("Booked"),
    UnitStatus.SOLD: _l("Sold"),
    UnitStatus.UNAVAILABLE: _l("Not on sale"),
}


@dataclass
class ImportResult:
    """What an import did, or why it did nothing."""

    filename: str
    format: str | None = None
    project_id: int | None = None
    project_name: str | None = None
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list = field(default_factory=list)
    conflicts: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    # (id, name) of the buildings the file lists, for links to their grids.
    buildings: list = field(default_factory=list)
    mapping_request: object = None

    @property
    def ok(self):
        return not self.errors and self.mapping_request is None

    @property
    def skipped_count(self):
        return len(self.skipped)

    def summary(self):
        return (
            f"created {self.created}, updated {self.updated}, "
            f"unchanged {self.unchanged}, skipped {self.skipped_count}"
        )


def find_mapping(developer_id, signature):
    """The mapping this developer chose for a header, or None."""
    saved = db.session.scalar(
        select(ImportMapping).filter_by(
            developer_id=developer_id, header_signature=signature
        )
    )
    if saved is None:
        return None
    return _decoded_mapping(saved.mapping)


def _decoded_mapping(stored):
    mapping = {}
    for name, value in (stored or {}).items():
        if isinstance(value, list):
            mapping[name] = [int(v) for v in value]
        else:
            mapping[name] = int(value)
    return mapping


def _remember_mapping(developer_id, listing):
    columns = dict(listing.columns)
    used = set(columns.values())
    stored = {**columns, "ignore": [i for i in range(listing.width) if i not in used]}
    saved = db.session.scalar(
        select(ImportMapping).filter_by(
            developer_id=developer_id, header_signature=listing.signature
        )
    )
    if saved is None:
        db.session.add(
            ImportMapping(
                developer_id=developer_id,
                header_signature=listing.signature,
                mapping=stored,
            )
        )
    else:
        saved.mapping = stored


def import_listing(
    developer,
    stream,
    filename,
    project_name=None,
    actor=None,
    mapping=None,
    remember_mapping=False,
    project_id=None,
    new_project=False,
):
    """Import a listing file for a developer; see the module doc for the rules.

    project_id imports into that project of the developer's; new_project
    refuses to import into a project that exists already (the name is the
    one given, else the file's). mapping ({field: column header or index,
    "ignore": [...]}) overrides the recognised columns of a table; with
    remember_mapping it is saved for the next file with the same header when
    the import succeeds.
    """
    result = ImportResult(filename=filename)
    # Kept apart: a rollback expires the objects, and logging must not reload them.
    developer_id = developer.id
    by = f"user {actor.id}" if actor is not None else "the command line"
    listing = read_listing(
        stream,
        max_bytes=current_app.config["LISTING_MAX_BYTES"],
        mapping=mapping,
        saved_mapping=lambda signature: find_mapping(developer_id, signature),
    )
    result.format = listing.format
    result.skipped = list(listing.skipped)
    result.warnings = list(listing.warnings)
    if listing.mapping_request is not None and not listing.errors:
        result.mapping_request = listing.mapping_request
        return result
    result.errors = list(listing.errors)
    if not result.errors and not listing.rows:
        result.errors.append(Problem(_l("The file lists no units.")))
    if not result.errors:
        _check_duplicates(listing.rows, result.errors)
        currency = _file_currency(listing.rows, result.errors)
    if result.errors:
        db.session.rollback()
        log.info(
            "listing import for developer %s by %s refused: %s errors",
            developer_id,
            by,
            len(result.errors),
        )
        return result

    try:
        target = _Target(project_id, (project_name or "").strip(), new_project)
        _apply(developer, listing, result, target, actor, currency)
        if result.errors:
            raise _Refused
        if remember_mapping and listing.mapping_source == "explicit":
            _remember_mapping(developer_id, listing)
        audit.record(
            "listing.import",
            actor,
            organization_id=developer_id,
            to_value=result.summary(),
            project_id=result.project_id,
            format=result.format,
        )
        db.session.commit()
    except _Refused:
        db.session.rollback()
        _reset_counts(result)
        log.info(
            "listing import for developer %s by %s refused: %s errors",
            developer_id,
            by,
            len(result.errors),
        )
        return result
    except IntegrityError:
        db.session.rollback()
        log.warning(
            "listing import for developer %s by %s hit a concurrent change",
            developer_id,
            by,
        )
        _reset_counts(result)
        result.errors.append(
            Problem(
                _l(
                    "These units were changed by someone else at the same moment. "
                    "Import the file again."
                )
            )
        )
        return result
    except Exception:
        db.session.rollback()
        raise

    log.info(
        "listing %s imported by %s for developer %s into project %s: %s, %s conflicts",
        result.format,
        by,
        developer_id,
        result.project_id,
        result.summary(),
        len(result.conflicts),
    )
    return result


class _Refused(Exception):
    """Raised inside the transaction to roll it back on errors found late."""


def _reset_counts(result):
    result.created = result.updated = result.unchanged = 0
    result.buildings = []


def _check_duplicates(rows, errors):
    by_id, by_place = {}, {}
    for row in rows:
        if row.external_id:
            first = by_id.setdefault(row.external_id, row)
            if first is not row:
                errors.append(
                    Problem(
                        _l(
                            "id %(id)s is already used at %(first)s",
                            id=row.external_id,
                            first=str(first.place),
                        ),
                        row.place,
                    )
                )
                continue
        key = (row.building_name, row.section_name, row.number)
        first = by_place.setdefault(key, row)
        if first is not row:
            errors.append(
                Problem(
                    _l(
                        "unit %(number)s of building %(building)s, section "
                        "%(section)s is already listed at %(first)s",
                        number=row.number,
                        building=row.building_name,
                        section=row.section_name,
                        first=str(first.place),
                    ),
                    row.place,
                )
            )


def _file_currency(rows, errors):
    currency, first = None, None
    for row in rows:
        if row.currency is None:
            continue
        if currency is None:
            currency, first = row.currency, row
        elif row.currency != currency:
            errors.append(
                Problem(
                    _l(
                        "the price is in %(currency)s, but %(first)s is in %(other)s; "
                        "a project has one currency",
                        currency=row.currency,
                        first=str(first.place),
                        other=currency,
                    ),
                    row.place,
                )
            )
    return currency


def natural_key(name):
    return [int(t) if t.isdigit() else t.lower() for t in re.split(r"(\d+)", name)]


class _Structure:
    """The project's buildings, sections, floors and units, loaded in bulk."""

    def __init__(self, project):
        self.project = project
        self.buildings = {
            b.name: b
            for b in db.session.scalars(
                select(Building).where(Building.project_id == project.id)
            )
        }
        in_project = select(Building.id).where(Building.project_id == project.id)
        self.sections = {
            (s.building_id, s.name): s
            for s in db.session.scalars(
                select(Section).where(Section.building_id.in_(in_project))
            )
        }
        self.floors = {
            (f.building_id, f.number): f
            for f in db.session.scalars(
                select(Floor).where(Floor.building_id.in_(in_project))
            )
        }
        # The units stay locked until commit (on PostgreSQL), so that a
        # reservation requested meanwhile waits for the import instead of being
        # overwritten by it; the reservations are read after the lock.
        units = db.session.scalars(
            select(Unit)
            .where(Unit.project_id == project.id)
            .order_by(Unit.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).all()
        self.units_by_id = {u.external_id: u for u in units if u.external_id}
        self.units_by_place = {(u.section_id, u.number): u for u in units}
        self.unit_count = len(units)
        self.open_reservations = dict(
            db.session.execute(
                select(Reservation.unit_id, Reservation.id)
                .join(Unit, Unit.id == Reservation.unit_id)
                .where(
                    Unit.project_id == project.id,
                    Reservation.status.in_(ReservationStatus.OPEN),
                )
            ).all()
        )

    def ensure(self, rows):
        """Create the buildings, sections and floors the rows need."""
        by_building = {}
        for row in rows:
            by_building.setdefault(row.building_name, []).append(row)
        for name, building_rows in by_building.items():
            completion = Counter(
                r.completion for r in building_rows if r.completion
            ).most_common(1)
            completion = completion[0][0] if completion else None
            building = self.buildings.get(name)
            if building is None:
                building = Building(
                    project_id=self.project.id, name=name, completion=completion
                )
                db.session.add(building)
                self.buildings[name] = building
            elif completion and building.completion != completion:
                building.completion = completion
        db.session.flush()

        for name, building_rows in by_building.items():
            building = self.buildings[name]
            self._ensure_sections(building, building_rows)
            self._ensure_floors(building, building_rows)
        db.session.flush()

    def _ensure_sections(self, building, rows):
        names = sorted({r.section_name for r in rows}, key=natural_key)
        known = [s for (b, _n), s in self.sections.items() if b == building.id]
        position = max((s.position for s in known), default=0)
        for name in names:
            if (building.id, name) in self.sections:
                continue
            position += 1
            section = Section(building_id=building.id, name=name, position=position)
            db.session.add(section)
            self.sections[(building.id, name)] = section

    def _ensure_floors(self, building, rows):
        numbers = {r.floor for r in rows}
        top = max([*numbers, *(r.floors_total or 0 for r in rows)])
        if 1 <= top <= FILL_FLOORS_UP_TO:
            numbers |= set(range(1, top + 1))
        for number in sorted(numbers):
            if (building.id, number) not in self.floors:
                floor = Floor(building_id=building.id, number=number)
                db.session.add(floor)
                self.floors[(building.id, number)] = floor


DEFAULT_TIMEZONE = "Europe/Moscow"
ZONE_BY_CURRENCY = {
    "RUB": "Europe/Moscow",
    "PLN": "Europe/Warsaw",
    "BYN": "Europe/Minsk",
    "KZT": "Asia/Almaty",
    "EUR": "Europe/Berlin",
}


def project_choices(developer_id):
    """(id, name) of the developer's projects, by name, to choose one to import into."""
    return db.session.execute(
        select(Project.id, Project.name)
        .where(Project.developer_id == developer_id)
        .order_by(Project.name)
    ).all()


def _target_project(developer, listing, result, target, currency):
    """The project to import into, created when needed; None after an error."""
    if target.project_id is not None:
        project = db.session.scalar(
            select(Project).filter_by(id=target.project_id, developer_id=developer.id)
        )
        if project is None:
            result.errors.append(Problem(_l("The chosen project no longer exists.")))
        return project

    stem = (PurePath(result.filename or "").stem.strip() or "listing")[:200]
    file_name = listing.first("project")
    name = (target.name or file_name or "")[:200]
    if name and not target.name:
        named = {r.project for r in listing.rows if r.project}
        if len(named) > 1:
            # Limitation: one import fills one project; a feed covering several
            # complexes is imported into the first one it names.
            result.warnings.append(
                _l(
                    "The file names several projects (%(names)s); all its units "
                    "were imported into %(name)s.",
                    names=", ".join(sorted(named)),
                    name=name,
                )
            )
    if not name and not target.new:
        matched = _project_holding(developer.id, listing.rows, stem, result)
        if matched is not None or result.errors:
            return matched
    project = db.session.scalar(
        select(Project).filter_by(developer_id=developer.id, name=name or stem)
    )
    if project is not None and target.new:
        result.errors.append(
            Problem(
                _l(
                    "A project named %(name)s already exists. Choose it to import "
                    "into it, or give the new project another name.",
                    name=project.name,
                )
            )
        )
        return None
    if project is not None:
        return project
    project = _new_project(developer, name or stem, listing, currency)
    if not name:
        result.warnings.append(
            _l(
                "The file does not name its project; it was named %(name)s after "
                "the file. Give a project name to import into another.",
                name=project.name,
            )
        )
    return project


def _new_project(developer, name, listing, currency):
    # Listing files state no time zone; the currency tells the country.
    # Limitation: a country with several zones gets its capital's; a
    # project in Yekaterinburg or Novosibirsk must be corrected by hand.
    currency = currency or DEFAULT_CURRENCY
    project = Project(
        developer_id=developer.id,
        name=name,
        currency=currency,
        timezone=ZONE_BY_CURRENCY.get(currency, DEFAULT_TIMEZONE),
        city=listing.first("city"),
        address=listing.first("address"),
    )
    db.session.add(project)
    db.session.flush()
    return project


# Areas re-measured after completion move by a few per cent; two different
# layouts that share a number differ by more.
AREA_TOLERANCE = Decimal("0.03")


def _same_unit(row, floor, area, rooms):
    """Whether a unit found by a row's key is the unit the row describes.

    Keys alone are not enough: simple price lists number every complex the
    same way (building 1, section 1, flats 1 to 300). What never changes
    between two exports of one project is where a unit stands and its size.
    """
    if row.floor != floor:
        return False
    if row.rooms is not None and rooms is not None and row.rooms != rooms:
        return False
    if row.area and area:
        return abs(row.area - area) <= AREA_TOLERANCE * max(row.area, area)
    return True


def _project_holding(developer_id, rows, stem, result):
    """The developer's project that holds most of the rows' units, when it is
    more than half of them; None when none does, or when several do (then
    with an error asking which).

    A row is held by a unit of the same external id, or of the same building,
    section and number, that _same_unit() takes for the same. One query reads
    the keys of all the developer's units.
    """
    by_id = {row.external_id: i for i, row in enumerate(rows) if row.external_id}
    by_place = {
        (row.building_name, row.section_name, row.number): i
        for i, row in enumerate(rows)
    }
    held = {}
    units = db.session.execute(
        select(
            Unit.project_id,
            Unit.external_id,
            Building.name,
            Section.name,
            Unit.number,
            Floor.number,
            Unit.area,
            Unit.rooms,
        )
        .join(Project, Project.id == Unit.project_id)
        .join(Building, Building.id == Unit.building_id)
        .join(Section, Section.id == Unit.section_id)
        .join(Floor, Floor.id == Unit.floor_id)
        .where(Project.developer_id == developer_id)
    )
    for project_id, external_id, building, section, number, *size in units:
        keys = (by_id.get(external_id), by_place.get((building, section, number)))
        for index in keys:
            if index is not None and _same_unit(rows[index], *size):
                held.setdefault(project_id, set()).add(index)
    candidates = [p for p, indexes in held.items() if len(indexes) * 2 > len(rows)]
    if not candidates:
        return None
    projects = db.session.scalars(
        select(Project).where(Project.id.in_(candidates)).order_by(Project.name)
    ).all()
    if len(projects) > 1:
        # The same units in two projects: an earlier import under another
        # file name made a copy. The copy named after this file is the one
        # its earlier imports updated.
        projects = [p for p in projects if p.name == stem] or projects
    if len(projects) > 1:
        result.errors.append(
            Problem(
                _l(
                    "The file does not name its project, and its units are in "
                    "several projects: %(names)s. Choose the one to import into.",
                    names=", ".join(p.name for p in projects),
                )
            )
        )
        return None
    project = projects[0]
    if project.name != stem:
        result.warnings.append(
            _l(
                "The file does not name its project; it was matched to the existing "
                "project %(name)s, which holds %(held)s of its %(total)s units.",
                name=project.name,
                held=len(held[project.id]),
                total=len(rows),
            )
        )
    log.info(
        "listing for developer %s matched to project %s by %s of its %s units",
        developer_id,
        project.id,
        len(held[project.id]),
        len(rows),
    )
    return project


@dataclass(frozen=True)
class _Target:
    """The project the caller asked for: an id, a name, or a new one."""

    project_id: int | None = None
    name: str = ""
    new: bool = False


def _apply(developer, listing, result, target, actor, currency):
    project = _target_project(developer, listing, result, target, currency)
    if project is None:
        return
    if currency and currency != project.currency:
        has_units = db.session.scalar(
            select(func.count()).select_from(Unit).where(Unit.project_id == project.id)
        )
        if has_units:
            result.errors.append(
                Problem(
                    _l(
                        "The file's prices are in %(file)s, but project %(name)s is in "
                        "%(project)s.",
                        file=currency,
                        name=project.name,
                        project=project.currency,
                    )
                )
            )
            return
        project.currency = currency
    project.city = project.city or listing.first("city")
    project.address = project.address or listing.first("address")
    result.project_id, result.project_name = project.id, project.name

    structure = _Structure(project)
    structure.ensure(listing.rows)
    touched, moved_from, seen = [], set(), set()
    for row in listing.rows:
        unit = _match(structure, row)
        if unit is None:
            unit = _create(structure, project, row)
            result.created += 1
            touched.append(unit)
            continue
        seen.add(unit.id)
        old_building = unit.building_id
        if not _update(structure, unit, row, developer, actor, result):
            result.unchanged += 1
            continue
        result.updated += 1
        touched.append(unit)
        if unit.building_id != old_building:
            moved_from.add(old_building)
    if result.errors:
        return

    audit.touch_units(touched)
    for building_id in moved_from:
        audit.bump_building(building_id)
    names = sorted({r.building_name for r in listing.rows}, key=natural_key)
    result.buildings = [(structure.buildings[n].id, n) for n in names]
    missing = structure.unit_count - len(seen)
    if missing > 0:
        result.warnings.append(
            ngettext(
                "%(num)s unit of the project is not in the file; it was left as it is.",
                "%(num)s units of the project are not in the file; they were left "
                "as they are.",
                missing,
            )
        )


def _match(structure, row):
    if row.external_id and row.external_id in structure.units_by_id:
        return structure.units_by_id[row.external_id]
    building = structure.buildings[row.building_name]
    section = structure.sections[(building.id, row.section_name)]
    return structure.units_by_place.get((section.id, row.number))


def _create(structure, project, row):
    building = structure.buildings[row.building_name]
    section = structure.sections[(building.id, row.section_name)]
    floor = structure.floors[(building.id, row.floor)]
    unit = Unit(
        project_id=project.id,
        building_id=building.id,
        section_id=section.id,
        floor_id=floor.id,
        number=row.number,
        external_id=row.external_id,
        kind=row.kind,
        rooms=row.rooms,
        area=row.area,
        price=row.price,
        status=row.status or UnitStatus.AVAILABLE,
        layout_url=row.layout_url,
    )
    db.session.add(unit)
    structure.units_by_place[(section.id, row.number)] = unit
    if row.external_id:
        structure.units_by_id[row.external_id] = unit
    return unit


def _update(structure, unit, row, developer, actor, result):
    """Bring a unit in line with its row; True when anything changed."""
    changed = False
    building = structure.buildings[row.building_name]
    section = structure.sections[(building.id, row.section_name)]
    floor = structure.floors[(building.id, row.floor)]

    if (unit.section_id, unit.number) != (section.id, row.number):
        other = structure.units_by_place.get((section.id, row.number))
        if other is not None and other is not unit:
            result.errors.append(
                Problem(
                    _l(
                        "unit %(id)s would move to number %(number)s of section "
                        "%(section)s, which another unit holds",
                        id=row.external_id,
                        number=row.number,
                        section=section.name,
                    ),
                    row.place,
                )
            )
            return False
        structure.units_by_place.pop((unit.section_id, unit.number), None)
        structure.units_by_place[(section.id, row.number)] = unit
        unit.building_id, unit.section_id, unit.number = (
            building.id,
            section.id,
            row.number,
        )
        changed = True
    if unit.floor_id != floor.id:
        unit.floor_id = floor.id
        changed = True

    for name in ("external_id", "kind", "rooms", "area", "layout_url"):
        value = getattr(row, name)
        if value is not None and getattr(unit, name) != value:
            if name == "external_id":
                if value in structure.units_by_id:
                    continue
                structure.units_by_id[value] = unit
            setattr(unit, name, value)
            changed = True

    if row.price is not None and unit.price != row.price:
        audit.record(
            "unit.price",
            actor,
            organization_id=developer.id,
            unit=unit,
            from_value=unit.price,
            to_value=row.price,
            source="import",
        )
        unit.price = row.price
        changed = True

    if row.status is not None and unit.status != row.status:
        reservation_id = structure.open_reservations.get(unit.id)
        if reservation_id is not None:
            result.conflicts.append(
                Problem(
                    _l(
                        "unit %(number)s: the file says %(file)s, but it has an open "
                        "reservation (no. %(reservation)s) in PartnerHub; its status "
                        "stays %(status)s",
                        number=unit.number,
                        file=_STATUS_WORDS.get(row.status, row.status),
                        reservation=reservation_id,
                        status=_STATUS_WORDS.get(unit.status, unit.status),
                    ),
                    row.place,
                )
            )
        else:
            audit.record(
                "unit.status",
                actor,
                organization_id=developer.id,
                unit=unit,
                from_value=unit.status,
                to_value=row.status,
                source="import",
            )
            unit.status = row.status
            changed = True
    return changed
