"""Attachments: checked by their content, kept under generated names, audited.

An upload is copied to a temporary file beside the store (so that the final
move is a rename), measured, hashed and identified by its bytes, never by
its name or the browser's content type. The thread service moves it into
place inside its transaction and removes it again if that transaction fails.
"""

import hashlib
import logging
import os
import re
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree.ElementTree import ParseError

import filetype
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from partnerhub.extensions import db
from partnerhub.services import audit
from partnerhub.services.errors import InvalidFile

log = logging.getLogger(__name__)

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
HEIC = "image/heic"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# The allowed types and the extensions a download name may carry for each;
# the first one is given to a name that has none or a wrong one.
EXTENSIONS = {
    PDF: (".pdf",),
    JPEG: (".jpg", ".jpeg"),
    PNG: (".png",),
    HEIC: (".heic", ".heif"),
    DOCX: (".docx",),
    XLSX: (".xlsx",),
}

# What identifies an Office Open XML package: the content type of its main
# part in [Content_Types].xml, and the folder that part lives in.
_OOXML_MAIN_PARTS = {
    DOCX: (
        "application/vnd.openxmlformats-officedocument.wordprocessingml"
        ".document.main+xml",
        "word/",
    ),
    XLSX: (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        "xl/",
    ),
}

MAX_FILES = 10
MAX_NAME = 255
_CONTENT_TYPES_MAX = 1024 * 1024
_CHUNK = 64 * 1024
_HEAD = 8192
_TEMP_PREFIX = ".upload-"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_PLAIN_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,5}$")


@dataclass
class StagedFile:
    """An accepted upload waiting in a temporary file for its transaction."""

    temp_path: Path
    original_name: str
    content_type: str
    size: int
    sha256: str


def attachments_dir():
    path = Path(current_app.config["UPLOAD_DIR"]) / "attachments"
    path.mkdir(parents=True, exist_ok=True)
    return path


def max_bytes():
    return current_app.config["ATTACHMENT_MAX_BYTES"]


def allowed_extensions():
    """For the file input's accept attribute: a hint, the content decides."""
    return [ext for group in EXTENSIONS.values() for ext in group]


# Accepting uploads


def stage_all(uploads):
    """Check and stage every upload, or none: one bad file refuses them all.

    uploads are objects with .filename and .stream (Werkzeug's FileStorage).
    """
    uploads = [upload for upload in uploads or () if upload and upload.filename]
    if len(uploads) > MAX_FILES:
        raise InvalidFile(
            ngettext(
                "Attach at most %(num)s file to one message.",
                "Attach at most %(num)s files to one message.",
                MAX_FILES,
            ),
            field="files",
        )
    staged = []
    try:
        for upload in uploads:
            staged.append(stage(upload))
    except BaseException:
        discard(staged)
        raise
    return staged


def stage(upload):
    """Copy one upload to a temporary file and identify it; InvalidFile if refused."""
    name = clean_name(upload.filename)
    limit = max_bytes()
    temp_path = attachments_dir() / f"{_TEMP_PREFIX}{uuid.uuid4().hex}"
    digest = hashlib.sha256()
    size = 0
    head = b""
    try:
        with open(temp_path, "xb") as out:
            while chunk := upload.stream.read(_CHUNK):
                size += len(chunk)
                if size > limit:
                    raise InvalidFile(
                        _l(
                            "%(name)s is larger than %(limit)s MB.",
                            name=name,
                            limit=limit // (1024 * 1024) or 1,
                        ),
                        field="files",
                    )
                if len(head) < _HEAD:
                    head += chunk[: _HEAD - len(head)]
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise InvalidFile(_l("%(name)s is empty.", name=name), field="files")
        content_type = detect(temp_path, head)
        if content_type is None:
            raise InvalidFile(
                _l(
                    "%(name)s is not a PDF, JPEG, PNG, HEIC, DOCX or XLSX file.",
                    name=name,
                ),
                field="files",
            )
    except BaseException:
        temp_path.unlink(missing_ok=True)
        raise
    return StagedFile(
        temp_path=temp_path,
        original_name=name_for_type(name, content_type),
        content_type=content_type,
        size=size,
        sha256=digest.hexdigest(),
    )


def detect(path, head):
    """The allowed content type of a file, judged by its bytes, or None."""
    if head.startswith(b"PK\x03\x04"):
        # Any zip: only a real Word or Excel package passes, not a bare
        # archive, a jar or another Office format.
        return _ooxml_type(path)
    kind = filetype.guess(head)
    if kind is not None and kind.mime in (PDF, JPEG, PNG, HEIC):
        return kind.mime
    return None


def _ooxml_type(path):
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            with archive.open("[Content_Types].xml") as part:
                # Read a bounded amount: the size in the header may lie.
                data = part.read(_CONTENT_TYPES_MAX + 1)
    except (
        zipfile.BadZipFile,
        KeyError,
        OSError,
        RuntimeError,
        ValueError,
        NotImplementedError,
        EOFError,
    ):
        return None
    if len(data) > _CONTENT_TYPES_MAX:
        return None
    try:
        root = fromstring(data)
    except (ParseError, DefusedXmlException):
        return None
    declared = {
        (element.get("PartName") or "").lstrip("/"): element.get("ContentType")
        for element in root.iter()
        if element.tag.endswith("Override")
    }
    for content_type, (main_type, folder) in _OOXML_MAIN_PARTS.items():
        for part_name, part_type in declared.items():
            if (
                part_type == main_type
                and part_name.startswith(folder)
                and part_name in names
            ):
                return content_type
    return None


def clean_name(filename):
    """The file's own name, without a path or control characters, or "file"."""
    name = re.split(r"[\\/]", filename or "")[-1]
    name = _CONTROL.sub("", name).strip()
    return name or "file"


def name_for_type(name, content_type):
    """The name to download under, with an extension that matches the content.

    A PDF uploaded as "scan.docx" is a PDF; it is offered back as "scan.pdf",
    so that the recipient's computer opens it with the right program.
    """
    extensions = EXTENSIONS[content_type]
    stem, extension = os.path.splitext(name)
    if extension.lower() not in extensions:
        if _PLAIN_EXTENSION.search(name) and stem:
            name = stem
        extension = extensions[0]
        stem = name
    return stem[: MAX_NAME - len(extension)] + extension


def discard(staged):
    """Remove staged temporary files (a refused or failed post)."""
    for item in staged:
        item.temp_path.unlink(missing_ok=True)


def place(staged_file):
    """Move a staged file to its final, generated name; returns that name."""
    stored_name = uuid.uuid4().hex
    os.replace(staged_file.temp_path, attachments_dir() / stored_name)
    return stored_name


def remove_stored(stored_names):
    """Remove placed files whose transaction did not commit."""
    directory = attachments_dir()
    for stored_name in stored_names:
        (directory / stored_name).unlink(missing_ok=True)


# Serving


def record_download(user, attachment, reservation):
    """Write the audit event of a download and commit it."""
    audit.record(
        "attachment.download",
        user,
        organization_id=reservation.developer_id,
        reservation=reservation,
        attachment_id=attachment.id,
    )
    db.session.commit()
    log.info(
        "attachment %s of reservation %s downloaded by user %s",
        attachment.id,
        reservation.id,
        user.id,
    )
