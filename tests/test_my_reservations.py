"""The agent's "my reservations": order, state, last message, unread marks, cancel."""

from contextlib import contextmanager
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import event

from partnerhub.models import (
    AuditEvent,
    MessageKind,
    Reservation,
    ReservationStatus,
    Role,
    UnitStatus,
)
from partnerhub.models.types import utcnow
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
from tests.helpers import add_message, soup

S = ReservationStatus


def listed_ids(page):
    return [
        int(li["id"].removeprefix("my-reservation-"))
        for li in page.select("#my-reservations > li")
    ]


@contextmanager
def counting_queries(db):
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def test_lists_own_reservations_by_latest_activity(db, client, world):
    now = utcnow()
    quiet = make_reservation(world.units[0], world.agent)
    talked = make_reservation(world.units[1], world.agent, status=S.APPROVED)
    recent = make_reservation(world.units[2], world.agent)
    colleague = make_user(world.agency, Role.AGENT)
    theirs = make_reservation(world.units[3], colleague)
    quiet.updated_at = now - timedelta(days=3)
    talked.updated_at = now - timedelta(days=2)
    recent.updated_at = now - timedelta(hours=5)
    db.session.commit()
    add_message(db, talked, world.manager, "Одобрено, ждём документы", at=now)
    client.login(world.agent)

    response = client.get("/reservations")

    assert response.status_code == 200
    page = soup(response)
    assert listed_ids(page) == [talked.id, recent.id, quiet.id]
    assert theirs.id not in listed_ids(page)
    row = page.select_one(f"#my-reservation-{talked.id}")
    assert row.select_one(".status-approved").get_text(strip=True) == "Забронирована"
    assert "включительно" in row.select_one(".reservation-state").get_text()
    last = row.select_one(".last-message")
    assert "Одобрено, ждём документы" in last.select_one(".excerpt").get_text()
    assert world.manager.full_name in last.get_text()
    assert page.select_one("[hx-history=false]") is not None


def test_agency_admin_sees_the_whole_agency_across_developers(db, client, world):
    colleague = make_user(world.agency, Role.AGENT)
    other_developer = make_developer()
    building = make_building(other_developer)
    make_grant(world.agency, building)
    mine = make_reservation(world.units[0], world.agent)
    theirs = make_reservation(world.units[1], colleague)
    elsewhere = make_reservation(units_of(building)[0], world.agent)
    outsider = make_reservation(world.units[2], make_user(make_agency(), Role.AGENT))
    db.session.commit()
    client.login(world.agency_admin)

    page = soup(client.get("/reservations"))

    assert sorted(listed_ids(page)) == sorted([mine.id, theirs.id, elsewhere.id])
    assert outsider.id not in listed_ids(page)
    row = page.select_one(f"#my-reservation-{elsewhere.id}")
    assert other_developer.name in row.get_text()


def test_staff_get_403(db, client, world):
    client.login(world.manager)

    assert client.get("/reservations").status_code == 403


def test_unread_mark_appears_and_clears(db, client, world):
    reservation = make_reservation(world.units[0], world.agent, status=S.INFO_REQUESTED)
    db.session.commit()
    add_message(db, reservation, world.agent, "Мой вопрос")
    add_message(
        db, reservation, world.manager, "Паспорт?", kind=MessageKind.INFO_REQUEST
    )
    add_message(db, reservation, world.manager, "И СНИЛС")
    client.login(world.agent)

    before = soup(client.get("/reservations"))
    thread = soup(
        client.get(f"/reservations/{reservation.id}/thread?list=1", htmx=True)
    )
    after = soup(client.get("/reservations"))

    badge = before.select_one(f"#unread-{reservation.id}")
    assert "badge-unread" in badge["class"]
    assert badge.get_text(strip=True).startswith("2")
    cleared = thread.select_one(f"#unread-{reservation.id}")
    assert cleared["hx-swap-oob"] == "true" and cleared.get_text(strip=True) == ""
    assert "badge-unread" not in (
        after.select_one(f"#unread-{reservation.id}").get("class") or []
    )


def test_own_messages_do_not_count_as_unread(db, client, world):
    reservation = make_reservation(world.units[0], world.agent)
    db.session.commit()
    add_message(db, reservation, world.agent, "Жду ответа")
    client.login(world.agent)

    page = soup(client.get("/reservations"))

    assert page.select_one(".badge-unread") is None


def test_page_takes_the_same_few_queries_for_many_reservations(db, client, world):
    client.login(world.agent)

    def queries_for_page():
        with counting_queries(db) as statements:
            assert client.get("/reservations").status_code == 200
        return len(statements)

    make_reservation(world.units[0], world.agent)
    db.session.commit()
    add_message(db, db.session.get(Reservation, 1), world.manager, "Один")
    db.session.expire_all()
    one = queries_for_page()
    for index in range(1, 8):
        reservation = make_reservation(
            world.units[index], world.agent, status=S.APPROVED
        )
        db.session.commit()
        add_message(db, reservation, world.manager, f"Сообщение {index}")
    db.session.expire_all()
    many = queries_for_page()

    assert len(listed_ids(soup(client.get("/reservations")))) == 8
    assert many == one
    assert many <= 6


