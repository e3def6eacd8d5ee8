"""Importing again, conflicts with reservations, the audit trail, all or nothing."""

import io
from decimal import Decimal

import pytest
from sqlalchemy import event, func, select

from partnerhub.extensions import db
from partnerhub.models import (
    AuditEvent,
    Building,
    ImportMapping,
    Project,
    Reservation,
    ReservationStatus,
    Role,
    Unit,
)
from partnerhub.services.importing import import_listing
from tests.factories import make_agency, make_developer, make_reservation, make_user

HEADER = "Корпус;Секция;Этаж;Номер;Площадь;Цена;Статус\n"


def price_list(*rows):
    return (HEADER + "".join(";".join(map(str, r)) + "\n" for r in rows)).encode()


def run(developer, content, actor=None, project_name="ЖК Тест", **kwargs):
    return import_listing(
        developer, io.BytesIO(content), "list.csv", project_name, actor=actor, **kwargs
    )


def unit_numbered(number, project_id=None):
    query = select(Unit).filter_by(number=str(number))
    if project_id is not None:
        query = query.filter_by(project_id=project_id)
    return db.session.scalar(query)


@pytest.fixture()
def developer(app):
    developer = make_developer()
    db.session.commit()
    return developer


@pytest.fixture()
def admin(developer):
    admin = make_user(developer, Role.DEVELOPER_ADMIN)
    db.session.commit()
    return admin


BASE = [
    (1, 1, 1, 1, "35,5", "5 000 000", "свободна"),
    (1, 1, 1, 2, "40,1", "5 600 000", "свободна"),
    (1, 1, 2, 3, "35,5", "5 100 000", "свободна"),
]


def test_importing_the_same_file_again_changes_nothing(developer):
    first = run(developer, price_list(*BASE))
    version = db.session.scalar(select(Building.version))

    second = run(developer, price_list(*BASE))

    assert first.summary() == "created 3, updated 0, unchanged 0, skipped 0"
    assert second.summary() == "created 0, updated 0, unchanged 3, skipped 0"
    assert db.session.scalar(select(func.count()).select_from(Unit)) == 3
    assert db.session.scalar(select(Building.version)) == version


def test_a_changed_price_and_status_update_the_unit_with_audit(developer, admin):
    run(developer, price_list(*BASE))
    version = db.session.scalar(select(Building.version))
    changed = [
        BASE[0],
        (1, 1, 1, 2, "40,1", "5 900 000", "свободна"),
        (1, 1, 2, 3, "35,5", "5 100 000", "продана"),
    ]

    result = run(developer, price_list(*changed), actor=admin)

    assert result.summary() == "created 0, updated 2, unchanged 1, skipped 0"
    assert unit_numbered(2).price == Decimal("5900000")
    assert unit_numbered(3).status == "sold"
    events = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.unit_id.is_not(None))
        .order_by(AuditEvent.id)
    ).all()
    assert [(e.action, e.from_value, e.to_value, e.actor_id) for e in events] == [
        ("unit.price", "5600000.00", "5900000.00", admin.id),
        ("unit.status", "available", "sold", admin.id),
    ]
    assert {e.unit_id for e in events} == {unit_numbered(2).id, unit_numbered(3).id}
    building = db.session.scalar(select(Building))
    assert building.version > version
    assert unit_numbered(2).changed_version == building.version
    assert unit_numbered(1).changed_version < building.version


def test_a_unit_with_an_open_reservation_keeps_it_and_reports_a_conflict(developer):
    run(developer, price_list(*BASE))
    agency = make_agency()
    agent = make_user(agency, Role.AGENT)
    unit = unit_numbered(1)
    reservation = make_reservation(unit, agent, ReservationStatus.APPROVED)
    db.session.commit()
    changed = [(1, 1, 1, 1, "35,5", "5 200 000", "продана"), BASE[1], BASE[2]]

    result = run(developer, price_list(*changed))

    assert result.ok
    assert len(result.conflicts) == 1
    assert result.conflicts[0].place.line == 2
    db.session.refresh(unit)
    assert unit.status == "reserved"
    # The list price moves on; the reservation keeps its own fixed price.
    assert unit.price == Decimal("5200000")
    db.session.refresh(reservation)
    assert reservation.status == ReservationStatus.APPROVED
    assert reservation.fixed_price == Decimal("5000000")


