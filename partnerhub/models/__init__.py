"""All models, importable from one place."""

from partnerhub.models.audit import AuditEvent
from partnerhub.models.grants import Grant, grant_unit
from partnerhub.models.inventory import (
    MAX_PRICE,
    Building,
    Floor,
    ImportMapping,
    Project,
    Section,
    Unit,
    UnitKind,
    UnitStatus,
)
from partnerhub.models.orgs import Organization, OrgKind, Role, User
from partnerhub.models.outbox import OutboxMessage, OutboxStatus
from partnerhub.models.reservations import (
    Attachment,
    Message,
    MessageKind,
    Reservation,
    ReservationStatus,
    ThreadRead,
)

__all__ = [
    "Attachment",
    "AuditEvent",
    "Building",
    "Floor",
    "Grant",
    "grant_unit",
    "ImportMapping",
    "MAX_PRICE",
    "Message",
    "MessageKind",
    "Organization",
    "OrgKind",
    "OutboxMessage",
    "OutboxStatus",
    "Project",
    "Reservation",
    "ReservationStatus",
    "Role",
    "Section",
    "ThreadRead",
    "Unit",
    "UnitKind",
    "UnitStatus",
    "User",
]
