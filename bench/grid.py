"""The grid's figures: page time, size and queries, the panel, the idle poll.

Measured as an agent whose agency was granted the whole building, on a
generated building of 30 floors × 6 sections × 8 units and, when the shared
feeds are on this machine, on building A of Ronson's price list.
"""

import csv
import gzip
import html
import io
import os
import re
from decimal import Decimal
from pathlib import Path

from sqlalchemy import insert, select

from bench.measure import QueryCounter, make_app, median_ms, signed_in_client
from bench.results import Figure
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
    UnitKind,
    UnitStatus,
    User,
)
from partnerhub.models.types import utcnow

# The real listing files lie beside the project, unless PARTNERHUB_FEEDS_DIR
# says where.
FEEDS_DIR = Path(
    os.environ.get("PARTNERHUB_FEEDS_DIR")
    or Path(__file__).resolve().parents[2] / "shared" / "data" / "feeds"
)
RONSON_FEED = FEEDS_DIR / "csv-ronson-grunwald-pricelist.csv"
FLOORS, SECTIONS, PER_FLOOR = 30, 6, 8
GZIP_LEVEL = 6
GRID_BUDGET_GZIP_KB = 60
QUERY_BUDGET = 10
PANEL_BUDGET_BYTES = 4096

# A floor's layouts: (rooms, area); 0 rooms is a studio.
LAYOUTS = [
    (0, "24.6"),
    (1, "38.2"),
    (1, "41.0"),
    (2, "58.7"),
    (2, "62.3"),
    (3, "79.9"),
    (4, "95.1"),
    (1, "36.4"),
]


def run(workdir):
    app = make_app(workdir, "grid")
    with app.app_context():
        developer, agency, agent = _people()
        generated = _generated_building(developer, agent)
        ronson = _ronson_building_a(developer)
        for building in filter(None, (generated, ronson)):
            db.session.add(
                Grant(
                    developer_id=developer.id,
                    agency_id=agency.id,
                    building_id=building.id,
                    whole_building=True,
                    max_days=30,
                )
            )
        db.session.commit()
        generated_id = generated.id
        ronson_id = ronson.id if ronson is not None else None
        free_unit_id = db.session.scalar(
            select(Unit.id)
            .where(
                Unit.building_id == generated_id, Unit.status == UnitStatus.AVAILABLE
            )
            .order_by(Unit.id)
        )
        client = signed_in_client(app, agent)
        counter = QueryCounter(db.engine)

    figures = _grid_figures(client, counter, generated_id, "grid_1440", sizes=True)
    if ronson_id is not None:
        figures += _grid_figures(client, counter, ronson_id, "grid_ronson")
    else:
        print(f"skipped the Ronson figures: {RONSON_FEED} is not on this machine")
    figures += _panel_figures(client, generated_id, free_unit_id)
    figures += _poll_figures(client, generated_id)
    return figures


# Measuring


def _grid_figures(client, counter, building_id, name, sizes=False):
    url = f"/buildings/{building_id}"
    response = _ok(client.get(url))
    with counter.counting():
        _ok(client.get(url))
    figures = [
        Figure(f"{name}_ms", median_ms(lambda: client.get(url)), "ms"),
        Figure(f"{name}_queries", counter.count, "queries", QUERY_BUDGET),
    ]
    if sizes:
        body = response.data
        packed = gzip.compress(body, compresslevel=GZIP_LEVEL)
        figures += [
            Figure(f"{name}_kb", round(len(body) / 1024, 1), "KB"),
            Figure(
                f"{name}_gzip_kb",
                round(len(packed) / 1024, 1),
                "KB",
                GRID_BUDGET_GZIP_KB,
            ),
        ]
    return figures


def _panel_figures(client, building_id, unit_id):
    url = f"/buildings/{building_id}/panel?u={unit_id}"
    headers = {"HX-Request": "true", "HX-Current-URL": f"http://localhost{url}"}
    body = _ok(client.get(url, headers=headers)).data
    return [
        Figure("panel_ms", median_ms(lambda: client.get(url, headers=headers)), "ms"),
        Figure("panel_bytes", len(body), "bytes", PANEL_BUDGET_BYTES),
    ]


def _poll_figures(client, building_id):
    page = _ok(client.get(f"/buildings/{building_id}")).get_data(as_text=True)
    url = html.unescape(re.search(r'id="poll"\s+hx-get="([^"]+)"', page).group(1))
    headers = {"HX-Request": "true"}
    response = client.get(url, headers=headers)
    if response.status_code != 204:
        raise RuntimeError(f"an idle poll answered {response.status_code}")
    return [
        Figure(
            "poll_unchanged_ms",
            median_ms(lambda: client.get(url, headers=headers)),
            "ms",
        ),
        Figure("poll_unchanged_bytes", len(response.data), "bytes", 0),
    ]


def _ok(response):
    if response.status_code != 200:
        raise RuntimeError(f"{response.request.path} answered {response.status_code}")
    return response


# The data


def _people():
    developer = Organization(
        kind=OrgKind.DEVELOPER, name="Застройщик", slug="bench-dev"
    )
    agency = Organization(kind=OrgKind.AGENCY, name="Агентство", slug="bench-agency")
    db.session.add_all([developer, agency])
    db.session.flush()
    agent = User(
        organization_id=agency.id,
        email="agent@bench.example",
        full_name="Агент Бенчмарков",
        role=Role.AGENT,
    )
    agent.set_password("bench12345")
    db.session.add(agent)
    db.session.flush()
    return developer, agency, agent


