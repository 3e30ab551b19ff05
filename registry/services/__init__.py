"""Writes to the registry: rights checks, history and audit entries in one place.

Every function takes the acting user (``by_user``, ``granted_by`` …) and refuses
with PermissionDenied when that user's grants do not reach the nodes involved.
``None`` stands for the system itself (management commands, migrations), like
``user=None`` in Wagtail's actions: no check, and the audit log says 系统.
Views must always pass ``request.user``.
"""

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
from .volunteers import volunteer_create, volunteer_delete, volunteer_update

__all__ = [
    "ADMIN_ACCESS_GROUP",
    "EXPORT_SCOPES",
    "BulkRegistration",
    "MemberUpdate",
    "NewMember",
    "check_volunteer",
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
    "reveal_id_number",
    "revoke_role",
    "volunteer_create",
    "volunteer_delete",
    "volunteer_update",
]
