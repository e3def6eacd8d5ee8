"""Small helpers the tests share: reading pages, counting rows, making requests."""

from bs4 import BeautifulSoup
from sqlalchemy import func, select

from partnerhub.extensions import db
from partnerhub.models import Message, MessageKind
from partnerhub.services import reservations


def soup(response):
    """The response's HTML, parsed, to assert on what a user sees."""
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def count(model, **where):
    """How many rows of a model there are, with these column values."""
    return db.session.scalar(select(func.count()).select_from(model).filter_by(**where))


def add_message(db, reservation, author, body, kind=MessageKind.MESSAGE, at=None):
    """A message in a reservation's thread, committed; author None is the system."""
    message = Message(
        reservation_id=reservation.id,
        author_id=author.id if author else None,
        body=body,
        kind=kind,
    )
    if at is not None:
        message.created_at = at
    db.session.add(message)
    db.session.commit()
    return message


def request_first_unit(world):
    """The world's agent asks to reserve its first unit, through the service."""
    return reservations.request_reservation(
        world.agent,
        world.units[0],
        world.grant,
        client_name="Анна",
        client_phone="+79161234567",
        days=5,
    )
