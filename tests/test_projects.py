"""A developer admin corrects a project's name, place and time zone."""

from partnerhub.models import AuditEvent, Project
from tests.factories import World, make_building
from tests.helpers import soup


def test_admin_lists_projects_with_their_buildings(db, client):
    world = World()
    client.login(world.dev_admin)

    page = soup(client.get("/projects/"))

    card = page.select_one(f"#project-{world.building.project_id}")
    assert card.select_one("h2").get_text(strip=True) == world.building.project.name
    assert card.select_one(f"a[href='/buildings/{world.building.id}']")


def test_admin_moves_a_project_to_another_time_zone(db, client):
    world = World()
    project_id = world.building.project_id
    client.login(world.dev_admin)

    response = client.post(
        f"/projects/{project_id}",
        data={
            "name": "ЖК «Новый»",
            "city": "Екатеринбург",
            "address": "",
            "timezone": "Asia/Yekaterinburg",
        },
    )

    assert response.status_code == 302
    project = db.session.get(Project, project_id)
    assert (project.name, project.timezone) == ("ЖК «Новый»", "Asia/Yekaterinburg")
    event = db.session.scalar(
        db.select(AuditEvent).filter_by(action="project.timezone")
    )
    assert (event.from_value, event.to_value) == ("Europe/Moscow", "Asia/Yekaterinburg")


def test_bad_zone_and_taken_name_are_refused_beside_the_fields(db, client):
    world = World()
    other = make_building(world.developer)
    db.session.commit()
    project_id = world.building.project_id
    client.login(world.dev_admin)

    bad_zone = client.post(
        f"/projects/{project_id}", data={"name": "X", "timezone": "Mars/Olympus"}
    )
    taken = client.post(
        f"/projects/{project_id}",
        data={"name": other.project.name, "timezone": "Europe/Moscow"},
    )

    assert bad_zone.status_code == taken.status_code == 422
    assert soup(bad_zone).select_one("#timezone-error")
    assert soup(taken).select_one("#name-error")
    db.session.expire_all()
    assert db.session.get(Project, project_id).timezone == "Europe/Moscow"


def test_manager_gets_403_and_another_developer_404(db, make_client):
    world, other = World(), World()
    manager = make_client(world.manager)
    admin = make_client(world.dev_admin)

    assert manager.get("/projects/").status_code == 403
    assert admin.get(f"/projects/{other.building.project_id}").status_code == 404
