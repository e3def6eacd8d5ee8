"""Yandex Realty feeds (YRL), with or without their namespace.

The feed is untrusted XML: it is parsed with defusedxml, and a DTD of any
kind (which entity bombs and external entities need) refuses the file.

Where an offer's values come from:
- number: location/apartment, else <number>, else the packed internal-id;
- section: <building-section> (the way Domclick and Profitbase feeds use it);
- building: when internal-id packs queue, block, section, floor and number
  ("Q1-B4K-S2-F2-N2"), the building is "Очередь 1, блок 4К" (block codes
  are written in Latin in the id and in Cyrillic in the developer's own
  descriptions, so K becomes К and ZH becomes Ж) and section, floor and
  number come from the id; else <house><name> when present; else the
  project's one building;
- project name: <building-name>, the complex; city and address: location;
- completion: ready-quarter and built-year, as "Q2 2027";
- layout: the <image tag="plan">, else the first <image>;
- status: <status-humanized> or <status> when the feed has them; a feed
  without a status lists offers on sale, so their status is left as it is
  (new units are available).
"""

import re
from xml.etree.ElementTree import ParseError

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException
from flask_babel import lazy_gettext as _l

from partnerhub.models import UnitKind
from partnerhub.services.errors import InvalidFile
from partnerhub.services.importing.core import (
    Listing,
    Place,
    Problem,
    RowContext,
    add_row,
    make_row,
)
from partnerhub.services.importing.values import (
    clean,
    completion_from,
    fold,
    parse_url,
)

ROOT = "realty-feed"

PACKED_ID = re.compile(
    r"^Q(?P<queue>\d+)-B(?P<block>[0-9A-Z]+)-S(?P<section>[0-9A-Z]+)"
    r"-F(?P<floor>-?\d+)-N(?P<number>[0-9A-Z]+)$",
    re.I,
)
_LATIN_TO_CYRILLIC = (
    ("SCH", "Щ"),
    ("ZH", "Ж"),
    ("KH", "Х"),
    ("TS", "Ц"),
    ("CH", "Ч"),
    ("SH", "Ш"),
    ("YU", "Ю"),
    ("YA", "Я"),
    ("A", "А"),
    ("B", "Б"),
    ("V", "В"),
    ("G", "Г"),
    ("D", "Д"),
    ("E", "Е"),
    ("Z", "З"),
    ("I", "И"),
    ("K", "К"),
    ("L", "Л"),
    ("M", "М"),
    ("N", "Н"),
    ("O", "О"),
    ("P", "П"),
    ("R", "Р"),
    ("S", "С"),
    ("T", "Т"),
    ("U", "У"),
    ("F", "Ф"),
    ("H", "Х"),
    ("C", "Ц"),
    ("Y", "Ы"),
)
_SALE = {"продажа", "sale", "sell"}
_CATEGORY_KINDS = {
    "квартира": UnitKind.FLAT,
    "flat": UnitKind.FLAT,
    "apartment": UnitKind.FLAT,
    "апартаменты": UnitKind.FLAT,
    "комната": UnitKind.FLAT,
    "room": UnitKind.FLAT,
    "дом": UnitKind.HOUSE,
    "house": UnitKind.HOUSE,
    "коттедж": UnitKind.HOUSE,
    "cottage": UnitKind.HOUSE,
    "таунхаус": UnitKind.HOUSE,
    "townhouse": UnitKind.HOUSE,
    "дуплекс": UnitKind.HOUSE,
    "duplex": UnitKind.HOUSE,
    "часть дома": UnitKind.HOUSE,
    "гараж": UnitKind.PARKING,
    "garage": UnitKind.PARKING,
    "машиноместо": UnitKind.PARKING,
    "parking": UnitKind.PARKING,
    "кладовая": UnitKind.STORAGE,
    "storage": UnitKind.STORAGE,
    "коммерческая": UnitKind.COMMERCIAL,
    "commercial": UnitKind.COMMERCIAL,
}
_TRUE = {"1", "true", "да", "yes", "+"}


def block_name(code):
    """A block code from an id in Cyrillic, as the developer writes it: 4ZH → 4Ж."""
    out, rest = [], code.upper()
    while rest:
        for latin, cyrillic in _LATIN_TO_CYRILLIC:
            if rest.startswith(latin):
                out.append(cyrillic)
                rest = rest[len(latin) :]
                break
        else:
            out.append(rest[0])
            rest = rest[1:]
    return "".join(out)


def building_from_id(match):
    return f"Очередь {match['queue']}, блок {block_name(match['block'])}"


