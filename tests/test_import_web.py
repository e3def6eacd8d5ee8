"""The import page: upload, result, refusals beside the form, the mapping step."""

import io
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from partnerhub.extensions import db
from partnerhub.models import ImportMapping, Project, Role, Unit
from tests.factories import make_agency, make_developer, make_user
from tests.helpers import count, soup

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "listings"
# These tests read the reasons in English; tests/test_i18n.py covers Russian.
pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture()
def admin(app):
    developer = make_developer()
    admin = make_user(developer, Role.DEVELOPER_ADMIN)
    db.session.commit()
    return admin


def upload(client, content, name, project_name=""):
    return client.post(
        "/imports/",
        data={"file": (io.BytesIO(content), name), "project_name": project_name},
        content_type="multipart/form-data",
    )


def fixture(name):
    return (FIXTURES / name).read_bytes()


def test_the_form_shows_a_file_field_and_a_project_name(client, admin):
    client.login(admin)

    response = client.get("/imports/")

    assert response.status_code == 200
    form = soup(response).select_one("form[enctype='multipart/form-data']")
    assert form.select_one("input[type=file][name=file]") is not None
    assert form.select_one("input[name=project_name]") is not None
    assert form.select_one("input[name=csrf_token]") is not None
    assert form.select_one("button[type=submit]") is not None


def test_upload_shows_the_result(client, admin):
    client.login(admin)

    response = upload(client, fixture("yrl-namespaced.xml"), "feed.xml")

    assert response.status_code == 200
    result = soup(response).select_one(".import-result")
    counts = {td["data-count"]: int(td.text) for td in result.select("[data-count]")}
    assert counts == {
        "created": 3,
        "updated": 0,
        "unchanged": 0,
        "skipped": 1,
        "conflicts": 0,
    }
    assert "offer 4" in result.select_one(".import-skipped li").text
    links = {a.text: a["href"] for a in result.select(".import-buildings a")}
    assert set(links) == {"Очередь 1, блок 1К", "Очередь 2, блок 2Ж"}
    assert all(href.startswith("/buildings/") for href in links.values())
    assert count(Unit) == 3
    assert db.session.scalar(select(Project.developer_id)) == admin.organization_id


def test_the_project_name_from_the_form_is_used(client, admin):
    client.login(admin)

    upload(client, fixture("utf8-bom-polish.csv"), "list.csv", "Osiedle Zielone")

    assert db.session.scalar(select(Project.name)) == "Osiedle Zielone"


def test_a_bad_line_comes_back_beside_the_form_with_422(client, admin):
    client.login(admin)

    response = upload(client, fixture("one-bad-line.csv"), "list.csv")

    assert response.status_code == 422
    errors = soup(response).select(".import-errors li")
    assert len(errors) == 1
    assert "line 4" in errors[0].text
    assert soup(response).select_one("form input[type=file]") is not None
    assert count(Unit) == 0


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("billion-laughs.xml", "DTD or entities"),
        ("malformed.xml", "malformed"),
        ("image-named.csv", "PNG"),
    ],
)
def test_hostile_and_broken_files_are_refused_with_a_reason(client, admin, name, words):
    client.login(admin)

    response = upload(client, fixture(name), name)

    assert response.status_code == 422
    assert words in soup(response).select_one(".import-errors").text
    assert count(Unit) == 0


def test_a_file_over_the_limit_is_refused_beside_the_file_field(
    client, admin, app, monkeypatch
):
    monkeypatch.setitem(app.config, "LISTING_MAX_BYTES", 1024 * 1024)
    client.login(admin)

    response = upload(client, b"x" * (1024 * 1024 + 1), "list.csv", "ЖК")

    assert response.status_code == 413
    error = soup(response).select_one("form #file-error")
    assert "larger than 1 MB" in error.text
    assert soup(response).select_one("input[name=project_name]")["value"] == "ЖК"
    assert count(Unit) == 0


def test_a_body_over_the_request_limit_gets_the_form_back_with_the_limit(
    client, admin, app, monkeypatch
):
    monkeypatch.setitem(app.config, "LISTING_MAX_BYTES", 50 * 1024 * 1024)
    # The request limit refuses the body before any view runs.
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 4096)
    client.login(admin)

    response = upload(client, b"x" * 8192, "huge.csv")

    assert response.status_code == 413
    form = soup(response).select_one("form[enctype='multipart/form-data']")
    assert "larger than 50 MB" in form.select_one("#file-error").text
    assert form.select_one("input[type=file]")["aria-invalid"] == "true"
    assert form.select_one("input[name=csrf_token]") is not None
    assert count(Unit) == 0


