"""Excel price lists (XLSX), read with openpyxl in read-only mode.

openpyxl parses the workbook's XML with defusedxml when it is installed (it
is pinned), so a hostile workbook gets the same protection as a YRL feed.
The first sheet whose first rows look like a price list's header is read;
failing that, the active sheet.
"""

import zipfile
from datetime import date, datetime
from decimal import Decimal
from itertools import islice

import openpyxl
from flask_babel import lazy_gettext as _l

from partnerhub.services.errors import InvalidFile
from partnerhub.services.importing.tables import HEADER_SEARCH_ROWS, find_header

# What openpyxl raises on a damaged or hostile workbook (defusedxml's refusals
# are ValueErrors).
_DAMAGED = (
    ValueError,
    KeyError,
    TypeError,
    IndexError,
    SyntaxError,
    OSError,
    zipfile.BadZipFile,
)
# A workbook may unpack to this many times the size of the file, no more:
# beyond it, it is a zip bomb rather than a price list.
MAX_UNPACK_RATIO = 40


def check_workbook(file, max_bytes):
    """Refuse a ZIP that is not a workbook, or unpacks to far too much."""
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise InvalidFile(_l("The file is a damaged ZIP or XLSX file.")) from None
    if "xl/workbook.xml" not in names:
        if "word/document.xml" in names:
            raise InvalidFile(_l("This is a Word document, not a price list."))
        raise InvalidFile(_l("This is a ZIP archive, not an Excel workbook (XLSX)."))
    if unpacked > max_bytes * MAX_UNPACK_RATIO:
        raise InvalidFile(
            _l("The workbook unpacks to far more data than a price list.")
        )


def _text(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return str(Decimal(repr(value)))
    if isinstance(value, datetime):
        return (
            value.date().isoformat()
            if value.time() == datetime.min.time()
            else (value.isoformat(sep=" "))
        )
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _sheet_rows(sheet):
    for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        yield number, [_text(v) for v in row]


def _pick_sheet(workbook):
    sheets = [workbook.active] + [
        s for s in workbook.worksheets if s is not workbook.active
    ]
    for sheet in sheets:
        if sheet is None:
            continue
        head = [
            r for r in islice(_sheet_rows(sheet), HEADER_SEARCH_ROWS * 2) if any(r[1])
        ]
        if find_header(head) is not None:
            return sheet
    return workbook.active or workbook.worksheets[0]


def read(file, max_bytes, consume):
    """consume((line, cells) rows) of the price list's sheet of an XLSX file."""
    check_workbook(file, max_bytes)
    file.seek(0)
    try:
        workbook = openpyxl.load_workbook(file, read_only=True, data_only=True)
        try:
            return consume(_sheet_rows(_pick_sheet(workbook)))
        finally:
            workbook.close()
    except InvalidFile:
        raise
    except _DAMAGED as error:
        raise InvalidFile(
            _l("The workbook cannot be read (%(error)s).", error=type(error).__name__)
        ) from None
