"""The whole story in a real browser, on a desktop and on a phone.

An agent filters the grid and requests a unit; the sales manager asks for a
passport scan; the agent attaches a PDF and answers; the manager approves;
the agent sees the unit reserved. Nobody reloads a page: the grid and the
threads poll, quickly here.
"""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from partnerhub.models import Attachment, Message, Reservation, ReservationStatus
from tests.browser.conftest import press, screenshot, sign_in
from tests.factories import World

PRICE_MAX = 7_300_000
QUESTION = "Пришлите скан паспорта"
ANSWER = "Скан паспорта во вложении"


@pytest.fixture(autouse=True)
def quick_polls(_app):
    """Poll every second, so that the story does not wait for the defaults."""
    saved = {k: _app.config[k] for k in ("GRID_POLL_SECONDS", "THREAD_POLL_SECONDS")}
    _app.config.update(GRID_POLL_SECONDS=1, THREAD_POLL_SECONDS=1)
    yield
    _app.config.update(saved)


def minimal_pdf():
    """A small, valid one-page PDF, with a correct cross-reference table."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def has_class(name):
    return re.compile(rf"(^|\s){name}(\s|$)")


def test_agent_requests_manager_asks_agent_answers_manager_approves(
    db, open_page, viewport, tmp_path
):
    name, size = viewport
    world = World()
    building_id = world.building.id
    agent_email, manager_email = world.agent.email, world.manager.email
    # Two rooms, under the price cap (floors 1–3), and units the filters hide.
    wanted = _unit(world, rooms=2, floor=3)
    too_dear = _unit(world, rooms=2, floor=5)
    wrong_rooms = _unit(world, rooms=1, floor=3)
    db.session.rollback()
    scan = tmp_path / "passport.pdf"
    scan.write_bytes(minimal_pdf())

    # 1. The agent filters the grid and requests a matching unit.
    agent = open_page(size)
    sign_in(agent, agent_email)
    agent.goto(f"/buildings/{building_id}")
    press(agent.locator("details.fl > summary"))
    agent.locator("#ff input[name=rooms][value='2']").check()
    agent.locator("#ff input[name=price_max]").fill(str(PRICE_MAX))
    press(agent.locator("#ff button.primary"))

    agent.wait_for_url(re.compile(rf"rooms=2.*price_max={PRICE_MAX}"))
    expect(agent.locator(f"#u{too_dear}")).to_have_class(has_class("d"))
    expect(agent.locator(f"#u{wrong_rooms}")).to_have_class(has_class("d"))
    cell = agent.locator(f"#u{wanted}")
    expect(cell).not_to_have_class(has_class("d"))
    expect(cell).to_have_class(has_class("a"))
    screenshot(agent, f"grid-{name}.png")

    cell.scroll_into_view_if_needed()
    press(cell)
    panel = agent.locator("#panel")
    expect(panel.locator(f".pn[data-unit='{wanted}']")).to_be_visible()
    expect(cell).to_have_attribute("aria-expanded", "true")
    _assert_panel_shape(agent, name)

    form = panel.locator("form[hx-post$='/reservations']")
    form.locator("[name=client_name]").fill("Анна Смирнова")
    form.locator("[name=client_phone]").fill("+7 916 555-12-34")
    form.locator("[name=days]").fill("10")
    form.locator("[name=comment]").fill("Продаёт свою квартиру, нужен месяц")
    screenshot(agent, f"panel-form-{name}.png")
    press(form.locator("button"))

    expect(cell).to_have_class(has_class("q"))
    thread = panel.locator("section.thread")
    expect(thread).to_be_visible()
    reservation = db.session.scalar(db.select(Reservation).filter_by(unit_id=wanted))
    reservation_id = reservation.id
    assert reservation.status == ReservationStatus.REQUESTED
    assert reservation.client_name == "Анна Смирнова"
    assert reservation.client_phone == "+79165551234"
    assert reservation.requested_days == 10
    price_at_request = reservation.price_at_request
    db.session.rollback()
    # Marks that a reload would wipe: nobody reloads from here on.
    agent.evaluate("() => { window.notReloaded = true }")

    # 2. The manager opens the queue, the request's thread, and asks.
    manager = open_page(size)
    sign_in(manager, manager_email)
    manager.goto("/moderation/")
    item = manager.locator(f"#request-{reservation_id}")
    expect(item).to_be_visible()
    press(item.locator("details.thread-toggle > summary"))
    manager_thread = item.locator(f"#thread-{reservation_id}")
    expect(manager_thread).to_be_visible()
    manager.evaluate("() => { window.notReloaded = true }")

    ask = item.locator("details:has(form[hx-post$='/ask'])")
    press(ask.locator("summary"))
    ask.locator("textarea").fill(QUESTION)
    press(ask.locator("button[type=submit]"))
    expect(item.locator(".status-info_requested").first).to_be_visible()
    expect(manager_thread.locator(".message-info_request .message-body")).to_have_text(
        QUESTION
    )

    # 3. The agent sees the question without reloading, attaches and answers.
    question = panel.locator(".message-info_request .message-body")
    expect(question).to_have_text(QUESTION)
    answer_form = panel.locator(f"#thread-{reservation_id}-form")
    answer_form.locator("input[type=file]").set_input_files(str(scan))
    answer_form.locator("textarea[name$='-body']").fill(ANSWER)
    press(answer_form.locator("button[type=submit]"))
    mine = panel.locator(".message-mine").last
    expect(mine.locator(".message-body")).to_have_text(ANSWER)
    expect(mine.locator(".attachments a")).to_have_text("passport.pdf")
    expect(panel.locator("textarea[name$='-body']")).to_have_value("")

    # 4. The manager sees the answer and the file without reloading, approves.
    answer = manager_thread.locator(".message", has_text=ANSWER)
    expect(answer).to_be_visible()
    link = answer.locator(".attachments a")
    expect(link).to_have_text("passport.pdf")
    with manager.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "passport.pdf"
    assert Path(download.value.path()).read_bytes() == scan.read_bytes()

    approve = item.locator("form.approve-form")
    expect(approve.locator("input[name$='-days']")).to_have_value("10")
    press(approve.locator("button[type=submit]"))
    row = item.locator(f"#request-{reservation_id}-row")
    expect(row.locator(".status-approved")).to_be_visible()
    # The open thread follows the approval, which posts no message.
    expect(
        manager_thread.locator(f"#thread-{reservation_id}-facts .status-approved")
    ).to_be_visible()
    screenshot(manager, f"queue-{name}.png")
    assert manager.evaluate("() => window.notReloaded") is True

    reservation = db.session.get(Reservation, reservation_id)
    assert reservation.status == ReservationStatus.APPROVED
    assert reservation.approved_days == 10
    assert reservation.fixed_price == price_at_request
    assert reservation.fixed_price == Decimal(7_300_000)
    bodies = db.session.scalars(
        db.select(Message.body)
        .filter_by(reservation_id=reservation_id)
        .order_by(Message.id)
    ).all()
    assert bodies[:2] == [QUESTION, ANSWER]
    files = db.session.scalars(
        db.select(Attachment.original_name).filter_by(reservation_id=reservation_id)
    ).all()
    assert files == ["passport.pdf"]
    db.session.rollback()

    # 5. The agent, still without reloading, sees the unit reserved.
    expect(cell).to_have_class(has_class("r"))
    expect(panel.locator(".pn > .st")).to_have_class(has_class("r"))
    expect(
        panel.locator(f"#thread-{reservation_id}-facts .status-approved")
    ).to_be_visible()
    expect(panel.locator(".message-info_request .message-body")).to_have_text(QUESTION)
    expect(panel.locator(".message-mine .attachments a")).to_have_text("passport.pdf")
    screenshot(agent, f"panel-{name}.png")
    assert agent.evaluate("() => window.notReloaded") is True

    press(panel.locator("[data-close]"))
    expect(panel).to_be_hidden()
    expect(cell).to_be_focused()
    expect(cell).to_have_class(has_class("r"))
    screenshot(agent, f"grid-reserved-{name}.png")


def _unit(world, rooms, floor, section="1"):
    """The id of the unit with these rooms on this floor of this section."""
    (unit_id,) = [
        unit.id
        for unit in world.units
        if unit.rooms == rooms
        and unit.floor.number == floor
        and unit.section.name == section
    ]
    return unit_id


def _assert_panel_shape(page, name):
    """A side panel beside the grid on a desktop; a bottom sheet on a phone."""
    width, height = page.viewport_size["width"], page.viewport_size["height"]
    box = page.locator("#panel").bounding_box()
    grid = page.locator(".gw").bounding_box()
    if name == "phone":
        assert box["x"] == 0
        assert box["width"] == width
        assert abs(box["y"] + box["height"] - height) <= 1
        assert box["height"] < height
    else:
        assert box["x"] >= grid["x"] + grid["width"]
        assert box["x"] + box["width"] <= width
        assert box["y"] < height / 2
