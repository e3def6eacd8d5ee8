"""Russian first: a complete Russian catalog, Russian pages, English on request."""

import gettext
import io
import re
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_keywords, parse_mapping_cfg
from babel.messages.pofile import read_po

from partnerhub.extensions import db
from partnerhub.models import (
    Attachment,
    Building,
    Message,
    Organization,
    Project,
    Reservation,
    ReservationStatus,
    Role,
    UnitStatus,
    User,
)
from tests.factories import World, make_user
from tests.helpers import soup

ROOT = Path(__file__).resolve().parents[1]
CATALOG = ROOT / "partnerhub" / "translations" / "ru" / "LC_MESSAGES" / "messages.po"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")
# Words of four Latin letters or more are English left over, except these:
# names of the product, of file formats and of the other language.
ALLOWED_LATIN = {"PartnerHub", "English", "JPEG", "HEIC", "DOCX", "XLSX", "Word"}
# The slug example on the operator's form is what a slug looks like.
ALLOWED_LATIN.add("developer")
# Headers the importer does not recognise, so that it asks for a mapping.
MAPPING_CSV = "Поз.;Ур.;Метры;Сумма\nА1;1;40;5000000\n".encode()
LATIN_WORD = re.compile(r"[A-Za-z]{4,}")
EMAIL = re.compile(r"\S+@\S+")
CYRILLIC_WORD = re.compile(r"[А-Яа-яЁё]+")
SHOWN_ATTRIBUTES = (
    "placeholder",
    "title",
    "aria-label",
    "alt",
    "hx-confirm",
    "data-error-message",
    "data-offline-message",
)


def read_catalog():
    with CATALOG.open("rb") as handle:
        return read_po(handle, locale="ru")


def visible_text(response):
    """What a person reads or hears: text, and attributes shown or spoken."""
    page = soup(response)
    for hidden in page(["script", "style", "code"]):
        hidden.decompose()
    texts = [page.get_text(" ")]
    for tag in page.find_all(True):
        texts.extend(tag[name] for name in SHOWN_ATTRIBUTES if tag.has_attr(name))
        if tag.name == "input" and tag.get("type") in ("submit", "button"):
            texts.append(tag.get("value", ""))
    return EMAIL.sub(" ", " ".join(texts))


def english_left(response):
    return sorted(set(LATIN_WORD.findall(visible_text(response))) - ALLOWED_LATIN)


# The catalog


def test_the_catalog_says_how_russian_plurals_work():
    catalog = read_catalog()

    assert catalog.num_plurals == 3
    form = gettext.c2py(catalog.plural_expr)
    # один день, два дня, пять дней; 11-14 take the third form, 21 the first.
    numbers = (1, 2, 4, 5, 11, 12, 14, 21, 22, 25, 101, 111, 0)
    assert [form(n) for n in numbers] == [0, 1, 1, 2, 2, 2, 2, 0, 1, 2, 0, 2, 2]


def test_every_entry_is_translated_and_none_is_fuzzy():
    catalog = read_catalog()

    untranslated = [
        message.id
        for message in catalog
        if message.id
        and (
            message.fuzzy
            or not all(message.string if message.pluralizable else [message.string])
        )
    ]
    assert untranslated == []
    problems = [(message.id, errors) for message, errors in catalog.check() if errors]
    assert problems == []


def test_every_placeholder_is_kept():
    catalog = read_catalog()

    broken = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if message.pluralizable else (message.id,)
        strings = message.string if message.pluralizable else (message.string,)
        wanted = set().union(*(PLACEHOLDER.findall(text) for text in ids))
        for text in strings:
            if set(PLACEHOLDER.findall(text)) != wanted:
                broken.append((ids[0], text))
    assert broken == []


def _extraction_settings():
    """The method map of babel.cfg and the keywords `make messages` passes."""
    with (ROOT / "babel.cfg").open() as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    makefile = (ROOT / "Makefile").read_text()
    extra = re.findall(r"-k\s+(\S+)", makefile)
    return method_map, options_map, {**DEFAULT_KEYWORDS, **parse_keywords(extra)}


