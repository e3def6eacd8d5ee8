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
