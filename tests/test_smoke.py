"""The application starts, signs people in and answers its health check."""

from bs4 import BeautifulSoup

from tests.factories import World


def test_healthz_reports_database(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json["checks"]["database"] == "ok"


def test_login_page_is_russian_by_default(client):
    page = BeautifulSoup(client.get("/login").get_data(as_text=True), "html.parser")

    assert page.html["lang"] == "ru"


def test_agent_signs_in_and_sees_granted_building(app, client):
    world = World()

    client.login(world.agent)
    page = BeautifulSoup(client.get("/").get_data(as_text=True), "html.parser")

    links = [a["href"] for a in page.select(".building-list a")]
    assert links == [f"/buildings/{world.building.id}"]


def test_wrong_password_is_refused_with_a_message(app, client):
    world = World()

    response = client.post(
        "/login", data={"email": world.agent.email, "password": "wrong"}
    )

    assert response.status_code == 422
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert page.select_one("[role=alert]") is not None


def test_post_without_csrf_is_refused(app, client):
    world = World()

    response = client.post(
        "/login", data={"email": world.agent.email, "password": "demo12345"}, csrf=False
    )

    assert response.status_code == 400


def test_htmx_post_after_the_session_is_gone_goes_to_login(app, client):
    world = World()
    client.login(world.agent)
    token = client.csrf_token()
    client.raw.delete_cookie("session")

    response = client.raw.post(
        "/logout",
        headers={
            "HX-Request": "true",
            "X-CSRFToken": token,
            "HX-Current-URL": "http://localhost/reservations",
        },
    )

    assert response.status_code == 204
    assert response.headers["HX-Redirect"].startswith("/login?next=")


def test_pages_go_out_compressed_and_static_files_are_cached(client):
    page = client.get("/login", headers={"Accept-Encoding": "gzip"})
    script = BeautifulSoup(
        client.get("/login").get_data(as_text=True), "html.parser"
    ).select_one("script[src*='app.js']")["src"]

    asset = client.get(script)

    assert page.headers["Content-Encoding"] == "gzip"
    assert "?v=" in script
    assert asset.cache_control.max_age == 365 * 24 * 3600
    assert not asset.cache_control.no_cache
