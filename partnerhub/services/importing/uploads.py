"""Listing files uploaded from the web page, kept between its two steps.

When a table's columns need a mapping, the file waits under
UPLOAD_DIR/imports/ with a generated name, beside a small JSON note of whose
it is. The name is never built from what the client sent, and the note's
developer must be the one asking, so a name guessed or copied from another
organization finds nothing.
"""

import json
import logging
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from partnerhub.services.importing.reader import CHUNK, preview_table, too_large
from partnerhub.services.importing.store import import_listing

log = logging.getLogger(__name__)

TOKEN = re.compile(r"^[0-9a-f]{32}$")
# Files left by a mapping step nobody finished are removed after a day.
MAX_AGE_SECONDS = 24 * 3600


@dataclass
class StoredUpload:
    token: str
    path: Path
    developer_id: int
    filename: str
    project_name: str | None
    project_id: int | None = None
    new_project: bool = False

    def target(self):
        """The project arguments of import_listing() chosen with the upload."""
        return {
            "project_name": self.project_name,
            "project_id": self.project_id,
            "new_project": self.new_project,
        }


def _directory():
    directory = Path(current_app.config["UPLOAD_DIR"]) / "imports"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def _purge_old(directory):
    limit = time.time() - MAX_AGE_SECONDS
    for path in directory.iterdir():
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
        except FileNotFoundError:
            pass


def store_upload(
    developer_id,
    stream,
    filename,
    project_name=None,
    project_id=None,
    new_project=False,
):
    """Copy an uploaded stream to a generated name; FileTooLarge past the limit."""
    directory = _directory()
    _purge_old(directory)
    max_bytes = current_app.config["LISTING_MAX_BYTES"]
    token = secrets.token_hex(16)
    path = directory / token
    total = 0
    with path.open("wb") as out:
        while chunk := stream.read(CHUNK):
            total += len(chunk)
            if total > max_bytes:
                out.close()
                path.unlink(missing_ok=True)
                raise too_large(max_bytes)
            out.write(chunk)
    note = {
        "developer_id": developer_id,
        "filename": (filename or "listing")[:255],
        "project_name": project_name or None,
        "project_id": project_id,
        "new_project": bool(new_project),
    }
    (directory / f"{token}.json").write_text(json.dumps(note), encoding="utf-8")
    log.info(
        "listing upload %s stored for developer %s (%s bytes)",
        token,
        developer_id,
        total,
    )
    return StoredUpload(
        token,
        path,
        developer_id,
        note["filename"],
        note["project_name"],
        project_id,
        note["new_project"],
    )


def load_upload(developer_id, token):
    """The stored upload with this name, if it is this developer's; else None."""
    if not isinstance(token, str) or not TOKEN.match(token):
        return None
    directory = _directory()
    path, note_path = directory / token, directory / f"{token}.json"
    try:
        note = json.loads(note_path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None
    if note.get("developer_id") != developer_id or not path.is_file():
        return None
    project_id = note.get("project_id")
    return StoredUpload(
        token,
        path,
        developer_id,
        note["filename"],
        note.get("project_name"),
        project_id if isinstance(project_id, int) else None,
        bool(note.get("new_project")),
    )


def discard_upload(upload):
    directory = _directory()
    for path in (directory / upload.token, directory / f"{upload.token}.json"):
        path.unlink(missing_ok=True)


def import_upload(
    developer,
    stream,
    filename,
    project_name=None,
    actor=None,
    project_id=None,
    new_project=False,
):
    """Import an uploaded file; keep it only when its columns need a mapping.

    Returns (result, stored upload or None); raises FileTooLarge for a file
    over the limit, so that the page can say so beside the file field.
    """
    upload = store_upload(
        developer.id, stream, filename, project_name, project_id, new_project
    )
    with upload.path.open("rb") as file:
        result = import_listing(
            developer, file, upload.filename, actor=actor, **upload.target()
        )
    if result.mapping_request is not None:
        return result, upload
    discard_upload(upload)
    return result, None


def mapping_preview(upload):
    """The header and first rows of a stored table, for the mapping form."""
    with upload.path.open("rb") as file:
        return preview_table(file, max_bytes=current_app.config["LISTING_MAX_BYTES"])


def import_with_mapping(developer, upload, mapping, actor=None):
    """Import a stored file with the columns the user chose, and remember them.

    The file is removed once imported; on errors it stays for another try.
    """
    with upload.path.open("rb") as file:
        result = import_listing(
            developer,
            file,
            upload.filename,
            actor=actor,
            mapping=mapping,
            remember_mapping=True,
            **upload.target(),
        )
    if result.ok:
        discard_upload(upload)
    return result
