"""Signing in and out, safe redirects, rate limits, language, and each team."""

import secrets
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from partnerhub.extensions import db, limiter
from partnerhub.models import AuditEvent, Role, User
from partnerhub.services import accounts
from tests.factories import make_agency, make_user
from tests.helpers import count, soup


def login_post(client, user, password="demo12345", **extra):
    return client.post(
        "/login", data={"email": user.email, "password": password, **extra}
    )


# Signing in and the ?next= redirect


def test_sign_in_goes_back_to_a_local_next(app, client, world):
    response = login_post(client, world.dev_admin, next="/grants/?tab=1")

    assert response.status_code == 302
    assert response.headers["Location"] == "/grants/?tab=1"


@pytest.mark.parametrize(
    "query",
    [
        "next=/%5Cevil.com",
        "next=//evil.com",
        "next=/%09/evil.com",
        "next=https://evil.com",
        "next=%2F%2Fevil.com%2F",
        "next=/%0D%0A/evil.com",
    ],
)
def test_next_pointing_elsewhere_is_ignored(app, client, world, query):
    page = soup(client.get(f"/login?{query}"))
    carried = page.select_one('form[action="/login"] input[name=next]')["value"]

    response = login_post(client, world.agent, next=carried)

    assert response.status_code == 302
    target = urlsplit(response.headers["Location"])
    assert (target.scheme, target.netloc, target.path) == ("", "", "/")


@pytest.mark.parametrize(
    "target", ["/\\evil.com", "//evil.com", "/\t/evil.com", "https://evil.com"]
)
def test_signed_in_visit_to_login_ignores_foreign_next(app, client, world, target):
    client.login(world.agent)

    response = client.get("/login", query_string={"next": target})

    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_wrong_password_says_nothing_about_the_account(app, client, world):
    response = login_post(client, world.agent, password="not-this-one")

    assert response.status_code == 422
    alert = soup(response).select_one("[role=alert]").get_text(strip=True)
    assert alert == "Неверная эл. почта или пароль."


def test_inactive_user_is_refused(app, client, world):
    world.agent.active = False
    db.session.commit()

    response = login_post(client, world.agent)

    assert response.status_code == 422
    alert = soup(response).select_one("[role=alert]").get_text(strip=True)
    assert "отключена" in alert
    assert client.get("/").status_code == 302

    wrong = login_post(client, world.agent, password="not-this-one")
    assert soup(wrong).select_one("[role=alert]").get_text(strip=True) == (
        "Неверная эл. почта или пароль."
    )


def test_logout_ends_the_session(app, client, world):
    client.login(world.dev_admin)
    assert client.get("/grants/").status_code == 200

    response = client.post("/logout")

    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    again = client.get("/grants/")
    assert again.status_code == 302
    assert again.headers["Location"].startswith("/login?next=")


def test_logout_needs_post_and_csrf(app, client, world):
    client.login(world.dev_admin)

    assert client.get("/logout").status_code == 405
    assert client.post("/logout", csrf=False).status_code == 400
    assert client.get("/grants/").status_code == 200


# Rate limit