def test_a_fresh_extraction_finds_nothing_missing_from_the_catalog():
    method_map, options_map, keywords = _extraction_settings()
    catalog = read_catalog()

    missing = []
    for filename, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=keywords
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        if msgid and catalog.get(msgid) is None:
            missing.append((filename, msgid))
    assert missing == []


# The pages, in Russian by default


@pytest.fixture()
def scene(app, make_client):
    """A building with requests in every state, made the way people make them."""
    world = World(floors=3, sections=2, per_floor=2)
    world.developer.name = "ООО «Север-Строй»"
    world.agency.name = "АН «Ключ»"
    for user, name in (
        (world.dev_admin, "Ольга Админова"),
        (world.manager, "Мария Менеджер"),
        (world.agency_admin, "Павел Главный"),
        (world.agent, "Анна Агентова"),
    ):
        user.full_name = name
    world.operator = make_user(None, Role.OPERATOR, name="Олег Оператор")
    units = world.units
    units[5].layout_url = "https://example.com/plan.png"
    units[5].area = Decimal("47.50")
    db.session.commit()

    agent = make_client(world.agent)
    manager = make_client(world.manager)
    asked, approved, waiting, edited = units[0], units[1], units[2], units[3]
    for unit in (asked, approved, waiting):
        agent.post(
            f"/units/{unit.id}/reservations",
            data={
                "client_name": "Иван Петров",
                "client_phone": "8 916 123-45-67",
                "days": "5",
                "comment": "Звонить после 18:00",
            },
            htmx=True,
        )
    ids = {r.unit_id: r.id for r in db.session.scalars(db.select(Reservation))}
    world.asked, world.approved = ids[asked.id], ids[approved.id]
    manager.post(
        f"/moderation/{world.asked}/ask",
        data={f"q{world.asked}-text": "Пришлите скан паспорта"},
        htmx=True,
    )
    agent.post(
        f"/reservations/{world.asked}/messages",
        data={
            f"t{world.asked}-body": "Отправляю",
            f"t{world.asked}-files": (
                io.BytesIO((FIXTURES / "files" / "tiny.pdf").read_bytes()),
                "паспорт.pdf",
            ),
        },
        content_type="multipart/form-data",
        htmx=True,
    )
    manager.post(
        f"/moderation/{world.approved}/approve",
        data={f"a{world.approved}-days": "10", f"a{world.approved}-price": "5000000"},
        htmx=True,
    )
    seen = soup(manager.get(_panel_url(world, edited), htmx=True))
    manager.post(
        f"/units/{edited.id}",
        data={
            "price": "6 000 000",
            "status": "unavailable",
            "seen": seen.select_one("input[name=seen]")["value"],
        },
        htmx=True,
    )
    # The last day of the term is 3 December 2030 in Moscow.
    reservation = db.session.get(Reservation, world.approved)
    reservation.expires_at = datetime(2030, 12, 3, 21, 0, tzinfo=UTC)
    db.session.commit()
    world.edited, world.waiting_id = edited, ids[waiting.id]
    # The agent's answer sent the first request back to the manager.
    assert {r.id: r.status for r in db.session.scalars(db.select(Reservation))} == {
        world.asked: ReservationStatus.REQUESTED,
        world.approved: ReservationStatus.APPROVED,
        world.waiting_id: ReservationStatus.REQUESTED,
    }
    assert db.session.scalar(db.select(db.func.count(Attachment.id))) == 1
    assert edited.status == UnitStatus.UNAVAILABLE
    return world


def _panel_url(world, unit):
    return f"/buildings/{world.building.id}/panel?u={unit.id}"


def _upload(client, content, name):
    return client.post(
        "/imports/",
        data={"file": (io.BytesIO(content), name), "project_name": ""},
        content_type="multipart/form-data",
    )


