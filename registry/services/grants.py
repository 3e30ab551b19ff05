"""Grants: a role on a node (and so on its subtree), given and taken back."""

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from guardian.shortcuts import assign_perm, remove_perm
from wagtail.log_actions import log

from .. import roles
from ..models import OrgNodeUserObjectPermission
from ..models.rights import clear_anchor_cache
from ..selectors import direct_grant_codenames, user_node_codenames
from .base import require_node_perm

ADMIN_ACCESS_GROUP = "义工注册管理后台用户"


def _principal(user_or_group):
    if isinstance(user_or_group, Group):
        return {
            "principal_type": "group",
            "principal_id": user_or_group.pk,
            "principal_label": f"用户组“{user_or_group.name}”",
        }
    return {
        "principal_type": "user",
        "principal_id": user_or_group.pk,
        "principal_label": f"用户“{user_or_group.get_username()}”",
    }


def _admin_access_permission():
    return Permission.objects.get(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )


def _give_admin_access(user_or_group):
    # Wagtail's own admin-access permission only; never a registry model permission.
    if isinstance(user_or_group, Group):
        user_or_group.permissions.add(_admin_access_permission())
        return
    group, created = Group.objects.get_or_create(name=ADMIN_ACCESS_GROUP)
    if created:
        group.permissions.add(_admin_access_permission())
    user_or_group.groups.add(group)


def grant_role(*, granted_by, user_or_group, role, node):
    """Give ``user_or_group`` the role on ``node`` (and so on its subtree).

    A principal holds one role per node: granting replaces what was granted on
    this node before. The granter needs 分配权限 on the node, and must hold every
    permission of both the new and the replaced role there.
    Returns False when the principal already had exactly this role.
    """
    role = roles.get_role(role)
    with transaction.atomic():
        current = direct_grant_codenames(user_or_group, node)
        if granted_by is not None:
            require_node_perm(
                granted_by,
                roles.MANAGE_GRANTS,
                node,
                f"您没有在“{node.name}”分配权限的权限",
            )
            held = user_node_codenames(granted_by, node)
            if not role.codenames <= held:
                raise PermissionDenied(
                    f"您在“{node.name}”不具有“{role.label}”角色，不能授予他人"
                )
            if not current <= held:
                raise PermissionDenied("对方现有的角色高于您的角色，您不能更改")
        if current == role.codenames:
            return False
        previous = roles.role_for_codenames(current)
        for codename in sorted(current - role.codenames):
            remove_perm(f"registry.{codename}", user_or_group, node)
        for codename in sorted(role.codenames - current):
            assign_perm(f"registry.{codename}", user_or_group, node)
        _give_admin_access(user_or_group)
        log(
            node,
            "registry.grant",
            user=granted_by,
            data={
                **_principal(user_or_group),
                "role": role.key,
                "previous_role": previous.key if previous else None,
            },
        )
    if not isinstance(user_or_group, Group):
        clear_anchor_cache(user_or_group)
    return True


def revoke_role(*, revoked_by, user_or_group, node):
    """Remove what was granted to ``user_or_group`` on exactly ``node``."""
    principal = _principal(user_or_group)
    with transaction.atomic():
        current = direct_grant_codenames(user_or_group, node)
        if not current:
            raise ValidationError(
                f"{principal['principal_label']}在“{node.name}”没有直接授予的角色"
            )
        if revoked_by is not None:
            require_node_perm(
                revoked_by,
                roles.MANAGE_GRANTS,
                node,
                f"您没有在“{node.name}”撤销权限的权限",
            )
            if not current <= user_node_codenames(revoked_by, node):
                raise PermissionDenied("对方的角色高于您的角色，您不能撤销")
        previous = roles.role_for_codenames(current)
        for codename in sorted(current):
            remove_perm(f"registry.{codename}", user_or_group, node)
        is_group = isinstance(user_or_group, Group)
        if (
            not is_group
            and not OrgNodeUserObjectPermission.objects.filter(
                user=user_or_group
            ).exists()
        ):
            user_or_group.groups.remove(*Group.objects.filter(name=ADMIN_ACCESS_GROUP))
        log(
            node,
            "registry.revoke",
            user=revoked_by,
            data={**principal, "role": previous.key if previous else ""},
        )
    if not is_group:
        clear_anchor_cache(user_or_group)