def _generated_building(developer, agent):
    """30 floors × 6 sections × 8 units, prices rising with the floor."""
    project = Project(developer_id=developer.id, name="ЖК Бенчмарк", currency="RUB")
    db.session.add(project)
    db.session.flush()
    building, sections, floors = _frame(project, "1", range(1, SECTIONS + 1), FLOORS)
    rows = []
    for section in sections:
        number = 0
        for floor in floors:
            for place, (rooms, area) in enumerate(LAYOUTS[:PER_FLOOR]):
                number += 1
                area = Decimal(area)
                per_m2 = 210_000 + floor.number * 1_500 + section.position * 700
                rows.append(
                    {
                        "project_id": project.id,
                        "building_id": building.id,
                        "section_id": section.id,
                        "floor_id": floor.id,
                        "number": str(number),
                        "kind": UnitKind.STUDIO if rooms == 0 else UnitKind.FLAT,
                        "rooms": rooms,
                        "area": area,
                        "price": (area * per_m2).quantize(Decimal(1000)),
                        "status": _status_for(number, place, floor.number),
                    }
                )
    db.session.execute(insert(Unit), rows)
    _reservations_for_taken_units(building, agent)
    return building


def _status_for(number, place, floor_number):
    """A realistic mix: most free, low floors sold out, some taken."""
    if floor_number <= 4 and place % 3:
        return UnitStatus.SOLD
    return [
        UnitStatus.AVAILABLE,
        UnitStatus.AVAILABLE,
        UnitStatus.REQUESTED,
        UnitStatus.AVAILABLE,
        UnitStatus.RESERVED,
        UnitStatus.AVAILABLE,
        UnitStatus.SOLD,
        UnitStatus.BOOKED,
        UnitStatus.AVAILABLE,
        UnitStatus.UNAVAILABLE,
        UnitStatus.AVAILABLE,
    ][number % 11]


def _reservations_for_taken_units(building, agent):
    status_of = {
        UnitStatus.REQUESTED: ReservationStatus.REQUESTED,
        UnitStatus.RESERVED: ReservationStatus.APPROVED,
        UnitStatus.BOOKED: ReservationStatus.BOOKED,
    }
    taken = db.session.execute(
        select(Unit.id, Unit.status, Unit.price).where(
            Unit.building_id == building.id, Unit.status.in_(list(status_of))
        )
    ).all()
    now = utcnow()
    db.session.execute(
        insert(Reservation),
        [
            {
                "unit_id": unit_id,
                "developer_id": building.project.developer_id,
                "agency_id": agent.organization_id,
                "agent_id": agent.id,
                "status": status_of[status],
                "client_name": "Клиент",
                "client_phone": "+79160000000",
                "requested_days": 14,
                "price_at_request": price,
                "expires_at": now.replace(year=now.year + 1)
                if status != UnitStatus.REQUESTED
                else None,
            }
            for unit_id, status, price in taken
        ],
    )


def _frame(project, name, section_names, floor_count):
    building = Building(project=project, name=name)
    db.session.add(building)
    db.session.flush()
    sections = [
        Section(building_id=building.id, name=str(section), position=position)
        for position, section in enumerate(section_names, start=1)
    ]
    floors = [
        Floor(building_id=building.id, number=number)
        for number in range(1, floor_count + 1)
    ]
    db.session.add_all(sections + floors)
    db.session.flush()
    return building, sections, floors


def _ronson_building_a(developer):
    """Building A of Ronson's price list, through the importer when it is there."""
    if not RONSON_FEED.exists():
        return None
    try:
        from partnerhub.services.importing import import_listing
    except ImportError:
        import_listing = None
    if import_listing is not None:
        with RONSON_FEED.open("rb") as file:
            result = import_listing(developer, file, RONSON_FEED.name)
        if result.ok:
            return db.session.scalar(
                select(Building).where(
                    Building.project_id == result.project_id, Building.name == "A"
                )
            )
        print(f"the importer refused {RONSON_FEED.name}; reading it here instead")
    return _read_ronson_a(developer)


_STATUSES = {
    "dostępne": UnitStatus.AVAILABLE,
    "rezerwacja": UnitStatus.RESERVED,
    "sprzedane": UnitStatus.SOLD,
}


def _read_ronson_a(developer):
    """A minimal reading of building A, for when the importer is not there."""
    text = RONSON_FEED.read_text(encoding="utf-8-sig")
    rows = [
        row
        for row in csv.DictReader(io.StringIO(text), delimiter=";")
        if row["Budynek"] == "A"
    ]
    floor_of = [_polish_floor(row["Piętro"]) for row in rows]
    project = Project(
        developer_id=developer.id,
        name="Ronson Grunwald",
        currency="PLN",
        timezone="Europe/Warsaw",
    )
    db.session.add(project)
    db.session.flush()
    building, (section,), floors = _frame(project, "A", ["1"], max(floor_of))
    db.session.execute(
        insert(Unit),
        [
            {
                "project_id": project.id,
                "building_id": building.id,
                "section_id": section.id,
                "floor_id": floors[floor - 1].id,
                "number": row["Lokal"],
                "kind": UnitKind.FLAT,
                "rooms": int(row["Pokoje"]),
                "area": Decimal(row["Metraż"].split()[0].replace(",", ".")),
                "price": _polish_price(row["Cena"]),
                "status": _STATUSES.get(row["Status"].lower(), UnitStatus.UNAVAILABLE),
            }
            for row, floor in zip(rows, floor_of, strict=True)
        ],
    )
    return building


def _polish_floor(text):
    """ "parter" is floor 1 (the Russian way), "N piętro" is floor N + 1."""
    text = text.strip().lower()
    return 1 if text == "parter" else int(text.split()[0]) + 1


def _polish_price(text):
    digits = re.sub(r"[^\d,]", "", text).replace(",", ".")
    return Decimal(digits) if digits else None
