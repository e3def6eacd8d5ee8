"""Bad input in a real browser: errors where the person looks, nothing lost.

A refused form comes back beside its fields inside the panel (422); a session
that ran out sends the whole page to sign-in and back; the agent who loses a
race for a unit is told so in the panel and sees the cell as it now is (409).
"""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from partnerhub.models import Message, Reservation, Role
from tests.browser.conftest import PHONE, press, screenshot, sign_in, submit_login
from tests.factories import World, make_agency, make_grant, make_reservation, make_user


@pytest.fixture(autouse=True)
def no_polls(_app):
    """No live updates during these tests: what changes, the answer changed."""
    saved = {k: _app.config[k] for k in ("GRID_POLL_SECONDS", "THREAD_POLL_SECONDS")}
    _app.config.update(GRID_POLL_SECONDS=600, THREAD_POLL_SECONDS=600)
    yield
    _app.config.update(saved)


def has_class(name):
    return re.compile(rf"(^|\s){name}(\s|$)")


def open_unit(page, building_id, unit_id, query=""):
    page.goto(f"/buildings/{building_id}{query}")
    cell = page.locator(f"#u{unit_id}")
    press(cell)
    expect(page.locator(f"#panel .pn[data-unit='{unit_id}']")).to_be_visible()
    return cell, page.locator("#panel")


def fill_request(panel, name="Анна Смирнова", phone="+7 916 555-12-34"):
    form = panel.locator("form[hx-post$='/reservations']")
    form.locator("[name=client_name]").fill(name)
    form.locator("[name=client_phone]").fill(phone)
    return form


def test_a_refused_request_shows_its_error_beside_the_field(db, open_page, viewport):
    name, size = viewport
    world = World()
    building_id, unit_id = world.building.id, world.units[0].id
    email = world.agent.email
    db.session.rollback()
    page = open_page(size)
    sign_in(page, email)
    cell, panel = open_unit(page, building_id, unit_id)

    # A phone number the browser accepts and the server does not.
    form = fill_request(panel, phone="12345")
    press(form.locator("button"))

    phone = panel.locator("[name=client_phone]")
    expect(phone).to_have_attribute("aria-invalid", "true")
    error = panel.locator("#" + phone.get_attribute("aria-describedby"))
    expect(error).to_be_visible()
    expect(error).not_to_be_empty()
    expect(phone).to_be_focused()
    expect(phone).to_have_value("12345")
    expect(panel.locator("[name=client_name]")).to_have_value("Анна Смирнова")
    _assert_beside(phone, error, panel)
    expect(panel.locator("[name=client_name]")).not_to_have_attribute(
        "aria-invalid", "true"
    )
    expect(cell).to_have_class(has_class("a"))
    screenshot(page, f"panel-422-{name}.png")
    assert db.session.scalar(db.select(Reservation.id)) is None
    db.session.rollback()

    phone.fill("+7 916 555-12-34")
    press(panel.locator("form[hx-post$='/reservations'] button"))

    expect(cell).to_have_class(has_class("q"))
    assert db.session.scalar(db.select(Reservation.client_phone)) == "+79165551234"
    db.session.rollback()


def test_a_refused_attachment_shows_its_error_in_the_thread(db, open_page, tmp_path):
    world = World()
    unit = world.units[0]
    reservation_id = make_reservation(unit, world.agent).id
    db.session.commit()
    building_id, unit_id, email = world.building.id, unit.id, world.agent.email
    db.session.rollback()
    fake = tmp_path / "passport.pdf"
    fake.write_text("this is not a PDF, whatever its name says\n")
    page = open_page(PHONE)
    sign_in(page, email)
    _, panel = open_unit(page, building_id, unit_id)

    form = panel.locator(f"#thread-{reservation_id}-form")
    form.locator("input[type=file]").set_input_files(str(fake))
    form.locator("textarea[name$='-body']").fill("Скан паспорта")
    press(form.locator("button[type=submit]"))

    files = panel.locator(f"#thread-{reservation_id}-form input[type=file]")
    expect(files).to_have_attribute("aria-invalid", "true")
    error = panel.locator("#" + files.get_attribute("aria-describedby"))
    expect(error).to_be_visible()
    expect(panel.locator("textarea[name$='-body']")).to_have_value("Скан паспорта")
    expect(panel.locator(f"#thread-{reservation_id}-messages .message")).to_have_count(
        0
    )
    screenshot(page, "thread-422-phone.png")
    assert db.session.scalar(db.select(Message.id)) is None
    db.session.rollback()