def test_cancel_from_the_list(db, client, world):
    reservation = make_reservation(world.units[0], world.agent, status=S.APPROVED)
    db.session.commit()
    client.login(world.agent)
    page = soup(client.get("/reservations"))
    form = page.select_one(f"#my-reservation-{reservation.id} form.reservation-actions")
    assert form["hx-post"] == f"/reservations/{reservation.id}/cancel"
    assert form.get("hx-confirm")

    response = client.post(f"/reservations/{reservation.id}/cancel", htmx=True)

    assert response.status_code == 200
    row = soup(response).select_one(f"#my-reservation-{reservation.id}-row")
    assert row.select_one(".status-cancelled") is not None
    assert row.select_one("form.reservation-actions") is None
    db.session.expire_all()
    assert db.session.get(Reservation, reservation.id).status == S.CANCELLED
    assert world.units[0].status == UnitStatus.AVAILABLE
    event_row = db.session.scalars(
        db.select(AuditEvent).filter_by(action="reservation.status")
    ).one()
    assert (event_row.actor_id, event_row.from_value, event_row.to_value) == (
        world.agent.id,
        S.APPROVED,
        S.CANCELLED,
    )


def test_cancel_without_javascript_goes_back_to_the_list(db, client, world):
    reservation = make_reservation(world.units[0], world.agent)
    db.session.commit()
    client.login(world.agency_admin)

    response = client.post(f"/reservations/{reservation.id}/cancel")

    assert response.status_code == 302
    assert response.headers["Location"].endswith("/reservations")
    db.session.expire_all()
    assert db.session.get(Reservation, reservation.id).status == S.CANCELLED


def test_booked_reservation_cannot_be_cancelled(db, client, world):
    reservation = make_reservation(world.units[0], world.agent, status=S.BOOKED)
    db.session.commit()
    client.login(world.agent)
    page = soup(client.get("/reservations"))
    assert page.select_one(f"#my-reservation-{reservation.id} form") is None

    response = client.post(f"/reservations/{reservation.id}/cancel", htmx=True)

    assert response.status_code == 409
    row = soup(response).select_one(f"#my-reservation-{reservation.id}-row")
    assert row.select_one("[role=alert]").get_text(strip=True)
    db.session.expire_all()
    assert db.session.get(Reservation, reservation.id).status == S.BOOKED


@pytest.mark.parametrize(
    ("who", "status"), [("colleague", 404), ("outsider", 404), ("manager", 403)]
)
def test_only_the_agency_may_cancel(db, client, world, who, status):
    reservation = make_reservation(world.units[0], world.agent)
    people = {
        "colleague": make_user(world.agency, Role.AGENT),
        "outsider": make_user(make_agency(), Role.AGENT),
        "manager": world.manager,
    }
    db.session.commit()
    client.login(people[who])

    response = client.post(f"/reservations/{reservation.id}/cancel", htmx=True)

    assert response.status_code == status
    db.session.expire_all()
    assert db.session.get(Reservation, reservation.id).status == S.REQUESTED


def test_cancel_without_csrf_is_400(db, client, world):
    reservation = make_reservation(world.units[0], world.agent)
    db.session.commit()
    client.login(world.agent)

    response = client.post(f"/reservations/{reservation.id}/cancel", csrf=False)

    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(Reservation, reservation.id).status == S.REQUESTED


def test_cancel_from_the_unit_panel_answers_with_the_panel(db, client, world):
    pytest.importorskip("partnerhub.blueprints.grid.panel")
    reservation = make_reservation(world.units[0], world.agent)
    db.session.commit()
    client.login(world.agent)

    response = client.post(
        f"/reservations/{reservation.id}/cancel", data={"from_panel": "1"}, htmx=True
    )

    assert response.status_code == 200
    db.session.expire_all()
    assert db.session.get(Reservation, reservation.id).status == S.CANCELLED
    page = soup(response)
    assert page.select_one(f"#my-reservation-{reservation.id}-row") is None
    assert page.select_one("form.reservation-actions") is None


def test_a_lapsed_term_reads_expired_everywhere_before_the_sweep(db, make_client):
    world = World()
    reservation = make_reservation(world.units[0], world.agent, status=S.APPROVED)
    reservation.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    agent, manager = make_client(world.agent), make_client(world.manager)

    mine = BeautifulSoup(
        agent.get("/reservations").get_data(as_text=True), "html.parser"
    )
    queue = BeautifulSoup(
        manager.get("/moderation/").get_data(as_text=True), "html.parser"
    )

    row = mine.select_one(f"#my-reservation-{reservation.id}-row")
    assert row.select_one(".status-badge")["class"][-1] == "status-expired"
    assert row.select_one("form[action$='/cancel']") is None
    card = queue.select_one(f"#request-{reservation.id}")
    assert card.select_one(".status-badge")["class"][-1] == "status-expired"
    assert card.select_one(".step-actions") is None
