"""PartnerHub as the CRM: the sales team works in PartnerHub's own queue.

The deal is the reservation itself and its stage is the reservation's
status (shown translated, so no stage name is stored). Creating a deal
records that link; comments and files are already where the sales team
reads them.
"""

import logging

from partnerhub.crm.base import CrmAdapter

log = logging.getLogger(__name__)


class BuiltinCrm(CrmAdapter):
    name = "partnerhub"

    def create_deal(self, reservation):
        if reservation.crm_deal_id is None:
            reservation.crm_deal_id = f"PH-{reservation.id}"
            log.info(
                "reservation %s: deal %s opened in PartnerHub's own pipeline",
                reservation.id,
                reservation.crm_deal_id,
            )

    def set_stage(self, reservation, status):
        """The stage is the reservation's status: already up to date."""

    def add_comment(self, reservation, message):
        """The thread is the deal's comment feed: nothing to pass on."""

    def send_file(self, reservation, attachment):
        """Files already sit in the reservation's thread: nothing to pass on."""