def test_a_body_over_the_request_limit_shows_no_form_to_others(
    client, app, monkeypatch
):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 4096)
    manager = make_user(make_developer(), Role.SALES_MANAGER)
    db.session.commit()
    client.login(manager)

    response = upload(client, b"x" * 8192, "huge.csv")

    assert response.status_code == 413
    assert soup(response).select_one("form[enctype='multipart/form-data']") is None


def test_no_file_is_a_form_error(client, admin):
    client.login(admin)

    response = client.post(
        "/imports/", data={"project_name": "X"}, content_type="multipart/form-data"
    )

    assert response.status_code == 422
    assert soup(response).select_one("#file-error") is not None


def test_an_upload_without_csrf_is_refused(client, admin):
    client.login(admin)

    response = client.post(
        "/imports/",
        data={"file": (io.BytesIO(fixture("houses.csv")), "h.csv")},
        content_type="multipart/form-data",
        csrf=False,
    )

    assert response.status_code == 400
    assert count(Unit) == 0


@pytest.mark.parametrize("role", [Role.SALES_MANAGER])
def test_other_developer_roles_may_not_import(client, admin, role):
    manager = make_user(admin.organization, role)
    db.session.commit()
    client.login(manager)

    assert client.get("/imports/").status_code == 403
    assert upload(client, fixture("houses.csv"), "h.csv").status_code == 403


def test_agencies_may_not_import(client, app):
    agent = make_user(make_agency(), Role.AGENT)
    db.session.commit()
    client.login(agent)

    assert client.get("/imports/").status_code == 403


def test_the_mapping_step_is_shown_then_remembered(client, admin):
    client.login(admin)

    response = upload(client, fixture("needs-mapping.csv"), "stany.csv", "Osiedle")

    assert response.status_code == 302
    mapping_url = response.headers["Location"]
    form_page = soup(client.get(mapping_url))
    selects = form_page.select("form select")
    assert [s["name"] for s in selects] == [f"column_{i}" for i in range(5)]
    labels = [form_page.select_one(f"label[for={s['id']}]").text for s in selects]
    assert labels == ["Poz.", "Kond.", "Pow. użytk.", "Kwota", "Stan"]
    status_select = form_page.select_one("select[name=column_4]")
    assert status_select.select_one("option[selected]")["value"] == "status"
    samples = [li.text for li in form_page.select(".mapping-column")[0].select("li")]
    assert samples == ["M1", "M2", "M3"]

    response = client.post(
        mapping_url,
        data={
            "column_0": "number",
            "column_1": "floor",
            "column_2": "area",
            "column_3": "price",
            "column_4": "status",
        },
    )

    assert response.status_code == 200
    counts = {
        td["data-count"]: int(td.text)
        for td in soup(response).select(".import-result [data-count]")
    }
    assert counts["created"] == 3
    assert db.session.scalar(select(Project.name)) == "Osiedle"
    assert count(ImportMapping) == 1
    unit = db.session.scalar(select(Unit).filter_by(number="M1"))
    assert unit.floor.number == 1  # "Kond." 0 is the Polish ground floor
    assert unit.status == "available"
    # The stored file is gone once imported.
    assert client.get(mapping_url).status_code == 404

    again = upload(client, fixture("needs-mapping.csv"), "stany.csv", "Osiedle")

    assert again.status_code == 200
    counts = {
        td["data-count"]: int(td.text)
        for td in soup(again).select(".import-result [data-count]")
    }
    assert counts["unchanged"] == 3


def test_a_mapping_without_the_number_is_a_form_error(client, admin):
    client.login(admin)
    mapping_url = upload(client, fixture("needs-mapping.csv"), "s.csv").headers[
        "Location"
    ]

    response = client.post(
        mapping_url, data={f"column_{i}": "ignore" for i in range(5)}
    )

    assert response.status_code == 422
    assert soup(response).select_one("[role=alert]") is not None
    assert count(Unit) == 0


