"""Broken and hostile listing files are refused with a reason, and change nothing."""

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from partnerhub.extensions import db
from partnerhub.models import Project, Unit
from partnerhub.services.importing import import_listing
from tests.factories import make_developer

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "listings"
# These tests read the reasons in English; tests/test_i18n.py covers Russian.
pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture()
def developer(app):
    developer = make_developer()
    db.session.commit()
    return developer


def refused(developer, content, name):
    result = import_listing(developer, io.BytesIO(content), name, "ЖК")
    assert not result.ok
    assert db.session.scalar(select(func.count()).select_from(Project)) == 0
    assert db.session.scalar(select(func.count()).select_from(Unit)) == 0
    return " ".join(str(e) for e in result.errors)


def fixture(name):
    return (FIXTURES / name).read_bytes()


def test_malformed_xml_names_the_line(developer):
    message = refused(developer, fixture("malformed.xml"), "feed.xml")

    assert "malformed" in message
    assert "line 10" in message


@pytest.mark.parametrize("name", ["billion-laughs.xml", "external-entity.xml"])
def test_entity_bombs_and_external_entities_are_refused(developer, name):
    message = refused(developer, fixture(name), name)

    assert "DTD or entities" in message
    assert "root:" not in message


def test_a_nul_character_past_the_first_bytes_of_a_csv_is_refused(developer):
    rows = "".join(f"1;{number};40;5 000 000\n" for number in range(1, 600))
    content = f"Этаж;Номер;Площадь;Цена\n{rows}1;X\x00Y;40;5 000 000\n".encode()

    message = refused(developer, content, "list.csv")

    assert "line 601 cannot be read as CSV" in message


def test_xml_that_is_not_a_feed_is_refused(developer):
    message = refused(developer, b'<svg xmlns="http://www.w3.org/2000/svg"/>', "a.xml")

    assert "not a Yandex Realty feed" in message


def test_a_png_renamed_csv_is_refused_as_a_png(developer):
    message = refused(developer, fixture("image-named.csv"), "image-named.csv")

    assert "PNG" in message


def test_a_zip_that_is_not_a_workbook_is_refused(developer):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")

    message = refused(developer, buffer.getvalue(), "prices.xlsx")

    assert "not an Excel workbook" in message


def test_a_word_document_is_refused(developer):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")

    message = refused(developer, buffer.getvalue(), "prices.docx")

    assert "Word document" in message


def test_a_damaged_zip_is_refused(developer):
    message = refused(developer, b"PK\x03\x04" + b"\x00" * 200, "prices.xlsx")

    assert "damaged" in message


def test_an_old_excel_file_is_refused_with_advice(developer):
    content = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500

    message = refused(developer, content, "prices.xls")

    assert "XLSX" in message


def test_an_empty_file_is_refused(developer):
    assert "empty" in refused(developer, b"  \n", "list.csv")


def test_a_binary_file_is_refused(developer):
    assert "binary" in refused(developer, b"abc\x00\x01\x02" * 50, "list.csv")


def test_a_file_over_the_limit_is_refused(developer, app, monkeypatch):
    monkeypatch.setitem(app.config, "LISTING_MAX_BYTES", 1000)
    content = ("Корпус;Этаж;Номер\n" + "1;1;1\n" * 400).encode()

    message = refused(developer, content, "big.csv")

    assert "larger than" in message


class _Pipe(io.RawIOBase):
    """A stream that cannot seek, like a socket, counting what is read from it."""

    def __init__(self, size):
        self.left = size
        self.given = 0

    def readable(self):
        return True

    def seekable(self):
        return False

    def readinto(self, buffer):
        n = min(len(buffer), self.left)
        buffer[:n] = b"1" * n
        self.left -= n
        self.given += n
        return n


def test_a_stream_over_the_limit_is_refused_before_it_is_read_whole(
    developer, app, monkeypatch
):
    monkeypatch.setitem(app.config, "LISTING_MAX_BYTES", 3 * 1024 * 1024)
    pipe = _Pipe(100 * 1024 * 1024)

    result = import_listing(developer, pipe, "stream.csv", "ЖК")

    assert not result.ok
    assert "larger than" in str(result.errors[0])
    assert pipe.given <= 5 * 1024 * 1024


def test_a_workbook_that_unpacks_to_far_too_much_is_refused(
    developer, app, monkeypatch
):
    monkeypatch.setitem(app.config, "LISTING_MAX_BYTES", 20_000)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", "0" * 5_000_000)

    message = refused(developer, buffer.getvalue(), "bomb.xlsx")

    assert "far more data" in message


def test_a_workbook_with_an_entity_bomb_is_refused(developer):
    workbook = openpyxl.Workbook()
    workbook.active.append(["Корпус", "Этаж", "Номер"])
    plain = io.BytesIO()
    workbook.save(plain)
    hostile = io.BytesIO()
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(hostile, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(
                    b"<worksheet",
                    b'<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">]><worksheet',
                    1,
                )
            target.writestr(item, data)

    message = refused(developer, hostile.getvalue(), "hostile.xlsx")

    assert "cannot be read" in message


def test_a_line_that_csv_cannot_read_is_named(developer):
    content = 'Корпус;Этаж;Номер\n1;1;1\n1;1;"2\n'.encode()

    message = refused(developer, content, "list.csv")

    assert "line 3" in message
