"""The building grid: its shape, who sees what, the filters."""

import pytest

from partnerhub.blueprints.grid.display import short_price
from partnerhub.extensions import db
from partnerhub.models import Role, Unit, UnitKind, UnitStatus
from tests.factories import (
    World,
    make_agency,
    make_building,
    make_developer,
    make_grant,
    make_reservation,
    make_user,
    units_of,
)
from tests.helpers import soup


def grid_url(world_or_building, **query):
    building = getattr(world_or_building, "building", world_or_building)
    url = f"/buildings/{building.id}"
    if query:
        url += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return url


def floor_rows(page):
    return page.select("#grid .fr:not(.h)")


def cells(page):
    return page.select("#grid button[name=u]")


def test_floors_are_rows_top_first_and_sections_are_column_groups(client):
    world = World(floors=3, sections=2, per_floor=2)
    client.login(world.agent)

    page = soup(client.get(grid_url(world)))

    rows = floor_rows(page)
    assert [row.b.get_text() for row in rows] == ["3", "2", "1"]
    header = [span.get_text() for span in page.select("#grid .fr.h > span")]
    assert header[1:] == ["Секция 1", "Секция 2"]
    top_groups = rows[0].find_all("div", recursive=False)
    assert len(top_groups) == 2
    assert [b.b.get_text() for b in top_groups[0].find_all("button")] == ["5", "6"]
    assert len(cells(page)) == 12


def test_a_cell_shows_number_rooms_area_price_and_status_in_words(client):
    world = World(floors=1, sections=1, per_floor=2)
    studio, one_room = world.units
    make_reservation(one_room, world.agent)
    db.session.commit()
    client.login(world.agent)

    page = soup(client.get(grid_url(world)))

    cell = page.select_one(f"#u{studio.id}")
    assert cell.name == "button"
    assert cell.b.get_text() == studio.number
    assert cell.i.get_text() == "Ст"
    texts = [span.get_text().replace("\xa0", " ") for span in cell.find_all("span")]
    assert texts == ["28 м²", "5,1 млн ₽"]
    legend = page.select_one("#" + cell["aria-describedby"])
    assert legend.get_text() == "Свободна"
    taken = page.select_one(f"#u{one_room.id}")
    assert page.select_one("#" + taken["aria-describedby"]).get_text() == "Заявка"
    assert taken["class"] != cell["class"]


def test_units_not_granted_are_blank_cells_without_details(client):
    world = World(floors=2, sections=1, per_floor=3)
    partner = make_agency()
    agent = make_user(partner, Role.AGENT)
    granted = world.units[:2]
    make_grant(partner, world.building, units=granted)
    hidden = world.units[2:]
    hidden[0].price = 987_654_321
    db.session.commit()
    client.login(agent)

    response = client.get(grid_url(world))

    page = soup(response)
    assert sorted(int(cell["value"]) for cell in cells(page)) == [u.id for u in granted]
    blanks = page.select("#grid .x")
    assert len(blanks) == len(hidden)
    assert all(blank.attrs == {"class": ["x"]} for blank in blanks)
    assert all(blank.get_text() == "" for blank in blanks)
    assert "987" not in page.select_one("#grid").get_text()
    assert page.select_one("#lx") is not None
    # The building keeps its shape: two floors of three places.
    assert [len(row.select("button, .x")) for row in floor_rows(page)] == [3, 3]


def test_a_building_not_granted_is_404(client):
    world = World()
    stranger = make_user(make_agency(), Role.AGENT)
    db.session.commit()
    client.login(stranger)

    assert client.get(grid_url(world)).status_code == 404
    unit = world.units[0]
    panel = client.get(f"{grid_url(world)}/panel?u={unit.id}", htmx=True)
    assert panel.status_code == 404


