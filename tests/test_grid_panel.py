"""The unit panel: what each viewer sees, and the staff's edits from it."""

from decimal import Decimal

from sqlalchemy import select

from partnerhub.extensions import db
from partnerhub.models import AuditEvent, Building, Role, Unit, UnitStatus
from tests.factories import World, make_agency, make_grant, make_reservation, make_user
from tests.helpers import soup


def panel(client, world, unit, **kwargs):
    return client.get(
        f"/buildings/{world.building.id}/panel?u={unit.id}", htmx=True, **kwargs
    )


def facts(page):
    return {
        row.dt.get_text(): row.dd.get_text().replace("\xa0", " ")
        for row in page.select(".kv > div")
    }


def edit(client, unit, htmx=True, **data):
    return client.post(f"/units/{unit.id}", data=data, htmx=htmx)


def test_the_panel_shows_the_units_facts_and_refreshes_its_cell(client):
    world = World(floors=2, sections=2, per_floor=2)
    unit = world.units[3]
    unit.layout_url = "https://example.com/plan.png"
    db.session.commit()
    client.login(world.agent)

    response = panel(client, world, unit)

    assert response.status_code == 200
    assert "HX-Request" in response.headers["Vary"]
    page = soup(response)
    assert page.select_one(".pn")["data-unit"] == str(unit.id)
    assert facts(page) == {
        "Цена": "6 200 000 ₽",
        "Цена за м²": "131 914,89 ₽",
        "Площадь": "47 м²",
        "Комнаты": "1",
        "Этаж": "2",
        "Секция": "1",
    }
    assert page.select_one(".st").get_text() == "Свободна"
    image = page.select_one("img.lay")
    assert image["src"] == "https://example.com/plan.png"
    assert image["loading"] == "lazy"
    cell = page.select_one(f"button#u{unit.id}[hx-swap-oob]")
    assert cell is not None


def test_the_panel_stays_small(client):
    world = World(floors=1, sections=1, per_floor=1)
    client.login(world.agent)

    response = panel(client, world, world.units[0])

    assert len(response.data) <= 4096


def test_a_page_load_with_a_unit_opens_its_panel(client):
    world = World(floors=1, sections=1, per_floor=2)
    client.login(world.agent)
    unit = world.units[1]

    response = client.get(f"/buildings/{world.building.id}/panel?u={unit.id}")

    page = soup(response)
    assert page.find("html") is not None
    assert page.select_one("#panel .pn")["data-unit"] == str(unit.id)


def test_an_agent_sees_neither_the_edit_form_nor_the_history(client):
    world = World(floors=1, sections=1, per_floor=1)
    client.login(world.agent)

    page = soup(panel(client, world, world.units[0]))

    assert page.select_one("form[hx-post$='/reservations']") is not None
    assert page.select_one(f"form[action='/units/{world.units[0].id}']") is None
    assert page.select_one(".hist") is None


def test_staff_change_price_and_status_and_see_it_in_the_history(client):
    world = World(floors=1, sections=1, per_floor=2)
    unit = world.units[0]
    version_before = world.building.version
    client.login(world.manager)
    form = soup(panel(client, world, unit)).select_one(
        f"form[action='/units/{unit.id}']"
    )
    seen = form.select_one("input[name=seen]")["value"]

    response = edit(client, unit, price="6 500 000", status="unavailable", seen=seen)

    assert response.status_code == 200
    page = soup(response)
    assert page.select_one("[role=status]").get_text() == "Сохранено."
    db.session.expire_all()
    unit = db.session.get(Unit, unit.id)
    assert unit.price == Decimal("6500000")
    assert unit.status == UnitStatus.UNAVAILABLE
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.unit_id == unit.id).order_by(AuditEvent.id)
    ).all()
    assert [(e.action, e.to_value, e.actor_id) for e in events] == [
        ("unit.price", "6500000.00", world.manager.id),
        ("unit.status", "unavailable", world.manager.id),
    ]
    building = db.session.get(Building, world.building.id)
    assert building.version > version_before
    assert unit.changed_version == building.version
    assert page.select_one(f"button#u{unit.id}[hx-swap-oob]")["class"] == ["n"]
    history = [li.get_text(" ", strip=True) for li in page.select(".hist li")]
    assert len(history) == 2
    assert world.manager.full_name in history[0]
    assert "Свободна → Не в продаже" in history[0]
    assert "5 100 000 ₽ → 6 500 000 ₽" in history[1].replace("\xa0", " ")


def test_the_history_is_for_staff_only(client, make_client):
    world = World(floors=1, sections=1, per_floor=1)
    unit = world.units[0]
    client.login(world.manager)
    edit(client, unit, price="1000000", status="available")

    page = soup(panel(make_client(world.agent), world, unit))

    assert page.select_one(".hist") is None
    assert world.manager.full_name not in page.get_text()


