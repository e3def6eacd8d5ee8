"""The sales manager's queue: order, waiting time, decisions and their conflicts."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup

from partnerhub.models import (
    AuditEvent,
    Message,
    MessageKind,
    Reservation,
    ReservationStatus,
    Role,
    UnitStatus,
)
from partnerhub.models.types import utcnow
from partnerhub.services.reservations import expiry_for
from tests.factories import (
    World,
    make_building,
    make_developer,
    make_reservation,
    make_user,
)
from tests.helpers import soup

S = ReservationStatus


def row_ids(page, list_id):
    return [
        int(item["id"].removeprefix("request-"))
        for item in page.select(f"#{list_id} > li.request")
    ]


def reload(db, obj):
    db.session.expire_all()
    return db.session.get(type(obj), obj.id)


def test_queue_lists_pending_requests_oldest_first_with_wait(db, client, world):
    newest = make_reservation(world.units[0], world.agent)
    oldest = make_reservation(world.units[1], world.agent, status=S.INFO_REQUESTED)
    middle = make_reservation(world.units[2], world.agent)
    approved = make_reservation(world.units[3], world.agent, status=S.APPROVED)
    make_reservation(world.units[4], world.agent, status=S.REJECTED)
    now = utcnow()
    newest.created_at = now - timedelta(minutes=5)
    oldest.created_at = now - timedelta(hours=3, minutes=12, seconds=20)
    middle.created_at = now - timedelta(hours=1)
    db.session.commit()
    client.login(world.manager)

    response = client.get("/moderation/")

    assert response.status_code == 200
    page = soup(response)
    assert row_ids(page, "pending-requests") == [oldest.id, middle.id, newest.id]
    assert row_ids(page, "active-reservations") == [approved.id]
    waited = page.select_one(f"#request-{oldest.id} .waited").get_text(" ", strip=True)
    assert "3 ч 12 мин" in waited
    row = page.select_one(f"#request-{oldest.id}")
    facts = row.select_one(".facts").get_text(" ", strip=True)
    assert world.agency.name in facts and world.agent.full_name in facts
    assert "+7 916 123-45-67" in facts
    assert page.select_one("[hx-history=false]") is not None


def test_wait_time_reads_in_english_too(db, client, world):
    reservation = make_reservation(world.units[0], world.agent)
    reservation.created_at = utcnow() - timedelta(hours=3, minutes=12, seconds=5)
    world.manager.locale = "en"
    db.session.commit()
    client.login(world.manager)

    page = soup(client.get("/moderation/"))

    waited = page.select_one(f"#request-{reservation.id} .waited").get_text(strip=True)
    assert "3 hr 12 min" in waited


def test_developer_admin_may_moderate_too(db, client, world):
    make_reservation(world.units[0], world.agent)
    client.login(world.dev_admin)

    assert client.get("/moderation/").status_code == 200


@pytest.mark.parametrize("role", ["agent", "agency_admin"])
def test_agency_people_get_403_on_the_queue(db, client, world, role):
    reservation = make_reservation(world.units[0], world.agent)
    db.session.commit()
    client.login(world.agent if role == "agent" else world.agency_admin)

    assert client.get("/moderation/").status_code == 403
    response = client.post(
        f"/moderation/{reservation.id}/approve",
        data={f"a{reservation.id}-days": "7", f"a{reservation.id}-price": "1"},
        htmx=True,
    )
    assert response.status_code == 403
    assert reload(db, reservation).status == S.REQUESTED


def test_manager_of_another_developer_gets_404(db, client, world):
    reservation = make_reservation(world.units[0], world.agent)
    other = make_developer()
    other_manager = make_user(other, Role.SALES_MANAGER)
    make_building(other)
    db.session.commit()
    client.login(other_manager)

    page = soup(client.get("/moderation/"))
    assert row_ids(page, "pending-requests") == []
    for action, data in (
        ("approve", {f"a{reservation.id}-days": "7", f"a{reservation.id}-price": "1"}),
        ("reject", {f"r{reservation.id}-reason": "no"}),
        ("ask", {f"q{reservation.id}-text": "passport"}),
        ("lost", {}),
    ):
        response = client.post(f"/moderation/{reservation.id}/{action}", data=data)
        assert response.status_code == 404, action
    assert client.get(f"/moderation/{reservation.id}/term?a1-days=3").status_code == 404
    assert reload(db, reservation).status == S.REQUESTED


def test_approve_reserves_unit_until_end_of_last_day(db, client, world):
    unit = world.units[0]
    reservation = make_reservation(unit, world.agent, days=10)
    db.session.commit()
    client.login(world.manager)
    page = soup(client.get("/moderation/"))
    form = page.select_one(f"#request-{reservation.id} form.approve-form")
    assert form.select_one(f"[name=a{reservation.id}-days]")["value"] == "10"
    assert form.select_one(f"[name=a{reservation.id}-price]")["value"] == str(
        int(unit.price)
    )
    assert form.select_one(".term-preview").get_text(strip=True)

    response = client.post(
        f"/moderation/{reservation.id}/approve",
        data={
            f"a{reservation.id}-days": "5",
            f"a{reservation.id}-price": "6 150 000,50",
        },
        htmx=True,
    )

    assert response.status_code == 200
    assert response.headers["HX-Trigger"] == f"thread-changed-{reservation.id}"
    row = soup(response).select_one(f"#request-{reservation.id}-row")
    assert row.select_one(".status-badge.status-approved") is not None
    assert row.select_one("form.approve-form") is None
    reservation = reload(db, reservation)
    assert reservation.status == S.APPROVED
    assert reservation.approved_days == 5
    assert reservation.fixed_price == Decimal("6150000.50")
    assert reservation.decided_by_id == world.manager.id
    expected = expiry_for(5, unit.project.timezone)
    assert abs(reservation.expires_at - expected) < timedelta(minutes=1)
    assert reload(db, unit).status == UnitStatus.RESERVED


def test_term_preview_follows_the_days(db, client, world):
    reservation = make_reservation(world.units[0], world.agent)
    db.session.commit()
    client.login(world.manager)

    short = client.get(f"/moderation/{reservation.id}/term?a{reservation.id}-days=1")
    long = client.get(f"/moderation/{reservation.id}/term?a{reservation.id}-days=30")
    bad = client.get(f"/moderation/{reservation.id}/term?a{reservation.id}-days=0")

    assert short.status_code == long.status_code == bad.status_code == 200
    short_text = soup(short).select_one(".term-preview").get_text(strip=True)
    long_text = soup(long).select_one(".term-preview").get_text(strip=True)
    assert short_text and long_text and short_text != long_text
    assert soup(bad).select_one(".term-preview").get_text(strip=True) == ""


def test_approve_without_javascript_redirects_to_the_queue(db, client, world):
    reservation = make_reservation(world.units[0], world.agent)
    db.session.commit()
    client.login(world.manager)

    response = client.post(
        f"/moderation/{reservation.id}/approve",
        data={f"a{reservation.id}-days": "7", f"a{reservation.id}-price": "5000000"},
    )

    assert response.status_code == 302
    assert response.headers["Location"].endswith("/moderation/")
    assert reload(db, reservation).status == S.APPROVED


@pytest.mark.parametrize(
    ("days", "price", "field"),
    [
        ("0", "5000000", "days"),
        ("", "5000000", "days"),
        ("7", "", "price"),
        ("7", "abc", "price"),
        ("7", "-5", "price"),
        ("181", "1", "days"),
    ],
)
def test_approve_with_bad_input_is_422_and_changes_nothing(
    db, client, world, days, price, field
):
    reservation = make_reservation(world.units[0], world.agent)
    db.session.commit()
    client.login(world.manager)

    response = client.post(
        f"/moderation/{reservation.id}/approve",
        data={f"a{reservation.id}-days": days, f"a{reservation.id}-price": price},
        htmx=True,
    )

    assert response.status_code == 422
    page = soup(response)
    field_input = page.select_one(f"[name=a{reservation.id}-{field}]")
    assert field_input["aria-invalid"] == "true"
    assert page.select_one(f"#{field_input['aria-describedby']}").get_text(strip=True)
    assert reload(db, reservation).status == S.REQUESTED
    assert reload(db, world.units[0]).status == UnitStatus.REQUESTED


def test_reject_without_reason_is_422_and_changes_nothing(db, client, world):
    reservation = make_reservation(world.units[0], world.agent)
    db.session.commit()
    client.login(world.manager)

    response = client.post(
        f"/moderation/{reservation.id}/reject",
        data={f"r{reservation.id}-reason": "   "},
        htmx=True,
    )

    assert response.status_code == 422
    page = soup(response)
    reason = page.select_one(f"[name=r{reservation.id}-reason]")
    assert reason["aria-invalid"] == "true"
    assert reason.find_parent("details").has_attr("open")
    assert reload(db, reservation).status == S.REQUESTED
    assert db.session.scalar(db.select(db.func.count(AuditEvent.id))) == 0


def test_reject_with_reason_frees_the_unit_and_tells_the_agent(db, client, world):
    reservation = make_reservation(world.units[0], world.agent)
    db.session.commit()
    client.login(world.manager)

    response = client.post(
        f"/moderation/{reservation.id}/reject",
        data={f"r{reservation.id}-reason": "Клиент уже у нас в базе"},
        htmx=True,
    )

    assert response.status_code == 200
    row = soup(response).select_one(f"#request-{reservation.id}-row")
    assert row.select_one(".status-rejected") is not None
    assert "Клиент уже у нас в базе" in row.get_text()
    reservation = reload(db, reservation)
    assert reservation.status == S.REJECTED
    assert reservation.reject_reason == "Клиент уже у нас в базе"
    assert reload(db, world.units[0]).status == UnitStatus.AVAILABLE


def test_ask_for_information_adds_an_info_request(db, client, world):
    reservation = make_reservation(world.units[0], world.agent)
    db.session.commit()
    client.login(world.manager)

    empty = client.post(
        f"/moderation/{reservation.id}/ask",
        data={f"q{reservation.id}-text": ""},
        htmx=True,
    )
    response = client.post(
        f"/moderation/{reservation.id}/ask",
        data={f"q{reservation.id}-text": "Пришлите скан паспорта"},
        htmx=True,
    )

    assert empty.status_code == 422
    assert response.status_code == 200
    assert reload(db, reservation).status == S.INFO_REQUESTED
    messages = db.session.scalars(db.select(Message)).all()
    assert [(m.kind, m.body, m.author_id) for m in messages] == [
        (MessageKind.INFO_REQUEST, "Пришлите скан паспорта", world.manager.id)
    ]
    row = soup(response).select_one(f"#request-{reservation.id}-row")
    assert row.select_one(".status-info_requested") is not None
    # Still pending: the manager can approve once the agent has answered.
    assert row.select_one("form.approve-form") is not None


def test_second_approve_gets_409_and_the_fresh_row(db, make_client, world):
    reservation = make_reservation(world.units[0], world.agent)
    second_manager = make_user(world.developer, Role.SALES_MANAGER)
    db.session.commit()
    first = make_client(world.manager)
    second = make_client(second_manager)
    data = {f"a{reservation.id}-days": "7", f"a{reservation.id}-price": "5000000"}

    assert (
        first.post(
            f"/moderation/{reservation.id}/approve", data=data, htmx=True
        ).status_code
        == 200
    )
    response = second.post(
        f"/moderation/{reservation.id}/approve", data=data, htmx=True
    )

    assert response.status_code == 409
    row = soup(response).select_one(f"#request-{reservation.id}-row")
    assert row.select_one("[role=alert]").get_text(strip=True)
    assert row.select_one(".status-approved") is not None
    reservation = reload(db, reservation)
    assert reservation.decided_by_id == world.manager.id
    approvals = db.session.scalars(
        db.select(AuditEvent).filter_by(
            action="reservation.status", to_value=S.APPROVED
        )
    ).all()
    assert len(approvals) == 1


def test_reject_after_cancel_gets_409(db, client, world):
    reservation = make_reservation(world.units[0], world.agent, status=S.CANCELLED)
    db.session.commit()
    client.login(world.manager)

    response = client.post(
        f"/moderation/{reservation.id}/reject",
        data={f"r{reservation.id}-reason": "late"},
        htmx=True,
    )

    assert response.status_code == 409
    assert reload(db, reservation).status == S.CANCELLED


def test_booked_then_sold(db, client, world):
    reservation = make_reservation(world.units[0], world.agent, status=S.APPROVED)
    db.session.commit()
    client.login(world.manager)
    page = soup(client.get("/moderation/"))
    buttons = page.select(f"#request-{reservation.id} .step-actions form")
    assert all(form.get("hx-confirm") for form in buttons)
    assert [form.button.get_text(strip=True) for form in buttons] == [
        "Оформить бронь",
        "Отметить продажу",
        "Сделка сорвалась",
    ]

    booked = client.post(f"/moderation/{reservation.id}/booked", htmx=True)
    sold = client.post(f"/moderation/{reservation.id}/sold", htmx=True)
    again = client.post(f"/moderation/{reservation.id}/lost", htmx=True)

    assert (booked.status_code, sold.status_code, again.status_code) == (200, 200, 409)
    assert reload(db, reservation).status == S.SOLD
    assert reload(db, world.units[0]).status == UnitStatus.SOLD


def test_lost_frees_the_unit(db, client, world):
    reservation = make_reservation(world.units[0], world.agent, status=S.BOOKED)
    db.session.commit()
    client.login(world.manager)

    response = client.post(f"/moderation/{reservation.id}/lost", htmx=True)

    assert response.status_code == 200
    assert reload(db, reservation).status == S.LOST
    assert reload(db, world.units[0]).status == UnitStatus.AVAILABLE


def test_actions_without_csrf_are_refused(db, client, world):
    reservation = make_reservation(world.units[0], world.agent)
    db.session.commit()
    client.login(world.manager)

    response = client.post(
        f"/moderation/{reservation.id}/approve",
        data={f"a{reservation.id}-days": "7", f"a{reservation.id}-price": "5000000"},
        htmx=True,
        csrf=False,
    )

    assert response.status_code == 400
    assert db.session.get(Reservation, reservation.id).status == S.REQUESTED


def test_two_managers_approving_at_once_one_wins(app, db, make_client, world):
    reservation = make_reservation(world.units[0], world.agent)
    second_manager = make_user(world.developer, Role.SALES_MANAGER)
    db.session.commit()
    clients = [make_client(world.manager), make_client(second_manager)]
    url = f"/moderation/{reservation.id}/approve"
    data = {f"a{reservation.id}-days": "7", f"a{reservation.id}-price": "5000000"}
    start = threading.Barrier(2)
    statuses = []

    def approve(web):
        # A thread of its own has no app context: each request gets its own
        # session and connection, as two server workers would.
        start.wait()
        response = web.post(url, data=data, htmx=True)
        statuses.append(response.status_code)

    db.session.rollback()
    workers = [threading.Thread(target=approve, args=(web,)) for web in clients]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)

    assert sorted(statuses) == [200, 409]
    approvals = db.session.scalars(
        db.select(AuditEvent).filter_by(
            action="reservation.status", to_value=S.APPROVED
        )
    ).all()
    assert len(approvals) == 1


def test_queue_poll_is_silent_until_a_request_arrives(app, db, make_client):
    world = World()
    manager = make_client(world.manager)
    page = BeautifulSoup(
        manager.get("/moderation/").get_data(as_text=True), "html.parser"
    )
    poll_url = page.select_one("#queue-changed")["hx-get"]

    quiet = manager.get(poll_url, htmx=True)
    make_reservation(world.units[0], world.agent)
    db.session.commit()
    news = manager.get(poll_url, htmx=True)

    assert quiet.status_code == 204 and quiet.get_data() == b""
    assert news.status_code == 200
    assert BeautifulSoup(news.get_data(as_text=True), "html.parser").select_one(
        "a[href='/moderation/']"
    )


def test_own_decision_moves_the_queue_poll_on(app, db, make_client):
    world = World()
    reservation = make_reservation(world.units[0], world.agent)
    db.session.commit()
    manager = make_client(world.manager)

    decided = manager.post(
        f"/moderation/{reservation.id}/reject",
        data={f"r{reservation.id}-reason": "Нет"},
        htmx=True,
    )
    poller = BeautifulSoup(decided.get_data(as_text=True), "html.parser").select_one(
        "#queue-changed[hx-swap-oob]"
    )

    assert decided.status_code == 200
    assert manager.get(poller["hx-get"], htmx=True).status_code == 204
