"""Turning what people type in price lists into values PartnerHub stores.

Each parser takes the cell's text and returns a value, None for an empty or
"no data" cell, or raises BadValue with a reason meant for the user.

Floors follow the Russian convention, where the ground floor is 1:
- a number is taken as it is ("5", "5 этаж", "5-й", "5/17" is floor 5 of 17);
- Russian ordinal words count the same way ("первый" 1, "двадцать второй" 22);
  "цокольный" (the semi-basement below the first floor) is 0, and "подвал",
  "подземный" are -1;
- Polish counts from the ground: "parter" is 1 and "N piętro" (also "piętro N",
  Roman "II piętro", words "drugie piętro") is N + 1; "suterena" is 0 and
  "piwnica", "garaż podziemny" are -1. When the floor column's header is
  Polish ("Piętro", "Kondygnacja", "Poziom"), bare numbers are Polish too:
  0 becomes 1, 3 becomes 4, negative numbers stay as they are;
- English "ground" is 1 and "basement" -1.
"""

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l

from partnerhub.models import MAX_PRICE, UnitKind, UnitStatus

CENT = Decimal("0.01")
MAX_AREA = Decimal("99999999")
MIN_FLOOR, MAX_FLOOR = -10, 300


class BadValue(ValueError):
    """A cell that cannot be read; the message says why, for the user."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


_SPACES = re.compile(r"[\s\u00a0\u202f\u2009\u2007\u200b]+")

# Cells that mean "nothing here", in the languages the files come in.
NO_DATA = {
    "",
    "-",
    "--",
    "—",
    "–",
    "brak danych",
    "brak",
    "нет данных",
    "н/д",
    "n/a",
    "na",
    "nd",
    "none",
    "null",
    "nan",
}


def clean(value):
    """The cell as text with its spaces tidied, or None when it holds no data."""
    if value is None:
        return None
    text = _SPACES.sub(" ", str(value)).strip()
    if text.lower() in NO_DATA:
        return None
    return text


def fold(text):
    """Lower case, without accents or punctuation: the key for word lookups."""
    text = unicodedata.normalize("NFKD", text.lower().replace("ё", "е"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("ł", "l").replace("²", "2").replace("³", "3")
    text = re.sub(r"[^\w]+", " ", text).replace("_", " ")
    return " ".join(text.split())


# Numbers and money

_CURRENCY_SIGNS = (
    # (pattern on the folded text, currency)
    (re.compile(r"(^|[\d\s])(zl|pln)(\s|$)"), "PLN"),
    (re.compile(r"(^|[\d\s])(rub|rur|руб\w*|р)(\s|$)"), "RUB"),
    (re.compile(r"(^|[\d\s])(eur|euro)(\s|$)"), "EUR"),
    (re.compile(r"(^|[\d\s])(usd)(\s|$)"), "USD"),
    (re.compile(r"(^|[\d\s])(kzt|тг|тенге)(\s|$)"), "KZT"),
)
_SYMBOLS = {"₽": "RUB", "zł": "PLN", "€": "EUR", "$": "USD", "₸": "KZT"}
_MULTIPLIERS = (
    (re.compile(r"(млн|mln|million)"), Decimal(1_000_000)),
    (re.compile(r"(тыс|tys|thousand)"), Decimal(1_000)),
)


def currency_code(text):
    """The ISO code a currency sign or word stands for, or None."""
    text = clean(text)
    if text is None:
        return None
    for symbol, code in _SYMBOLS.items():
        if symbol in text.lower():
            return code
    folded = fold(text)
    for pattern, code in _CURRENCY_SIGNS:
        if pattern.search(folded):
            return code
    return None


def _to_decimal(text, grouping_wins):
    """A Decimal from digits with spaces, dots and commas used either way.

    With one separator followed by exactly three digits ("7.800", "1,241") the
    separator is taken for thousands when grouping_wins (prices), else for
    the decimal point (areas).
    """
    digits = re.sub(r"[\s'’]", "", text)
    if not re.fullmatch(r"[-+]?[\d.,]*\d[\d.,]*", digits):
        raise ValueError(text)
    sign = "-" if digits.startswith("-") else ""
    digits = digits.lstrip("+-")
    if "," in digits and "." in digits:
        decimal_mark = "," if digits.rfind(",") > digits.rfind(".") else "."
        thousands = "." if decimal_mark == "," else ","
        digits = digits.replace(thousands, "").replace(decimal_mark, ".")
    else:
        mark = "," if "," in digits else "." if "." in digits else None
        if mark is not None:
            whole, _, tail = digits.rpartition(mark)
            groups = digits.split(mark)
            if len(groups) > 2:
                if any(len(g) != 3 for g in groups[1:]):
                    raise ValueError(text)
                digits = "".join(groups)
            elif len(tail) == 3 and grouping_wins and whole and len(whole) <= 3:
                digits = whole + tail
            else:
                digits = f"{whole}.{tail}"
    return Decimal(sign + digits)


def parse_price(value, per_m2=False):
    """(amount, currency or None) from "717 675 zł", "7,8 млн ₽", "1 241 604,50"."""
    text = clean(value)
    if text is None:
        return None, None
    shown = text
    currency = currency_code(text)
    lowered = text.lower()
    if per_m2:
        lowered = re.sub(r"/\s*(m²|m2|м²|м2|кв\.?\s*м\.?)", "", lowered)
        text = re.sub(r"/\s*(m²|m2|м²|м2|кв\.?\s*м\.?)", "", text, flags=re.I)
    elif re.search(r"/\s*(m|м|кв)", lowered):
        raise BadValue(
            _l("%(value)s looks like a price per m², not a price", value=text)
        )
    multiplier = Decimal(1)
    for pattern, factor in _MULTIPLIERS:
        if pattern.search(lowered):
            multiplier = factor
    number = re.sub(r"[^\d\s.,'’+-]", "", text).strip().strip(".,")
    try:
        amount = _to_decimal(number, grouping_wins=multiplier == 1) * multiplier
    except (ValueError, InvalidOperation):
        if per_m2:
            message = _l("price per m² %(value)s is not a number", value=shown)
        else:
            message = _l("price %(value)s is not a number", value=shown)
        raise BadValue(message) from None
    if amount < 0 or amount > MAX_PRICE:
        if per_m2:
            message = _l("price per m² %(value)s is out of range", value=shown)
        else:
            message = _l("price %(value)s is out of range", value=shown)
        raise BadValue(message)
    return amount.quantize(CENT, ROUND_HALF_UP), currency


def parse_price_per_m2(value):
    amount, _currency = parse_price(value, per_m2=True)
    return amount


_AREA_UNITS = re.compile(
    r"(m²|m2|м²|м2|кв\.?\s*м\.?|sq\.?\s*m|sqm|sq\.?\s*ft|mkw|metr\w*)", re.I
)


def parse_area(value):
    """Square metres from "38.41 m²", "38,41 м²", "65.78"."""
    text = clean(value)
    if text is None:
        return None
    number = _AREA_UNITS.sub("", text).strip()
    try:
        area = _to_decimal(number, grouping_wins=False)
    except (ValueError, InvalidOperation):
        raise BadValue(_l("area %(value)s is not a number", value=text)) from None
    if area <= 0 or area > MAX_AREA:
        raise BadValue(_l("area %(value)s is out of range", value=text))
    return area.quantize(CENT, ROUND_HALF_UP)


# Rooms and kinds

_STUDIO_WORDS = {"studio", "студия", "ст", "kawalerka", "студ"}


def parse_rooms(value):
    """The number of rooms; 0 for a studio. "2-комн", "3 pokoje", "4+" read too."""
    text = clean(value)
    if text is None:
        return None
    folded = fold(text)
    if folded in _STUDIO_WORDS or folded.startswith(("студи", "studio", "kawaler")):
        return 0
    if folded.startswith(("своб", "open plan", "free plan")):
        return None
    match = re.match(r"^(\d+)(\s*[.,]0+)?(?!\d)", folded)
    if match is None:
        raise BadValue(_l("rooms %(value)s is not a number", value=text))
    rooms = int(match.group(1))
    if rooms > 50:
        raise BadValue(_l("rooms %(value)s is out of range", value=text))
    return rooms


_KIND_WORDS = {
    UnitKind.FLAT: (
        "квартира",
        "кв",
        "апартаменты",
        "апартамент",
        "flat",
        "apartment",
        "residential",
        "mieszkanie",
        "lokal mieszkalny",
        "жилое",
        "жилое помещение",
    ),
    UnitKind.STUDIO: ("студия", "studio", "kawalerka"),
    UnitKind.COMMERCIAL: (
        "коммерческое",
        "коммерческое помещение",
        "коммерция",
        "нежилое",
        "нежилое помещение",
        "офис",
        "псн",
        "торговое",
        "торговое помещение",
        "commercial",
        "office",
        "retail",
        "shop",
        "lokal uslugowy",
        "lokal uzytkowy",
        "lokal komercyjny",
        "uslugowy",
        "uslugi",
        "komercyjny",
    ),
    UnitKind.PARKING: (
        "машиноместо",
        "машино место",
        "парковка",
        "парковочное место",
        "паркинг",
        "гараж",
        "мм",
        "parking",
        "parking space",
        "garage",
        "miejsce parkingowe",
        "miejsce postojowe",
        "garaz",
    ),
    UnitKind.STORAGE: (
        "кладовая",
        "кладовка",
        "келлер",
        "storage",
        "storeroom",
        "komorka",
        "komorka lokatorska",
        "boks",
    ),
    UnitKind.HOUSE: (
        "дом",
        "коттедж",
        "таунхаус",
        "house",
        "townhouse",
        "cottage",
        "dom",
        "dom jednorodzinny",
        "blizniak",
        "segment",
    ),
}
_KINDS = {fold(word): kind for kind, words in _KIND_WORDS.items() for word in words}
_KINDS.update({kind: kind for kind in UnitKind.ALL})
# Longest first, so that "lokal uslugowy" is found before "lokal".
_KIND_PHRASES = sorted(_KINDS.items(), key=lambda item: -len(item[0]))


def parse_kind(value):
    """A unit kind from a word or a phrase: "2-комнатная квартира" is a flat."""
    text = clean(value)
    if text is None:
        return None
    folded = fold(text)
    kind = _KINDS.get(folded)
    if kind is None:
        kind = next(
            (
                k
                for word, k in _KIND_PHRASES
                if re.search(rf"\b{re.escape(word)}\b", folded)
            ),
            None,
        )
    if kind is None:
        raise BadValue(_l("unknown kind of unit %(value)s", value=text))
    return kind


# Statuses

_STATUS_WORDS = {
    UnitStatus.AVAILABLE: (
        "свободна",
        "свободно",
        "свободен",
        "свободная",
        "в продаже",
        "продается",
        "продаётся",
        "доступна",
        "доступно",
        "в наличии",
        "available",
        "free",
        "for sale",
        "on sale",
        "dostepne",
        "dostepny",
        "dostepna",
        "wolne",
        "wolny",
        "wolna",
        "w sprzedazy",
        "na sprzedaz",
    ),
    UnitStatus.RESERVED: (
        "бронь",
        "в брони",
        "забронирована",
        "забронировано",
        "забронирован",
        "резерв",
        "в резерве",
        "зарезервирована",
        "зарезервировано",
        "reserved",
        "reservation",
        "on hold",
        "rezerwacja",
        "zarezerwowany",
        "zarezerwowane",
        "zarezerwowana",
        "rezerwacja wstepna",
    ),
    UnitStatus.BOOKED: (
        "booked",
        "оформление",
        "на оформлении",
        "в оформлении",
        "оформляется",
        "в сделке",
        "сделка",
        "umowa przedwstepna",
        "umowa rezerwacyjna",
    ),
    UnitStatus.SOLD: (
        "продана",
        "продано",
        "продан",
        "продажа завершена",
        "sold",
        "sprzedane",
        "sprzedany",
        "sprzedana",
        "sprzedaz",
    ),
    UnitStatus.UNAVAILABLE: (
        "снята с продажи",
        "снято с продажи",
        "не в продаже",
        "недоступна",
        "недоступно",
        "закрыта",
        "закрыто",
        "unavailable",
        "not for sale",
        "withdrawn",
        "niedostepne",
        "niedostepny",
        "niedostepna",
        "wycofane",
        "wstrzymane",
    ),
}
_STATUSES = {
    fold(word): status for status, words in _STATUS_WORDS.items() for word in words
}
_STATUSES.update({status: status for status in UnitStatus.SETTABLE})


def parse_status(value):
    """A unit status from the words Russian, Polish and English lists use."""
    text = clean(value)
    if text is None:
        return None
    status = _STATUSES.get(fold(text))
    if status is None:
        raise BadValue(_l("unknown status %(value)s", value=text))
    return status


# Floors

_RU_ORDINALS = (
    # Longest stems first, so that "пятнадцат" wins over "пят".
    ("одиннадцат", 11),
    ("двенадцат", 12),
    ("тринадцат", 13),
    ("четырнадцат", 14),
    ("пятнадцат", 15),
    ("шестнадцат", 16),
    ("семнадцат", 17),
    ("восемнадцат", 18),
    ("девятнадцат", 19),
    ("двадцат", 20),
    ("тридцат", 30),
    ("сорок", 40),
    ("пятидесят", 50),
    ("перв", 1),
    ("втор", 2),
    ("трет", 3),
    ("четверт", 4),
    ("пят", 5),
    ("шест", 6),
    ("седьм", 7),
    ("восьм", 8),
    ("девят", 9),
    ("десят", 10),
)
_PL_ORDINALS = (
    ("pierwsz", 1),
    ("drugi", 2),
    ("trzeci", 3),
    ("czwart", 4),
    ("piat", 5),
    ("szost", 6),
    ("siodm", 7),
    ("osm", 8),
    ("dziewiat", 9),
    ("dziesiat", 10),
)
_ROMAN = re.compile(r"^(x{0,3})(ix|iv|v?i{0,3})$")
_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10}
_BELOW_ZERO = ("подвал", "подземн", "basement", "piwnica", "garaz podziemny")


def _roman(word):
    if not word or not _ROMAN.match(word):
        return None
    total, previous = 0, 0
    for ch in reversed(word):
        value = _ROMAN_VALUES[ch]
        total += -value if value < previous else value
        previous = max(previous, value)
    return total


def _ordinal_sum(words, stems):
    total, found = 0, False
    for word in words:
        for stem, value in stems:
            if word.startswith(stem):
                total += value
                found = True
                break
    return total if found else None


def parse_floor(value, polish=False):
    """A floor number in PartnerHub's (Russian) convention; see the module doc."""
    text = clean(value)
    if text is None:
        return None
    floor = _floor_from_text(text.replace("−", "-").replace("–", "-"), polish)
    if floor is None:
        raise BadValue(_l("floor %(value)s is not understood", value=text))
    if not MIN_FLOOR <= floor <= MAX_FLOOR:
        raise BadValue(_l("floor %(value)s is out of range", value=text))
    return floor