@pytest.mark.parametrize("action", ["tap a cell", "send a request"])
def test_a_session_that_ran_out_signs_in_again_and_comes_back(db, open_page, action):
    world = World()
    building_id, unit_id = world.building.id, world.units[1].id
    email = world.agent.email
    db.session.rollback()
    page = open_page(PHONE)
    sign_in(page, email)
    grid_path = f"/buildings/{building_id}?rooms=1"
    if action == "tap a cell":
        page.goto(grid_path)
        page.context.clear_cookies()
        press(page.locator(f"#u{unit_id}"))
    else:
        _, panel = open_unit(page, building_id, unit_id, "?rooms=1")
        form = fill_request(panel)
        page.context.clear_cookies()
        press(form.locator("button"))

    # The whole page went to sign in: no sign-in form inside the panel or a cell.
    page.wait_for_url(re.compile(r"/login\?"))
    assert parse_qs(urlsplit(page.url).query)["next"] == [grid_path]
    expect(page.locator("input[name=password]")).to_be_visible()
    expect(page.locator("#panel")).to_have_count(0)
    expect(page.locator("#grid")).to_have_count(0)
    screenshot(page, f"session-expired-{action.replace(' ', '-')}.png")

    submit_login(page, email)

    assert page.url.endswith(grid_path)
    expect(page.locator(f"#u{unit_id}")).to_be_visible()
    assert db.session.scalar(db.select(Reservation.id)) is None
    db.session.rollback()


def test_the_agent_who_loses_the_race_is_told_in_the_panel(db, open_page, viewport):
    name, size = viewport
    world = World()
    rival_agency = make_agency()
    rival = make_user(rival_agency, Role.AGENT)
    make_grant(rival_agency, world.building)
    db.session.commit()
    building_id, unit_id = world.building.id, world.units[2].id
    first_email, second_email, first_id = world.agent.email, rival.email, world.agent.id
    db.session.rollback()
    first, second = open_page(size), open_page(size)
    sign_in(first, first_email)
    sign_in(second, second_email)
    first_cell, first_panel = open_unit(first, building_id, unit_id)
    second_cell, second_panel = open_unit(second, building_id, unit_id)
    first_form = fill_request(first_panel)
    second_form = fill_request(second_panel, name="Олег Иванов", phone="+79031234567")

    press(first_form.locator("button"))
    expect(first_cell).to_have_class(has_class("q"))
    press(second_form.locator("button"))

    message = second_panel.locator(".msg.err[role=alert]")
    expect(message).to_be_visible()
    expect(message).not_to_be_empty()
    expect(second_cell).to_have_class(has_class("q"))
    expect(second_panel.locator(".pn > .st")).to_have_class(has_class("q"))
    expect(second_panel.locator("form[hx-post$='/reservations']")).to_have_count(0)
    expect(second.locator("#toasts .toast")).to_have_count(0)
    screenshot(second, f"panel-409-{name}.png")
    rows = db.session.execute(
        db.select(Reservation.agent_id, Reservation.client_name).filter_by(
            unit_id=unit_id
        )
    ).all()
    assert rows == [(first_id, "Анна Смирнова")]
    db.session.rollback()


def _assert_beside(field, error, panel):
    """The error sits right under its field, inside the panel, on screen."""
    field_box, error_box = field.bounding_box(), error.bounding_box()
    panel_box = panel.bounding_box()
    assert 0 <= error_box["y"] - (field_box["y"] + field_box["height"]) < 40
    assert abs(error_box["x"] - field_box["x"]) < 4
    assert panel_box["x"] <= error_box["x"]
    assert error_box["x"] + error_box["width"] <= panel_box["x"] + panel_box["width"]
