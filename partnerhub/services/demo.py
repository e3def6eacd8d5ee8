"""A demo world for a first look: two developers, two agencies, live reservations.

Everything is generated from a fixed seed, so two loads give the same data.
"""

import logging
import random
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, select

from partnerhub.extensions import db
from partnerhub.models import (
    Building,
    Floor,
    Grant,
    Organization,
    OrgKind,
    Project,
    Role,
    Section,
    Unit,
    UnitKind,
    UnitStatus,
    User,
)
from partnerhub.services import reservations, threads

log = logging.getLogger(__name__)

PASSWORD = "demo12345"

# (rooms, area m², layout) for each position along a floor of a section.
FLOOR_PLANS = {
    7: [
        (0, 24.6, "studio"),
        (1, 36.8, "1k"),
        (2, 54.2, "2k"),
        (3, 78.5, "3k"),
        (1, 38.1, "1k"),
        (2, 58.9, "2k"),
        (0, 26.3, "studio"),
    ],
    6: [
        (1, 39.4, "1k"),
        (2, 61.7, "2k"),
        (3, 84.0, "3k"),
        (0, 27.2, "studio"),
        (1, 41.0, "1k"),
        (2, 63.3, "2k"),
    ],
}

DEVELOPERS = [
    {
        "slug": "developer1",
        "name": "ГК «Северный берег»",
        "project": "ЖК «Речной квартал»",
        "city": "Москва",
        "address": "Москва, Береговой проезд, 5",
        "timezone": "Europe/Moscow",
        "building": "Корпус 1",
        "completion": "IV кв. 2027",
        "floors": 25,
        "per_floor": 7,
        "price_per_m2": 285_000,
    },
    {
        "slug": "developer2",
        "name": "СЗ «Новые горизонты»",
        "project": "ЖК «Лесной парк»",
        "city": "Екатеринбург",
        "address": "Екатеринбург, ул. Лесная, 12",
        "timezone": "Asia/Yekaterinburg",
        "building": "Дом 2",
        "completion": "II кв. 2028",
        "floors": 26,
        "per_floor": 6,
        "price_per_m2": 148_000,
    },
]

PEOPLE = [
    ("operator@partnerhub.demo", "Оператор платформы", Role.OPERATOR, None),
    ("admin@developer1.demo", "Ольга Смирнова", Role.DEVELOPER_ADMIN, "developer1"),
    ("manager@developer1.demo", "Дмитрий Волков", Role.SALES_MANAGER, "developer1"),
    ("admin@developer2.demo", "Марат Галиев", Role.DEVELOPER_ADMIN, "developer2"),
    ("manager@developer2.demo", "Елена Орлова", Role.SALES_MANAGER, "developer2"),
    ("admin@agency1.demo", "Сергей Козлов", Role.AGENCY_ADMIN, "agency1"),
    ("agent@agency1.demo", "Анна Лебедева", Role.AGENT, "agency1"),
    ("admin@agency2.demo", "Игорь Новиков", Role.AGENCY_ADMIN, "agency2"),
    ("agent@agency2.demo", "Мария Соколова", Role.AGENT, "agency2"),
]

LOGINS = [email for email, *_ in PEOPLE]


def is_empty():
    return db.session.scalar(select(func.count()).select_from(Organization)) == 0


def is_loaded():
    return db.session.scalar(select(User.id).filter_by(email=LOGINS[0])) is not None


def load():
    """Create the demo world in an empty database."""
    rng = random.Random(2026)
    orgs = _organizations()
    users = _people(orgs)
    buildings = {
        spec["slug"]: _building(orgs[spec["slug"]], spec, rng) for spec in DEVELOPERS
    }
    grants = _grants(orgs, buildings)
    db.session.commit()
    _reservations(users, buildings, grants)
    log.info(
        "demo loaded: %s organizations, %s users, %s units",
        len(orgs),
        len(users),
        db.session.scalar(select(func.count()).select_from(Unit)),
    )


