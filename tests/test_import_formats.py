"""Each supported format, with the quirks real files have, lands as units."""

import io
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from partnerhub.extensions import db
from partnerhub.models import Building, Floor, Project, Section, Unit
from partnerhub.services.importing import import_listing
from tests.factories import make_developer

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "listings"


def run(developer, name, project_name=None, **kwargs):
    with (FIXTURES / name).open("rb") as file:
        return import_listing(developer, file, name, project_name, **kwargs)


def run_bytes(developer, content, name="list.csv", project_name=None, **kwargs):
    return import_listing(developer, io.BytesIO(content), name, project_name, **kwargs)


def units_by(project_id, key=lambda u: (u.building.name, u.section.name, u.number)):
    units = db.session.scalars(select(Unit).where(Unit.project_id == project_id))
    return {key(u): u for u in units}


@pytest.fixture()
def developer(app):
    developer = make_developer()
    db.session.commit()
    return developer


def test_yrl_with_namespace_builds_buildings_from_packed_ids(developer):
    result = run(developer, "yrl-namespaced.xml")

    assert result.ok, [str(e) for e in result.errors]
    assert (result.created, result.skipped_count) == (3, 1)
    assert "предложение 4" in result.skipped[0].where
    project = db.session.get(Project, result.project_id)
    assert (project.name, project.currency, project.timezone) == (
        "ЖК Тестовый",
        "RUB",
        "Europe/Moscow",
    )
    assert (project.city, project.address) == (
        "Тестовск",
        "г. Тестовск, ул. Примерная, 1",
    )
    units = units_by(project.id)
    first = units[("Очередь 1, блок 1К", "1", "1")]
    assert first.floor.number == 2
    assert first.external_id == "Q1-B1K-S1-F2-N1"
    assert (first.rooms, first.area, first.price) == (
        1,
        Decimal("38.41"),
        Decimal("7800000"),
    )
    assert first.layout_url == "https://example.com/plan-1.png"
    assert first.building.completion == "Q4 2026"
    # Numbers restart in each section: number 1 again, in section 2.
    second = units[("Очередь 1, блок 1К", "2", "1")]
    assert second.price == Decimal("9100000.50")
    studio = units[("Очередь 2, блок 2Ж", "3", "1")]
    assert (studio.kind, studio.rooms, studio.status) == ("studio", 0, "reserved")
    assert studio.layout_url is None
    # A building of 5 floors keeps its shape though only floor 2 is listed.
    floors = db.session.scalars(
        select(Floor.number).where(Floor.building_id == first.building_id)
    ).all()
    assert sorted(floors) == [1, 2, 3, 4, 5]


def test_yrl_without_namespace_uses_house_name_and_skips_land(developer):
    result = run(developer, "yrl-plain.xml")

    assert result.ok
    assert (result.created, result.skipped_count) == (2, 1)
    units = units_by(result.project_id, key=lambda u: u.number)
    assert units["12"].building.name == "Корпус 7"
    assert (units["М-4"].kind, units["М-4"].floor.number) == ("parking", -1)


def test_cp1251_csv_with_russian_headers_words_and_decimal_commas(developer):
    result = run(developer, "cp1251-russian.csv", project_name="ЖК Берёзки")

    assert result.ok, [str(e) for e in result.errors]
    assert result.created == 7
    assert [p.place.line for p in result.skipped] == [11]
    units = units_by(result.project_id)
    studio = units[("1", "1", "1")]
    assert (studio.kind, studio.rooms, studio.floor.number) == ("studio", 0, 1)
    assert studio.area == Decimal("24.90")
    booked = units[("1", "1", "3")]
    assert (booked.floor.number, booked.price, booked.status) == (
        2,
        Decimal("6120500.50"),
        "reserved",
    )
    sold = units[("1", "2", "1")]
    assert (sold.price, sold.status) == (None, "sold")
    assert units[("1", "2", "К1")].floor.number == 0
    # No section given: the building's one section.
    assert units[("2", "1", "1")].section.name == "1"
    assert db.session.get(Project, result.project_id).currency == "RUB"


def test_utf8_bom_polish_csv(developer):
    result = run(developer, "utf8-bom-polish.csv", project_name="Osiedle")

    assert result.ok, [str(e) for e in result.errors]
    units = units_by(result.project_id, key=lambda u: u.number)
    assert units["A001"].floor.number == 1
    assert units["A001"].price == Decimal("717675")
    assert units["A002"].floor.number == 3
    assert (units["A002"].price, units["A002"].status) == (None, "sold")
    assert units["A003"].floor.number == 3
    assert (units["A003"].price, units["A003"].status) == (
        Decimal("1241604.50"),
        "reserved",
    )
    assert units["B001"].floor.number == 2
    assert (units["U1"].kind, units["U1"].building.name) == ("commercial", "U")
    assert units["A001"].building.completion == "Q4 2026"
    assert db.session.get(Project, result.project_id).currency == "PLN"


def test_comma_csv_with_quoted_thousands_and_kinds(developer):
    result = run(developer, "comma-english.csv", project_name="Towers")

    assert result.ok, [str(e) for e in result.errors]
    units = units_by(result.project_id, key=lambda u: u.external_id)
    assert units["T1-101"].kind == "studio"
    assert units["T1-101"].price == Decimal("3150000")
    assert units["T1-B101"].section.name == "B"
    assert units["T1-B101"].number == units["T1-101"].number == "101"
    assert (units["T1-P1"].kind, units["T1-P1"].floor.number) == ("parking", 1)


