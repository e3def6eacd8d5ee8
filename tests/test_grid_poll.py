"""The live grid: what a poll answers, and when."""

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import update

from partnerhub.extensions import db
from partnerhub.models import Reservation, ReservationStatus, Role
from partnerhub.models.types import utcnow
from partnerhub.services import reservations, units
from tests.factories import World, make_agency, make_grant, make_reservation, make_user
from tests.helpers import soup


def poll_url_of(page_response):
    return soup(page_response).select_one("#poll")["hx-get"]


def sent_cells(response):
    return soup(response).select("button[hx-swap-oob]")


def test_nothing_changed_is_204_without_a_body(client):
    world = World(floors=2, sections=1, per_floor=2)
    client.login(world.agent)
    url = poll_url_of(client.get(f"/buildings/{world.building.id}"))

    response = client.get(url, htmx=True)

    assert response.status_code == 204
    assert response.data == b""


def test_a_change_sends_only_that_cell_and_a_new_token(client):
    world = World(floors=2, sections=2, per_floor=2)
    client.login(world.agent)
    url = poll_url_of(client.get(f"/buildings/{world.building.id}"))
    unit = world.units[3]
    other_agent = make_user(world.agency, Role.AGENT)
    reservations.request_reservation(
        other_agent,
        unit,
        world.grant,
        client_name="Анна",
        client_phone="+79160000000",
        days=3,
    )

    response = client.get(url, htmx=True)

    assert response.status_code == 200
    cells = sent_cells(response)
    assert [cell["id"] for cell in cells] == [f"u{unit.id}"]
    assert cells[0]["class"] == ["q"]
    next_poll = soup(response).select_one("#poll[hx-swap-oob]")
    assert next_poll["hx-get"] != url
    assert client.get(next_poll["hx-get"], htmx=True).status_code == 204


def test_a_staff_price_change_reaches_other_viewers(client):
    world = World(floors=1, sections=1, per_floor=3)
    client.login(world.agent)
    url = poll_url_of(client.get(f"/buildings/{world.building.id}"))
    unit = world.units[1]

    units.update_unit(
        world.manager, unit, price=Decimal("12300000"), status=unit.status
    )

    cells = sent_cells(client.get(url, htmx=True))
    assert [cell["id"] for cell in cells] == [f"u{unit.id}"]
    price = cells[0].find_all("span")[1].get_text().replace("\xa0", " ")
    assert price == "12,3 млн ₽"


def test_a_change_of_the_grant_sends_every_cell(client):
    world = World(floors=2, sections=2, per_floor=2)
    partner = make_agency()
    agent = make_user(partner, Role.AGENT)
    grant = make_grant(partner, world.building, units=world.units[:2])
    db.session.commit()
    client.login(agent)
    url = poll_url_of(client.get(f"/buildings/{world.building.id}"))

    grant.units = world.units[:5]
    grant.revision += 1
    db.session.commit()
    response = client.get(url, htmx=True)

    assert response.status_code == 200
    page = soup(response)
    drawn = page.select("#ga[hx-swap-oob] #grid button[name=u]")
    assert sorted(int(cell["value"]) for cell in drawn) == [
        u.id for u in world.units[:5]
    ]
    assert len(page.select("#ga[hx-swap-oob] #grid .x")) == len(world.units) - 5
    next_url = page.select_one("#ga #poll")["hx-get"]
    assert client.get(next_url, htmx=True).status_code == 204


def test_an_approved_term_that_ended_frees_the_cell_before_the_job_runs(client):
    world = World(floors=1, sections=1, per_floor=3)
    unit = world.units[2]
    reservation = make_reservation(unit, world.agent, ReservationStatus.APPROVED)
    db.session.commit()
    client.login(world.agent)
    page = client.get(f"/buildings/{world.building.id}")
    assert soup(page).select_one(f"#u{unit.id}")["class"] == ["r"]
    version, grant_id, revision = (
        world.building.version,
        world.grant.id,
        world.grant.revision,
    )
    drawn_at = utcnow() - timedelta(minutes=2)
    # The term ends after the grid was drawn and before the poll, with no
    # change to any row that would bump the building's version.
    db.session.execute(
        update(Reservation)
        .where(Reservation.id == reservation.id)
        .values(expires_at=utcnow() - timedelta(minutes=1))
    )
    db.session.commit()

    since = f"{version}.{grant_id}.{revision}.{int(drawn_at.timestamp() * 1000)}"
    response = client.get(
        f"/buildings/{world.building.id}/changes?since={since}", htmx=True
    )

    cells = sent_cells(response)
    assert [cell["id"] for cell in cells] == [f"u{unit.id}"]
    assert cells[0]["class"] == ["a"]
    later = soup(response).select_one("#poll")["hx-get"]
    assert client.get(later, htmx=True).status_code == 204


def test_a_poll_for_a_building_not_granted_is_404(client):
    world = World()
    stranger = make_user(make_agency(), Role.AGENT)
    db.session.commit()
    client.login(stranger)

    response = client.get(
        f"/buildings/{world.building.id}/changes?since=1.0.0.0", htmx=True
    )

    assert response.status_code == 404


def test_a_malformed_token_redraws_the_grid(client):
    world = World(floors=1, sections=1, per_floor=2)
    client.login(world.agent)

    response = client.get(
        f"/buildings/{world.building.id}/changes?since=garbage", htmx=True
    )

    assert response.status_code == 200
    assert len(soup(response).select("#ga[hx-swap-oob] #grid button")) == 2


def test_a_poll_keeps_the_filters(client):
    world = World(floors=1, sections=1, per_floor=4)
    client.login(world.agent)
    url = poll_url_of(client.get(f"/buildings/{world.building.id}?rooms=2"))
    assert "rooms=2" in url
    studio = world.units[0]

    units.update_unit(
        world.manager, studio, price=Decimal("4000000"), status=studio.status
    )

    (cell,) = sent_cells(client.get(url, htmx=True))
    assert "d" in cell["class"]