@pytest.fixture()
def tight_limit(app, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT", "3 per minute")
    limiter.reset()
    yield
    limiter.reset()


def test_too_many_attempts_show_the_login_page_with_a_message(
    app, client, world, tight_limit
):
    for _ in range(3):
        assert login_post(client, world.agent, password="wrong").status_code == 422

    response = login_post(client, world.agent, next="/grants/")

    assert response.status_code == 429
    page = soup(response)
    assert "Слишком много попыток входа" in page.select_one("[role=alert]").get_text()
    assert page.select_one("form input[name=email]")["value"] == world.agent.email
    assert (
        page.select_one('form[action="/login"] input[name=next]')["value"] == "/grants/"
    )
    assert "Retry-After" in response.headers
    assert client.get("/").status_code == 302


def test_too_many_attempts_over_htmx_get_a_toast(app, client, world, tight_limit):
    for _ in range(3):
        login_post(client, world.agent, password="wrong")

    response = client.post(
        "/login",
        data={"email": world.agent.email, "password": "demo12345"},
        htmx=True,
    )

    assert response.status_code == 429
    page = soup(response)
    assert page.select_one("html") is None
    assert "Слишком много попыток входа" in page.select_one(".toast p").get_text()


def test_limit_counts_per_account(app, client, world, tight_limit):
    for _ in range(3):
        login_post(client, world.agent, password="wrong")

    assert login_post(client, world.manager).status_code == 302


# A session that ends while a page is open


def test_expired_session_on_htmx_click_redirects_to_login_for_the_page(
    app, client, make_client, world
):
    client.login(world.dev_admin)
    world.dev_admin.session_token = secrets.token_urlsafe(32)
    db.session.commit()

    response = client.get(
        f"/grants/{world.grant.id}",
        htmx=True,
        headers={"HX-Current-URL": "http://localhost/grants/?agency=2"},
    )

    assert response.status_code == 204
    location = urlsplit(response.headers["HX-Redirect"])
    assert location.path == "/login"
    assert parse_qs(location.query)["next"] == ["/grants/?agency=2"]

    page = soup(client.get(response.headers["HX-Redirect"]))
    carried = page.select_one('form[action="/login"] input[name=next]')["value"]
    back = login_post(client, world.dev_admin, next=carried)
    assert back.headers["Location"] == "/grants/?agency=2"


def test_expired_session_on_htmx_post_redirects_and_changes_nothing(app, client, world):
    client.csrf_token()

    response = client.post(
        f"/grants/{world.grant.id}/revoke",
        htmx=True,
        headers={"HX-Current-URL": f"http://localhost/grants/{world.grant.id}"},
    )

    assert response.status_code == 204
    location = urlsplit(response.headers["HX-Redirect"])
    assert parse_qs(location.query)["next"] == [f"/grants/{world.grant.id}"]
    assert db.session.get(type(world.grant), world.grant.id) is not None


def test_expired_session_on_a_page_redirects_with_next(app, client, world):
    response = client.get("/grants/?agency=2")

    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == "/login"
    assert parse_qs(location.query)["next"] == ["/grants/?agency=2"]


# Language


def test_language_choice_is_stored_on_the_user_and_in_a_cookie(
    app, client, make_client, world
):
    client.login(world.agent)

    response = client.post("/language", data={"lang": "en", "next": "/"})

    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert client.raw.get_cookie("lang").value == "en"
    db.session.expire_all()
    assert db.session.get(User, world.agent.id).locale == "en"
    assert soup(client.get("/")).html["lang"] == "en"

    elsewhere = make_client(world.agent)
    assert soup(elsewhere.get("/")).html["lang"] == "en"


def test_language_for_a_visitor_is_kept_in_the_cookie(app, client):
    response = client.post("/language", data={"lang": "en", "next": "//evil.com"})

    assert response.headers["Location"] == "/"
    assert client.raw.get_cookie("lang").value == "en"
    assert soup(client.get("/login")).html["lang"] == "en"


def test_unknown_language_falls_back_to_russian(app, client):
    client.post("/language", data={"lang": "de"})

    assert client.raw.get_cookie("lang").value == "ru"
    assert soup(client.get("/login")).html["lang"] == "ru"


# Each admin's team


def new_member(**overrides):
    data = {
        "full_name": "Пётр Новиков",
        "email": "petr@example.com",
        "password": "long-enough-1",
        "role": Role.SALES_MANAGER,
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("role", [Role.SALES_MANAGER, Role.DEVELOPER_ADMIN])
def test_developer_admin_adds_staff(app, client, make_client, world, role):
    client.login(world.dev_admin)

    response = client.post("/team", data=new_member(role=role))

    assert response.status_code == 302
    member = db.session.scalar(select(User).filter_by(email="petr@example.com"))
    assert (member.organization_id, member.role) == (world.developer.id, role)
    assert count(AuditEvent, action="user.created") == 1
    page = soup(client.get("/team"))
    roles = {
        row["data-email"]: row.select_one(".role").get_text(strip=True)
        for row in page.select("#members tr[data-email]")
    }
    assert "petr@example.com" in roles
    assert world.agent.email not in roles
    make_client().login(member, password="long-enough-1")


def test_agency_admin_adds_agents_only(app, client, make_client, world):
    client.login(world.agency_admin)
    page = soup(client.get("/team"))
    assert page.select_one("select#role") is None

    response = client.post("/team", data=new_member(role=Role.AGENT))

    assert response.status_code == 302
    agent = db.session.scalar(select(User).filter_by(email="petr@example.com"))
    assert (agent.organization_id, agent.role) == (world.agency.id, Role.AGENT)
    newcomer = make_client()
    newcomer.login(agent, password="long-enough-1")
    links = [a["href"] for a in soup(newcomer.get("/")).select(".building-list a")]
    assert links == [f"/buildings/{world.building.id}"]


@pytest.mark.parametrize("role", [Role.AGENCY_ADMIN, Role.DEVELOPER_ADMIN, "root"])
def test_agency_admin_cannot_give_other_roles(app, client, world, role):
    client.login(world.agency_admin)

    response = client.post("/team", data=new_member(role=role))

    assert response.status_code == 422
    assert count(User, email="petr@example.com") == 0


def test_service_refuses_a_role_the_actor_cannot_give(app, world):
    from partnerhub.services.errors import NotAllowed

    with pytest.raises(NotAllowed):
        accounts.add_member(
            world.agency_admin, "x@example.com", "long-enough-1", "X", Role.AGENCY_ADMIN
        )

    assert count(User, email="x@example.com") == 0


def test_duplicate_email_is_an_inline_error(app, client, world):
    client.login(world.dev_admin)

    response = client.post("/team", data=new_member(email=world.agent.email), htmx=True)

    assert response.status_code == 422
    page = soup(response)
    assert page.select_one("#email-error") is not None
    assert page.select_one("section#member-form") is not None


@pytest.mark.parametrize("who", ["agent", "manager"])
def test_team_page_is_for_admins(app, client, world, who):
    client.login(getattr(world, who))

    assert client.get("/team").status_code == 403
    assert client.post("/team", data=new_member(role=Role.AGENT)).status_code == 403
    assert count(User, email="petr@example.com") == 0


def test_turning_off_an_agent_signs_it_out(app, client, make_client, world):
    agent = make_client(world.agent)
    client.login(world.agency_admin)

    response = client.post(f"/team/{world.agent.id}/active", data={"active": "0"})

    assert response.status_code == 302
    assert agent.get("/").status_code == 302
    refused = login_post(make_client(), world.agent)
    assert refused.status_code == 422
    assert count(AuditEvent, action="user.deactivated") == 1

    client.post(f"/team/{world.agent.id}/active", data={"active": "1"})
    make_client(world.agent)


def test_member_of_another_organization_is_404(app, client, world):
    other_agent = make_user(make_agency(), Role.AGENT)
    db.session.commit()
    client.login(world.agency_admin)

    response = client.post(f"/team/{other_agent.id}/active", data={"active": "0"})

    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(User, other_agent.id).active is True


def test_admin_cannot_turn_off_itself_or_a_fellow_agency_admin(app, client, world):
    fellow = make_user(world.agency, Role.AGENCY_ADMIN)
    db.session.commit()
    client.login(world.agency_admin)

    mine = client.post(f"/team/{world.agency_admin.id}/active", data={"active": "0"})
    theirs = client.post(f"/team/{fellow.id}/active", data={"active": "0"})

    assert (mine.status_code, theirs.status_code) == (403, 403)
    db.session.expire_all()
    assert db.session.get(User, world.agency_admin.id).active is True
    assert db.session.get(User, fellow.id).active is True


def test_team_post_without_csrf_is_refused(app, client, world):
    client.login(world.dev_admin)

    response = client.post("/team", data=new_member(), csrf=False)

    assert response.status_code == 400
    assert count(User, email="petr@example.com") == 0