def test_tab_separated_csv(developer):
    content = "Корпус\tЭтаж\tНомер\tПлощадь\tЦена\n1\t3\t12\t40,5\t6 500 000 ₽\n"

    result = run_bytes(developer, content.encode("utf-8"), project_name="Tab")

    assert result.ok
    unit = units_by(result.project_id, key=lambda u: u.number)["12"]
    assert (unit.floor.number, unit.area, unit.price) == (
        3,
        Decimal("40.5"),
        Decimal("6500000"),
    )


def test_cp1250_polish_csv_is_told_from_cp1251(developer):
    content = (
        "Budynek;Lokal;Piętro;Metraż;Cena;Status\n"
        "A;A1;parter;30,5;300 000 zł;Dostępne\n"
    )

    result = run_bytes(developer, content.encode("cp1250"), project_name="PL")

    assert result.ok, [str(e) for e in result.errors]
    unit = units_by(result.project_id, key=lambda u: u.number)["A1"]
    assert (unit.floor.number, unit.status) == (1, "available")


def test_houses_stand_on_one_floor_without_sections(developer):
    result = run(developer, "houses.csv")

    assert result.ok
    project = db.session.get(Project, result.project_id)
    assert (project.name, project.currency) == ("OSIEDLE TESTOWE", "PLN")
    units = units_by(project.id, key=lambda u: u.external_id)
    assert {u.kind for u in units.values()} == {"house"}
    assert {u.floor.number for u in units.values()} == {1}
    assert {u.section.name for u in units.values()} == {"1"}
    assert (units["DOM-2"].status, units["DOM-2"].price) == (
        "reserved",
        Decimal("669000"),
    )
    assert units["DOM-3"].status == "available"
    assert len(project.buildings) == 1


def _workbook(rows, sheets=None):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Notes"
    sheet.append(["Цены действительны до конца месяца"])
    data = workbook.create_sheet("Прайс")
    for row in rows:
        data.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_xlsx_finds_the_price_sheet_under_a_title_row(developer):
    content = _workbook(
        [
            ["Прайс-лист на январь"],
            [],
            [
                "Корпус",
                "Секция",
                "Этаж",
                "Номер",
                "Комнат",
                "Площадь",
                "Цена",
                "Статус",
            ],
            ["1", 1, 2, 5, 2, 56.3, 7800000, "свободна"],
            ["1", 1, 2, 6, "студия", 24.9, 4990000.5, "бронь"],
            ["1", 2, "третий", 1, 1, 38.41, None, "продана"],
        ]
    )

    result = run_bytes(developer, content, name="prices.xlsx", project_name="XLSX")

    assert result.ok, [str(e) for e in result.errors]
    assert result.format == "xlsx"
    units = units_by(result.project_id)
    assert units[("1", "1", "5")].area == Decimal("56.30")
    assert units[("1", "1", "5")].price == Decimal("7800000")
    assert units[("1", "1", "6")].price == Decimal("4990000.50")
    assert units[("1", "1", "6")].kind == "studio"
    assert units[("1", "2", "1")].floor.number == 3
    assert units[("1", "2", "1")].status == "sold"


def test_a_file_named_xlsx_that_is_csv_is_read_by_its_content(developer):
    content = "Корпус;Этаж;Номер\n1;1;1\n".encode()

    result = run_bytes(developer, content, name="prices.xlsx", project_name="Named")

    assert result.ok
    assert result.format == "csv"


def test_sections_are_ordered_naturally(developer):
    content = "Корпус;Секция;Этаж;Номер\n1;10;1;1\n1;2;1;1\n1;1;1;1\n".encode()

    result = run_bytes(developer, content, project_name="Order")

    building = db.session.scalar(
        select(Building).filter_by(project_id=result.project_id)
    )
    names = db.session.scalars(
        select(Section.name)
        .filter_by(building_id=building.id)
        .order_by(Section.position)
    ).all()
    assert names == ["1", "2", "10"]


def test_heading_and_total_lines_are_skipped_and_reported(developer):
    content = (
        "Корпус;Этаж;Номер;Тип;Цена\n"
        "Секция 1;;;;\n"
        "1;1;1;1-комн. квартира;5 000 000\n"
        "1;1;2;Нежилое помещение;7 000 000\n"
        "Итого;;;;12 000 000\n"
    ).encode()

    result = run_bytes(developer, content, project_name="Headings")

    assert result.ok, [str(e) for e in result.errors]
    assert [p.place.line for p in result.skipped] == [2, 5]
    units = units_by(result.project_id, key=lambda u: u.number)
    assert (units["1"].kind, units["2"].kind) == ("flat", "commercial")


@pytest.mark.usefixtures("english")
@pytest.mark.parametrize("counter", ["№ п/п", "Lp.", "L.p."])
def test_a_counter_column_is_left_out_without_a_word(developer, counter):
    content = f"{counter};Корпус;Этаж;№ кв.;Цена\n1;1;2;15;5 000 000\n".encode()

    result = run_bytes(developer, content, project_name="ЖК")

    assert result.ok
    assert not any("left out" in str(w) for w in result.warnings)
    unit = db.session.scalar(select(Unit))
    assert (unit.number, unit.floor.number, unit.price) == ("15", 2, Decimal("5000000"))