def _organizations():
    orgs = {}
    names = {spec["slug"]: spec["name"] for spec in DEVELOPERS}
    for slug, name in names.items():
        orgs[slug] = Organization(kind=OrgKind.DEVELOPER, name=name, slug=slug)
    orgs["agency1"] = Organization(
        kind=OrgKind.AGENCY, name="АН «Ключ»", slug="agency1"
    )
    orgs["agency2"] = Organization(
        kind=OrgKind.AGENCY, name="АН «Домострой»", slug="agency2"
    )
    db.session.add_all(orgs.values())
    db.session.flush()
    return orgs


def _people(orgs):
    users = {}
    for email, name, role, org_slug in PEOPLE:
        user = User(
            email=email,
            full_name=name,
            role=role,
            organization=orgs.get(org_slug),
            locale=None,
        )
        user.set_password(PASSWORD)
        db.session.add(user)
        users[email] = user
    db.session.flush()
    return users


def _building(developer, spec, rng):
    project = Project(
        developer_id=developer.id,
        name=spec["project"],
        city=spec["city"],
        address=spec["address"],
        currency="RUB",
        timezone=spec["timezone"],
    )
    building = Building(
        project=project, name=spec["building"], completion=spec["completion"]
    )
    db.session.add_all([project, building])
    db.session.flush()
    sections = [
        Section(building_id=building.id, name=str(n), position=n) for n in range(1, 5)
    ]
    floors = [
        Floor(building_id=building.id, number=n) for n in range(1, spec["floors"] + 1)
    ]
    db.session.add_all(sections + floors)
    db.session.flush()

    plan = FLOOR_PLANS[spec["per_floor"]]
    rows = []
    for section in sections:
        number = 0
        for floor in floors:
            # The ground floor of a tower holds shops and offices.
            if floor.number == 1:
                for position in range(3):
                    area = Decimal(str(round(rng.uniform(48, 140), 1)))
                    rows.append(
                        _unit(
                            building,
                            section,
                            floor,
                            f"{section.name}-П{position + 1}",
                            UnitKind.COMMERCIAL,
                            None,
                            area,
                            spec["price_per_m2"] * 1.3,
                            None,
                            rng,
                        )
                    )
                continue
            for rooms, area, layout in plan:
                number += 1
                rows.append(
                    _unit(
                        building,
                        section,
                        floor,
                        str(number),
                        UnitKind.STUDIO if rooms == 0 else UnitKind.FLAT,
                        rooms,
                        Decimal(str(area)),
                        spec["price_per_m2"] * (1 + 0.012 * floor.number),
                        layout,
                        rng,
                    )
                )
    db.session.add_all(rows)
    db.session.flush()
    return building


def _unit(
    building, section, floor, number, kind, rooms, area, price_per_m2, layout, rng
):
    # Lower floors sell first, as they do in real towers.
    sold_chance = 0.45 if floor.number < 8 else 0.2
    roll = rng.random()
    if roll < sold_chance:
        status = UnitStatus.SOLD
    elif roll < sold_chance + 0.05:
        status = UnitStatus.BOOKED
    elif roll < sold_chance + 0.08:
        status = UnitStatus.UNAVAILABLE
    else:
        status = UnitStatus.AVAILABLE
    # Developers price in whole thousands.
    price = (Decimal(price_per_m2) * area).quantize(Decimal("1E3"), ROUND_HALF_UP)
    price = price.quantize(Decimal(1))
    layout_url = None
    if layout:
        layout_url = f"/static/layouts/{layout}.svg"
    return Unit(
        project_id=building.project_id,
        building_id=building.id,
        section_id=section.id,
        floor_id=floor.id,
        number=number,
        kind=kind,
        rooms=rooms,
        area=area,
        price=price,
        status=status,
        layout_url=layout_url,
    )


def _grants(orgs, buildings):
    b1, b2 = buildings["developer1"], buildings["developer2"]
    whole1 = Grant(
        developer_id=orgs["developer1"].id,
        agency_id=orgs["agency1"].id,
        building_id=b1.id,
        whole_building=True,
        max_days=14,
    )
    whole2 = Grant(
        developer_id=orgs["developer2"].id,
        agency_id=orgs["agency1"].id,
        building_id=b2.id,
        whole_building=True,
        max_days=10,
    )
    # Agency 2 sells only the upper half of sections 1 and 2.
    subset = db.session.scalars(
        select(Unit)
        .join(Section, Section.id == Unit.section_id)
        .join(Floor, Floor.id == Unit.floor_id)
        .where(
            Unit.building_id == b1.id, Section.name.in_(["1", "2"]), Floor.number >= 13
        )
    ).all()
    part = Grant(
        developer_id=orgs["developer1"].id,
        agency_id=orgs["agency2"].id,
        building_id=b1.id,
        whole_building=False,
        max_days=7,
        units=subset,
    )
    db.session.add_all([whole1, whole2, part])
    db.session.flush()
    return {
        "agency1": {"developer1": whole1, "developer2": whole2},
        "agency2": {"developer1": part},
    }


