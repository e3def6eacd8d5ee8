"""The platform operator creates developers and agencies, from a page and a command."""

import pytest
from sqlalchemy import select

from partnerhub.extensions import db
from partnerhub.models import AuditEvent, Organization, OrgKind, Role, User
from tests.factories import (
    World,
    make_agency,
    make_developer,
    make_user,
)
from tests.helpers import count, soup

NEW_DEVELOPER = {
    "name": "ГК Север",
    "slug": "sever",
    "admin_email": "Admin@Sever.example",
    "admin_name": "Анна Смирнова",
    "admin_password": "long-enough-1",
}


@pytest.fixture()
def operator(app):
    user = make_user(None, Role.OPERATOR)
    db.session.commit()
    return user


@pytest.fixture()
def operator_client(client, operator):
    client.login(operator)
    return client


def test_operator_lands_on_developers_page_listing_them_with_admins(
    app, operator_client
):
    developer = make_developer(name="Альфа", slug="alpha")
    admin = make_user(developer, Role.DEVELOPER_ADMIN, email="boss@alpha.example")
    make_user(developer, Role.SALES_MANAGER, email="sales@alpha.example")
    db.session.commit()

    start = operator_client.get("/")
    page = soup(operator_client.get("/operator/developers"))

    assert start.status_code == 302
    assert start.headers["Location"].endswith("/operator/developers")
    row = page.select_one("#organizations tr[data-slug=alpha]")
    assert row.find("td").get_text(strip=True) == "Альфа"
    admins = [li.get_text(" ", strip=True) for li in row.select("li.admin")]
    assert admins == [f"{admin.full_name} · boss@alpha.example"]


def test_operator_creates_developer_and_its_admin_can_sign_in(
    app, operator_client, make_client
):
    response = operator_client.post("/operator/developers", data=NEW_DEVELOPER)

    assert response.status_code == 302
    assert response.headers["Location"].endswith("/operator/developers")
    org = db.session.scalar(select(Organization).filter_by(slug="sever"))
    assert (org.kind, org.name) == (OrgKind.DEVELOPER, "ГК Север")
    admin = db.session.scalar(select(User).filter_by(organization_id=org.id))
    assert (admin.email, admin.role) == ("admin@sever.example", Role.DEVELOPER_ADMIN)
    assert admin.check_password("long-enough-1")
    event = db.session.scalar(
        select(AuditEvent).filter_by(action="organization.created")
    )
    assert event.organization_id == org.id

    page = soup(operator_client.get("/operator/developers"))
    assert page.select_one("#organizations tr[data-slug=sever]") is not None
    assert page.select_one(".flash") is not None

    newcomer = make_client()
    newcomer.login(admin, password="long-enough-1")


def test_htmx_create_answers_with_a_redirect(app, operator_client):
    response = operator_client.post(
        "/operator/developers", data=NEW_DEVELOPER, htmx=True
    )

    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == "/operator/developers"
    assert count(Organization, slug="sever") == 1


@pytest.mark.parametrize("htmx", [False, True])
def test_duplicate_slug_is_an_inline_error_and_nothing_is_saved(
    app, operator_client, htmx
):
    make_developer(slug="sever")
    db.session.commit()

    response = operator_client.post(
        "/operator/developers", data=NEW_DEVELOPER, htmx=htmx
    )

    assert response.status_code == 422
    page = soup(response)
    assert page.select_one("#slug-error") is not None
    assert page.select_one("#slug")["aria-invalid"] == "true"
    assert page.select_one("#admin_email-error") is None
    assert page.select_one("#name")["value"] == "ГК Север"
    if htmx:
        assert page.select_one("section#organization-form") is not None
        assert page.select_one("html") is None
    assert count(Organization, slug="sever") == 1
    assert count(User, email="admin@sever.example") == 0


def test_duplicate_email_is_an_inline_error_and_no_organization_is_made(
    app, operator_client
):
    other = make_developer()
    make_user(other, email="admin@sever.example")
    db.session.commit()

    response = operator_client.post("/operator/developers", data=NEW_DEVELOPER)

    assert response.status_code == 422
    page = soup(response)
    assert page.select_one("#admin_email-error") is not None
    assert page.select_one("#slug-error") is None
    assert count(Organization, slug="sever") == 0


def test_both_duplicates_are_reported_together(app, operator_client):
    other = make_developer(slug="sever")
    make_user(other, email="admin@sever.example")
    db.session.commit()

    page = soup(operator_client.post("/operator/developers", data=NEW_DEVELOPER))

    assert page.select_one("#slug-error") is not None
    assert page.select_one("#admin_email-error") is not None


def test_service_refusal_rolls_back_the_organization(app, operator):
    """The form checks first, but the service alone must leave nothing half-made."""
    from partnerhub.services import accounts
    from partnerhub.services.errors import DomainError

    make_user(make_developer(), email="taken@example.com")
    db.session.commit()

    with pytest.raises(DomainError) as refused:
        accounts.create_developer(
            "Новый", "novyi", "taken@example.com", "long-enough-1", "Админ"
        )

    assert refused.value.field == "email"
    assert count(Organization, slug="novyi") == 0


