"""Reading the values people type into price lists."""

from decimal import Decimal

import pytest

from partnerhub.services.importing import values
from partnerhub.services.importing.values import BadValue


@pytest.mark.parametrize(
    ("text", "polish", "floor"),
    [
        ("parter", False, 1),
        ("Parter", False, 1),
        ("1 piętro", False, 2),
        ("2 piętro", False, 3),
        ("piętro 4", False, 5),
        ("II piętro", False, 3),
        ("drugie piętro", False, 3),
        ("0", True, 1),
        ("3", True, 4),
        ("-1", True, -1),
        ("5", False, 5),
        ("5 этаж", False, 5),
        ("5-й этаж", False, 5),
        ("5/17", False, 5),
        ("5 этаж из 17", False, 5),
        ("первый", False, 1),
        ("второй этаж", False, 2),
        ("двадцать второй", False, 22),
        ("пятнадцатый", False, 15),
        ("цокольный", False, 0),
        ("подвал", False, -1),
        ("-1", False, -1),
        ("Ground floor", False, 1),
        ("3.0", False, 3),
        ("brak danych", False, None),
        ("нет данных", False, None),
        ("-", False, None),
        ("", False, None),
    ],
)
def test_floors_follow_the_russian_convention(app, text, polish, floor):
    assert values.parse_floor(text, polish=polish) == floor


@pytest.mark.parametrize("text", ["мансарда", "abc", "между 2 и 3", "999"])
def test_floors_not_understood_are_refused(app, text):
    with pytest.raises(BadValue):
        values.parse_floor(text)


@pytest.mark.parametrize(
    ("text", "amount", "currency"),
    [
        ("717 675 zł", Decimal("717675"), "PLN"),
        ("717\u00a0675\u00a0zł", Decimal("717675"), "PLN"),
        ("7 800 000 ₽", Decimal("7800000"), "RUB"),
        ("7\u202f800\u202f000 руб.", Decimal("7800000"), "RUB"),
        ("1 241 604,50", Decimal("1241604.50"), None),
        ("1,241,604.50", Decimal("1241604.50"), None),
        ("1.241.604", Decimal("1241604"), None),
        ("10854000", Decimal("10854000"), None),
        ("7,8 млн ₽", Decimal("7800000"), "RUB"),
        ("450 tys. zł", Decimal("450000"), "PLN"),
        ("100 PLN", Decimal("100"), "PLN"),
        ("5 000 000 RUR", Decimal("5000000"), "RUB"),
        ("brak danych", None, None),
        ("нет данных", None, None),
    ],
)
def test_prices_with_spaces_signs_and_decimal_commas(app, text, amount, currency):
    assert values.parse_price(text) == (amount, currency)


@pytest.mark.parametrize("text", ["около миллиона", "11 761,30 zł/m²", "1,2,3"])
def test_prices_that_are_not_prices_are_refused(app, text):
    with pytest.raises(BadValue):
        values.parse_price(text)


def test_a_price_per_m2_column_takes_its_unit(app):
    assert values.parse_price_per_m2("11 761,30 zł/m²") == Decimal("11761.30")


@pytest.mark.parametrize(
    ("text", "area"),
    [
        ("38.41 m²", Decimal("38.41")),
        ("38,41 м²", Decimal("38.41")),
        ("74,05 кв. м", Decimal("74.05")),
        ("65.78", Decimal("65.78")),
        ("41", Decimal("41")),
        ("brak danych", None),
    ],
)
def test_areas(app, text, area):
    assert values.parse_area(text) == area


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("свободна", "available"),
        ("в продаже", "available"),
        ("бронь", "reserved"),
        ("Забронирована", "reserved"),
        ("продана", "sold"),
        ("Dostępne", "available"),
        ("dostępny", "available"),
        ("Rezerwacja", "reserved"),
        ("zarezerwowany", "reserved"),
        ("Sprzedane", "sold"),
        ("sprzedany", "sold"),
        ("снята с продажи", "unavailable"),
        ("AVAILABLE", "available"),
        ("-", None),
    ],
)
def test_statuses_in_russian_polish_and_english(app, text, status):
    assert values.parse_status(text) == status


def test_an_unknown_status_is_refused(app):
    with pytest.raises(BadValue):
        values.parse_status("может быть")


@pytest.mark.parametrize(
    ("text", "rooms"),
    [
        ("студия", 0),
        ("Studio", 0),
        ("2", 2),
        ("2-комн.", 2),
        ("3 pokoje", 3),
        ("4+", 4),
        ("brak danych", None),
    ],
)
def test_rooms(app, text, rooms):
    assert values.parse_rooms(text) == rooms


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("квартира", "flat"),
        ("Lokal usługowy", "commercial"),
        ("машиноместо", "parking"),
        ("кладовая", "storage"),
        ("2-комнатная квартира", "flat"),
        ("Lokal usługowy nr 3", "commercial"),
        ("dom", "house"),
        ("studio", "studio"),
    ],
)
def test_kinds(app, text, kind):
    assert values.parse_kind(text) == kind


@pytest.mark.parametrize(
    ("text", "completion"),
    [
        ("Q4’2026", "Q4 2026"),
        ("4 кв. 2026", "Q4 2026"),
        ("IV kw. 2026", "Q4 2026"),
        ("2027", "2027"),
    ],
)
def test_completion(app, text, completion):
    assert values.parse_completion(text) == completion


def test_currency_words_and_signs(app):
    assert values.currency_code("RUR") == "RUB"
    assert values.currency_code("руб") == "RUB"
    assert values.currency_code("₽") == "RUB"
    assert values.currency_code("zł") == "PLN"
    assert values.currency_code("PLN") == "PLN"
    assert values.currency_code("что-то") is None


def test_only_web_addresses_are_kept_as_layout_links(app):
    assert values.parse_url("https://example.com/a.png") == "https://example.com/a.png"
    assert values.parse_url("javascript:alert(1)") is None
    assert values.parse_url("/etc/passwd") is None


@pytest.mark.usefixtures("english")
@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x zł/m²", "price per m² x zł/m² is not a number"),
        (
            "1 000 000 000 000 000 ₽/м²",
            "price per m² 1 000 000 000 000 000 ₽/м² is out",
        ),
    ],
)
def test_a_bad_price_per_m2_names_its_column(app, text, message):
    with pytest.raises(BadValue) as refused:
        values.parse_price_per_m2(text)

    assert str(refused.value.message).startswith(message)


def test_a_bad_price_per_m2_names_its_column_in_russian(app):
    with pytest.raises(BadValue) as refused:
        values.parse_price_per_m2("x")

    assert str(refused.value.message) == "цена за м² x — не число"
