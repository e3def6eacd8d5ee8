"""Reading an uploaded listing file: its size, its kind, then its format.

The kind is decided by the file's content, never by its name: a PNG renamed
.csv is refused as a PNG, a CSV named .xlsx is read as a CSV.
"""

import os
import tempfile

import filetype
from flask_babel import lazy_gettext as _l

from partnerhub.i18n import number
from partnerhub.services.errors import InvalidFile
from partnerhub.services.importing import csvfile, tables, xlsx, yrl
from partnerhub.services.importing.core import Listing, Problem

CHUNK = 1024 * 1024
SNIFF_BYTES = 8192
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


class FileTooLarge(InvalidFile):
    """A listing file over the size limit; the message states the limit."""


def too_large(max_bytes):
    return FileTooLarge(
        _l(
            "The file is larger than %(limit)s MB, the most a listing may be.",
            limit=_megabytes(max_bytes),
        )
    )


def _megabytes(size):
    value = size / (1024 * 1024)
    digits = 0 if value >= 1 else 2
    return number(round(value, digits), digits)


def seekable_copy(stream, max_bytes):
    """The stream itself when it can seek, else a copy; refused past max_bytes.

    A seekable stream is measured without reading it; any other is copied in
    chunks and refused as soon as it passes the limit.
    """
    if _can_seek(stream):
        stream.seek(0, os.SEEK_END)
        size = stream.tell()
        stream.seek(0)
        if size > max_bytes:
            raise too_large(max_bytes)
        return stream, False
    # The caller closes the copy: it is returned, so no context manager here.
    copy = tempfile.SpooledTemporaryFile(max_size=8 * CHUNK)  # noqa: SIM115
    total = 0
    while chunk := stream.read(CHUNK):
        total += len(chunk)
        if total > max_bytes:
            copy.close()
            raise too_large(max_bytes)
        copy.write(chunk)
    copy.seek(0)
    return copy, True


def _can_seek(stream):
    try:
        return stream.seekable()
    except (AttributeError, ValueError):
        return False


def sniff(file):
    """ "yrl", "xlsx" or "csv" from the first bytes, or InvalidFile."""
    file.seek(0)
    head = file.read(SNIFF_BYTES)
    if not head.strip():
        raise InvalidFile(_l("The file is empty."))
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "xlsx"
    if head.startswith(_OLE):
        raise InvalidFile(
            _l("This is an old Excel (.xls) or Word file. Save it as XLSX or CSV.")
        )
    text = head
    for bom in _BOMS:
        if text.startswith(bom):
            text = text[len(bom) :]
            if bom != _BOMS[0]:
                text = text.decode("utf-16", errors="ignore").encode("utf-8")
            break
    if text.lstrip().startswith(b"<"):
        return "yrl"
    guessed = filetype.guess(head)
    if guessed is not None:
        raise InvalidFile(
            _l(
                "This is a %(kind)s file (%(mime)s), not a listing. Upload a YRL "
                "feed, a CSV or an XLSX price list.",
                kind=guessed.extension.upper(),
                mime=guessed.mime,
            )
        )
    if b"\x00" in text:
        raise InvalidFile(
            _l(
                "This is a binary file, not a listing. Upload a YRL feed, a CSV or "
                "an XLSX price list."
            )
        )
    return "csv"


def read_listing(stream, *, max_bytes, mapping=None, saved_mapping=None):
    """A Listing from a file; problems with the whole file are in its errors."""
    file, owned = None, False
    fmt = None
    try:
        file, owned = seekable_copy(stream, max_bytes)
        fmt = sniff(file)
        if fmt == "yrl":
            listing = yrl.read(file)
        else:

            def consume(rows):
                return tables.parse_table(fmt, rows, mapping, saved_mapping)

            listing = _read_table(fmt, file, max_bytes, consume)
    except InvalidFile as error:
        listing = Listing(format=fmt, errors=[Problem(error.message)])
    finally:
        if owned:
            file.close()
    return listing


def _read_table(fmt, file, max_bytes, consume):
    if fmt == "xlsx":
        return xlsx.read(file, max_bytes, consume)
    return csvfile.read(file, consume)


def preview_table(stream, *, max_bytes):
    """The header and first rows of a CSV or XLSX file, for the mapping step.

    None for a feed or an empty table; InvalidFile for a file refused.
    """
    file, owned = seekable_copy(stream, max_bytes)
    try:
        fmt = sniff(file)
        if fmt == "yrl":
            return None
        return _read_table(fmt, file, max_bytes, tables.preview)
    finally:
        if owned:
            file.close()