def pages_of(world, make_client, client):
    """Every page and fragment of the checked set, as (name, response)."""
    building = f"/buildings/{world.building.id}"
    agent = make_client(world.agent)
    yield "login", client.get("/login")
    yield (
        "wrong password",
        client.post(
            "/login", data={"email": world.agent.email, "password": "not-this"}
        ),
    )
    yield "home", agent.get("/")
    yield "grid", agent.get(building)
    yield "grid filtered", agent.get(f"{building}?rooms=1&price_min=abc")
    yield "own reservation panel", agent.get(f"{building}?u={world.units[0].id}")
    yield "request form", agent.get(_panel_url(world, world.units[4]), htmx=True)
    yield (
        "request refused",
        agent.post(
            f"/units/{world.units[4].id}/reservations",
            data={"client_name": "", "client_phone": "12", "days": "99"},
            htmx=True,
        ),
    )
    yield "taken unit", agent.get(_panel_url(world, world.edited), htmx=True)
    yield "my reservations", agent.get("/reservations")
    yield "thread", agent.get(f"/reservations/{world.asked}/thread")
    yield "not found", agent.get("/buildings/999999")

    agency_admin = make_client(world.agency_admin)
    yield "agency reservations", agency_admin.get("/reservations")
    yield "agency team", agency_admin.get("/team")

    manager = make_client(world.manager)
    yield "queue", manager.get("/moderation/")
    yield (
        "approve refused",
        manager.post(
            f"/moderation/{world.waiting_id}/approve",
            data={f"a{world.waiting_id}-days": "", f"a{world.waiting_id}-price": "x"},
            htmx=True,
        ),
    )
    yield "staff panel", manager.get(_panel_url(world, world.edited), htmx=True)
    yield (
        "staff panel, reserved",
        manager.get(_panel_url(world, world.units[1]), htmx=True),
    )
    yield "manager thread", manager.get(f"/reservations/{world.approved}/thread")

    admin = make_client(world.dev_admin)
    yield "import", admin.get("/imports/")
    yield "import refused", _upload(admin, b"", "empty.csv")
    yield (
        "import done",
        _upload(
            admin,
            (FIXTURES / "listings" / "cp1251-russian.csv").read_bytes(),
            "прайс.csv",
        ),
    )
    mapping = _upload(admin, MAPPING_CSV, "x.csv")
    yield "mapping", admin.get(mapping.headers["Location"])
    yield "partners", admin.get("/grants/")
    yield "grant", admin.get(f"/grants/{world.grant.id}")
    yield "new grant", admin.get(f"/grants/buildings/{world.building.id}/new")
    yield "team", admin.get("/team")
    yield (
        "member refused",
        admin.post(
            "/team", data={"full_name": "", "email": "not-an-address", "password": "1"}
        ),
    )

    operator = make_client(world.operator)
    yield "developers", operator.get("/operator/developers")
    yield "agencies", operator.get("/operator/agencies")
    yield (
        "organization refused",
        operator.post(
            "/operator/developers",
            data={
                "name": "",
                "slug": "Не так",
                "admin_email": "x",
                "admin_password": "1",
            },
        ),
    )


def test_pages_in_russian_have_no_english_left(scene, make_client, client):
    leftovers = {}
    statuses = {}
    for name, response in pages_of(scene, make_client, client):
        statuses[name] = response.status_code
        words = english_left(response)
        if words:
            leftovers[name] = words
        page = soup(response).html
        if page is not None:
            assert page["lang"] == "ru", name

    assert leftovers == {}
    # Each page was what it says, not a redirect or an error in its place.
    assert {name for name, status in statuses.items() if status not in (200,)} == {
        "wrong password",
        "request refused",
        "not found",
        "approve refused",
        "import refused",
        "member refused",
        "organization refused",
    }


