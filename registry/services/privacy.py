"""Privacy: showing a full ID number, logged."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from wagtail.log_actions import log

from .. import roles
from ..models import BULK_EXPORT_ACTION, IDNumberReveal
from ..selectors import user_has_node_perm, user_has_volunteer_perm


def reveal_id_number(*, volunteer, user, reason="", ip_address=None):
    """Return the full ID number, after checking the right and logging who saw it."""
    if not user_has_volunteer_perm(user, roles.REVEAL_ID_NUMBER, volunteer):
        raise PermissionDenied("您没有查看完整身份证号码的权限")
    if not volunteer.id_number:
        raise ValidationError("该义工尚未登记身份证号码")
    with transaction.atomic():
        IDNumberReveal.objects.create(
            volunteer=volunteer,
            volunteer_number=volunteer.volunteer_number,
            user=user,
            username=user.get_username(),
            reason=reason,
            ip_address=ip_address,
        )
        log(
            volunteer,
            "registry.reveal_id_number",
            user=user,
            data={"reason": reason} if reason else {},
        )
    return volunteer.id_number


# --- Exports ------------------------------------------------------------------------------

EXPORT_SCOPES = ("node", "subtree")


def record_bulk_export(*, node, user, rows, full_id_numbers, scope, reason=""):
    """Log a 名册 export of ``node`` (its own people, or its whole ``subtree``).

    Full ID numbers need the reveal right on the node and a reason, which goes
    into the node's history with the row count and the scope.
    """
    if scope not in EXPORT_SCOPES:
        raise ValidationError(f"导出范围“{scope}”无效")
    if not user_has_node_perm(user, roles.VIEW_REGISTRY, node):
        raise PermissionDenied(f"您没有导出“{node.name}”名册的权限")
    reason = (reason or "").strip()
    if full_id_numbers:
        if not user_has_node_perm(user, roles.REVEAL_ID_NUMBER, node):
            raise PermissionDenied(f"您没有导出“{node.name}”完整身份证号码的权限")
        if not reason:
            raise ValidationError("导出完整身份证号码须填写原因")
    data = {"rows": rows, "full_id_numbers": bool(full_id_numbers), "scope": scope}
    if reason:
        data["reason"] = reason
    return log(node, BULK_EXPORT_ACTION, user=user, data=data)
