"""Putting a parsed listing into the database, in one transaction.

Rules the import follows:
- The project is the one named by the caller, else by the file (a YRL
  feed's building-name, a table's project column), else the file's name.
  Its currency comes from the file; a new project gets the default time zone.
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
):
    """Import a listing file for a developer; see the module doc for the rules.

    mapping ({field: column header or index, "ignore": [...]}) overrides the
    recognised columns of a table; with remember_mapping it is saved for the
    next file with the same header when the import succeeds.
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
        _apply(developer, listing, result, project_name, actor, currency)
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


def _project_name(project_name, listing, filename):
    name = (project_name or "").strip() or listing.first("project")
    if name:
        return name[:200], False
    # Limitation: a file that names no project lands in a project named after
    # the file, so the next file of that project, under another name, makes a
    # second project unless the admin gives the project's name.
    stem = PurePath(filename or "").stem.strip() or "listing"
    return stem[:200], True


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


def _apply(developer, listing, result, project_name, actor, currency):
    name, from_filename = _project_name(project_name, listing, result.filename)
    project = db.session.scalar(
        select(Project).filter_by(developer_id=developer.id, name=name)
    )
    named = {r.project for r in listing.rows if r.project}
    if len(named) > 1 and not (project_name or "").strip():
        # Limitation: one import fills one project; a feed covering several
        # complexes is imported into the first one it names.
        result.warnings.append(
            _l(
                "The file names several projects (%(names)s); all its units were "
                "imported into %(name)s.",
                names=", ".join(sorted(named)),
                name=name,
            )
        )
    if project is None:
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
        if from_filename:
            result.warnings.append(
                _l(
                    "The file does not name its project; it was named %(name)s after "
                    "the file. Give a project name to import into another.",
                    name=name,
                )
            )
    elif currency and currency != project.currency:
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
