"""The developer's staff changing a unit by hand: its price and its status."""

import logging
from decimal import Decimal

from flask_babel import lazy_gettext as _l

from partnerhub import access
from partnerhub.extensions import db
from partnerhub.models import MAX_PRICE, UnitStatus
from partnerhub.services import audit
from partnerhub.services.errors import DomainError, NotAllowed, UnitChanged
from partnerhub.services.reservations import open_reservation_for

log = logging.getLogger(__name__)


def update_unit(staff, unit, *, price, status, seen_version=None):
    """Set a unit's price and status; each change is audited and shown live.

    The caller loaded the unit with access.unit_or_404(for_update=True), so the
    row is locked until commit. `seen_version` is the unit's changed_version
    the editor saw; a different one means the form is stale.
    """
    if not access.is_developer_staff_of(staff, unit.project.developer_id):
        raise NotAllowed(_l("Only the developer's staff can change a unit."))
    if seen_version is not None and seen_version != unit.changed_version:
        raise UnitChanged(
            _l("Someone has just changed this unit. Check it and try again.")
        )
    if status != unit.status and status not in UnitStatus.SETTABLE:
        raise DomainError(_l("Choose a status from the list."), field="status")
    if price is not None and not Decimal(1) <= price <= MAX_PRICE:
        raise DomainError(_price_range(), field="price")
    if price is not None:
        price = price.quantize(Decimal("0.01"))

    status_changes = status != unit.status
    price_changes = price != unit.price
    if status_changes and open_reservation_for(unit.id) is not None:
        raise DomainError(
            _l(
                "This unit has an open reservation. Approve, reject or close it in "
                "the requests queue; the unit's status follows it."
            ),
            field="status",
        )
    if not status_changes and not price_changes:
        return unit

    developer_id = unit.project.developer_id
    if price_changes:
        audit.record(
            "unit.price",
            staff,
            organization_id=developer_id,
            unit=unit,
            from_value=unit.price,
            to_value=price,
        )
        unit.price = price
    if status_changes:
        audit.record(
            "unit.status",
            staff,
            organization_id=developer_id,
            unit=unit,
            from_value=unit.status,
            to_value=status,
        )
        unit.status = status
    audit.touch_units([unit])
    db.session.commit()
    log.info(
        "unit %s changed by user %s:%s%s",
        unit.id,
        staff.id,
        " price" if price_changes else "",
        f" status {status}" if status_changes else "",
    )
    return unit


def _price_range():
    limit = f"{MAX_PRICE:,.0f}".replace(",", " ")
    return _l("The price must be from 1 to %(max)s.", max=limit)
