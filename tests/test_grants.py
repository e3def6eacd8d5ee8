"""The developer admin opens buildings to agencies, whole or in part, and revokes."""

import pytest
from sqlalchemy import select

from partnerhub import access
from partnerhub.extensions import db
from partnerhub.models import (
    AuditEvent,
    Building,
    Grant,
    ReservationStatus,
    Role,
    Section,
    Unit,
)
from partnerhub.services import grants
from partnerhub.services.errors import DomainError, NotAllowed
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
from tests.helpers import count, soup


def version_of(building):
    return db.session.scalar(select(Building.version).filter_by(id=building.id))


def grant_of(agency, building):
    return db.session.scalar(
        select(Grant).filter_by(agency_id=agency.id, building_id=building.id)
    )


class Scene:
    """A World, plus a second building of the same developer with no grant yet,
    a second agency, and another developer with a building of its own."""

    def __init__(self):
        self.world = World()
        self.developer = self.world.developer
        self.admin = self.world.dev_admin
        self.building = make_building(
            self.developer, floors=4, sections=2, per_floor=3, name="2"
        )
        self.units = units_of(self.building)
        self.agency = make_agency(name="Агентство Б")
        self.agent = make_user(self.agency, Role.AGENT)
        self.other_developer = make_developer()
        self.other_admin = make_user(self.other_developer, Role.DEVELOPER_ADMIN)
        self.other_building = make_building(self.other_developer, floors=2)
        self.other_grant = make_grant(self.world.agency, self.other_building)
        db.session.commit()

    def form(self, **overrides):
        data = {
            "agency_id": self.agency.id,
            "max_days": "21",
            "scope": "whole",
            "action": "save",
        }
        data.update(overrides)
        return data


@pytest.fixture()
def scene(app):
    return Scene()


@pytest.fixture()
def admin_client(client, scene):
    client.login(scene.admin)
    return client


def new_url(building):
    return f"/grants/buildings/{building.id}/new"


# The partners page


def test_partners_page_lists_buildings_grants_and_agencies(app, admin_client, scene):
    partial = make_grant(
        scene.agency, scene.building, units=scene.units[:5], max_days=30
    )
    db.session.commit()

    page = soup(admin_client.get("/grants/"))

    sections = page.select("section.building-grants")
    # Listed by project name, then building name.
    expected = sorted(
        [scene.world.building, scene.building], key=lambda b: (b.project.name, b.name)
    )
    assert [s["id"] for s in sections] == [f"building-{b.id}" for b in expected]
    row = page.select_one(f"#grant-{partial.id}")
    assert row.select_one(".scope").get_text(strip=True) == "5 из 24 помещений"
    assert "30" in row.select_one(".days").get_text()
    whole = page.select_one(f"#grant-{scene.world.grant.id}")
    assert whole.select_one(".scope").get_text(strip=True) == "Весь корпус"
    assert page.select_one(f"#grant-{scene.other_grant.id}") is None
    agencies = [row["data-agency"] for row in page.select("#agencies tr[data-agency]")]
    assert sorted(agencies) == sorted([scene.world.agency.slug, scene.agency.slug])


def test_grant_form_offers_agencies_only_and_greys_out_granted_ones(
    app, admin_client, scene
):
    page = soup(admin_client.get(new_url(scene.world.building)))

    options = {
        int(option["value"]): option.has_attr("disabled")
        for option in page.select("#agency_id option")
        if option["value"] != "0"
    }
    assert options == {scene.world.agency.id: True, scene.agency.id: False}
    sections = [s["data-section"] for s in page.select(".section-units")]
    assert sections == ["1", "2"]
    floors = [
        row["data-floor"]
        for row in page.select(".section-units")[0].select(".floor-row")
    ]
    assert floors == ["5", "4", "3", "2", "1"]


# Creating