def test_the_file_status_wins_when_partnerhub_has_no_reservation(developer):
    run(developer, price_list(*BASE))
    agency = make_agency()
    agent = make_user(agency, Role.AGENT)
    closed = make_reservation(unit_numbered(1), agent, ReservationStatus.REQUESTED)
    closed.status = ReservationStatus.CANCELLED
    db.session.commit()
    changed = [(1, 1, 1, 1, "35,5", "5 000 000", "бронь"), BASE[1], BASE[2]]

    result = run(developer, price_list(*changed))

    assert result.conflicts == []
    assert unit_numbered(1).status == "reserved"


def test_no_data_in_the_file_never_erases_a_value(developer):
    run(developer, price_list(*BASE))

    result = run(developer, price_list((1, 1, 1, 1, "нет данных", "-", ""), *BASE[1:]))

    assert result.unchanged == 3
    unit = unit_numbered(1)
    assert (unit.area, unit.price, unit.status) == (
        Decimal("35.5"),
        Decimal("5000000"),
        "available",
    )


def test_one_bad_line_imports_nothing_and_names_the_line(developer):
    rows = [*BASE, (1, 1, 2, 4, "40,1", "около миллиона", "свободна")]

    result = run(developer, price_list(*rows))

    assert not result.ok
    assert [e.place.line for e in result.errors] == [5]
    assert "около миллиона" in str(result.errors[0])
    assert db.session.scalar(select(func.count()).select_from(Project)) == 0
    assert db.session.scalar(select(func.count()).select_from(Unit)) == 0


def test_a_broken_reimport_leaves_the_units_as_they_were(developer):
    run(developer, price_list(*BASE))
    rows = [
        (1, 1, 1, 1, "35,5", "9 000 000", "продана"),
        (1, 1, 1, 2, "40,1", "5 600 000", "??"),
    ]

    result = run(developer, price_list(*rows))

    assert [e.place.line for e in result.errors] == [3]
    db.session.expire_all()
    unit = unit_numbered(1)
    assert (unit.price, unit.status) == (Decimal("5000000"), "available")
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 1


def test_the_same_unit_twice_in_a_file_is_refused(developer):
    rows = [*BASE, BASE[0]]

    result = run(developer, price_list(*rows))

    assert [e.place.line for e in result.errors] == [5]
    assert "строка 2" in str(result.errors[0])


def test_units_are_matched_on_their_external_id_first(developer):
    header = "ID;Корпус;Этаж;Номер;Цена\n"
    run(developer, (header + "X-1;1;1;1;100\nX-2;1;1;2;200\n").encode())

    result = run(developer, (header + "X-1;1;2;11;100\nX-2;1;1;2;200\n").encode())

    assert result.summary() == "created 0, updated 1, unchanged 1, skipped 0"
    moved = db.session.scalar(select(Unit).filter_by(external_id="X-1"))
    assert (moved.number, moved.floor.number) == ("11", 2)


def test_a_file_in_another_currency_than_the_project_is_refused(developer):
    run(developer, price_list(*BASE))
    rows = [(1, 1, 1, 1, "35,5", "5 000 000 zł", "свободна")]

    result = run(developer, price_list(*rows))

    assert not result.ok
    assert "RUB" in str(result.errors[0])


def test_mixed_currencies_in_one_file_are_refused(developer):
    rows = [
        (1, 1, 1, 1, "35,5", "5 000 000 ₽", ""),
        (1, 1, 1, 2, "35,5", "500 000 zł", ""),
    ]

    result = run(developer, price_list(*rows))

    assert [e.place.line for e in result.errors] == [3]


def test_a_unit_of_another_developer_is_never_touched(developer):
    other = make_developer()
    db.session.commit()
    run(other, price_list(*BASE))

    result = run(developer, price_list(*BASE))

    assert result.created == 3
    assert db.session.scalar(select(func.count()).select_from(Project)) == 2


def test_a_mapping_chosen_once_is_found_again(developer):
    content = b"Poz.;Kond.;Kwota\nM1;0;450 000\nM2;1;610 000\n"

    first = run(
        developer,
        content,
        mapping={"number": "Poz.", "floor": 1, "price": 2},
        remember_mapping=True,
    )
    second = run(developer, content)

    assert first.created == 2
    assert second.unchanged == 2
    assert db.session.scalar(select(func.count()).select_from(ImportMapping)) == 1
    # "Kond." (kondygnacja) counts floors the Polish way: 0 is the ground floor.
    assert unit_numbered("M1").floor.number == 1


def test_unrecognised_columns_ask_for_a_mapping(developer):
    result = run(developer, b"Poz.;Kond.;Kwota\nM1;0;450 000\n")

    assert not result.ok
    assert result.mapping_request.missing == ["number", "floor"]
    assert result.mapping_request.headers == ["Poz.", "Kond.", "Kwota"]
    assert result.mapping_request.preview == [["M1", "0", "450 000"]]
    assert db.session.scalar(select(func.count()).select_from(Project)) == 0


