"""Attachments: accepted by content, refused cleanly, stored safely, downloaded."""

import hashlib
import io
import re
from pathlib import Path
from urllib.parse import quote

import pytest
from werkzeug.datastructures import FileStorage

from partnerhub.models import (
    Attachment,
    AuditEvent,
    Message,
    OutboxMessage,
    Role,
)
from partnerhub.services import threads
from tests.factories import make_developer, make_reservation, make_user
from tests.fixtures.files import samples
from tests.helpers import count, soup


def stored_files(app):
    """Everything in the attachment store, temporary files included."""
    directory = Path(app.config["UPLOAD_DIR"]) / "attachments"
    return {p.name for p in directory.iterdir()} if directory.exists() else set()


def post_files(client, reservation, files, body=""):
    return client.post(
        f"/reservations/{reservation.id}/messages",
        data={
            f"t{reservation.id}-body": body,
            f"t{reservation.id}-files": [
                (io.BytesIO(content), name) for name, content in files
            ],
        },
        content_type="multipart/form-data",
        htmx=True,
    )


@pytest.fixture()
def reservation(db, world):
    reservation = make_reservation(world.units[0], world.agent)
    db.session.commit()
    return reservation


@pytest.mark.parametrize("name", sorted(samples.ALLOWED))
def test_each_allowed_type_is_accepted(app, db, client, world, reservation, name):
    make, content_type = samples.ALLOWED[name]
    content = make()
    client.login(world.agent)

    response = post_files(client, reservation, [(name, content)])

    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    attachment = db.session.scalars(db.select(Attachment)).one()
    assert attachment.content_type == content_type
    assert attachment.original_name == name
    assert attachment.size == len(content)
    assert attachment.sha256 == hashlib.sha256(content).hexdigest()
    assert re.fullmatch(r"[0-9a-f]{32}", attachment.stored_name)
    path = Path(app.config["UPLOAD_DIR"]) / "attachments" / attachment.stored_name
    assert path.read_bytes() == content
    assert not str(path).startswith(str(Path(app.static_folder)))
    files_sent = db.session.scalars(
        db.select(OutboxMessage).filter_by(topic="crm.file.send")
    ).all()
    assert [row.payload for row in files_sent] == [{"attachment_id": attachment.id}]
    link = soup(response).select_one(f"a[href='/attachments/{attachment.id}']")
    assert link.get_text(strip=True) == name


def test_several_files_and_a_message_go_together(db, client, world, reservation):
    client.login(world.agent)

    response = post_files(
        client,
        reservation,
        [("scan.pdf", samples.pdf()), ("photo.jpg", samples.jpeg())],
        body="Документы клиента",
    )

    assert response.status_code == 200
    message = db.session.scalars(db.select(Message)).one()
    assert message.body == "Документы клиента"
    assert [a.original_name for a in message.attachments] == ["scan.pdf", "photo.jpg"]
    topics = db.session.scalars(
        db.select(OutboxMessage.topic).order_by(OutboxMessage.id)
    ).all()
    assert topics == ["crm.comment.create", "crm.file.send", "crm.file.send"]


def test_pdf_named_docx_is_stored_as_pdf(db, client, world, reservation):
    client.login(world.manager)

    response = post_files(client, reservation, [("scan.docx", samples.pdf())])

    assert response.status_code == 200
    attachment = db.session.scalars(db.select(Attachment)).one()
    assert attachment.content_type == "application/pdf"
    assert attachment.original_name == "scan.pdf"


@pytest.mark.parametrize("name", sorted(samples.REFUSED))
def test_impostors_are_refused_and_nothing_is_kept(
    app, db, client, world, reservation, name
):
    client.login(world.agent)
    before = stored_files(app)

    response = post_files(
        client, reservation, [(name, samples.REFUSED[name]())], body="Вот файл"
    )

    assert response.status_code == 422
    files_input = soup(response).select_one(f"[name=t{reservation.id}-files]")
    assert files_input["aria-invalid"] == "true"
    error = soup(response).select_one(f"#{files_input['aria-describedby']}")
    assert name in error.get_text()
    assert count(Message) == count(Attachment) == count(OutboxMessage) == 0
    assert stored_files(app) == before