def test_a_field_chosen_twice_is_a_form_error(client, admin):
    client.login(admin)
    mapping_url = upload(client, fixture("needs-mapping.csv"), "s.csv").headers[
        "Location"
    ]

    response = client.post(
        mapping_url,
        data={
            "column_0": "number",
            "column_1": "floor",
            "column_2": "floor",
            "column_3": "price",
            "column_4": "status",
        },
    )

    assert response.status_code == 422
    assert soup(response).select_one("#column_2-error") is not None
    assert count(Unit) == 0


def test_a_mapping_that_reads_bad_values_keeps_the_file_for_another_try(client, admin):
    client.login(admin)
    mapping_url = upload(client, fixture("needs-mapping.csv"), "s.csv").headers[
        "Location"
    ]

    response = client.post(
        mapping_url,
        data={
            "column_0": "number",
            "column_1": "floor",
            "column_2": "area",
            "column_3": "price",
            "column_4": "rooms",
        },
    )

    assert response.status_code == 422
    assert "line 2" in soup(response).select_one(".import-errors").text
    assert client.get(mapping_url).status_code == 200
    assert count(Unit) == 0
    assert count(ImportMapping) == 0


def test_another_developer_cannot_use_a_stored_file(client, admin, make_client):
    client.login(admin)
    mapping_url = upload(client, fixture("needs-mapping.csv"), "s.csv").headers[
        "Location"
    ]
    other_admin = make_user(make_developer(), Role.DEVELOPER_ADMIN)
    db.session.commit()
    other = make_client(other_admin)

    assert other.get(mapping_url).status_code == 404
    response = other.post(mapping_url, data={"column_0": "number", "column_1": "floor"})
    assert response.status_code == 404
    assert count(Unit) == 0


@pytest.mark.parametrize("token", ["../../etc/passwd", "abc", "0" * 32])
def test_made_up_upload_names_find_nothing(client, admin, token):
    client.login(admin)

    assert client.get(f"/imports/{token}/mapping").status_code == 404


def test_the_page_is_usable_on_a_phone(client, admin):
    client.login(admin)

    response = client.get("/imports/")

    viewport = soup(response).select_one("meta[name=viewport]")
    assert "width=device-width" in viewport["content"]
    assert soup(response).select_one("label[for=file]") is not None


def counts_of(response):
    return {
        td["data-count"]: int(td.text)
        for td in soup(response).select(".import-result [data-count]")
    }


def existing_project(developer, name):
    project = Project(developer_id=developer.id, name=name, currency="PLN")
    db.session.add(project)
    db.session.commit()
    return project


def test_the_form_offers_the_developers_own_projects(client, admin):
    client.login(admin)
    no_projects = soup(client.get("/imports/"))
    mine = existing_project(admin.organization, "Osiedle Zielone")
    existing_project(make_developer(), "Cudze Osiedle")

    response = client.get("/imports/")

    assert no_projects.select_one("select[name=project]") is None
    select = soup(response).select_one("form select[name=project]")
    options = [(o["value"], o.text) for o in select.select("option")]
    assert options[1:] == [("new", "A new project"), (str(mine.id), "Osiedle Zielone")]
    assert options[0][0] == ""
    assert select.select_one("option[selected]")["value"] == ""


def test_choosing_an_existing_project_imports_into_it(client, admin):
    chosen = existing_project(admin.organization, "Osiedle Zielone")
    client.login(admin)

    # houses.csv names its own project; the admin's choice wins.
    response = client.post(
        "/imports/",
        data={
            "file": (io.BytesIO(fixture("houses.csv")), "h.csv"),
            "project": str(chosen.id),
        },
        content_type="multipart/form-data",
    )

    assert response.status_code == 200
    assert counts_of(response)["created"] == 3
    assert db.session.scalars(select(Project.name)).all() == ["Osiedle Zielone"]
    assert db.session.scalars(select(Unit.project_id)).all() == [chosen.id] * 3


def test_an_existing_project_and_a_name_together_are_a_form_error(client, admin):
    chosen = existing_project(admin.organization, "Osiedle Zielone")
    client.login(admin)

    response = client.post(
        "/imports/",
        data={
            "file": (io.BytesIO(fixture("houses.csv")), "h.csv"),
            "project": str(chosen.id),
            "project_name": "Osiedle Nowe",
        },
        content_type="multipart/form-data",
    )

    assert response.status_code == 422
    assert soup(response).select_one("#project_name-error") is not None
    assert count(Unit) == 0