def _local(tag):
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _find(element, *path):
    for name in path:
        element = next((c for c in element if _local(c.tag) == name), None)
        if element is None:
            return None
    return element


def _text(element, *path):
    found = _find(element, *path)
    if found is None or found.text is None:
        return None
    return clean(found.text)


def _image(offer):
    images = [c for c in offer if _local(c.tag) == "image"]
    for image in images:
        if fold(image.get("tag") or "") in ("plan", "планировка", "layout"):
            return parse_url(image.text)
    return parse_url(images[0].text) if images else None


def _kind(offer):
    if (_text(offer, "studio") or "").lower() in _TRUE:
        return UnitKind.STUDIO
    property_type = fold(_text(offer, "property-type") or "")
    if property_type.startswith(("коммерч", "commerc")):
        return UnitKind.COMMERCIAL
    category = fold(_text(offer, "category") or "")
    if not category:
        return UnitKind.FLAT
    return _CATEGORY_KINDS.get(category)


def offer_row(offer, index, listing):
    """Add the offer's row (or its problem, or its skip) to the listing."""
    internal_id = clean(offer.get("internal-id"))
    place = Place(offer=index, offer_id=internal_id)
    deal = fold(_text(offer, "type") or "продажа")
    if deal not in _SALE:
        listing.skipped.append(
            Problem(_l("not a sale offer (%(type)s)", type=_text(offer, "type")), place)
        )
        return
    kind = _kind(offer)
    if kind is None:
        listing.skipped.append(
            Problem(
                _l(
                    "not a unit PartnerHub sells (%(category)s)",
                    category=_text(offer, "category"),
                ),
                place,
            )
        )
        return

    raw = {
        "external_id": internal_id,
        "number": _text(offer, "location", "apartment") or _text(offer, "number"),
        "section": _text(offer, "building-section"),
        "building": _text(offer, "house", "name"),
        "floor": _text(offer, "floor"),
        "kind": kind,
        "rooms": _text(offer, "rooms"),
        "area": _text(offer, "area", "value"),
        "status": _text(offer, "status-humanized") or _text(offer, "status"),
        "project": _text(offer, "building-name"),
        "city": _text(offer, "location", "locality-name"),
        "address": _text(offer, "location", "address"),
        "completion": completion_from(
            _text(offer, "ready-quarter"), _text(offer, "built-year")
        ),
        "currency": _text(offer, "price", "currency"),
    }
    price_unit = fold(_text(offer, "price", "unit") or "")
    if price_unit in ("кв м", "sq m", "m2", "м2"):
        raw["price_m2"] = _text(offer, "price", "value")
    else:
        raw["price"] = _text(offer, "price", "value")
    packed = PACKED_ID.match(internal_id or "")
    if packed:
        raw["building"] = building_from_id(packed)
        raw["section"] = packed["section"]
        raw["floor"] = raw["floor"] or packed["floor"]
        raw["number"] = raw["number"] or packed["number"]
    result = make_row(raw, place, RowContext())
    if isinstance(result, Problem):
        listing.errors.append(result)
        return
    result.layout_url = _image(offer)
    floors_total = _text(offer, "floors-total")
    if floors_total and floors_total.isdigit():
        result.floors_total = int(floors_total)
    add_row(listing, result)


def read(file):
    """A Listing from a YRL feed (a seekable binary file)."""
    listing = Listing(format="yrl")
    file.seek(0)
    root, index = None, 0
    try:
        for event, element in SafeET.iterparse(
            file, events=("start", "end"), forbid_dtd=True
        ):
            if root is None:
                root = element
                if _local(root.tag) != ROOT:
                    raise InvalidFile(
                        _l(
                            "This XML is not a Yandex Realty feed "
                            "(its root is <%(tag)s>).",
                            tag=_local(root.tag),
                        )
                    )
                continue
            if event == "end" and _local(element.tag) == "offer":
                index += 1
                offer_row(element, index, listing)
                root.clear()
    except DefusedXmlException:
        raise InvalidFile(
            _l(
                "The XML declares a DTD or entities, which listing feeds never need "
                "and attacks use (entity expansion, external files); it was refused."
            )
        ) from None
    except ParseError as error:
        line, column = getattr(error, "position", (None, None))
        raise InvalidFile(
            _l(
                "The XML is malformed at line %(line)s, column %(column)s.",
                line=line,
                column=column,
            )
        ) from None
    if index == 0:
        listing.errors.append(Problem(_l("The feed has no offers.")))
    return listing
