"""What every format parser produces: rows of units, and the problems found.

A parser reads a file into a Listing: one Row per unit, already normalised
(floors in the Russian convention, Decimal money and areas, PartnerHub's
statuses and kinds), plus the lines it skipped and the lines it could not
read. Nothing here touches the database.

Defaults, for what a row leaves out: no building or section puts the unit in
the project's one building "1" and its section "1"; a unit without a kind is a
studio when it has 0 rooms, a house in a table of houses, commercial when its
code is U1, U2... (the Polish "lokal usługowy"), else a flat; a house, or any
unit of a table mapped by hand without a floor column, stands on floor 1; a
row with a price per m² and an area but no price gets their product.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from flask_babel import lazy_gettext as _l

from partnerhub.models import UnitKind
from partnerhub.services.importing import values
from partnerhub.services.importing.values import BadValue

DEFAULT_BUILDING = "1"
DEFAULT_SECTION = "1"

# The fields a column can be mapped to, in the order the mapping step offers.
FIELDS = (
    "number",
    "building",
    "section",
    "floor",
    "rooms",
    "area",
    "price",
    "price_m2",
    "status",
    "external_id",
    "kind",
    "completion",
    "layout_url",
    "currency",
    "project",
    "city",
    "address",
)
IGNORE = "ignore"
FIELD_LABELS = {
    "number": _l("Unit number"),
    "building": _l("Building"),
    "section": _l("Section"),
    "floor": _l("Floor"),
    "rooms": _l("Rooms"),
    "area": _l("Area, m²"),
    "price": _l("Price"),
    "price_m2": _l("Price per m²"),
    "status": _l("Status"),
    "external_id": _l("External id"),
    "kind": _l("Kind of unit"),
    "completion": _l("Completion date"),
    "layout_url": _l("Layout image (link)"),
    "currency": _l("Currency"),
    "project": _l("Project (complex) name"),
    "city": _l("City"),
    "address": _l("Address"),
    IGNORE: _l("Ignore this column"),
}

# Polish price lists code commercial units as U1, U2... ("lokal usługowy").
_COMMERCIAL_CODE = re.compile(r"^U\d+[A-Z]?$", re.I)


@dataclass(frozen=True)
class Place:
    """Where in the file a row comes from: a line, or an offer of a feed."""

    line: int | None = None
    offer: int | None = None
    offer_id: str | None = None

    def __str__(self):
        if self.offer is not None:
            if self.offer_id:
                return str(_l("offer %(n)s (%(id)s)", n=self.offer, id=self.offer_id))
            return str(_l("offer %(n)s", n=self.offer))
        if self.line is not None:
            return str(_l("line %(n)s", n=self.line))
        return str(_l("file"))


@dataclass
class Problem:
    """A reason attached to a place in the file (or to no place: the whole file)."""

    reason: object
    place: Place | None = None

    @property
    def where(self):
        return str(self.place) if self.place is not None else ""

    def __str__(self):
        reason = str(self.reason)
        return f"{self.where}: {reason}" if self.place is not None else reason


@dataclass
class Row:
    """One unit as the file describes it, with its values normalised."""

    place: Place
    number: str
    building: str | None = None
    section: str | None = None
    floor: int | None = None
    external_id: str | None = None
    kind: str = UnitKind.FLAT
    rooms: int | None = None
    area: Decimal | None = None
    price: Decimal | None = None
    price_m2: Decimal | None = None
    status: str | None = None
    currency: str | None = None
    layout_url: str | None = None
    completion: str | None = None
    floors_total: int | None = None
    project: str | None = None
    city: str | None = None
    address: str | None = None

    @property
    def building_name(self):
        return self.building or DEFAULT_BUILDING

    @property
    def section_name(self):
        return self.section or DEFAULT_SECTION


@dataclass
class MappingRequest:
    """The columns of a table the importer could not place on its own."""

    headers: list
    preview: list
    suggested: dict
    missing: list
    signature: str
    # The headers that name no field the importer knows.
    unrecognised: list = field(default_factory=list)


@dataclass
class Listing:
    """A parsed file: its rows and what was said about it."""

    format: str
    rows: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    skipped: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    mapping_request: MappingRequest | None = None
    # For tables: the header's signature and the columns used, so that a
    # mapping chosen by hand can be saved for the next import.
    signature: str | None = None
    columns: dict | None = None
    mapping_source: str | None = None
    headers: list = field(default_factory=list)

    @property
    def width(self):
        return len(self.headers)

    def first(self, name):
        """The first value of a row attribute that some row has, or None."""
        for row in self.rows:
            value = getattr(row, name)
            if value:
                return value
        return None


@dataclass
class RowContext:
    """What a table's header says about all its rows."""

    polish_floors: bool = False
    houses: bool = False
    floor_optional: bool = False
    currency: str | None = None


