"""The real files developers published import as they are, and match what they say.

They are read where they lie, in the shared/ folder beside the project, and are
never copied into it (their sources state no licence). Each file is checked
against a plain reading of its own content, row by row, and against samples.
"""

import csv
import io
import os
import re
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import func, select

from partnerhub.extensions import db
from partnerhub.models import Building, Project, ReservationStatus, Role, Unit
from partnerhub.services.importing import import_listing
from tests.factories import make_agency, make_developer, make_reservation, make_user

# The real listing files lie beside the project, unless PARTNERHUB_FEEDS_DIR
# says where.
FEEDS = Path(
    os.environ.get("PARTNERHUB_FEEDS_DIR")
    or Path(__file__).resolve().parents[2] / "shared" / "data" / "feeds"
)
DERBENT = FEEDS / "yrl-gajibaev-domclick-avain.xml"
RONSON = FEEDS / "csv-ronson-grunwald-pricelist.csv"
ZACISZE = FEEDS / "csv-gmdeweloper-zacisze-rekowo.csv"

pytestmark = pytest.mark.skipif(
    not FEEDS.is_dir(),
    reason=f"the real listing files are not on this machine ({FEEDS} is missing)",
)

YRL = "{http://webmaster.yandex.ru/schemas/feed/realty/2010-06}"


@pytest.fixture()
def developer(app):
    developer = make_developer()
    db.session.commit()
    return developer


def run(developer, path, project_name=None):
    with path.open("rb") as file:
        result = import_listing(developer, file, path.name, project_name)
    assert result.ok, [str(e) for e in result.errors]
    return result


def project_units(result):
    return db.session.scalars(
        select(Unit).where(Unit.project_id == result.project_id)
    ).all()


def polish_money(text):
    if text == "brak danych":
        return None
    return Decimal(re.sub(r"[^\d,]", "", text).replace(",", "."))


def polish_floor(text):
    return 1 if text == "parter" else int(text.split()[0]) + 1


POLISH_STATUS = {
    "Dostępne": "available",
    "Rezerwacja": "reserved",
    "Sprzedane": "sold",
    "dostępny": "available",
    "zarezerwowany": "reserved",
}


def test_derbent_yrl_feed(developer):
    result = run(developer, DERBENT)

    assert result.summary() == "created 10, updated 0, unchanged 0, skipped 0"
    project = db.session.get(Project, result.project_id)
    assert (project.name, project.currency, project.timezone) == (
        "ЖК Аваин",
        "RUB",
        "Europe/Moscow",
    )
    units = {u.external_id: u for u in project_units(result)}
    offers = ET.parse(DERBENT).getroot().findall(f"{YRL}offer")
    assert len(offers) == len(units) == 10
    for offer in offers:
        unit = units[offer.get("internal-id")]
        queue, block, section, floor, number = re.match(
            r"Q(\d+)-B(\w+?)-S(\d+)-F(\d+)-N(\d+)$", offer.get("internal-id")
        ).groups()
        assert unit.number == offer.findtext(f"{YRL}location/{YRL}apartment") == number
        assert unit.section.name == offer.findtext(f"{YRL}building-section") == section
        assert unit.floor.number == int(offer.findtext(f"{YRL}floor")) == int(floor)
        assert unit.building.name.startswith(f"Очередь {queue}, блок ")
        assert unit.price == Decimal(offer.findtext(f"{YRL}price/{YRL}value"))
        assert unit.area == Decimal(offer.findtext(f"{YRL}area/{YRL}value"))
        assert unit.rooms == int(offer.findtext(f"{YRL}rooms"))
        assert unit.status == "available"
        assert unit.building.completion == "Q2 2027"

    sample = units["Q1-B4K-S2-F2-N2"]
    assert (sample.building.name, sample.section.name, sample.floor.number) == (
        "Очередь 1, блок 4К",
        "2",
        2,
    )
    assert (sample.price, sample.area) == (Decimal("10854000"), Decimal("65.78"))
    assert units["Q2-B4ZH-S16-F3-N11"].building.name == "Очередь 2, блок 4Ж"
    assert units["Q2-B2K2-S20-F3-N6"].building.name == "Очередь 2, блок 2К2"
    # Number 2 restarts in sections 2, 3 and 9: three different units.
    twos = [u for u in units.values() if u.number == "2"]
    assert sorted(u.section.name for u in twos) == ["2", "3", "9"]
    buildings = db.session.scalars(
        select(Building.name).where(Building.project_id == project.id)
    ).all()
    assert len(buildings) == 7


