"""The developer's CRM, behind one interface.

Every CRM adapter takes outbox messages (a deal to create, a stage to set, a
comment or a file to pass on) and delivers them idempotently: what it created
is remembered, so a retry never creates it twice. PartnerHub itself is the
CRM of a developer that connects none; amoCRM and Bitrix24 adapters plug in
beside it through adapter_for().
"""

from partnerhub.crm.base import CrmAdapter, UnknownTopic
from partnerhub.crm.builtin import BuiltinCrm

_builtin = BuiltinCrm()


def adapter_for(developer_id):
    """The adapter of the developer's CRM (the built-in one for now)."""
    return _builtin


__all__ = ["CrmAdapter", "UnknownTopic", "adapter_for"]
