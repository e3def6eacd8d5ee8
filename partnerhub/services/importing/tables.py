"""Price lists as tables (CSV, XLSX): finding the header and reading rows.

Headers are recognised from Russian, Polish and English names. The minimum a
table needs is the unit number and the floor; a table of houses (its number
or id column is headed "house number", "номер дома", "numer domu"...) needs
only the number, and its houses stand on floor 1. A floor column headed in
Polish ("Piętro", "Kondygnacja", "Poziom") counts floors the Polish way.
A price (or a price per m²) is needed too when some column was not
recognised, since that column may well be the price; a table without any
price column and without unknown columns imports without prices.

When the minimum is not recognised, the importer asks for a mapping (the web
page shows one; the command line takes --map), and a mapping once chosen is
found again by the header's signature. Columns left out of an import without
being chosen so (not recognised, or a second column of one field) are named
in its warnings; counters like "Lp" or "№ п/п" are left out without a word.
"""

import hashlib
import re
from itertools import chain

from flask_babel import lazy_gettext as _l

from partnerhub.services.importing.core import (
    FIELDS,
    IGNORE,
    Listing,
    MappingRequest,
    Place,
    Problem,
    RowContext,
    add_row,
    make_row,
)
from partnerhub.services.importing.values import clean, currency_code, fold

HEADER_SEARCH_ROWS = 10
PREVIEW_ROWS = 5

_SYNONYMS = {
    "number": (
        "номер",
        "№",
        "№ кв",
        "№ квартиры",
        "№ помещения",
        "номер квартиры",
        "номер помещения",
        "номер лота",
        "условный номер",
        "квартира",
        "кв",
        "помещение",
        "lokal",
        "nr lokalu",
        "numer lokalu",
        "numer",
        "nr",
        "nr mieszkania",
        "numer mieszkania",
        "mieszkanie",
        "number",
        "no",
        "unit",
        "unit number",
        "unit no",
        "apartment",
        "apartment number",
        "flat",
        "flat number",
        "house number",
        "house",
        "номер дома",
        "numer domu",
        "nr domu",
    ),
    "building": (
        "корпус",
        "корп",
        "дом",
        "номер дома в жк",
        "строение",
        "литер",
        "литера",
        "блок",
        "budynek",
        "nr budynku",
        "numer budynku",
        "bud",
        "building",
        "building name",
        "building number",
        "block",
        "tower",
    ),
    "section": (
        "секция",
        "номер секции",
        "подъезд",
        "номер подъезда",
        "section",
        "entrance",
        "staircase",
        "klatka",
        "klatka schodowa",
    ),
    "floor": (
        "этаж",
        "номер этажа",
        "floor",
        "level",
        "storey",
        "pietro",
        "nr pietra",
        "kondygnacja",
        "poziom",
    ),
    "external_id": (
        "id",
        "внешний id",
        "id помещения",
        "id квартиры",
        "код",
        "код помещения",
        "артикул",
        "external id",
        "internal id",
        "unit id",
        "house id",
        "guid",
        "uid",
        "kod",
        "kod lokalu",
        "id lokalu",
    ),
    "kind": (
        "тип",
        "тип помещения",
        "вид",
        "вид помещения",
        "назначение",
        "kind",
        "type",
        "unit type",
        "property type",
        "typ",
        "typ lokalu",
        "rodzaj",
        "rodzaj lokalu",
    ),
    "rooms": (
        "комнат",
        "комнаты",
        "кол во комнат",
        "количество комнат",
        "число комнат",
        "комнатность",
        "rooms",
        "number of rooms",
        "bedrooms",
        "pokoje",
        "pokoi",
        "liczba pokoi",
        "ilosc pokoi",
    ),
    "area": (
        "площадь",
        "общая площадь",
        "площадь общая",
        "s",
        "area",
        "total area",
        "size",
        "metraz",
        "powierzchnia",
        "powierzchnia uzytkowa",
        "powierzchnia lokalu",
        "pow",
        "pow uzytkowa",
        "pow uzytk",
    ),
    "price": (
        "цена",
        "стоимость",
        "полная стоимость",
        "общая стоимость",
        "цена квартиры",
        "стоимость квартиры",
        "price",
        "total price",
        "price total",
        "cena",
        "cena brutto",
        "cena calkowita",
        "cena laczna",
        "cena lokalu",
        "wartosc",
        "kwota",
        "kwota brutto",
        "kwota calkowita",
    ),
    "price_m2": (
        "цена за м2",
        "цена м2",
        "цена за кв м",
        "цена кв м",
        "стоимость м2",
        "стоимость за м2",
        "стоимость кв м",
        "стоимость за кв м",
        "price per m2",
        "price m2",
        "price per sqm",
        "price sqm",
        "cena za m2",
        "cena m2",
        "cena za metr",
        "cena metra",
    ),
    IGNORE: (
        "lp",
        "l p",
        "nr porzadkowy",
        "№ п/п",
        "п п",
        "n п п",
        "порядковый номер",
    ),
    "status": (
        "статус",
        "состояние",
        "status",
        "availability",
        "dostepnosc",
        "stan",
    ),
    "completion": (
        "срок сдачи",
        "сдача",
        "срок ввода",
        "ввод в эксплуатацию",
        "completion",
        "ready",
        "ready quarter",
        "handover",
        "termin oddania",
        "termin realizacji",
    ),
    "layout_url": (
        "планировка",
        "ссылка на планировку",
        "layout",
        "layout url",
        "plan",
        "image",
        "rzut",
        "rzut lokalu",
    ),
    "currency": ("валюта", "currency", "waluta"),
    "project": (
        "жк",
        "проект",
        "комплекс",
        "жилой комплекс",
        "project",
        "complex",
        "investment",
        "investment name",
        "inwestycja",
        "nazwa inwestycji",
        "osiedle",
    ),
    "city": ("город", "city", "investment city", "miasto", "miejscowosc"),
    "address": ("адрес", "address", "investment address", "adres"),
}
_HEADERS = {}
for _field, _names in _SYNONYMS.items():
    for _name in _names:
        _HEADERS.setdefault(fold(_name) or _name, _field)

