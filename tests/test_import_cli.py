"""`flask import-listing`: the summary line, refusals and their exit codes."""

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from partnerhub.extensions import db
from partnerhub.models import ImportMapping, Project, ReservationStatus, Role, Unit
from tests.factories import make_agency, make_developer, make_reservation, make_user

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "listings"
# These tests read the reasons in English; tests/test_i18n.py covers Russian.
pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture()
def developer(app):
    developer = make_developer(slug="acme")
    db.session.commit()
    return developer


@pytest.fixture()
def cli(app):
    runner = app.test_cli_runner()

    def invoke(*args):
        return runner.invoke(args=["import-listing", *map(str, args)])

    return invoke


def test_import_prints_the_summary_last(developer, cli):
    result = cli(FIXTURES / "yrl-namespaced.xml", "--developer", "acme")

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[-1] == "created 3, updated 0, unchanged 0, skipped 1"
    assert any(line.startswith("skipped: offer 4") for line in lines)
    assert db.session.scalar(select(func.count()).select_from(Unit)) == 3


def test_the_project_option_names_the_project(developer, cli):
    result = cli(
        FIXTURES / "utf8-bom-polish.csv",
        "--developer",
        "acme",
        "--project",
        "Osiedle Zielone",
    )

    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(Project.name)) == "Osiedle Zielone"
    again = cli(
        FIXTURES / "utf8-bom-polish.csv",
        "--developer",
        "acme",
        "--project",
        "Osiedle Zielone",
    )
    assert (
        again.stdout.splitlines()[-1] == "created 0, updated 0, unchanged 5, skipped 0"
    )


def test_an_unknown_developer_is_refused(developer, cli):
    result = cli(FIXTURES / "houses.csv", "--developer", "nobody")

    assert result.exit_code != 0
    assert "nobody" in result.stderr
    assert db.session.scalar(select(func.count()).select_from(Unit)) == 0


def test_a_refused_file_exits_non_zero_with_the_line(developer, cli):
    result = cli(FIXTURES / "one-bad-line.csv", "--developer", "acme")

    assert result.exit_code == 1
    assert "line 4" in result.stderr
    assert "около миллиона" in result.stderr
    assert db.session.scalar(select(func.count()).select_from(Unit)) == 0


def test_a_hostile_feed_exits_non_zero(developer, cli):
    result = cli(FIXTURES / "billion-laughs.xml", "--developer", "acme")

    assert result.exit_code == 1
    assert "refused" in result.stderr


def test_unrecognised_columns_say_which_and_how_to_map_them(developer, cli):
    result = cli(FIXTURES / "needs-mapping.csv", "--developer", "acme")

    assert result.exit_code == 2
    assert "'Poz.'" in result.stderr
    assert "--map" in result.stderr
    assert "number" in result.stderr


def test_map_option_imports_and_remembers_the_mapping(developer, cli):
    result = cli(
        FIXTURES / "needs-mapping.csv",
        "--developer",
        "acme",
        "--map",
        "number=Poz.,floor=Kond.",
        "--map",
        "area=3,price=Kwota",
    )

    assert result.exit_code == 0, result.output
    assert (
        result.stdout.splitlines()[-1] == "created 3, updated 0, unchanged 0, skipped 0"
    )
    assert db.session.scalar(select(func.count()).select_from(ImportMapping)) == 1
    again = cli(FIXTURES / "needs-mapping.csv", "--developer", "acme")
    assert again.exit_code == 0, again.output
    assert (
        again.stdout.splitlines()[-1] == "created 0, updated 0, unchanged 3, skipped 0"
    )


def test_a_bad_map_option_is_refused(developer, cli):
    result = cli(
        FIXTURES / "needs-mapping.csv", "--developer", "acme", "--map", "colour=Poz."
    )

    assert result.exit_code != 0
    assert "colour" in result.output