_BARE_FLOOR = re.compile(r"(-?\d+)(?:[.,]0+)?(?:\s*/\s*\d+)?")
_FLOOR_WORDS = ("этаж", "эт", "floor", "level", "storey")
_POLISH_FLOOR_WORDS = ("pietr", "kondygn", "poziom")


def _floor_from_text(text, polish):
    bare = _BARE_FLOOR.fullmatch(text)
    if bare is not None:
        floor = int(bare.group(1))
        return floor + 1 if polish and floor >= 0 else floor
    folded = fold(text)
    words = folded.split()
    if folded.startswith(("parter", "ground", "przyziemie")) or folded == "gf":
        return 1
    if folded.startswith(("цокол", "suteren", "souterrain")):
        return 0
    if folded.startswith(_BELOW_ZERO):
        return -1
    digits = re.search(r"-?\d+", text)
    if any(w.startswith(_POLISH_FLOOR_WORDS) or w == "p" for w in words):
        if digits is not None:
            floor = int(digits.group())
        else:
            floor = next((r for r in map(_roman, words) if r), None)
            if floor is None:
                floor = _ordinal_sum(words, _PL_ORDINALS)
        if floor is None:
            return None
        return floor + 1 if floor >= 0 else floor
    if digits is not None:
        rest = [w for w in words if not w.isdigit()]
        if all(
            w.startswith(_FLOOR_WORDS) or re.fullmatch(r"[а-я]{1,2}", w) for w in rest
        ):
            return int(digits.group())
        return None
    return _ordinal_sum(words, _RU_ORDINALS)


