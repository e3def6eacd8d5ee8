"""Factories: each test builds exactly the data it needs."""

import itertools
from datetime import timedelta
from decimal import Decimal

from partnerhub.extensions import db
from partnerhub.models import (
    Building,
    Floor,
    Grant,
    Organization,
    OrgKind,
    Project,
    Reservation,
    ReservationStatus,
    Role,
    Section,
    Unit,
    UnitStatus,
    User,
)
from partnerhub.models.types import utcnow

PASSWORD = "demo12345"
_seq = itertools.count(1)


def _n():
    return next(_seq)


def make_org(kind, name=None, slug=None):
    n = _n()
    org = Organization(
        kind=kind, name=name or f"{kind.title()} {n}", slug=slug or f"{kind}{n}"
    )
    db.session.add(org)
    db.session.flush()
    return org


def make_developer(**kwargs):
    return make_org(OrgKind.DEVELOPER, **kwargs)


def make_agency(**kwargs):
    return make_org(OrgKind.AGENCY, **kwargs)


def make_user(org, role=None, email=None, password=PASSWORD, name=None):
    if role is None:
        role = (
            Role.DEVELOPER_ADMIN if org is not None and org.is_developer else Role.AGENT
        )
    n = _n()
    user = User(
        organization=org,
        email=email or f"user{n}@example.com",
        full_name=name or f"User {n}",
        role=role,
    )
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def make_building(
    developer,
    floors=5,
    sections=2,
    per_floor=4,
    name="1",
    project=None,
    currency="RUB",
    base_price=5_000_000,
    timezone="Europe/Moscow",
):
    """A building with floors × sections × per_floor available units."""
    if project is None:
        project = Project(
            developer_id=developer.id,
            name=f"ЖК Тест {_n()}",
            currency=currency,
            timezone=timezone,
        )
        db.session.add(project)
        db.session.flush()
    building = Building(project=project, name=name)
    db.session.add(building)
    db.session.flush()
    section_rows = []
    for s in range(1, sections + 1):
        section = Section(building=building, name=str(s), position=s)
        db.session.add(section)
        section_rows.append(section)
    floor_rows = []
    for f in range(1, floors + 1):
        floor = Floor(building=building, number=f)
        db.session.add(floor)
        floor_rows.append(floor)
    db.session.flush()
    for section in section_rows:
        number = 0
        for floor in floor_rows:
            for k in range(per_floor):
                number += 1
                rooms = k % 4
                area = Decimal(28 + rooms * 18 + k)
                db.session.add(
                    Unit(
                        project_id=project.id,
                        building_id=building.id,
                        section_id=section.id,
                        floor_id=floor.id,
                        number=str(number),
                        rooms=rooms,
                        kind="studio" if rooms == 0 else "flat",
                        area=area,
                        price=Decimal(
                            base_price + floor.number * 100_000 + rooms * 1_000_000
                        ),
                        status=UnitStatus.AVAILABLE,
                    )
                )
    db.session.flush()
    return building


def units_of(building):
    return db.session.scalars(
        db.select(Unit).filter_by(building_id=building.id).order_by(Unit.id)
    ).all()


def make_grant(agency, building, units=None, max_days=14):
    grant = Grant(
        developer_id=building.project.developer_id,
        agency_id=agency.id,
        building_id=building.id,
        whole_building=units is None,
        max_days=max_days,
    )
    if units is not None:
        grant.units = list(units)
    db.session.add(grant)
    db.session.flush()
    return grant


def make_reservation(
    unit,
    agent,
    status=ReservationStatus.REQUESTED,
    days=7,
    client_name="Иван Петров",
    client_phone="+79161234567",
):
    """A reservation row as it would stand in that state, with the unit to match."""
    reservation = Reservation(
        unit_id=unit.id,
        developer_id=unit.project.developer_id,
        agency_id=agent.organization_id,
        agent_id=agent.id,
        status=status,
        client_name=client_name,
        client_phone=client_phone,
        requested_days=days,
        price_at_request=unit.price,
    )
    if status in (ReservationStatus.APPROVED, ReservationStatus.BOOKED):
        reservation.approved_days = days
        reservation.fixed_price = unit.price
        reservation.expires_at = utcnow() + timedelta(days=days)
    unit.status = {
        ReservationStatus.REQUESTED: UnitStatus.REQUESTED,
        ReservationStatus.INFO_REQUESTED: UnitStatus.REQUESTED,
        ReservationStatus.APPROVED: UnitStatus.RESERVED,
        ReservationStatus.BOOKED: UnitStatus.BOOKED,
        ReservationStatus.SOLD: UnitStatus.SOLD,
    }.get(status, unit.status)
    db.session.add(reservation)
    db.session.flush()
    return reservation


class World:
    """A developer with staff and a building, and an agency granted all of it."""

    def __init__(self, floors=5, sections=2, per_floor=4):
        self.developer = make_developer()
        self.dev_admin = make_user(self.developer, Role.DEVELOPER_ADMIN)
        self.manager = make_user(self.developer, Role.SALES_MANAGER)
        self.building = make_building(self.developer, floors, sections, per_floor)
        self.units = units_of(self.building)
        self.agency = make_agency()
        self.agency_admin = make_user(self.agency, Role.AGENCY_ADMIN)
        self.agent = make_user(self.agency, Role.AGENT)
        self.grant = make_grant(self.agency, self.building)
        db.session.commit()
