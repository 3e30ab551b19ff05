"""Writes to the registry: rights checks, history and audit entries in one place.

Every function takes the acting user (``by_user``, ``granted_by`` …) and refuses
with PermissionDenied when that user's grants do not reach the nodes involved.
``None`` stands for the system itself (management commands, migrations), like
``user=None`` in Wagtail's actions: no check, and the audit log says 系统.
Views must always pass ``request.user``.
"""

from .applications import (
    application_approve,
    application_reject,
    application_resubmit,
    application_submit,
)
from .bulk import BulkRegistration, MemberUpdate, NewMember, check_volunteer
from .grants import ADMIN_ACCESS_GROUP, grant_role, revoke_role
from .memberships import (
    membership_change_role,
    membership_close,
    membership_open,
    membership_transfer,
)
from .nodes import org_node_create, org_node_delete, org_node_move, org_node_update
from .privacy import EXPORT_SCOPES, record_bulk_export, reveal_id_number
from .registrations import (
    REGISTRATION_KINDS,
    duplicate_registration_message,
    registration_approve,
    registration_reject,
    registration_resubmit,
    registration_submit,
)
from .volunteers import volunteer_create, volunteer_delete, volunteer_update

__all__ = [
    "ADMIN_ACCESS_GROUP",
    "EXPORT_SCOPES",
    "REGISTRATION_KINDS",
    "BulkRegistration",
    "application_approve",
    "application_reject",
    "application_resubmit",
    "application_submit",
    "MemberUpdate",
    "NewMember",
    "check_volunteer",
    "duplicate_registration_message",
    "grant_role",
    "membership_change_role",
    "membership_close",
    "membership_open",
    "membership_transfer",
    "org_node_create",
    "org_node_delete",
    "org_node_move",
    "org_node_update",
    "record_bulk_export",
    "registration_approve",
    "registration_reject",
    "registration_resubmit",
    "registration_submit",
    "reveal_id_number",
    "revoke_role",
    "volunteer_create",
    "volunteer_delete",
    "volunteer_update",
]