def test_another_developers_project_is_no_choice(client, admin):
    theirs = existing_project(make_developer(), "Cudze Osiedle")
    client.login(admin)

    response = client.post(
        "/imports/",
        data={
            "file": (io.BytesIO(fixture("houses.csv")), "h.csv"),
            "project": str(theirs.id),
        },
        content_type="multipart/form-data",
    )

    assert response.status_code == 422
    assert soup(response).select_one("#project-error") is not None
    assert count(Unit) == 0


def test_a_new_project_under_a_taken_name_is_refused(client, admin):
    existing_project(admin.organization, "Osiedle Zielone")
    client.login(admin)

    response = client.post(
        "/imports/",
        data={
            "file": (io.BytesIO(fixture("utf8-bom-polish.csv")), "list.csv"),
            "project": "new",
            "project_name": "Osiedle Zielone",
        },
        content_type="multipart/form-data",
    )

    assert response.status_code == 422
    assert "Osiedle Zielone" in soup(response).select_one(".import-errors").text
    assert count(Unit) == 0


def test_the_same_units_under_another_file_name_update_their_project(client, admin):
    client.login(admin)
    first = upload(client, fixture("utf8-bom-polish.csv"), "cennik-poniedzialek.csv")
    changed = fixture("utf8-bom-polish.csv").replace(
        "520 000 zł".encode(), "525 000 zł".encode()
    )

    response = upload(client, changed, "cennik-wtorek.csv")

    assert counts_of(first)["created"] == 5
    assert response.status_code == 200
    assert counts_of(response) == {
        "created": 0,
        "updated": 1,
        "unchanged": 4,
        "skipped": 0,
        "conflicts": 0,
    }
    warnings = [li.text for li in soup(response).select(".import-warnings li")]
    assert any("cennik-poniedzialek" in w for w in warnings)
    assert db.session.scalars(select(Project.name)).all() == ["cennik-poniedzialek"]


def test_an_unknown_price_column_gets_the_mapping_step(client, admin):
    client.login(admin)
    content = "Lp;Nr lokalu;Kondygnacja;Pow;Do zapłaty\n1;M1;0;38,50;450 000\n"

    response = upload(client, content.encode(), "stany.csv")

    assert response.status_code == 302
    mapping_url = response.headers["Location"]
    form_page = soup(client.get(mapping_url))
    assert "Price" in form_page.select_one("#mapping p.muted").text
    defaults = [
        s.select_one("option[selected]")["value"]
        for s in form_page.select("form select")
    ]
    assert defaults == ["ignore", "number", "floor", "area", "ignore"]

    imported = client.post(
        mapping_url,
        data={
            "column_0": "ignore",
            "column_1": "number",
            "column_2": "floor",
            "column_3": "area",
            "column_4": "price",
        },
    )

    assert imported.status_code == 200
    assert db.session.scalar(select(Unit.price)) == Decimal("450000")


def test_columns_left_out_are_named_in_the_result(client, admin):
    client.login(admin)
    content = "Nr lokalu;Piętro;Cena;Uwagi\nM1;parter;450 000;narożne\n"

    response = upload(client, content.encode(), "cennik.csv", "Osiedle")

    assert response.status_code == 200
    warnings = [li.text for li in soup(response).select(".import-warnings li")]
    assert any("Uwagi" in w and "not recognised" in w for w in warnings)


def test_the_project_chosen_is_kept_through_the_mapping_step(client, admin):
    chosen = existing_project(admin.organization, "Osiedle Zielone")
    client.login(admin)

    response = client.post(
        "/imports/",
        data={
            "file": (io.BytesIO(fixture("needs-mapping.csv")), "stany.csv"),
            "project": str(chosen.id),
        },
        content_type="multipart/form-data",
    )
    imported = client.post(
        response.headers["Location"],
        data={"column_0": "number", "column_1": "floor", "column_4": "status"},
    )

    assert imported.status_code == 200
    assert counts_of(imported)["created"] == 3
    assert db.session.scalars(select(Project.name)).all() == ["Osiedle Zielone"]
