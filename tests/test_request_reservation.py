"""Requesting a reservation from the unit panel, alone and in a race."""

import threading

import pytest
from sqlalchemy import func, select

from partnerhub.extensions import db
from partnerhub.models import Reservation, ReservationStatus, Role, Unit, UnitStatus
from tests.factories import World, make_agency, make_grant, make_user
from tests.helpers import soup

CLIENT = {"client_name": "Иван Петров", "client_phone": "8 916 123-45-67", "days": "5"}


def request_unit(client, unit, htmx=True, **data):
    return client.post(
        f"/units/{unit.id}/reservations", data={**CLIENT, **data}, htmx=htmx
    )


def reservation_count():
    return db.session.scalar(select(func.count()).select_from(Reservation))


def test_the_request_form_offers_the_grants_term(client):
    world = World(floors=1, sections=1, per_floor=1)
    world.grant.max_days = 5
    db.session.commit()
    client.login(world.agent)

    page = soup(
        client.get(
            f"/buildings/{world.building.id}/panel?u={world.units[0].id}", htmx=True
        )
    )

    form = page.select_one("form[hx-post]")
    assert form["hx-post"] == f"/units/{world.units[0].id}/reservations"
    assert form["hx-sync"] == "this:drop"
    assert form["hx-disabled-elt"] == "find button"
    days = form.select_one("input[name=days]")
    assert (days["value"], days["max"]) == ("5", "5")


def test_a_request_shows_the_reservation_and_the_requested_cell(client):
    world = World(floors=1, sections=1, per_floor=2)
    unit = world.units[1]
    client.login(world.agent)

    response = request_unit(client, unit, comment="Звонить после 18:00")

    assert response.status_code == 200
    page = soup(response)
    assert page.select_one("[role=status]") is not None
    assert page.select_one(".st").get_text() == "Заявка"
    assert "Иван Петров" in page.select_one(".act").get_text()
    thread = page.select_one(".act .th")
    assert thread["hx-trigger"] == "load"
    assert thread["hx-get"].endswith("/thread")
    cancel = page.select_one(".act form[hx-post$='/cancel']")
    assert cancel.select_one("input[name=from_panel]")["value"] == "1"
    assert page.select_one(f"button#u{unit.id}[hx-swap-oob]")["class"] == ["q"]
    reservation = db.session.scalar(select(Reservation))
    assert reservation.status == ReservationStatus.REQUESTED
    assert reservation.requested_days == 5
    assert reservation.client_phone == "+79161234567"
    assert db.session.get(Unit, unit.id).status == UnitStatus.REQUESTED


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"client_name": " "}, "client_name"),
        ({"client_phone": "12"}, "client_phone"),
        ({"client_phone": ""}, "client_phone"),
        ({"days": "15"}, "days"),
        ({"days": "0"}, "days"),
        ({"days": "seven"}, "days"),
    ],
)
def test_bad_input_is_422_beside_the_field_and_nothing_is_saved(client, data, field):
    world = World(floors=1, sections=1, per_floor=1)
    client.login(world.agent)

    response = request_unit(client, world.units[0], **data)

    assert response.status_code == 422
    page = soup(response)
    assert page.select_one(f"#{field}-error") is not None
    assert page.select_one(f"#{field}")["aria-invalid"] == "true"
    assert reservation_count() == 0
    assert db.session.get(Unit, world.units[0].id).status == UnitStatus.AVAILABLE


def test_the_second_request_gets_409_and_the_refreshed_cell(client, make_client):
    world = World(floors=1, sections=1, per_floor=1)
    unit = world.units[0]
    rival_agency = make_agency()
    rival = make_user(rival_agency, Role.AGENT)
    make_grant(rival_agency, world.building)
    db.session.commit()
    client.login(world.agent)
    rival_client = make_client(rival)
    assert request_unit(client, unit).status_code == 200

    response = request_unit(rival_client, unit, client_name="Пётр")

    assert response.status_code == 409
    page = soup(response)
    assert "только что заняли" in page.select_one("[role=alert]").get_text()
    assert page.select_one(f"button#u{unit.id}[hx-swap-oob]")["class"] == ["q"]
    assert "Иван" not in page.get_text()
    assert reservation_count() == 1


