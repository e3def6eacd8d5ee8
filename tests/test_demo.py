"""The demo world loads into an empty database and is what the README promises."""

from collections import Counter

from sqlalchemy import func, select

from partnerhub.models import (
    Building,
    Floor,
    Grant,
    Reservation,
    ReservationStatus,
    Section,
    Unit,
    User,
)
from partnerhub.services import demo


def test_demo_loads_once_with_the_promised_shape(app, db):
    runner = app.test_cli_runner()

    first = runner.invoke(args=["demo"])
    again = runner.invoke(args=["demo"])

    assert first.exit_code == 0, first.output
    assert "agent@agency2.demo" in first.output
    assert again.exit_code == 1
    assert set(demo.LOGINS) <= set(db.session.scalars(select(User.email)))
    for building in db.session.scalars(select(Building)):
        floors = db.session.scalar(
            select(func.count()).select_from(Floor).filter_by(building_id=building.id)
        )
        sections = db.session.scalar(
            select(func.count()).select_from(Section).filter_by(building_id=building.id)
        )
        assert floors >= 25 and sections == 4
        statuses = Counter(
            db.session.scalars(select(Unit.status).filter_by(building_id=building.id))
        )
        assert statuses["available"] > statuses["sold"] > 0


def test_demo_prices_rise_with_the_floor(app, db):
    demo.load()
    building = db.session.scalar(select(Building).order_by(Building.id))

    def price_on(floor_number):
        return db.session.scalar(
            select(Unit.price)
            .join(Floor, Floor.id == Unit.floor_id)
            .where(
                Unit.building_id == building.id,
                Floor.number == floor_number,
                Unit.rooms == 2,
            )
            .order_by(Unit.id)
            .limit(1)
        )

    assert price_on(24) > price_on(5)


def test_demo_grants_and_reservations(app, db):
    demo.load()

    grants = db.session.scalars(select(Grant)).all()
    partial = [g for g in grants if not g.whole_building]
    states = {r.status for r in db.session.scalars(select(Reservation))}

    assert len(grants) == 3 and len(partial) == 1 and partial[0].units
    assert {
        ReservationStatus.REQUESTED,
        ReservationStatus.INFO_REQUESTED,
        ReservationStatus.APPROVED,
        ReservationStatus.BOOKED,
        ReservationStatus.REJECTED,
    } <= states


def test_demo_logins_sign_in(app, db, client):
    demo.load()
    user = db.session.scalar(select(User).filter_by(email="agent@agency1.demo"))

    client.login(user, password=demo.PASSWORD)

    assert client.get("/").status_code == 200
