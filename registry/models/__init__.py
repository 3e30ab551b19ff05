"""The registry's models: org tree, volunteers (附件3), memberships, catalogues,
grants and the audit log, one module per concern (as wagtail/models/ does).

Writes that need history, rights checks or audit entries go through
registry.services; reads scoped to a user go through registry.selectors.
"""

from .applications import OrgApplication, OrgApplicationRevision
from .audit import (
    BULK_EXPORT_ACTION,
    BULK_REGISTER_ACTION,
    IDNumberReveal,
    RegistryLogEntry,
    RegistryLogEntryManager,
    RegistryLogEntryQuerySet,
)
from .catalogues import (
    UNIQUE_NAME_MESSAGES,
    CreationAction,
    CreationActionUnit,
    ExpectedServiceArea,
    ServiceCategory,
    ServiceItem,
    TargetGroup,
)
from .memberships import Membership
from .rights import OrgNodeGroupObjectPermission, OrgNodeUserObjectPermission
from .sequences import RegistrySequence, RegistrySequenceManager
from .tree import OrgNode
from .volunteers import Volunteer

__all__ = [
    "BULK_EXPORT_ACTION",
    "BULK_REGISTER_ACTION",
    "UNIQUE_NAME_MESSAGES",
    "CreationAction",
    "CreationActionUnit",
    "ExpectedServiceArea",
    "IDNumberReveal",
    "Membership",
    "OrgApplication",
    "OrgApplicationRevision",
    "OrgNode",
    "OrgNodeGroupObjectPermission",
    "OrgNodeUserObjectPermission",
    "RegistryLogEntry",
    "RegistryLogEntryManager",
    "RegistryLogEntryQuerySet",
    "RegistrySequence",
    "RegistrySequenceManager",
    "ServiceCategory",
    "ServiceItem",
    "TargetGroup",
    "Volunteer",
]