def test_grant_whole_building(app, admin_client, make_client, scene):
    before = version_of(scene.building)

    response = admin_client.post(new_url(scene.building), data=scene.form())

    assert response.status_code == 302
    assert response.headers["Location"].endswith("/grants/")
    grant = grant_of(scene.agency, scene.building)
    assert (grant.whole_building, grant.max_days, grant.revision) == (True, 21, 1)
    assert grant.developer_id == scene.developer.id
    assert version_of(scene.building) == before + 1
    event = db.session.scalar(select(AuditEvent).filter_by(action="grant.created"))
    assert event.actor_id == scene.admin.id
    assert event.detail["grant_id"] == grant.id

    agent = make_client(scene.agent)
    links = [a["href"] for a in soup(agent.get("/")).select(".building-list a")]
    assert links == [f"/buildings/{scene.building.id}"]


def test_grant_chosen_units(app, admin_client, scene):
    chosen = scene.units[:3] + scene.units[-2:]

    response = admin_client.post(
        new_url(scene.building),
        data=scene.form(scope="units", unit_ids=[u.id for u in chosen]),
    )

    assert response.status_code == 302
    grant = grant_of(scene.agency, scene.building)
    assert grant.whole_building is False
    assert {u.id for u in grant.units} == {u.id for u in chosen}
    version = version_of(scene.building)
    marked = set(
        db.session.scalars(
            select(Unit.id).filter_by(
                building_id=scene.building.id, changed_version=version
            )
        )
    )
    assert marked == {u.id for u in chosen}
    visible = set(
        db.session.scalars(
            select(Unit.id).where(access.unit_visibility_clause(scene.agent))
        )
    )
    assert visible == {u.id for u in chosen}


def test_whole_scope_ignores_ticked_units(app, admin_client, scene):
    response = admin_client.post(
        new_url(scene.building),
        data=scene.form(scope="whole", unit_ids=[scene.units[0].id]),
    )

    assert response.status_code == 302
    grant = grant_of(scene.agency, scene.building)
    assert grant.whole_building is True
    assert grant.units == []


def test_htmx_grant_answers_with_a_redirect(app, admin_client, scene):
    response = admin_client.post(new_url(scene.building), data=scene.form(), htmx=True)

    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == "/grants/"
    assert grant_of(scene.agency, scene.building) is not None


def test_quick_selector_ticks_a_section_floor_range_and_saves_nothing(
    app, admin_client, scene
):
    section = db.session.scalar(
        select(Section).filter_by(building_id=scene.building.id, name="2")
    )
    expected = {
        u.id
        for u in scene.units
        if u.section_id == section.id and 2 <= u.floor.number <= 3
    }

    response = admin_client.post(
        new_url(scene.building),
        data=scene.form(
            action="add",
            pick_section=section.id,
            floor_from="2",
            floor_to="3",
            unit_ids=[scene.units[0].id],
        ),
        htmx=True,
    )

    assert response.status_code == 200
    page = soup(response)
    ticked = {int(box["value"]) for box in page.select("input[name=unit_ids][checked]")}
    assert ticked == expected | {scene.units[0].id}
    assert page.select_one("input[name=scope][value=units]").has_attr("checked")
    assert page.select_one("[role=status]") is not None
    assert count(Grant, building_id=scene.building.id) == 0

    response = admin_client.post(
        new_url(scene.building),
        data=scene.form(
            action="remove",
            pick_section="0",
            floor_from="3",
            floor_to="",
            unit_ids=sorted(ticked),
        ),
    )

    page = soup(response)
    ticked = {int(box["value"]) for box in page.select("input[name=unit_ids][checked]")}
    floors_left = {u.floor.number for u in scene.units if u.id in ticked}
    assert floors_left == {1, 2}


@pytest.mark.parametrize("days", ["0", "91", "", "many"])
def test_days_out_of_range_is_an_inline_error(app, admin_client, scene, days):
    response = admin_client.post(
        new_url(scene.building), data=scene.form(max_days=days)
    )

    assert response.status_code == 422
    assert soup(response).select_one("#max_days-error") is not None
    assert grant_of(scene.agency, scene.building) is None


def test_chosen_scope_without_units_is_an_inline_error(app, admin_client, scene):
    response = admin_client.post(
        new_url(scene.building), data=scene.form(scope="units")
    )

    assert response.status_code == 422
    assert soup(response).select_one("#unit_ids-error") is not None
    assert grant_of(scene.agency, scene.building) is None


