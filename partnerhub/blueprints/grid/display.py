"""How the grid writes statuses, rooms, prices and areas.

A grid draws a thousand cells or more, so the short texts are cached: prices
and areas repeat across floors, and babel is slow per call.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from functools import lru_cache

from babel.numbers import format_compact_currency, format_decimal
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from partnerhub import i18n
from partnerhub.models import UnitKind, UnitStatus


@dataclass(frozen=True)
class StatusStyle:
    code: str
    mark: str
    label: object


# A one-letter class for the colour, a mark so that colour is never alone,
# and a word for the legend, the panel and screen readers.
UNIT_STATUSES = {
    UnitStatus.AVAILABLE: StatusStyle("a", "✓", _l("Available")),
    UnitStatus.REQUESTED: StatusStyle("q", "◔", _l("Requested")),
    UnitStatus.RESERVED: StatusStyle("r", "◑", _l("Reserved")),
    UnitStatus.BOOKED: StatusStyle("b", "●", _l("Booked")),
    UnitStatus.SOLD: StatusStyle("s", "✕", _l("Sold")),
    UnitStatus.UNAVAILABLE: StatusStyle("n", "–", _l("Not on sale")),
}
_CODES = {status: style.code for status, style in UNIT_STATUSES.items()}
NOT_GRANTED = StatusStyle("x", "", _l("Not open to your agency"))

KIND_LABELS = {
    UnitKind.FLAT: _l("Flat"),
    UnitKind.STUDIO: _l("Studio"),
    UnitKind.COMMERCIAL: _l("Commercial unit"),
    UnitKind.PARKING: _l("Parking space"),
    UnitKind.STORAGE: _l("Storage room"),
    UnitKind.HOUSE: _l("House"),
}

HISTORY_LABELS = {
    "unit.status": _l("Status"),
    "unit.price": _l("Price"),
    "reservation.status": _l("Reservation"),
}

ROOM_FILTER_LABELS = {
    "s": _l("Studio"),
    "1": "1",
    "2": "2",
    "3": "3",
    "4": "4+",
}


def unit_status_label(status):
    style = UNIT_STATUSES.get(status)
    return style.label if style else status


class CellText:
    """Writes cells, for one locale and currency.

    The markup is built here rather than in a Jinja macro: a building has
    thousands of cells, and a macro call per cell made the page several times
    slower. Every text that comes from data is escaped.
    """

    def __init__(self, currency):
        self.currency = currency
        self.locale = str(get_locale())
        self.studio = escape(_l("St"))
        self.rooms_format = str(_l("%(rooms)sR"))
        self.kind_marks = {
            kind: escape(label)
            for kind, label in (
                (UnitKind.COMMERCIAL, _l("Com.")),
                (UnitKind.PARKING, _l("P")),
                (UnitKind.STORAGE, _l("Stor.")),
                (UnitKind.HOUSE, _l("House")),
            )
        }
        self.m2 = escape(_l("m²"))
        self._prices = {}
        self._areas = {}
        self._rooms = {}

    def cells(self, cells):
        """The cells of one floor of one section, as one piece of markup."""
        return Markup("".join([self._cell(cell, "") for cell in cells]))

    def cell(self, cell, oob=False):
        """One cell; oob marks it to replace the cell of the same id in place."""
        return Markup(self._cell(cell, ' hx-swap-oob="true"' if oob else ""))

    def _cell(self, cell, extra):
        if not cell.granted:
            return '<span class="x"></span>'
        code = _CODES[cell.status]
        classes = code if cell.match else f"{code} d"
        return (
            f'<button id="u{cell.id}" name="u" value="{cell.id}" class="{classes}" '
            f'aria-describedby="l{code}"{extra}><b>{escape(cell.number)}</b>'
            f"<i>{self.rooms(cell)}</i><span>{self.area(cell.area)}</span>"
            f"<span>{self.price(cell.price)}</span></button>"
        )

    def rooms(self, cell):
        """'St' for a studio, '2R' for two rooms, a mark for other kinds."""
        key = (cell.kind, cell.rooms)
        text = self._rooms.get(key)
        if text is None:
            if cell.is_studio:
                text = self.studio
            elif cell.kind in (UnitKind.FLAT, UnitKind.HOUSE) and cell.rooms:
                text = escape(self.rooms_format % {"rooms": cell.rooms})
            else:
                text = self.kind_marks.get(cell.kind, "")
            self._rooms[key] = text
        return text

    def price(self, value):
        if value is None:
            return ""
        text = self._prices.get(value)
        if text is None:
            text = escape(short_price(value, self.currency, self.locale))
            self._prices[value] = text
        return text

    def area(self, value):
        if value is None:
            return ""
        text = self._areas.get(value)
        if text is None:
            area = escape(_short_area(value, self.locale))
            text = self._areas[value] = Markup(f"{area}\u00a0{self.m2}")
        return text


def short_price(value, currency, locale):
    """A compact price for a cell: '7,8 млн ₽', '582 тыс. zł'.

    One decimal of its unit (thousands, millions...) unless the unit already
    has three digits, so that the text fits a cell. The price is rounded to
    that precision before formatting, so that close prices share one cached
    text.
    """
    value = Decimal(value)
    digits = len(str(int(abs(value))))
    group = 3 * ((digits - 1) // 3)
    fraction = 0 if digits - group == 3 else 1
    if group:
        step = Decimal(1).scaleb(group - fraction)
        value = (value / step).quantize(Decimal(1), ROUND_HALF_EVEN) * step
    return _compact(value, currency, locale, fraction)


@lru_cache(maxsize=8192)
def _compact(value, currency, locale, fraction):
    return format_compact_currency(
        value, currency, locale=locale, fraction_digits=fraction
    )


@lru_cache(maxsize=8192)
def _short_area(value, locale):
    return format_decimal(
        Decimal(value).quantize(Decimal("0.1")),
        locale=locale,
        format="#,##0.#",
    )


def audit_value(action, value, currency):
    """An audit from/to value of a unit as people read it."""
    if action == "unit.price":
        return i18n.money(Decimal(value), currency)
    if action == "unit.status":
        return unit_status_label(value)
    return value