_HOUSE_HEADERS = {
    fold(name)
    for name in (
        "house number",
        "house",
        "house id",
        "номер дома",
        "numer domu",
        "nr domu",
        "dom",
    )
}
_POLISH_FLOOR_HEADERS = ("pietr", "nr pietr", "kond", "poziom")
# Words a header may carry beside its name: currencies first, then units.
_CURRENCY_WORDS = re.compile(r"\b(руб|rub|rur|р|pln|zl|eur|usd|brutto|netto)\b")
_UNIT_WORDS = re.compile(r"\b(m2|м2|кв м|кв|sq m|sqm|шт)\b")
_TOTAL_WORDS = ("итого", "всего", "razem", "suma", "total")


def header_key(text):
    return fold(text) if text else ""


def recognise(header):
    """The field a header names, or None."""
    key = header_key(header)
    if not key:
        return "number" if (header or "").strip() in ("№", "#") else None
    for pattern in (_CURRENCY_WORDS, _UNIT_WORDS):
        if key in _HEADERS:
            return _HEADERS[key]
        key = " ".join(pattern.sub(" ", key).split())
    return _HEADERS.get(key)


def signature(headers):
    """A hash of the normalised header row, to find a saved mapping again."""
    normalised = "\x1f".join(header_key(h) for h in headers)
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def _header_cell(text):
    return (clean(text) or "").strip()


