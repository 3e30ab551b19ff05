"""Checks shared by the registry's services."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from ..models import OrgNode, Volunteer
from ..selectors import is_active_superuser, user_has_node_perm


def require_node_perm(by_user, perm, node, message, *, strict=False):
    if by_user is not None and not user_has_node_perm(
        by_user, perm, node, strict=strict
    ):
        raise PermissionDenied(message)


def require_open_node(node):
    if node.status == OrgNode.Status.DISSOLVED:
        raise ValidationError(f"“{node.name}”已撤销，不能再加入成员")


def today():
    return timezone.localdate()


def stored_home(volunteer):
    """The home node as stored: a submitted form cannot move anyone."""
    node_id = Volunteer.objects.filter(pk=volunteer.pk).values_list(
        "org_node_id", flat=True
    )[0]
    return OrgNode.objects.get(pk=node_id) if node_id else None


def require_volunteer_perm(by_user, perm, home, message):
    if by_user is None:
        return
    allowed = (
        user_has_node_perm(by_user, perm, home)
        if home
        else is_active_superuser(by_user)
    )
    if not allowed:
        raise PermissionDenied(message)
