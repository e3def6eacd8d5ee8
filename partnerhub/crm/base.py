"""What every CRM adapter offers."""

from partnerhub.extensions import db
from partnerhub.models import Attachment, Message, Reservation


class UnknownTopic(Exception):
    pass


class CrmAdapter:
    """Deliver outbox messages to a CRM; subclasses implement the steps.

    Each step gets the reservation (and the message or file) and must be
    idempotent: it checks what it stored on a previous attempt first.
    """

    name = "base"

    def deliver(self, outbox_row):
        reservation = db.session.get(Reservation, outbox_row.reservation_id)
        payload = outbox_row.payload or {}
        if outbox_row.topic == "crm.deal.create":
            return self.create_deal(reservation)
        if outbox_row.topic == "crm.deal.stage":
            return self.set_stage(reservation, payload.get("to"))
        if outbox_row.topic == "crm.comment.create":
            return self.add_comment(
                reservation, db.session.get(Message, payload["message_id"])
            )
        if outbox_row.topic == "crm.file.send":
            return self.send_file(
                reservation, db.session.get(Attachment, payload["attachment_id"])
            )
        raise UnknownTopic(outbox_row.topic)

    def create_deal(self, reservation):
        raise NotImplementedError

    def set_stage(self, reservation, status):
        raise NotImplementedError

    def add_comment(self, reservation, message):
        raise NotImplementedError

    def send_file(self, reservation, attachment):
        raise NotImplementedError