def test_conflicts_are_printed_before_the_summary(developer, cli):
    cli(FIXTURES / "houses.csv", "--developer", "acme")
    agent = make_user(make_agency(), Role.AGENT)
    house = db.session.scalar(select(Unit).filter_by(external_id="DOM-1"))
    make_reservation(house, agent, ReservationStatus.REQUESTED)
    db.session.commit()

    result = cli(FIXTURES / "houses.csv", "--developer", "acme")

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert any(line.startswith("conflict: line 2") for line in lines)
    assert lines[-1] == "created 0, updated 0, unchanged 3, skipped 0"


def test_a_second_file_of_a_project_without_project_updates_it(
    developer, cli, tmp_path
):
    monday = FIXTURES / "utf8-bom-polish.csv"
    tuesday = tmp_path / "cennik-wtorek.csv"
    tuesday.write_bytes(
        monday.read_bytes().replace("520 000 zł".encode(), "525 000 zł".encode())
    )
    first = cli(monday, "--developer", "acme")

    second = cli(tuesday, "--developer", "acme")

    assert first.exit_code == 0, first.output
    assert second.exit_code == 0, second.output
    lines = second.stdout.splitlines()
    assert lines[0].startswith("project utf8-bom-polish (id ")
    assert any(
        line.startswith("warning:") and "utf8-bom-polish" in line for line in lines
    )
    assert lines[-1] == "created 0, updated 1, unchanged 4, skipped 0"
    assert db.session.scalars(select(Project.name)).all() == ["utf8-bom-polish"]


def test_the_polish_header_with_a_counter_and_an_amount_imports_prices(
    developer, cli, tmp_path
):
    path = tmp_path / "stany.csv"
    path.write_text(
        "Lp;Nr lokalu;Kondygnacja;Pow;Kwota\n"
        "1;M1;0;38,50;450 000\n"
        "2;M2;1;52,10;610 000\n",
        encoding="utf-8",
    )

    result = cli(path, "--developer", "acme")

    assert result.exit_code == 0, result.output
    assert "left out" not in result.stdout
    assert result.stdout.splitlines()[-1] == (
        "created 2, updated 0, unchanged 0, skipped 0"
    )
    units = db.session.scalars(select(Unit).order_by(Unit.number)).all()
    assert [(u.number, u.floor.number, u.area, u.price) for u in units] == [
        ("M1", 1, Decimal("38.50"), Decimal("450000")),
        ("M2", 2, Decimal("52.10"), Decimal("610000")),
    ]


def test_an_unknown_price_column_asks_for_map_before_importing(
    developer, cli, tmp_path
):
    path = tmp_path / "stany.csv"
    path.write_text(
        "Lp;Nr lokalu;Kondygnacja;Pow;Do zapłaty\n1;M1;0;38,50;450 000\n",
        encoding="utf-8",
    )

    refused = cli(path, "--developer", "acme")
    without_prices = cli(path, "--developer", "acme", "--map", "ignore=Do zapłaty")

    assert refused.exit_code == 2
    assert "'Do zapłaty'" in refused.stderr
    assert "'Lp'" not in refused.stderr
    assert "price=COLUMN" in refused.stderr
    assert without_prices.exit_code == 0, without_prices.output
    unit = db.session.scalar(select(Unit))
    assert (unit.number, unit.price) == ("M1", None)


def test_columns_left_out_are_named_in_a_warning(developer, cli, tmp_path):
    path = tmp_path / "cennik.csv"
    path.write_text(
        "Nr lokalu;Piętro;Cena;Uwagi;Stan prawny\nM1;parter;450 000;narożne;KW\n",
        encoding="utf-8",
    )

    result = cli(path, "--developer", "acme")

    assert result.exit_code == 0, result.output
    warnings = [
        line for line in result.stdout.splitlines() if line.startswith("warning:")
    ]
    assert any("Uwagi, Stan prawny" in line for line in warnings)
