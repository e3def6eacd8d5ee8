"""Input no person sends on purpose gets a clear answer and changes nothing."""

import io

import pytest

from partnerhub.config import _database_url
from partnerhub.models import Grant, Project, Reservation, Role, Unit
from tests.factories import (
    World,
    make_agency,
    make_developer,
    make_reservation,
    make_user,
)
from tests.helpers import count, soup


@pytest.mark.parametrize(
    "url",
    [
        "/buildings/99999999999999999999",
        "/buildings/{building}/panel?u=99999999999999999999999",
        "/reservations/99999999999999999999/thread",
        "/attachments/99999999999999999999",
        "/moderation/99999999999999999999/term",
    ],
)
def test_ids_too_large_for_the_database_are_not_found(db, client, url):
    world = World()
    client.login(world.manager if "moderation" in url else world.agent)

    response = client.get(url.format(building=world.building.id))

    assert response.status_code == 404


def test_a_thread_poll_after_a_huge_id_is_refused(db, client):
    world = World()
    reservation = make_reservation(world.units[0], world.agent)
    db.session.commit()
    client.login(world.agent)

    response = client.get(
        f"/reservations/{reservation.id}/thread/new?after=99999999999999999999",
        htmx=True,
    )

    assert response.status_code == 400


def test_a_nul_character_is_refused_and_nothing_saved(db, client):
    world = World()
    unit_id = world.units[0].id
    client.login(world.agent)

    response = client.post(
        f"/units/{unit_id}/reservations",
        htmx=True,
        data={"client_name": "Иван\x00", "client_phone": "+79161234567", "days": "3"},
    )

    assert response.status_code == 400
    assert db.session.scalar(db.select(db.func.count()).select_from(Reservation)) == 0


def test_a_nul_character_in_a_file_name_is_refused_and_nothing_imported(db, client):
    developer = make_developer()
    admin = make_user(developer, Role.DEVELOPER_ADMIN)
    db.session.commit()
    client.login(admin)
    content = "Этаж;Номер;Площадь;Цена\n1;1;40;5 000 000\n".encode()

    response = client.post(
        "/imports/",
        data={"file": (io.BytesIO(content), "list\x00.csv"), "project_name": ""},
        content_type="multipart/form-data",
    )

    assert response.status_code == 400
    assert count(Project) == count(Unit) == 0


def test_a_fixed_price_beyond_any_unit_is_a_form_error(db, client):
    world = World()
    reservation = make_reservation(world.units[0], world.agent)
    db.session.commit()
    client.login(world.manager)

    response = client.post(
        f"/moderation/{reservation.id}/approve",
        htmx=True,
        data={
            f"a{reservation.id}-days": "7",
            f"a{reservation.id}-price": "99999999999999999999",
        },
    )

    assert response.status_code == 422
    field = soup(response).select_one(f"#a{reservation.id}-price-error")
    assert "100 000 000 000" in field.get_text()
    db.session.expire_all()
    assert db.session.get(Reservation, reservation.id).status == "requested"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("745 135,50 zł", "745135.50"), ("6 500 000 ₽", "6500000.00")],
)
def test_staff_type_prices_the_way_they_read_them(db, client, typed, stored):
    world = World()
    unit = world.units[0]
    client.login(world.manager)
    panel = soup(
        client.get(f"/buildings/{world.building.id}/panel?u={unit.id}", htmx=True)
    )
    seen = panel.select_one("input[name=seen]")["value"]

    response = client.post(
        f"/units/{unit.id}",
        htmx=True,
        data={"price": typed, "status": "available", "seen": seen},
    )

    assert response.status_code == 200
    db.session.expire_all()
    assert str(db.session.get(Unit, unit.id).price) == stored


@pytest.mark.parametrize("typed", ["-100", "0", "1000000000000", "много"])
def test_staff_prices_out_of_range_are_refused_beside_the_field(db, client, typed):
    world = World()
    unit = world.units[0]
    price = unit.price
    client.login(world.manager)

    response = client.post(
        f"/units/{unit.id}",
        htmx=True,
        data={"price": typed, "status": "available", "seen": ""},
    )

    assert response.status_code == 422
    assert soup(response).select_one("#price-error")
    db.session.expire_all()
    assert db.session.get(Unit, unit.id).price == price


def test_a_plain_postgresql_url_uses_the_installed_driver(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@db:5432/ph")

    assert _database_url() == "postgresql+psycopg://u@db:5432/ph"


def test_an_unknown_rooms_filter_is_left_out_with_a_russian_note(db, client):
    world = World()
    client.login(world.agent)

    response = client.get(f"/buildings/{world.building.id}?rooms=zzz&rooms=2")

    assert response.status_code == 200
    notes = [p.get_text(" ", strip=True) for p in soup(response).select(".field-error")]
    assert any("zzz" in note for note in notes)
    assert not any("valid choice" in note for note in notes)


@pytest.mark.parametrize("field", ["agency_id", "unit_ids"])
def test_a_new_grant_naming_ids_too_large_for_the_database_is_refused(
    db, client, field
):
    world = World()
    agency = make_agency()
    db.session.commit()
    client.login(world.dev_admin)
    data = {
        "agency_id": str(agency.id),
        "max_days": "7",
        "scope": "units",
        "unit_ids": [str(world.units[0].id)],
        "action": "save",
    }
    data[field] = "99999999999"

    response = client.post(
        f"/grants/buildings/{world.building.id}/new", data=data, htmx=True
    )

    assert response.status_code == 422
    assert count(Grant, agency_id=agency.id) == 0


def test_a_changed_grant_naming_a_unit_id_too_large_is_refused(db, client):
    world = World()
    client.login(world.dev_admin)

    response = client.post(
        f"/grants/{world.grant.id}",
        data={
            "max_days": "7",
            "scope": "units",
            "unit_ids": ["99999999999"],
            "action": "save",
        },
        htmx=True,
    )

    assert response.status_code == 422
    assert db.session.get(Grant, world.grant.id).whole_building is True