def test_one_bad_file_refuses_the_whole_post(app, db, client, world, reservation):
    client.login(world.agent)
    before = stored_files(app)

    response = post_files(
        client,
        reservation,
        [("scan.pdf", samples.pdf()), ("setup.exe", samples.exe())],
        body="Два файла",
    )

    assert response.status_code == 422
    assert count(Message) == count(Attachment) == 0
    assert stored_files(app) == before


def test_file_over_the_limit_is_refused(
    app, db, client, world, reservation, monkeypatch
):
    monkeypatch.setitem(app.config, "ATTACHMENT_MAX_BYTES", 300)
    client.login(world.agent)
    before = stored_files(app)

    small = post_files(client, reservation, [("photo.png", samples.png())])
    large = post_files(client, reservation, [("scan.pdf", samples.pdf())])

    assert small.status_code == 200
    assert large.status_code == 422
    files_input = soup(large).select_one(f"[name=t{reservation.id}-files]")
    assert files_input["aria-invalid"] == "true"
    assert count(Attachment) == 1
    assert len(stored_files(app) - before) == 1


def test_request_over_the_size_limit_gets_413_htmx_can_show(
    app, db, client, world, reservation, monkeypatch
):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 2000)
    client.login(world.agent)
    before = stored_files(app)

    response = post_files(client, reservation, [("big.pdf", samples.pdf() * 10)])

    assert response.status_code == 413
    assert soup(response).select_one(".toast p").get_text(strip=True)
    assert count(Message) == count(Attachment) == 0
    assert stored_files(app) == before


def test_failed_transaction_leaves_no_file(app, db, world, reservation, monkeypatch):
    before = stored_files(app)

    def broken_commit():
        raise RuntimeError("database went away")

    monkeypatch.setattr(db.session, "commit", broken_commit)
    upload = FileStorage(io.BytesIO(samples.pdf()), filename="scan.pdf")
    with pytest.raises(RuntimeError):
        threads.post_message(world.agent, reservation, body="hi", uploads=[upload])
    monkeypatch.undo()

    assert count(Message) == count(Attachment) == 0
    assert stored_files(app) == before


def test_download_is_an_attachment_and_is_audited(db, make_client, world, reservation):
    agent = make_client(world.agent)
    post_files(agent, reservation, [("паспорт клиента.pdf", samples.pdf())])
    attachment = db.session.scalars(db.select(Attachment)).one()
    manager = make_client(world.manager)

    response = manager.get(f"/attachments/{attachment.id}")

    assert response.status_code == 200
    assert response.get_data() == samples.pdf()
    assert response.mimetype == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote('паспорт клиента.pdf')}" in disposition
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response.headers["Cache-Control"]
    event = db.session.scalars(
        db.select(AuditEvent).filter_by(action="attachment.download")
    ).one()
    assert event.actor_id == world.manager.id
    assert event.reservation_id == reservation.id
    assert event.detail == {"attachment_id": attachment.id}


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("agent", 200),
        ("agency_admin", 200),
        ("dev_admin", 200),
        ("colleague", 404),
        ("other_developer_manager", 404),
    ],
)
def test_who_may_download(db, make_client, world, reservation, who, status):
    post_files(make_client(world.agent), reservation, [("scan.pdf", samples.pdf())])
    attachment = db.session.scalars(db.select(Attachment)).one()
    people = {
        "agent": world.agent,
        "agency_admin": world.agency_admin,
        "dev_admin": world.dev_admin,
        "colleague": make_user(world.agency, Role.AGENT),
        "other_developer_manager": make_user(make_developer(), Role.SALES_MANAGER),
    }
    db.session.commit()

    response = make_client(people[who]).get(f"/attachments/{attachment.id}")

    assert response.status_code == status
    downloads = db.session.scalars(
        db.select(AuditEvent).filter_by(action="attachment.download")
    ).all()
    assert len(downloads) == (1 if status == 200 else 0)


def test_download_needs_sign_in(db, client, make_client, world, reservation):
    post_files(make_client(world.agent), reservation, [("scan.pdf", samples.pdf())])
    attachment = db.session.scalars(db.select(Attachment)).one()

    response = client.get(f"/attachments/{attachment.id}")

    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