def _free_unit(building, *, section, floor, rooms=None, skip=0):
    query = (
        select(Unit)
        .join(Section, Section.id == Unit.section_id)
        .join(Floor, Floor.id == Unit.floor_id)
        .where(
            Unit.building_id == building.id,
            Section.name == section,
            Floor.number == floor,
            Unit.status == UnitStatus.AVAILABLE,
            Unit.kind != UnitKind.COMMERCIAL,
        )
        .order_by(Unit.id)
    )
    if rooms is not None:
        query = query.where(Unit.rooms == rooms)
    units = db.session.scalars(query).all()
    if not units:
        units = db.session.scalars(
            select(Unit)
            .where(
                Unit.building_id == building.id,
                Unit.status == UnitStatus.AVAILABLE,
                Unit.kind != UnitKind.COMMERCIAL,
            )
            .order_by(Unit.id.desc())
        ).all()
    return units[min(skip, len(units) - 1)]


def _reservations(users, buildings, grants):
    agent1 = users["agent@agency1.demo"]
    agent2 = users["agent@agency2.demo"]
    manager1 = users["manager@developer1.demo"]
    manager2 = users["manager@developer2.demo"]
    b1, b2 = buildings["developer1"], buildings["developer2"]
    g1, g2 = grants["agency1"]["developer1"], grants["agency1"]["developer2"]

    def request(agent, grant, unit, client, phone, days, comment):
        return reservations.request_reservation(
            agent,
            unit,
            grant,
            client_name=client,
            client_phone=phone,
            days=days,
            comment=comment,
        )

    request(
        agent1,
        g1,
        _free_unit(b1, section="3", floor=12, rooms=2),
        "Павел Егоров",
        "+7 916 555-12-34",
        14,
        "Клиент продаёт свою квартиру, сделка через ипотеку Сбербанка.",
    )

    asked = request(
        agent1,
        g1,
        _free_unit(b1, section="2", floor=7, rooms=1),
        "Наталья Фомина",
        "+7 903 555-77-01",
        10,
        "Нужна фиксация цены на время одобрения ипотеки.",
    )
    reservations.ask_for_information(
        manager1,
        asked,
        text="Пришлите, пожалуйста, одобрение банка и скан паспорта клиента.",
    )

    approved = request(
        agent1,
        g1,
        _free_unit(b1, section="4", floor=18, rooms=3),
        "Алексей Миронов",
        "+7 925 555-40-40",
        14,
        "Семья с двумя детьми, рассматривают 3-комнатные.",
    )
    threads.post_message(agent1, approved, body="Клиент готов внести задаток.")
    reservations.approve(manager1, approved, days=14, price=approved.price_at_request)

    booked = request(
        agent1,
        g2,
        _free_unit(b2, section="1", floor=9, rooms=2),
        "Ирина Белова",
        "+7 912 555-20-20",
        10,
        None,
    )
    reservations.approve(manager2, booked, days=10, price=booked.price_at_request)
    reservations.book(manager2, booked)

    request(
        agent2,
        grants["agency2"]["developer1"],
        _free_unit(b1, section="1", floor=21, rooms=1),
        "Константин Зайцев",
        "+7 999 555-03-03",
        7,
        "Инвестиционная покупка, оплата 100%.",
    )

    rejected = request(
        agent2,
        grants["agency2"]["developer1"],
        _free_unit(b1, section="2", floor=15, rooms=0),
        "Ольга Кузнецова",
        "+7 985 555-11-22",
        7,
        None,
    )
    reservations.reject(
        manager1, rejected, reason="Квартира передана в закрытые продажи."
    )