def test_units_of_another_developer_are_refused_and_nothing_saved(
    app, admin_client, scene
):
    foreign = units_of(scene.other_building)[:2]
    before = version_of(scene.building)

    response = admin_client.post(
        new_url(scene.building),
        data=scene.form(
            scope="units", unit_ids=[scene.units[0].id] + [u.id for u in foreign]
        ),
        htmx=True,
    )

    assert response.status_code == 422
    error = soup(response).select_one("#unit_ids-error")
    assert "не относятся к этому корпусу" in error.get_text()
    assert grant_of(scene.agency, scene.building) is None
    assert count(Grant) == 2
    assert version_of(scene.building) == before
    assert count(AuditEvent, action="grant.created") == 0


def test_service_refuses_units_of_another_building(app, scene):
    other_building_unit = scene.world.units[0]

    with pytest.raises(DomainError) as refused:
        grants.create_grant(
            scene.admin,
            scene.building,
            scene.agency.id,
            whole_building=False,
            unit_ids=[scene.units[0].id, other_building_unit.id],
            max_days=10,
        )

    assert refused.value.field == "unit_ids"
    db.session.rollback()
    assert grant_of(scene.agency, scene.building) is None


def test_service_refuses_another_developers_building(app, scene):
    with pytest.raises(NotAllowed):
        grants.create_grant(
            scene.admin,
            scene.other_building,
            scene.agency.id,
            whole_building=True,
            unit_ids=(),
            max_days=10,
        )

    assert grant_of(scene.agency, scene.other_building) is None


def test_a_developer_is_not_an_agency(app, admin_client, scene):
    response = admin_client.post(
        new_url(scene.building), data=scene.form(agency_id=scene.other_developer.id)
    )

    assert response.status_code == 422
    assert soup(response).select_one("#agency_id-error") is not None
    assert count(Grant, building_id=scene.building.id) == 0


def test_second_grant_for_the_same_agency_and_building_is_refused(
    app, admin_client, scene
):
    response = admin_client.post(
        new_url(scene.world.building), data=scene.form(agency_id=scene.world.agency.id)
    )

    assert response.status_code == 422
    assert soup(response).select_one("#agency_id-error") is not None
    assert count(Grant, building_id=scene.world.building.id) == 1


@pytest.mark.parametrize("method", ["get", "post"])
def test_building_of_another_developer_in_the_form_is_404(
    app, admin_client, scene, method
):
    url = new_url(scene.other_building)
    if method == "get":
        response = admin_client.get(url)
    else:
        response = admin_client.post(url, data=scene.form())

    assert response.status_code == 404
    assert grant_of(scene.agency, scene.other_building) is None


def test_post_without_csrf_is_refused(app, admin_client, scene):
    response = admin_client.post(new_url(scene.building), data=scene.form(), csrf=False)

    assert response.status_code == 400
    assert grant_of(scene.agency, scene.building) is None


# Changing and revoking


def test_change_to_chosen_units_bumps_revision_and_version(app, admin_client, scene):
    grant = scene.world.grant
    kept = scene.world.units[:4]
    before = version_of(scene.world.building)

    page = soup(admin_client.get(f"/grants/{grant.id}"))
    assert page.select_one("#max_days")["value"] == "14"
    assert page.select_one("#agency_id") is None

    response = admin_client.post(
        f"/grants/{grant.id}",
        data={
            "max_days": "30",
            "scope": "units",
            "unit_ids": [u.id for u in kept],
            "action": "save",
        },
    )

    assert response.status_code == 302
    db.session.expire_all()
    grant = db.session.get(Grant, grant.id)
    assert (grant.revision, grant.max_days, grant.whole_building) == (2, 30, False)
    assert {u.id for u in grant.units} == {u.id for u in kept}
    version = version_of(scene.world.building)
    assert version == before + 1
    hidden = {u.id for u in scene.world.units} - {u.id for u in kept}
    marked = set(db.session.scalars(select(Unit.id).filter_by(changed_version=version)))
    assert marked == hidden
    event = db.session.scalar(select(AuditEvent).filter_by(action="grant.changed"))
    assert event.from_value == "whole building, up to 14 days"
    assert event.to_value == "4 units, up to 30 days"
    assert event.detail["revision"] == 2

    page = soup(admin_client.get(f"/grants/{grant.id}"))
    ticked = {int(box["value"]) for box in page.select("input[name=unit_ids][checked]")}
    assert ticked == {u.id for u in kept}