def _check(problems, parse, raw, *args):
    try:
        return parse(raw, *args)
    except BadValue as error:
        problems.append(str(error.message))
        return None


def make_row(raw, place, context=None):
    """A Row from raw cell texts keyed by field, or a Problem saying what is wrong."""
    context = context or RowContext()
    problems = []
    get = raw.get
    number = _check(problems, values.parse_number, get("number"))
    price, price_currency = None, None
    try:
        price, price_currency = values.parse_price(get("price"))
    except BadValue as error:
        problems.append(str(error.message))
    row_values = {
        "building": _check(
            problems, values.parse_text, get("building"), 200, _l("building")
        ),
        "section": _check(
            problems, values.parse_text, get("section"), 60, _l("section")
        ),
        "floor": _check(
            problems, values.parse_floor, get("floor"), context.polish_floors
        ),
        "external_id": _check(
            problems, values.parse_text, get("external_id"), 120, _l("external id")
        ),
        "rooms": _check(problems, values.parse_rooms, get("rooms")),
        "area": _check(problems, values.parse_area, get("area")),
        "price_m2": _check(problems, values.parse_price_per_m2, get("price_m2")),
        "status": _check(problems, values.parse_status, get("status")),
        "layout_url": values.parse_url(get("layout_url")),
        "completion": values.parse_completion(get("completion")),
        "project": _check(
            problems, values.parse_text, get("project"), 200, _l("project")
        ),
        "city": _check(problems, values.parse_text, get("city"), 120, _l("city")),
        "address": _check(
            problems, values.parse_text, get("address"), 300, _l("address")
        ),
    }
    kind = _check(problems, values.parse_kind, get("kind"))
    currency = (
        price_currency or values.currency_code(get("currency")) or context.currency
    )
    if values.clean(get("currency")) and values.currency_code(get("currency")) is None:
        problems.append(str(_l("unknown currency %(value)s", value=get("currency"))))
    if number is None and not problems:
        problems.append(str(_l("no unit number")))
    if problems:
        return Problem("; ".join(problems), place)

    rooms = row_values["rooms"]
    if kind is None:
        if rooms == 0:
            kind = UnitKind.STUDIO
        elif context.houses:
            kind = UnitKind.HOUSE
        elif _COMMERCIAL_CODE.match(number):
            kind = UnitKind.COMMERCIAL
        else:
            kind = UnitKind.FLAT
    if kind == UnitKind.STUDIO and rooms is None:
        rooms = 0
    floor = row_values["floor"]
    if floor is None:
        if kind == UnitKind.HOUSE or context.floor_optional:
            floor = 1
        else:
            return Problem(_l("no floor"), place)
    if price is None and row_values["price_m2"] is not None and row_values["area"]:
        price = (row_values["price_m2"] * row_values["area"]).quantize(values.CENT)
        if price > values.MAX_PRICE:
            # Each is within its own range, but not their product (a total
            # typed as the price per m², say): it would overflow the column.
            return Problem(
                _l("price %(value)s is out of range", value=f"{price:f}"), place
            )
    row_values.update(rooms=rooms, floor=floor)
    return Row(
        place=place,
        number=number,
        kind=kind,
        price=price,
        currency=currency,
        **row_values,
    )


def add_row(listing, result):
    """Put a make_row() result where it belongs in the listing."""
    if isinstance(result, Problem):
        listing.errors.append(result)
    else:
        listing.rows.append(result)