def test_ronson_price_list(developer):
    result = run(developer, RONSON, project_name="Grunwald")

    assert result.summary() == "created 211, updated 0, unchanged 0, skipped 0"
    project = db.session.get(Project, result.project_id)
    assert (project.currency, project.timezone) == ("PLN", "Europe/Warsaw")
    units = {u.number: u for u in project_units(result)}
    text = RONSON.read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert len(rows) == len(units) == 211
    for row in rows:
        unit = units[row["Lokal"]]
        assert unit.building.name == row["Budynek"]
        assert unit.floor.number == polish_floor(row["Piętro"])
        assert unit.status == POLISH_STATUS[row["Status"]]
        assert unit.price == polish_money(row["Cena"])
        assert unit.area == Decimal(row["Metraż"].split()[0])

    assert (units["A003"].floor.number, units["A003"].price, units["A003"].status) == (
        1,
        Decimal("717675"),
        "available",
    )
    assert (units["A012"].floor.number, units["A012"].price, units["A012"].status) == (
        3,
        None,
        "sold",
    )
    assert (units["A026"].floor.number, units["A026"].status) == (5, "reserved")
    assert units["A026"].area == Decimal("38.21")
    assert units["A003"].building.completion == "Q4 2026"
    buildings = db.session.scalars(
        select(Building.name).where(Building.project_id == project.id)
    ).all()
    assert sorted(buildings) == ["A", "B", "C", "D", "E", "F", "U"]
    commercial = [u for u in units.values() if u.building.name == "U"]
    assert len(commercial) == 8
    assert {u.kind for u in commercial} == {"commercial"}
    assert units["U6"].price == Decimal("1241604")
    assert {u.kind for u in units.values() if u.building.name != "U"} == {"flat"}


def test_zacisze_houses(developer):
    result = run(developer, ZACISZE)

    assert result.summary() == "created 15, updated 0, unchanged 0, skipped 0"
    project = db.session.get(Project, result.project_id)
    assert (project.name, project.currency, project.city) == (
        "ZACISZE REKOWO",
        "PLN",
        "Rekowo Górne",
    )
    units = {u.external_id: u for u in project_units(result)}
    rows = list(csv.DictReader(io.StringIO(ZACISZE.read_text("utf-8")), delimiter=";"))
    assert len(rows) == len(units) == 15
    for row in rows:
        unit = units[row["house_id"]]
        assert unit.number == row["house_number"]
        assert unit.kind == "house"
        assert unit.floor.number == 1
        assert unit.area == Decimal(row["area_m2"])
        assert unit.price == Decimal(row["price_total_pln"])
        assert unit.status == POLISH_STATUS[row["status"]]
    assert (units["DOM-35"].status, units["DOM-35"].price) == (
        "reserved",
        Decimal("689000"),
    )
    assert (units["DOM-P"].status, units["DOM-P"].area) == (
        "available",
        Decimal("95.20"),
    )
    assert len(project.buildings) == 1
    assert [s.name for s in project.buildings[0].sections] == ["1"]


@pytest.mark.parametrize("path", [DERBENT, RONSON, ZACISZE], ids=lambda p: p.name)
def test_each_real_file_imported_again_is_unchanged(developer, path):
    first = run(developer, path, project_name="Again")

    second = run(developer, path, project_name="Again")

    assert (
        second.summary()
        == f"created 0, updated 0, unchanged {first.created}, skipped 0"
    )


def _upload(client, content, name):
    response = client.post(
        "/imports/",
        data={"file": (io.BytesIO(content), name), "project_name": ""},
        content_type="multipart/form-data",
    )
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    counts = {
        td["data-count"]: int(td.text)
        for td in page.select(".import-result [data-count]")
    }
    warnings = [li.text for li in page.select(".import-warnings li")]
    return response, counts, warnings


@pytest.mark.usefixtures("english")
def test_ronson_exported_again_under_another_name_updates_its_project(client):
    admin = make_user(make_developer(), Role.DEVELOPER_ADMIN)
    db.session.commit()
    client.login(admin)
    original = RONSON.read_bytes()
    _response, first, _warnings = _upload(client, original, RONSON.name)
    agent = make_user(make_agency(), Role.AGENT)
    a032 = db.session.scalar(select(Unit).filter_by(number="A032"))
    make_reservation(a032, agent, ReservationStatus.REQUESTED)
    db.session.commit()
    # Tomorrow's export: A003 costs more and A005 is back on sale.
    text = original.decode("utf-8-sig")
    text = text.replace(
        "A;A003;3;61.02 m²;parter;Q4’2026;Dostępne;717 675 zł",
        "A;A003;3;61.02 m²;parter;Q4’2026;Dostępne;719 900 zł",
    )
    text = text.replace(
        "A;A005;2;38.73 m²;1 piętro;Q4’2026;Sprzedane",
        "A;A005;2;38.73 m²;1 piętro;Q4’2026;Dostępne",
    )

    response, second, warnings = _upload(
        client, text.encode("utf-8"), "ronson-changed.csv"
    )

    assert first["created"] == 211
    assert response.status_code == 200
    assert second == {
        "created": 0,
        "updated": 2,
        "unchanged": 209,
        "skipped": 0,
        "conflicts": 1,
    }
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert "A032" in page.select_one(".import-conflicts li").text
    assert any("csv-ronson-grunwald-pricelist" in w for w in warnings)
    assert db.session.scalars(select(Project.name)).all() == [
        "csv-ronson-grunwald-pricelist"
    ]
    assert db.session.scalar(select(func.count()).select_from(Building)) == 7
    assert db.session.scalar(select(func.count()).select_from(Unit)) == 211
    db.session.expire_all()
    assert db.session.scalar(select(Unit.status).filter_by(number="A032")) == (
        "requested"
    )
    assert db.session.scalar(select(Unit.price).filter_by(number="A003")) == (
        Decimal("719900")
    )