def test_invalid_fields_are_shown_beside_them(app, operator_client):
    data = dict(NEW_DEVELOPER, slug="Север!", admin_email="nope", admin_password="x")

    response = operator_client.post("/operator/developers", data=data)

    assert response.status_code == 422
    page = soup(response)
    for field in ("slug", "admin_email", "admin_password"):
        assert page.select_one(f"#{field}-error") is not None, field
    assert count(Organization) == 0


def test_operator_creates_agency_with_its_admin(app, operator_client):
    data = dict(NEW_DEVELOPER, name="Агентство Дом", slug="dom-agency")

    response = operator_client.post("/operator/agencies", data=data)

    assert response.status_code == 302
    org = db.session.scalar(select(Organization).filter_by(slug="dom-agency"))
    assert org.kind == OrgKind.AGENCY
    admin = db.session.scalar(select(User).filter_by(organization_id=org.id))
    assert admin.role == Role.AGENCY_ADMIN
    page = soup(operator_client.get("/operator/agencies"))
    assert page.select_one("#organizations tr[data-slug=dom-agency]") is not None
    assert page.select_one("#organizations tr[data-slug=sever]") is None


def test_agencies_page_lists_agencies_only(app, operator_client):
    make_agency(slug="agency-x")
    make_developer(slug="developer-x")
    db.session.commit()

    page = soup(operator_client.get("/operator/agencies"))

    slugs = [row["data-slug"] for row in page.select("#organizations tr[data-slug]")]
    assert slugs == ["agency-x"]


@pytest.mark.parametrize("who", ["agent", "agency_admin", "dev_admin", "manager"])
@pytest.mark.parametrize("url", ["/operator/developers", "/operator/agencies"])
def test_other_roles_get_403(app, client, who, url):
    world = World()
    client.login(getattr(world, who))

    assert client.get(url).status_code == 403
    assert client.post(url, data=NEW_DEVELOPER).status_code == 403
    assert count(Organization, slug="sever") == 0


def test_anonymous_is_sent_to_sign_in(app, client):
    response = client.get("/operator/developers")

    assert response.status_code == 302
    assert "/login?next=" in response.headers["Location"]


def test_post_without_csrf_is_refused_and_saves_nothing(app, operator_client):
    response = operator_client.post(
        "/operator/developers", data=NEW_DEVELOPER, csrf=False
    )

    assert response.status_code == 400
    assert count(Organization) == 0


# The command line


def cli_args(**overrides):
    values = {
        "--name": "ГК Север",
        "--slug": "sever",
        "--admin-email": "admin@sever.example",
        "--admin-name": "Анна Смирнова",
        "--admin-password": "long-enough-1",
    }
    values.update(overrides)
    args = ["create-developer"]
    for option, value in values.items():
        args += [option, value]
    return args


def test_create_developer_command(app):
    result = app.test_cli_runner().invoke(args=cli_args())

    assert result.exit_code == 0, result.output
    assert "developer sever created" in result.output
    org = db.session.scalar(select(Organization).filter_by(slug="sever"))
    admin = db.session.scalar(select(User).filter_by(organization_id=org.id))
    assert (admin.role, admin.full_name) == (Role.DEVELOPER_ADMIN, "Анна Смирнова")
    assert admin.check_password("long-enough-1")


@pytest.mark.parametrize(
    ("overrides", "option"),
    [
        ({"--admin-email": "someone-new@example.com"}, "--slug"),
        ({"--slug": "sever-2"}, "--admin-email"),
    ],
)
def test_create_developer_command_refuses_duplicates(app, overrides, option):
    runner = app.test_cli_runner()
    assert runner.invoke(args=cli_args()).exit_code == 0

    result = runner.invoke(args=cli_args(**overrides))

    assert result.exit_code == 1
    assert f"refused ({option})" in result.output
    assert count(Organization) == 1
    assert count(User) == 1


def test_create_developer_command_refuses_short_password(app):
    result = app.test_cli_runner().invoke(args=cli_args(**{"--admin-password": "x"}))

    assert result.exit_code == 1
    assert "refused (--admin-password)" in result.output
    assert count(Organization) == 0


def test_create_operator_command(app, client):
    result = app.test_cli_runner().invoke(
        args=[
            "create-operator",
            "--email",
            "ops@example.com",
            "--password",
            "ops-pass-1",
        ]
    )

    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).filter_by(email="ops@example.com"))
    assert (user.role, user.organization_id) == (Role.OPERATOR, None)
    client.login(user, password="ops-pass-1")
    assert client.get("/operator/developers").status_code == 200


def test_create_developer_refuses_an_overlong_name_with_a_message(app):
    runner = app.test_cli_runner()

    result = runner.invoke(
        args=[
            "create-developer",
            "--name",
            "Я" * 300,
            "--slug",
            "longname",
            "--admin-email",
            "admin@longname.example",
            "--admin-password",
            "demo12345",
        ]
    )

    assert result.exit_code == 1
    assert "200" in result.output