def test_the_panel_of_a_unit_not_granted_is_404(client):
    world = World(floors=1, sections=1, per_floor=3)
    partner = make_agency()
    agent = make_user(partner, Role.AGENT)
    make_grant(partner, world.building, units=world.units[:1])
    db.session.commit()
    client.login(agent)

    url = f"{grid_url(world)}/panel?u="
    assert client.get(url + str(world.units[0].id), htmx=True).status_code == 200
    assert client.get(url + str(world.units[1].id), htmx=True).status_code == 404
    assert client.get(grid_url(world, u=world.units[1].id)).status_code == 404


def test_a_unit_of_another_building_is_404_in_this_buildings_panel(client):
    world = World(floors=1, sections=1, per_floor=1)
    other = make_building(world.developer, floors=1, sections=1, per_floor=1)
    db.session.commit()
    client.login(world.dev_admin)

    unit = units_of(other)[0]
    response = client.get(f"{grid_url(world)}/panel?u={unit.id}", htmx=True)

    assert response.status_code == 404


def test_staff_of_another_developer_get_404(client):
    world = World()
    rival = make_user(make_developer(), Role.SALES_MANAGER)
    db.session.commit()
    client.login(rival)

    assert client.get(grid_url(world)).status_code == 404
    unit = world.units[0]
    assert (
        client.get(f"{grid_url(world)}/panel?u={unit.id}", htmx=True).status_code == 404
    )


def test_the_developers_staff_see_every_unit(client):
    world = World(floors=2, sections=2, per_floor=2)
    partner = make_agency()
    make_grant(partner, world.building, units=world.units[:1])
    db.session.commit()
    client.login(world.manager)

    page = soup(client.get(grid_url(world)))

    assert len(cells(page)) == 8
    assert page.select("#grid .x") == []


def test_houses_on_one_floor_wrap_and_say_house(client):
    developer = make_developer()
    building = make_building(developer, floors=1, sections=1, per_floor=15)
    for unit in units_of(building):
        unit.kind = UnitKind.HOUSE
        unit.rooms = None
    agency = make_agency()
    agent = make_user(agency, Role.AGENT)
    make_grant(agency, building)
    db.session.commit()
    client.login(agent)

    page = soup(client.get(grid_url(building)))

    assert "w" in page.select_one("#grid")["class"]
    houses = cells(page)
    assert len(houses) == 15
    assert {cell.i.get_text() for cell in houses} == {"Дом"}


def test_commercial_units_are_marked_as_such(client):
    world = World(floors=1, sections=1, per_floor=2)
    world.units[0].kind = UnitKind.COMMERCIAL
    world.units[0].rooms = None
    db.session.commit()
    client.login(world.agent)

    page = soup(client.get(grid_url(world)))

    assert page.select_one(f"#u{world.units[0].id} i").get_text() == "Комм."


def test_filters_with_htmx_swap_the_grid_and_push_the_url(client):
    world = World(floors=2, sections=1, per_floor=4)
    client.login(world.agent)

    response = client.get(grid_url(world, rooms=1, status="available"), htmx=True)

    assert response.status_code == 200
    assert "HX-Request" in response.headers["Vary"]
    assert response.headers["HX-Push-Url"] == grid_url(
        world, rooms=1, status="available"
    )
    page = soup(response)
    assert page.find("html") is None
    assert page.select_one("#grid") is not None
    for unit in world.units:
        cell = page.select_one(f"#u{unit.id}")
        dimmed = "d" in cell["class"]
        assert dimmed == (unit.rooms != 1), unit.number
    assert "2 из 8" in page.select_one(".gs").get_text()


def test_filters_without_htmx_give_the_whole_page_with_the_same_result(client):
    world = World(floors=2, sections=1, per_floor=4)
    client.login(world.agent)

    response = client.get(grid_url(world, rooms="s", price_max="5150000"))

    page = soup(response)
    assert page.find("html") is not None
    bright = [cell for cell in cells(page) if "d" not in cell["class"]]
    studios_low = [u for u in world.units if u.rooms == 0 and u.price <= 5_150_000]
    assert sorted(int(c["value"]) for c in bright) == [u.id for u in studios_low]
    assert page.select_one("#rooms-0").has_attr("checked")
    assert page.select_one("#price_max")["value"] == "5150000"