def test_saving_without_a_change_changes_nothing(app, admin_client, scene):
    grant = scene.world.grant
    before = version_of(scene.world.building)

    response = admin_client.post(
        f"/grants/{grant.id}", data={"max_days": "14", "scope": "whole"}
    )

    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Grant, grant.id).revision == 1
    assert version_of(scene.world.building) == before


def test_change_with_foreign_units_is_refused(app, admin_client, scene):
    grant = scene.world.grant
    foreign = units_of(scene.other_building)[0]

    response = admin_client.post(
        f"/grants/{grant.id}",
        data={"max_days": "14", "scope": "units", "unit_ids": [foreign.id]},
    )

    assert response.status_code == 422
    db.session.expire_all()
    grant = db.session.get(Grant, grant.id)
    assert (grant.whole_building, grant.revision, grant.units) == (True, 1, [])


@pytest.mark.parametrize(
    ("method", "suffix"), [("get", ""), ("post", ""), ("post", "/revoke")]
)
def test_grant_of_another_developer_is_404(app, admin_client, scene, method, suffix):
    url = f"/grants/{scene.other_grant.id}{suffix}"
    if method == "get":
        response = admin_client.get(url)
    else:
        response = admin_client.post(url, data={"max_days": "5", "scope": "whole"})

    assert response.status_code == 404
    db.session.expire_all()
    grant = db.session.get(Grant, scene.other_grant.id)
    assert (grant.max_days, grant.revision) == (14, 1)


def test_revoke_keeps_open_reservations(app, admin_client, make_client, scene):
    world = scene.world
    reservation = make_reservation(
        world.units[0], world.agent, status=ReservationStatus.APPROVED
    )
    db.session.commit()
    before = version_of(world.building)

    response = admin_client.post(f"/grants/{world.grant.id}/revoke")

    assert response.status_code == 302
    assert grant_of(world.agency, world.building) is None
    assert version_of(world.building) == before + 1
    db.session.expire_all()
    assert reservation.status == ReservationStatus.APPROVED
    still_listed = db.session.scalars(access.visible_reservations(world.agent)).all()
    assert [r.id for r in still_listed] == [reservation.id]
    event = db.session.scalar(select(AuditEvent).filter_by(action="grant.revoked"))
    assert event.detail["open_reservations"] == 1

    agent = make_client(world.agent)
    links = [a["href"] for a in soup(agent.get("/")).select(".building-list a")]
    assert f"/buildings/{world.building.id}" not in links


def test_revoke_from_htmx_redirects(app, admin_client, scene):
    response = admin_client.post(f"/grants/{scene.world.grant.id}/revoke", htmx=True)

    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == "/grants/"


def test_access_can_be_granted_again_after_revoking(app, admin_client, scene):
    world = scene.world
    admin_client.post(f"/grants/{world.grant.id}/revoke")

    response = admin_client.post(
        new_url(world.building), data=scene.form(agency_id=world.agency.id)
    )

    assert response.status_code == 302
    assert grant_of(world.agency, world.building).revision == 1


# Roles


@pytest.mark.parametrize("who", ["manager", "agent", "agency_admin"])
def test_other_roles_get_403(app, client, scene, who):
    client.login(getattr(scene.world, who))

    assert client.get("/grants/").status_code == 403
    assert client.get(new_url(scene.building)).status_code == 403
    assert client.get(f"/grants/{scene.world.grant.id}").status_code == 403
    response = client.post(f"/grants/{scene.world.grant.id}/revoke")
    assert response.status_code == 403
    assert grant_of(scene.world.agency, scene.world.building) is not None
