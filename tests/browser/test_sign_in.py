"""A person signs in with a real browser, on a desktop and on a phone."""

from tests.browser.conftest import ARTIFACTS, sign_in
from tests.factories import World


def test_agent_signs_in_and_sees_the_building(db, open_page, viewport):
    name, size = viewport
    world = World()
    email, building_id = world.agent.email, world.building.id
    # Let go of the database before the server needs it (SQLite locks).
    db.session.rollback()
    page = open_page(size)

    sign_in(page, email)

    link = page.locator(".building-list a").first
    assert link.get_attribute("href") == f"/buildings/{building_id}"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"home-{name}.png"))