def test_russian_plurals_follow_the_number(scene, make_client):
    agent = make_client(scene.agent)

    def hint(max_days):
        scene.grant.max_days = max_days
        db.session.commit()
        panel = soup(agent.get(_panel_url(scene, scene.units[4]), htmx=True))
        return panel.select_one("input[name=days] ~ .muted").get_text()

    home = soup(agent.get("/")).select_one(".building-list .muted").get_text(" ")

    # 12 units, 3 requested and 1 taken off sale: 8 free.
    assert "8 свободных помещений" in " ".join(home.split())
    assert [hint(21), hint(3), hint(11)] == ["До 21 дня.", "До 3 дней.", "До 11 дней."]


# Money, numbers and dates


def test_money_numbers_and_dates_are_russian_by_default(scene, make_client):
    agent = make_client(scene.agent)

    grid = soup(agent.get(f"/buildings/{scene.building.id}"))
    cell = grid.select_one(f"#u{scene.units[4].id}")
    panel = soup(agent.get(_panel_url(scene, scene.units[5]), htmx=True))
    mine = soup(agent.get("/reservations"))

    # A studio on floor 3: 5 000 000 + 300 000; the next unit has a room more.
    assert _spans(cell) == ["28 м²", "5,3 млн ₽"]
    facts = _facts(panel)
    assert facts["Цена"] == "6 300 000 ₽"
    assert facts["Площадь"] == "47,5 м²"
    state = mine.select_one(f"#my-reservation-{scene.approved} .reservation-state")
    assert "по 3 дек. 2030 г. включительно" in " ".join(state.get_text(" ").split())


def _spans(cell):
    return [span.get_text().replace("\xa0", " ") for span in cell.find_all("span")]


def _facts(panel):
    return {
        row.dt.get_text(): row.dd.get_text().replace("\xa0", " ")
        for row in panel.select(".kv > div")
    }


# English, chosen by the user


def test_english_is_chosen_per_user_and_formats_follow(scene, make_client):
    agent = make_client(scene.agent)

    switched = agent.post("/language", data={"lang": "en", "next": "/"})

    assert switched.status_code == 302
    home = soup(agent.get("/"))
    assert home.html["lang"] == "en"
    assert [a.get_text() for a in home.select(".topnav a")] == [
        "Buildings",
        "My reservations",
    ]
    assert "8 units available" in " ".join(
        home.select_one(".building-list .muted").get_text(" ").split()
    )
    grid = soup(agent.get(f"/buildings/{scene.building.id}"))
    assert grid.select_one("#la").get_text() == "Available"
    assert _spans(grid.select_one(f"#u{scene.units[4].id}")) == ["28 m²", "RUB5.3M"]
    panel = soup(agent.get(_panel_url(scene, scene.units[5]), htmx=True))
    assert _facts(panel)["Area"] == "47.5 m²"
    assert _facts(panel)["Price"] == "RUB6,300,000"
    mine = soup(agent.get("/reservations"))
    state = mine.select_one(f"#my-reservation-{scene.approved} .reservation-state")
    assert "until the end of Dec 3, 2030" in " ".join(state.get_text(" ").split())


def test_english_pages_have_no_russian_of_ours(scene, make_client, client):
    """Cyrillic on an English page comes only from the data people typed."""
    data_words = set()
    for value in (
        *db.session.scalars(db.select(Organization.name)),
        *db.session.scalars(db.select(User.full_name)),
        *db.session.scalars(db.select(Project.name)),
        *db.session.scalars(db.select(Building.name)),
        *db.session.scalars(db.select(Reservation.client_name)),
        *db.session.scalars(db.select(Reservation.comment)),
        *db.session.scalars(db.select(Message.body)),
        "паспорт.pdf",
        MAPPING_CSV.decode(),
        "прайс.csv",
        # The switch back to Russian is named in Russian.
        "Русский",
    ):
        data_words.update(CYRILLIC_WORD.findall(value or ""))
    for user in db.session.scalars(db.select(User)):
        user.locale = "en"
    db.session.commit()
    client.raw.set_cookie("lang", "en")

    russian = {}
    for name, response in pages_of(scene, make_client, client):
        words = set(CYRILLIC_WORD.findall(visible_text(response))) - data_words
        if words:
            russian[name] = sorted(words)

    assert russian == {}