def test_without_js_a_request_redirects_back_to_the_unit(client):
    world = World(floors=1, sections=1, per_floor=1)
    unit = world.units[0]
    client.login(world.agent)

    response = request_unit(client, unit, htmx=False)

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"?u={unit.id}")
    assert reservation_count() == 1


def test_without_js_bad_input_shows_the_page_with_the_form(client):
    world = World(floors=1, sections=1, per_floor=1)
    client.login(world.agent)

    response = request_unit(client, world.units[0], htmx=False, client_name="")

    assert response.status_code == 422
    page = soup(response)
    assert page.find("html") is not None
    assert page.select_one("#panel #client_name-error") is not None


def test_developer_staff_cannot_request(client):
    world = World(floors=1, sections=1, per_floor=1)
    client.login(world.manager)

    assert request_unit(client, world.units[0]).status_code == 403


def test_a_unit_not_granted_cannot_be_requested(client):
    world = World(floors=1, sections=1, per_floor=2)
    partner = make_agency()
    agent = make_user(partner, Role.AGENT)
    make_grant(partner, world.building, units=world.units[:1])
    db.session.commit()
    client.login(agent)

    assert request_unit(client, world.units[1]).status_code == 404
    assert reservation_count() == 0


def test_a_request_without_csrf_is_400(client):
    world = World(floors=1, sections=1, per_floor=1)
    client.login(world.agent)

    response = client.post(
        f"/units/{world.units[0].id}/reservations", data=CLIENT, htmx=True, csrf=False
    )

    assert response.status_code == 400
    assert reservation_count() == 0


def test_an_expired_session_on_submit_goes_to_the_login_page(client):
    world = World(floors=1, sections=1, per_floor=1)
    db.session.commit()

    response = client.post(
        f"/units/{world.units[0].id}/reservations",
        data=CLIENT,
        htmx=True,
        headers={"HX-Current-URL": f"http://localhost/buildings/{world.building.id}"},
    )

    assert response.headers["HX-Redirect"].startswith("/login?next=")
    assert reservation_count() == 0


@pytest.mark.postgres_only
def test_two_agents_at_the_same_moment_exactly_one_wins(make_client):
    world = World(floors=1, sections=1, per_floor=1)
    unit_id = world.units[0].id
    rival_agency = make_agency()
    rival = make_user(rival_agency, Role.AGENT)
    make_grant(rival_agency, world.building)
    db.session.commit()
    clients = [make_client(world.agent), make_client(rival)]
    for web in clients:
        web.csrf_token()
    db.session.close()
    barrier = threading.Barrier(len(clients))
    responses = [None] * len(clients)

    def run(index):
        # Each thread has its own app context, so its own session and
        # connection: the two requests really meet in the database.
        barrier.wait()
        responses[index] = clients[index].post(
            f"/units/{unit_id}/reservations", data=CLIENT, htmx=True
        )

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(r.status_code for r in responses) == [200, 409]
    loser = next(r for r in responses if r.status_code == 409)
    page = soup(loser)
    assert "только что заняли" in page.select_one("[role=alert]").get_text()
    assert page.select_one(f"button#u{unit_id}[hx-swap-oob]")["class"] == ["q"]
    assert reservation_count() == 1
    assert db.session.get(Unit, unit_id).status == UnitStatus.REQUESTED


def test_cancelling_from_the_panel_gives_the_panel_back(client):
    world = World(floors=1, sections=1, per_floor=1)
    unit = world.units[0]
    client.login(world.agent)
    page = soup(request_unit(client, unit))
    cancel_url = page.select_one(".act form[hx-post$='/cancel']")["hx-post"]

    response = client.post(cancel_url, data={"from_panel": "1"}, htmx=True)

    assert response.status_code == 200
    assert "HX-Request" in response.headers["Vary"]
    page = soup(response)
    assert page.select_one(".pn")["data-unit"] == str(unit.id)
    assert page.select_one(".st").get_text() == "Свободна"
    assert page.select_one("form[hx-post$='/reservations']") is not None
    assert page.select_one(f"button#u{unit.id}[hx-swap-oob]")["class"] == ["a"]