def test_a_filter_on_status_and_area_ranges(client):
    world = World(floors=1, sections=1, per_floor=4)
    sold = world.units[3]
    sold.status = UnitStatus.SOLD
    db.session.commit()
    client.login(world.agent)

    page = soup(client.get(grid_url(world, status="sold", area_min="40,5")))

    bright = [int(c["value"]) for c in cells(page) if "d" not in c["class"]]
    assert bright == [sold.id]


def test_bad_filter_values_are_ignored_with_a_note(client):
    world = World(floors=1, sections=1, per_floor=2)
    client.login(world.agent)

    response = client.get(
        grid_url(world, price_min="abc", area_max="-3", rooms="9", status="nope")
    )

    assert response.status_code == 200
    page = soup(response)
    assert all("d" not in cell["class"] for cell in cells(page))
    notes = page.select("#fmsg .field-error")
    assert len(notes) >= 2
    htmx_page = soup(client.get(grid_url(world, price_min="abc"), htmx=True))
    assert htmx_page.select_one("#fmsg[hx-swap-oob] .field-error") is not None


def test_a_cell_click_posts_to_the_panel_and_works_without_js(client):
    world = World(floors=1, sections=1, per_floor=2)
    client.login(world.agent)
    unit = world.units[0]

    page = soup(client.get(grid_url(world)))
    grid_form = page.select_one("form#grid")
    assert grid_form["hx-get"] == f"{grid_url(world)}/panel"
    assert grid_form["hx-target"] == "#panel"
    assert grid_form["action"] == grid_url(world)

    opened = soup(client.get(grid_url(world, u=unit.id)))
    assert not opened.select_one("#panel").has_attr("hidden")
    assert opened.select_one("#panel .pn")["data-unit"] == str(unit.id)


def test_the_page_polls_with_the_configured_period(app, client):
    world = World(floors=1, sections=1, per_floor=1)
    client.login(world.agent)

    page = soup(client.get(grid_url(world)))

    poll = page.select_one("#poll")
    seconds = app.config["GRID_POLL_SECONDS"]
    assert poll["hx-trigger"] == f"every {seconds}s, resync"
    assert poll["hx-get"].startswith(f"{grid_url(world)}/changes?since=")


def test_an_expired_session_sends_htmx_to_the_login_page(client):
    world = World(floors=1, sections=1, per_floor=1)
    db.session.commit()
    unit = world.units[0]

    response = client.get(
        f"{grid_url(world)}/panel?u={unit.id}",
        htmx=True,
        headers={"HX-Current-URL": f"http://localhost{grid_url(world)}?rooms=1"},
    )

    assert response.status_code in (200, 204, 401)
    assert response.headers["HX-Redirect"].startswith("/login?next=")
    assert "panel" not in response.headers["HX-Redirect"]
    assert response.get_data(as_text=True) == ""


def test_units_without_price_or_area_still_draw(client):
    world = World(floors=1, sections=1, per_floor=1)
    unit = db.session.get(Unit, world.units[0].id)
    unit.price = None
    unit.area = None
    db.session.commit()
    client.login(world.agent)

    response = client.get(grid_url(world))

    assert response.status_code == 200
    cell = soup(response).select_one(f"#u{unit.id}")
    assert [span.get_text() for span in cell.find_all("span")] == ["", ""]


@pytest.mark.parametrize(
    ("value", "currency", "text"),
    [
        (7_812_345, "RUB", "7,8 млн ₽"),
        (717_675, "PLN", "718 тыс. PLN"),
        (999_600, "RUB", "1 млн ₽"),
        (12_345_678, "RUB", "12,3 млн ₽"),
    ],
)
def test_cell_prices_are_compact(app, value, currency, text):
    with app.test_request_context():
        shown = short_price(value, currency, "ru")

    assert shown.replace("\xa0", " ") == text
