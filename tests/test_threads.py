"""A reservation's thread: who sees it, posting, polling, read marks, history."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from partnerhub.models import (
    Message,
    MessageKind,
    OutboxMessage,
    ReservationStatus,
    Role,
    ThreadRead,
)
from partnerhub.services import reservations
from tests.factories import (
    make_agency,
    make_building,
    make_developer,
    make_reservation,
    make_user,
)
from tests.helpers import add_message, soup

S = ReservationStatus


def message_ids(page):
    return [int(li["id"].removeprefix("message-")) for li in page.select("li.message")]


@pytest.fixture()
def reservation(db, world):
    reservation = make_reservation(world.units[0], world.agent)
    db.session.commit()
    return reservation


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("agent", 200),
        ("agency_admin", 200),
        ("manager", 200),
        ("dev_admin", 200),
        ("colleague", 404),
        ("other_agency_agent", 404),
        ("other_developer_manager", 404),
        ("operator", 404),
    ],
)
def test_who_sees_the_thread(db, client, world, reservation, who, status):
    people = {
        "agent": world.agent,
        "agency_admin": world.agency_admin,
        "manager": world.manager,
        "dev_admin": world.dev_admin,
        "colleague": make_user(world.agency, Role.AGENT),
        "other_agency_agent": make_user(make_agency(), Role.AGENT),
        "other_developer_manager": make_user(make_developer(), Role.SALES_MANAGER),
        "operator": make_user(None, Role.OPERATOR),
    }
    db.session.commit()
    client.login(people[who])

    thread = client.get(f"/reservations/{reservation.id}/thread", htmx=True)
    poll = client.get(f"/reservations/{reservation.id}/thread/new?after=0")
    post = client.post(
        f"/reservations/{reservation.id}/messages",
        data={f"t{reservation.id}-body": "Здравствуйте"},
        htmx=True,
    )

    assert thread.status_code == status
    assert poll.status_code == (204 if status == 200 else 404)
    assert post.status_code == status
    saved = db.session.scalar(db.select(db.func.count(Message.id)))
    assert saved == (1 if status == 200 else 0)


def test_thread_shows_both_sides_in_the_project_zone(db, client):
    developer = make_developer()
    manager = make_user(developer, Role.SALES_MANAGER, name="Мария Менеджер")
    building = make_building(developer, timezone="Asia/Yekaterinburg")
    agency = make_agency(name="Агентство Дом")
    agent = make_user(agency, Role.AGENT, name="Антон Агент")
    from tests.factories import make_grant, units_of

    make_grant(agency, building)
    reservation = make_reservation(units_of(building)[0], agent)
    reservation.comment = "Клиент продаёт квартиру"
    reservation.crm_stage_name = "Переговоры"
    db.session.commit()
    asked = add_message(
        db,
        reservation,
        manager,
        "Нужен паспорт",
        MessageKind.INFO_REQUEST,
        at=datetime(2025, 3, 1, 10, 0, tzinfo=UTC),
    )
    answer = add_message(
        db,
        reservation,
        agent,
        "Прикладываю",
        at=datetime(2025, 3, 1, 11, 30, tzinfo=UTC),
    )
    client.login(agent)

    page = soup(client.get(f"/reservations/{reservation.id}/thread", htmx=True))

    assert message_ids(page) == [asked.id, answer.id]
    info = page.select_one(f"#message-{asked.id}")
    assert "message-info_request" in info["class"]
    assert info.select_one(".badge-info") is not None
    assert info.select_one(".message-author").get_text(strip=True) == "Мария Менеджер"
    assert developer.name in info.select_one(".message-meta").get_text()
    # 10:00 UTC is 15:00 in Yekaterinburg.
    assert "15:00" in info.select_one("time").get_text()
    assert "message-mine" in page.select_one(f"#message-{answer.id}")["class"]
    facts = page.select_one(f"#thread-{reservation.id}-facts").get_text(" ", strip=True)
    assert "Переговоры" in facts
    assert "Клиент продаёт квартиру" in facts
    assert "+7 916 123-45-67" in facts
    assert page.select_one(".thread-history") is None
    assert page.select_one("section.thread")["hx-history"] == "false"


def test_full_page_without_htmx(db, client, world, reservation):
    client.login(world.agent)

    response = client.get(f"/reservations/{reservation.id}/thread")

    assert response.status_code == 200
    assert "HX-Request" in response.headers["Vary"]
    assert "no-store" in response.headers["Cache-Control"]
    page = soup(response)
    assert page.select_one("html") is not None
    assert page.select_one(f"#thread-{reservation.id}") is not None


def test_staff_see_the_status_history(db, client, world):
    reservation = reservations.request_reservation(
        world.agent,
        world.units[0],
        world.grant,
        client_name="Иван",
        client_phone="+79161234567",
        days=5,
    )
    reservations.approve(world.manager, reservation, days=5, price=Decimal("5000000"))
    client.login(world.manager)

    page = soup(client.get(f"/reservations/{reservation.id}/thread", htmx=True))

    entries = page.select(".thread-history li")
    assert len(entries) == 2
    assert world.agent.full_name in entries[0].get_text()
    assert world.manager.full_name in entries[1].get_text()
    assert "Забронирована" in entries[1].get_text()


def test_agent_answer_sends_the_request_back_to_the_manager(db, client, world):
    reservation = make_reservation(world.units[0], world.agent, status=S.INFO_REQUESTED)
    db.session.commit()
    client.login(world.agent)

    response = client.post(
        f"/reservations/{reservation.id}/messages",
        data={f"t{reservation.id}-body": "Паспорт отправлю сегодня", "after": "0"},
        htmx=True,
    )

    assert response.status_code == 200
    db.session.expire_all()
    assert reservation.status == S.REQUESTED
    message = db.session.scalars(db.select(Message)).one()
    assert (message.author_id, message.body) == (
        world.agent.id,
        "Паспорт отправлю сегодня",
    )
    outbox = db.session.scalars(
        db.select(OutboxMessage).order_by(OutboxMessage.id)
    ).all()
    comment = [row for row in outbox if row.topic == "crm.comment.create"]
    assert [row.payload for row in comment] == [{"message_id": message.id}]
    read = db.session.get(ThreadRead, (reservation.id, world.agent.id))
    assert read.last_message_id == message.id

    page = soup(response)
    form = page.select_one(f"#thread-{reservation.id}-form")
    assert form.select_one("textarea").get_text(strip=True) == ""
    appended = page.select_one(
        f"[hx-swap-oob='beforeend:#thread-{reservation.id}-messages']"
    )
    assert message_ids(appended) == [message.id]
    after = page.select_one(f"#thread-{reservation.id}-after")
    assert after["hx-swap-oob"] == "true" and after["value"] == str(message.id)
    facts = page.select_one(f"#thread-{reservation.id}-facts")
    assert facts.select_one(".status-requested") is not None


def test_post_response_brings_what_the_other_side_wrote_meanwhile(
    db, client, world, reservation
):
    earlier = add_message(db, reservation, world.manager, "Первое")
    client.login(world.agent)

    response = client.post(
        f"/reservations/{reservation.id}/messages",
        data={f"t{reservation.id}-body": "Ответ", "after": "0"},
        htmx=True,
    )

    appended = soup(response).select_one("[hx-swap-oob^=beforeend]")
    ids = message_ids(appended)
    assert ids[0] == earlier.id and len(ids) == 2


def test_manager_message_is_not_sent_to_the_crm(db, client, world, reservation):
    client.login(world.manager)

    response = client.post(
        f"/reservations/{reservation.id}/messages",
        data={f"t{reservation.id}-body": "Добрый день"},
        htmx=True,
    )

    assert response.status_code == 200
    assert db.session.scalar(db.select(db.func.count(Message.id))) == 1
    topics = db.session.scalars(db.select(OutboxMessage.topic)).all()
    assert "crm.comment.create" not in topics
    assert db.session.get(type(reservation), reservation.id).status == S.REQUESTED


def test_empty_message_is_422_beside_the_field_and_saves_nothing(
    db, client, world, reservation
):
    client.login(world.agent)

    response = client.post(
        f"/reservations/{reservation.id}/messages",
        data={f"t{reservation.id}-body": "   "},
        htmx=True,
    )

    assert response.status_code == 422
    form = soup(response).select_one("form.thread-form")
    body = form.select_one("textarea")
    assert body["aria-invalid"] == "true"
    assert form.select_one(f"#{body['aria-describedby']}").get_text(strip=True)
    assert db.session.scalar(db.select(db.func.count(Message.id))) == 0
    assert db.session.scalar(db.select(db.func.count(OutboxMessage.id))) == 0


def test_post_without_javascript_redirects_back_to_the_thread(
    db, client, world, reservation
):
    client.login(world.agent)

    response = client.post(
        f"/reservations/{reservation.id}/messages",
        data={f"t{reservation.id}-body": "Без скриптов"},
    )
    refused = client.post(
        f"/reservations/{reservation.id}/messages", data={f"t{reservation.id}-body": ""}
    )

    assert response.status_code == 302
    assert response.headers["Location"].endswith(
        f"/reservations/{reservation.id}/thread"
    )
    assert refused.status_code == 422
    assert soup(refused).select_one("html") is not None


def test_closed_thread_is_read_only(db, client, world):
    reservation = make_reservation(world.units[0], world.agent, status=S.REJECTED)
    db.session.commit()
    client.login(world.agent)

    page = soup(client.get(f"/reservations/{reservation.id}/thread", htmx=True))
    response = client.post(
        f"/reservations/{reservation.id}/messages",
        data={f"t{reservation.id}-body": "А почему?"},
        htmx=True,
    )

    assert page.select_one("form.thread-form") is None
    assert response.status_code == 422
    assert db.session.scalar(db.select(db.func.count(Message.id))) == 0


def test_post_without_csrf_is_400(db, client, world, reservation):
    client.login(world.agent)

    response = client.post(
        f"/reservations/{reservation.id}/messages",
        data={f"t{reservation.id}-body": "hi"},
        htmx=True,
        csrf=False,
    )

    assert response.status_code == 400
    assert db.session.scalar(db.select(db.func.count(Message.id))) == 0


def test_poll_answers_204_until_the_other_side_writes(db, make_client, world):
    reservation = make_reservation(world.units[0], world.agent, status=S.INFO_REQUESTED)
    asked = add_message(
        db, reservation, world.manager, "Паспорт?", MessageKind.INFO_REQUEST
    )
    manager = make_client(world.manager)
    agent = make_client(world.agent)
    thread = soup(manager.get(f"/reservations/{reservation.id}/thread", htmx=True))
    poller = thread.select_one(f"#thread-{reservation.id}-poll")
    assert "every 5s" in poller["hx-trigger"]
    assert poller["hx-include"] == (
        f"#thread-{reservation.id}-after, #thread-{reservation.id}-status"
    )
    after = thread.select_one(f"#thread-{reservation.id}-after")["value"]
    assert after == str(asked.id)

    nothing = manager.get(
        f"/reservations/{reservation.id}/thread/new?after={after}", htmx=True
    )
    agent.post(
        f"/reservations/{reservation.id}/messages",
        data={f"t{reservation.id}-body": "Вот паспорт"},
        htmx=True,
    )
    news = manager.get(
        f"/reservations/{reservation.id}/thread/new?after={after}", htmx=True
    )

    assert nothing.status_code == 204
    assert nothing.get_data() == b""
    assert news.status_code == 200
    page = soup(news)
    answer = db.session.scalars(db.select(Message).order_by(Message.id.desc())).first()
    assert message_ids(page) == [answer.id]
    assert page.select_one(f"#thread-{reservation.id}-after")["value"] == str(answer.id)
    facts = page.select_one(f"#thread-{reservation.id}-facts")
    assert facts["hx-swap-oob"] == "true"
    assert facts.select_one(".status-requested") is not None
    db.session.expire_all()
    assert (
        db.session.get(ThreadRead, (reservation.id, world.manager.id)).last_message_id
        == answer.id
    )


def test_poll_needs_a_position(db, client, world, reservation):
    client.login(world.agent)

    assert client.get(f"/reservations/{reservation.id}/thread/new").status_code == 400
    response = client.get(f"/reservations/{reservation.id}/thread/new?after=x")
    assert response.status_code == 400


def test_viewing_the_thread_marks_it_read(db, client, world, reservation):
    first = add_message(db, reservation, world.manager, "Один")
    last = add_message(db, reservation, world.manager, "Два")
    client.login(world.agent)

    client.get(f"/reservations/{reservation.id}/thread", htmx=True)

    db.session.expire_all()
    mark = db.session.get(ThreadRead, (reservation.id, world.agent.id))
    assert mark.last_message_id == last.id > first.id