def test_staff_cannot_set_the_status_while_a_reservation_is_open(client):
    world = World(floors=1, sections=1, per_floor=1)
    unit = world.units[0]
    make_reservation(unit, world.agent)
    db.session.commit()
    client.login(world.manager)

    response = edit(client, unit, price="5100000", status="sold")

    assert response.status_code == 422
    page = soup(response)
    error = page.select_one("#status-error").get_text()
    assert "очереди заявок" in error
    db.session.expire_all()
    assert db.session.get(Unit, unit.id).status == UnitStatus.REQUESTED
    assert db.session.scalars(select(AuditEvent)).all() == []


def test_staff_see_the_open_reservation_with_the_clients_phone(client):
    world = World(floors=1, sections=1, per_floor=1)
    unit = world.units[0]
    make_reservation(unit, world.agent, client_name="Мария Иванова")
    db.session.commit()
    client.login(world.manager)

    page = soup(panel(client, world, unit))

    summary = page.select_one(".act").get_text(" ", strip=True)
    assert world.agency.name in summary
    assert world.agent.full_name in summary
    assert "Мария Иванова" in summary
    assert "+7 916 123-45-67" in summary
    assert page.select_one(".act a")["href"] == "/moderation/"


def test_a_stale_edit_is_refused_with_the_fresh_panel(client):
    world = World(floors=1, sections=1, per_floor=1)
    unit = world.units[0]
    client.login(world.manager)

    response = edit(client, unit, price="1", status="available", seen="0")

    assert response.status_code == 409
    assert soup(response).select_one("[role=alert]") is not None
    db.session.expire_all()
    assert db.session.get(Unit, unit.id).price == Decimal("5100000")


def test_bad_staff_input_is_422_beside_the_field(client):
    world = World(floors=1, sections=1, per_floor=1)
    unit = world.units[0]
    client.login(world.manager)

    response = edit(client, unit, price="lots", status="requested")

    assert response.status_code == 422
    page = soup(response)
    assert page.select_one("#price-error") is not None
    assert page.select_one("#status-error") is not None


def test_an_agent_cannot_edit_a_unit(client):
    world = World(floors=1, sections=1, per_floor=1)
    client.login(world.agent)

    response = edit(client, world.units[0], price="1", status="sold")

    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(Unit, world.units[0].id).status == UnitStatus.AVAILABLE


def test_staff_of_another_developer_cannot_edit(client):
    world = World(floors=1, sections=1, per_floor=1)
    rival = World(floors=1, sections=1, per_floor=1)
    client.login(rival.manager)

    response = edit(client, world.units[0], price="1", status="sold")

    assert response.status_code == 404


def test_an_edit_without_js_redirects_back_to_the_panel(client):
    world = World(floors=1, sections=1, per_floor=1)
    unit = world.units[0]
    client.login(world.dev_admin)

    response = edit(client, unit, htmx=False, price="7000000", status="booked")

    assert response.status_code == 302
    assert response.headers["Location"].endswith(
        f"/buildings/{world.building.id}?u={unit.id}"
    )


def test_other_agencies_see_only_that_a_unit_is_taken(client, make_client):
    world = World(floors=1, sections=1, per_floor=1)
    unit = world.units[0]
    make_reservation(unit, world.agent, client_name="Мария Иванова")
    rival_agency = make_agency()
    rival = make_user(rival_agency, Role.AGENT)
    make_grant(rival_agency, world.building)
    db.session.commit()

    rival_page = soup(panel(make_client(rival), world, unit))
    own_page = soup(panel(make_client(world.agency_admin), world, unit))

    assert rival_page.select_one(".st").get_text() == "Заявка"
    rival_text = rival_page.get_text()
    assert "Мария" not in rival_text
    assert "916" not in rival_text
    assert world.agency.name not in rival_text
    assert rival_page.select_one("form[hx-post]") is None
    own_text = own_page.select_one(".act").get_text(" ", strip=True)
    assert "Мария Иванова" in own_text
    assert "+7 916 123-45-67" in own_text


def test_staff_change_the_price_of_a_reserved_unit_its_status_follows(client):
    world = World(floors=1, sections=1, per_floor=1)
    unit = world.units[0]
    make_reservation(unit, world.agent)
    db.session.commit()
    client.login(world.manager)
    page = soup(panel(client, world, unit))
    status = page.select_one("#status")
    assert status.has_attr("disabled")
    assert status.select_one("option[selected]")["value"] == "requested"

    response = edit(client, unit, price="5200000", status="requested")

    assert response.status_code == 200
    db.session.expire_all()
    unit = db.session.get(Unit, unit.id)
    assert (unit.price, unit.status) == (Decimal("5200000"), UnitStatus.REQUESTED)