def _count_selects(action, developer):
    statements = []
    assert developer.id  # loaded before counting, as a signed-in user's would be

    def _listen(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", _listen)
    try:
        action()
    finally:
        event.remove(db.engine, "before_cursor_execute", _listen)
    return len(statements)


def _rows(count):
    return [
        (1, 1 + n % 3, 1 + n // 30, n, "40,5", 5_000_000 + n, "свободна")
        for n in range(count)
    ]


def test_the_number_of_queries_does_not_grow_with_the_file(developer):
    small, large = price_list(*_rows(30)), price_list(*_rows(600))

    small_new = _count_selects(
        lambda: run(developer, small, project_name="Small"), developer
    )
    large_new = _count_selects(
        lambda: run(developer, large, project_name="Large"), developer
    )
    changed = price_list(*[(*r[:5], r[5] + 1, "продана") for r in _rows(600)])
    large_changed = _count_selects(
        lambda: run(developer, changed, project_name="Large"), developer
    )

    assert small_new == large_new
    assert large_changed <= large_new + 2
    assert db.session.scalar(select(func.count()).select_from(Unit)) == 630
    assert db.session.scalar(select(func.count()).select_from(Reservation)) == 0


def run_as(developer, content, filename, **kwargs):
    """Import a file under a name, naming no project, as an admin would."""
    return import_listing(developer, io.BytesIO(content), filename, **kwargs)


def project_names():
    return db.session.scalars(select(Project.name).order_by(Project.name)).all()


def test_a_file_naming_no_project_updates_the_project_holding_its_units(developer):
    first = run_as(developer, price_list(*BASE), "prices-monday.csv")
    changed = [BASE[0], BASE[1], (1, 1, 2, 3, "35,5", "5 150 000", "свободна")]

    second = run_as(developer, price_list(*changed), "prices-tuesday.csv")

    assert second.ok
    assert second.summary() == "created 0, updated 1, unchanged 2, skipped 0"
    assert second.project_id == first.project_id
    assert project_names() == ["prices-monday"]
    assert any("prices-monday" in str(w) for w in second.warnings)
    assert unit_numbered(3).price == Decimal("5150000")


def test_a_matched_project_keeps_its_reservations_as_conflicts(developer):
    run_as(developer, price_list(*BASE), "monday.csv")
    agent = make_user(make_agency(), Role.AGENT)
    make_reservation(unit_numbered(2), agent, ReservationStatus.REQUESTED)
    db.session.commit()

    result = run_as(developer, price_list(*BASE), "tuesday.csv")

    assert result.summary() == "created 0, updated 0, unchanged 3, skipped 0"
    assert [c.place.line for c in result.conflicts] == [3]
    assert unit_numbered(2).status == "requested"


def test_the_same_numbers_on_other_floors_are_another_project(developer):
    run_as(developer, price_list(*BASE), "tower.csv")
    # Building 1, section 1, flats 1 to 3, as the first project numbers them,
    # but on floors 5 and 6: another complex numbered alike.
    other = [(1, 1, 5, 1, "50", "7 000 000", ""), (1, 1, 5, 2, "50", "7 000 000", "")]
    other.append((1, 1, 6, 3, "50", "7 100 000", ""))

    result = run_as(developer, price_list(*other), "meadow.csv")

    assert result.summary() == "created 3, updated 0, unchanged 0, skipped 0"
    assert project_names() == ["meadow", "tower"]


def test_a_project_holding_half_of_the_units_or_fewer_is_not_matched(developer):
    run_as(developer, price_list(*BASE[:2]), "phase-1.csv")
    rows = [*BASE, (1, 1, 2, 4, "40", "5 000 000", ""), (1, 1, 2, 5, "40", "1", "")]

    result = run_as(developer, price_list(*rows[:4]), "phase-2.csv")

    assert result.created == 4
    assert project_names() == ["phase-1", "phase-2"]


def test_units_in_two_projects_make_the_admin_choose(developer):
    run_as(developer, price_list(*BASE), "copy-a.csv")
    run_as(developer, price_list(*BASE), "copy-b.csv", new_project=True)

    result = run_as(developer, price_list(*BASE), "tuesday.csv")
    again = run_as(developer, price_list(*BASE), "copy-b.csv")

    assert not result.ok
    assert "copy-a, copy-b" in str(result.errors[0])
    assert project_names() == ["copy-a", "copy-b"]
    # A copy named after the file is the one that file updated before.
    assert again.ok
    assert again.project_name == "copy-b"


def test_a_name_given_by_the_caller_is_never_second_guessed(developer):
    run_as(developer, price_list(*BASE), "monday.csv")

    result = run_as(developer, price_list(*BASE), "tuesday.csv", project_name="ЖК Б")

    assert result.created == 3
    assert project_names() == ["monday", "ЖК Б"]


def test_a_project_chosen_by_id_takes_the_file(developer):
    chosen = run_as(developer, price_list(*BASE[:1]), "one.csv", project_name="ЖК А")
    other = [(2, 1, 1, 1, "35,5", "5 000 000", ""), (2, 1, 1, 2, "40", "6 000 000", "")]

    result = run_as(
        developer, price_list(*other), "other.csv", project_id=chosen.project_id
    )

    assert result.project_id == chosen.project_id
    assert result.created == 2
    assert project_names() == ["ЖК А"]


def test_another_developers_project_cannot_be_chosen(developer):
    other = make_developer()
    db.session.commit()
    theirs = run_as(other, price_list(*BASE), "theirs.csv")

    result = run_as(
        developer, price_list(*BASE), "mine.csv", project_id=theirs.project_id
    )

    assert not result.ok
    assert db.session.scalar(select(func.count()).select_from(Unit)) == 3


def test_a_new_project_is_never_an_existing_one(developer):
    run_as(developer, price_list(*BASE), "list.csv", project_name="ЖК А")

    taken = run_as(
        developer, price_list(*BASE), "list.csv", project_name="ЖК А", new_project=True
    )
    fresh = run_as(
        developer, price_list(*BASE), "list.csv", project_name="ЖК Б", new_project=True
    )

    assert not taken.ok
    assert "ЖК А" in str(taken.errors[0])
    assert fresh.created == 3
    assert project_names() == ["ЖК А", "ЖК Б"]


def test_matching_a_file_to_a_project_does_not_query_per_row(developer):
    small, large = price_list(*_rows(30)), price_list(*_rows(600))
    changed = price_list(*[(*r[:5], r[5] + 1, "продана") for r in _rows(600)])

    small_new = _count_selects(lambda: run_as(developer, small, "s.csv"), developer)
    # Its first 30 units are the small file's: 30 of 600, so a new project.
    large_new = _count_selects(lambda: run_as(developer, large, "l.csv"), developer)
    large_matched = _count_selects(
        lambda: run_as(developer, changed, "l-tuesday.csv"), developer
    )

    assert small_new == large_new
    assert large_matched <= large_new + 2
    assert project_names() == ["l", "s"]
    assert db.session.scalar(select(func.count()).select_from(Unit)) == 630


@pytest.mark.usefixtures("english")
def test_a_bad_price_per_m2_is_reported_in_its_own_column(developer):
    content = "Этаж;Номер;Площадь;Цена;Цена за м2\n1;1;40;5 000 000;x\n".encode()

    result = run(developer, content)

    assert [str(e) for e in result.errors] == ["line 2: price per m² x is not a number"]


@pytest.mark.usefixtures("english")
def test_a_price_per_m2_times_an_area_past_the_price_limit_is_refused(developer):
    content = "Этаж;Номер;Площадь;Цена за м2\n1;1;5000;500 000 000\n".encode()

    result = run(developer, content)

    assert [str(e) for e in result.errors] == [
        "line 2: price 2500000000000.00 is out of range"
    ]
    assert db.session.scalar(select(func.count()).select_from(Unit)) == 0


def test_the_same_numbers_and_floors_of_other_sizes_are_another_project(developer):
    run_as(developer, price_list(*BASE), "tower.csv")
    # Numbered and placed like the first project, but other layouts.
    areas = ("62", "71", "80")
    other = [(*r[:4], a, *r[5:]) for r, a in zip(BASE, areas, strict=True)]

    result = run_as(developer, price_list(*other), "meadow.csv")

    assert result.created == 3
    assert project_names() == ["meadow", "tower"]


def test_areas_measured_again_still_match_their_project(developer):
    run_as(developer, price_list(*BASE), "before.csv")
    areas = ("35,2", "40,6", "35,5")
    measured = [(*r[:4], a, *r[5:]) for r, a in zip(BASE, areas, strict=True)]

    result = run_as(developer, price_list(*measured), "after-measuring.csv")

    assert result.summary() == "created 0, updated 2, unchanged 1, skipped 0"
    assert project_names() == ["before"]