# Completion

_QUARTER = re.compile(
    r"(?<![a-zа-я])(?:q\s*([1-4])|([1-4])\s*(?:кв|q|kw|квартал)|(i{1,3}|iv)\s*(?:кв|kw|q)?)"
    r"\W*?(\d{4})"
)


def parse_completion(value):
    """A completion date as "Q4 2026" when it is a quarter, else the text."""
    text = clean(value)
    if text is None:
        return None
    folded = fold(text.replace("’", " ").replace("'", " "))
    match = _QUARTER.search(folded)
    if match:
        quarter = match.group(1) or match.group(2) or _roman(match.group(3))
        return f"Q{quarter} {match.group(4)}"
    return text[:40]


def completion_from(quarter, year):
    """A completion string from YRL's ready-quarter and built-year."""
    quarter, year = clean(quarter), clean(year)
    if year and quarter and quarter.isdigit() and 1 <= int(quarter) <= 4:
        return f"Q{quarter} {year}"
    return year


# Numbers of units, ids, urls

_NUMBER_PREFIX = re.compile(r"^(№|no\.?|nr\.?|кв\.|кв)\s*", re.I)


def parse_number(value):
    """The unit's number as shown to people: "12", "A002"; "12.0" from Excel is 12."""
    text = clean(value)
    if text is None:
        return None
    text = _NUMBER_PREFIX.sub("", text).strip()
    if re.fullmatch(r"\d+\.0+", text):
        text = text.split(".")[0]
    if not text:
        return None
    if len(text) > 40:
        raise BadValue(_l("number %(value)s is too long", value=text[:40]))
    return text


def parse_text(value, limit, label):
    text = clean(value)
    if text is None:
        return None
    if re.fullmatch(r"\d+\.0+", text):
        text = text.split(".")[0]
    if len(text) > limit:
        raise BadValue(_l("%(label)s is too long", label=label))
    return text


def parse_url(value):
    """An http(s) address, or None; anything else is dropped, never linked."""
    text = clean(value)
    if text is None:
        return None
    if not re.match(r"^https?://[^\s<>\"']+$", text, re.I) or len(text) > 500:
        return None
    return text