def find_header(rows):
    """The index of the row most like a header among the first rows."""
    best, best_count = None, 1
    for index, (_line, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        count = len({recognise(c) for c in cells if recognise(c)})
        if count > best_count:
            best, best_count = index, count
    return best


def resolve_columns(headers, mapping):
    """Columns by field from an explicit mapping: {field: header or index}.

    The key "ignore" lists columns to leave out. Returns (columns, problems,
    the indexes chosen to be ignored).
    """
    columns, problems, ignored = {}, [], set()
    keys = [header_key(h) for h in headers]

    def find(ref):
        if isinstance(ref, int):
            return ref if 0 <= ref < len(headers) else None
        key = header_key(str(ref))
        return keys.index(key) if key in keys else None

    for name, refs in mapping.items():
        if name != IGNORE and name not in FIELDS:
            problems.append(Problem(_l("unknown field %(name)s", name=name)))
            continue
        for ref in refs if isinstance(refs, list | tuple) else [refs]:
            index = find(ref)
            if index is None:
                problems.append(Problem(_l("no column %(ref)s in the file", ref=ref)))
            elif name == IGNORE:
                ignored.add(index)
            else:
                columns[name] = index
    taken = set(columns.values()) | ignored
    for index, header in enumerate(headers):
        field = recognise(header)
        if index not in taken and field not in (None, IGNORE) and field not in columns:
            columns[field] = index
    return columns, problems, ignored


def auto_columns(headers):
    columns = {}
    for index, header in enumerate(headers):
        field = recognise(header)
        if field not in (None, IGNORE) and field not in columns:
            columns[field] = index
    return columns


def unrecognised(headers):
    """The indexes of the named columns whose header names no field."""
    return [i for i, h in enumerate(headers) if h and recognise(h) is None]


def missing_fields(headers, columns):
    """The fields a mapping must find before the table can be read."""
    missing = [] if "number" in columns else ["number"]
    if "floor" not in columns and not _houses(headers, columns):
        missing.append("floor")
    has_price = "price" in columns or "price_m2" in columns
    if not has_price and unrecognised(headers):
        missing.append("price")
    return missing


def _left_out(listing, headers, columns, chosen_ignored=()):
    """Warn about the columns an import reads nothing from, unless so chosen."""
    used = set(columns.values()) | set(chosen_ignored)
    unknown, repeated = [], []
    for index, header in enumerate(headers):
        if index in used or not header:
            continue
        field = recognise(header)
        if field is None:
            unknown.append(header)
        elif field != IGNORE:
            repeated.append(header)
    if unknown:
        listing.warnings.append(
            _l(
                "These columns were not recognised and were left out: %(columns)s.",
                columns=", ".join(unknown),
            )
        )
    if repeated:
        listing.warnings.append(
            _l(
                "These columns repeat a field an earlier column holds and were left "
                "out: %(columns)s.",
                columns=", ".join(repeated),
            )
        )


def _houses(headers, columns):
    for field in ("number", "external_id"):
        if field in columns and header_key(headers[columns[field]]) in _HOUSE_HEADERS:
            return True
    return False


def _context(headers, columns, explicit):
    currency = None
    for field in ("price", "price_m2", "currency"):
        if field in columns:
            currency = currency or currency_code(headers[columns[field]])
    floor_header = header_key(headers[columns["floor"]]) if "floor" in columns else ""
    return RowContext(
        polish_floors=floor_header.startswith(_POLISH_FLOOR_HEADERS),
        houses=_houses(headers, columns),
        floor_optional=explicit and "floor" not in columns,
        currency=currency,
    )


def _head(rows):
    head = []
    for line, cells in rows:
        if any(clean(c) for c in cells):
            head.append((line, cells))
        if len(head) >= HEADER_SEARCH_ROWS:
            break
    return head


def _mapping_request(head, header_index):
    headers = [_header_cell(c) for c in head[header_index][1]]
    columns = auto_columns(headers)
    data = [cells for _line, cells in head[header_index + 1 :]][:PREVIEW_ROWS]
    return MappingRequest(
        headers=headers,
        unrecognised=[headers[i] for i in unrecognised(headers)],
        preview=[
            [
                clean(cells[i]) or "" if i < len(cells) else ""
                for i in range(len(headers))
            ]
            for cells in data
        ],
        suggested=columns,
        missing=missing_fields(headers, columns),
        signature=signature(headers),
    )


def preview(rows):
    """The header, the recognised columns and the first rows of a table."""
    head = _head(iter(rows))
    if not head:
        return None
    return _mapping_request(head, find_header(head) or 0)


def parse_table(fmt, rows, mapping=None, saved_mapping=None):
    """A Listing from (line, cells) rows of a table.

    mapping is what the user chose ({field: header or index, "ignore": [...]});
    saved_mapping(signature) returns a mapping saved earlier, or None.
    """
    listing = Listing(format=fmt)
    rows = iter(rows)
    head = _head(rows)
    if not head:
        listing.errors.append(Problem(_l("The file has no rows.")))
        return listing

    header_index = find_header(head)
    if header_index is None:
        header_index = 0
    headers = [_header_cell(c) for c in head[header_index][1]]
    listing.signature = signature(headers)
    listing.headers = headers

    source = "auto"
    if mapping is None and saved_mapping is not None:
        mapping = saved_mapping(listing.signature)
        source = "saved" if mapping is not None else source
    elif mapping is not None:
        source = "explicit"

    chosen_ignored = set()
    if mapping is not None:
        columns, problems, chosen_ignored = resolve_columns(headers, mapping)
        if problems:
            listing.errors.extend(problems)
            return listing
        if "number" not in columns:
            listing.errors.append(
                Problem(_l("No column is mapped to the unit number."))
            )
            return listing
    else:
        columns = auto_columns(headers)
        if missing_fields(headers, columns):
            listing.mapping_request = _mapping_request(head, header_index)
            return listing
    listing.columns = columns
    listing.mapping_source = source
    _left_out(listing, headers, columns, chosen_ignored)

    context = _context(headers, columns, explicit=mapping is not None)
    header_keys = [header_key(h) for h in headers]
    for line, cells in chain(head[header_index + 1 :], rows):
        _read_row(listing, line, cells, columns, context, header_keys)
    return listing


def _read_row(listing, line, cells, columns, context, header_keys):
    if not any(clean(c) for c in cells):
        return
    place = Place(line=line)
    if [header_key(c) for c in cells[: len(header_keys)]] == header_keys:
        listing.skipped.append(Problem(_l("the header repeated"), place))
        return
    raw = {
        field: cells[index] for field, index in columns.items() if index < len(cells)
    }
    if clean(raw.get("number")) is None:
        filled = [str(c) for c in cells if clean(c)]
        if fold(filled[0]).startswith(_TOTAL_WORDS):
            listing.skipped.append(Problem(_l("a total line, not a unit"), place))
            return
        if len(filled) == 1:
            # Price lists group units under lines like "Секция 1" or "Budynek A".
            listing.skipped.append(Problem(_l("a heading line, not a unit"), place))
            return
    add_row(listing, make_row(raw, place, context))
