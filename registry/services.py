"""Writes to the registry: rights checks, history and audit entries in one place.

Every function takes the acting user (``by_user``, ``granted_by`` …) and refuses
with PermissionDenied when that user's grants do not reach the nodes involved.
``None`` stands for the system itself (management commands, migrations), like
``user=None`` in Wagtail's actions: no check, and the audit log says 系统.
Views must always pass ``request.user``.
"""

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from guardian.shortcuts import assign_perm, remove_perm
from wagtail.log_actions import log

from . import roles
from .models import (
    IDNumberReveal,
    Membership,
    OrgNode,
    OrgNodeUserObjectPermission,
    Volunteer,
)
from .selectors import (
    clear_anchor_cache,
    direct_grant_codenames,
    is_active_superuser,
    user_has_membership_perm,
    user_has_node_perm,
    user_has_volunteer_perm,
    user_node_codenames,
)

# Users given a role join this group, which holds only wagtailadmin.access_admin.
ADMIN_ACCESS_GROUP = "义工注册管理后台用户"


def _require_node_perm(by_user, perm, node, message, *, strict=False):
    if by_user is not None and not user_has_node_perm(
        by_user, perm, node, strict=strict
    ):
        raise PermissionDenied(message)


def _require_open_node(node):
    if node.status == OrgNode.Status.DISSOLVED:
        raise ValidationError(f"“{node.name}”已撤销，不能再加入成员")


def _today():
    return timezone.localdate()


# --- Org nodes ----------------------------------------------------------------------


@transaction.atomic
def org_node_create(*, node, parent, by_user):
    """Save the unsaved ``node`` under ``parent`` (None: a new top-level node)."""
    if parent is None:
        if by_user is not None and not is_active_superuser(by_user):
            raise PermissionDenied("只有系统管理员可以新建顶层组织")
    else:
        _require_node_perm(
            by_user,
            roles.MANAGE_NODE,
            parent,
            f"您没有在“{parent.name}”下新建组织的权限",
        )
    OrgNode.check_placement(node.kind, parent.kind if parent else None)
    node.full_clean(exclude=["path", "depth", "numchild"])
    OrgNode.check_sibling_name(node.name, parent)
    node = (
        parent.add_child(instance=node) if parent else OrgNode.add_root(instance=node)
    )
    log(node, "wagtail.create", user=by_user, content_changed=True)
    return node


@transaction.atomic
def org_node_update(*, node, by_user):
    """Save edits to ``node``'s own fields (moving is org_node_move)."""
    stored = OrgNode.objects.get(pk=node.pk)
    _require_node_perm(
        by_user, roles.MANAGE_NODE, stored, f"您没有修改“{stored.name}”的权限"
    )
    # The tree columns only change through treebeard.
    node.path, node.depth, node.numchild = stored.path, stored.depth, stored.numchild
    node.full_clean()
    node.save()
    log(node, "wagtail.edit", user=by_user, content_changed=True)
    return node


@transaction.atomic
def org_node_move(*, node, new_parent, by_user):
    """Put ``node`` (with its subtree, members, grants and history) under ``new_parent``.

    Used for the plan's 回迁: rights follow automatically, since grants and
    memberships point at node ids and coverage is computed from paths.
    """
    node = OrgNode.objects.select_for_update().get(pk=node.pk)
    new_parent = OrgNode.objects.get(pk=new_parent.pk)
    old_parent = node.get_parent()
    if new_parent.pk == node.pk or new_parent.is_descendant_of(node):
        raise ValidationError(
            {"parent": f"不能把“{node.name}”移到它自己或它的下级组织之下"}
        )
    if old_parent is not None and old_parent.pk == new_parent.pk:
        raise ValidationError({"parent": f"“{node.name}”已在“{new_parent.name}”之下"})
    _require_node_perm(
        by_user,
        roles.MANAGE_NODE,
        node,
        f"您没有移动“{node.name}”的权限：须由上级组织的管理员办理",
        strict=True,
    )
    _require_node_perm(
        by_user,
        roles.MANAGE_NODE,
        new_parent,
        f"您没有把组织移到“{new_parent.name}”之下的权限",
    )
    OrgNode.check_placement(node.kind, new_parent.kind)
    OrgNode.check_sibling_name(node.name, new_parent, exclude_pk=node.pk)
    node.move(new_parent, "last-child")
    node.refresh_from_db()
    if by_user is not None:
        clear_anchor_cache(by_user)  # cached anchor paths may have moved
    log(
        node,
        "registry.move_node",
        user=by_user,
        data={
            "from_parent_id": old_parent.pk if old_parent else None,
            "from_parent": old_parent.name if old_parent else "",
            "to_parent_id": new_parent.pk,
            "to_parent": new_parent.name,
        },
    )
    return node


@transaction.atomic
def org_node_delete(*, node, by_user):
    """Delete an empty node; nodes with members or history are dissolved instead."""
    node = OrgNode.objects.get(pk=node.pk)
    _require_node_perm(
        by_user,
        roles.MANAGE_NODE,
        node,
        f"您没有删除“{node.name}”的权限：须由上级组织的管理员办理",
        strict=True,
    )
    if node.get_children_count():
        raise ValidationError(f"“{node.name}”下还有下级组织，请先移走或删除下级组织")
    if node.memberships.exists() or node.volunteers.exists():
        raise ValidationError(
            f"“{node.name}”有成员记录，不能删除；不再运作的组织请把状态改为“已撤销”"
        )
    parent = node.get_parent()
    # Tag the entry with the parent so its administrators still see it.
    log(
        node,
        "wagtail.delete",
        user=by_user,
        deleted=True,
        org_node_id=parent.pk if parent else None,
    )
    node.delete()


# --- Volunteers -----------------------------------------------------------------------


@transaction.atomic
def volunteer_create(
    *,
    volunteer,
    node,
    by_user,
    role=Membership.Role.MEMBER,
    department_title="",
    start_date=None,
):
    """Save the unsaved ``volunteer`` with a primary membership in ``node``.

    Many-to-many data (service items) is saved by the caller afterwards, e.g.
    with ``form.save_m2m()``.
    """
    _require_node_perm(
        by_user,
        roles.EDIT_VOLUNTEERS,
        node,
        f"您没有在“{node.name}”登记义工的权限",
    )
    _require_open_node(node)
    volunteer.org_node = node
    volunteer.full_clean()
    volunteer.save()
    Membership.objects.create(
        volunteer=volunteer,
        node=node,
        kind=Membership.Kind.PRIMARY,
        role=role,
        department_title=department_title,
        start_date=start_date or _today(),
    )
    log(volunteer, "wagtail.create", user=by_user, content_changed=True)
    return volunteer


def _stored_home(volunteer):
    """The home node as stored: a submitted form cannot move anyone."""
    node_id = Volunteer.objects.filter(pk=volunteer.pk).values_list(
        "org_node_id", flat=True
    )[0]
    return OrgNode.objects.get(pk=node_id) if node_id else None


def _require_volunteer_perm(by_user, perm, home, message):
    if by_user is None:
        return
    allowed = (
        user_has_node_perm(by_user, perm, home)
        if home
        else is_active_superuser(by_user)
    )
    if not allowed:
        raise PermissionDenied(message)


@transaction.atomic
def volunteer_update(*, volunteer, by_user):
    """Save edits to the volunteer's own fields; the home node only changes by transfer."""
    home = _stored_home(volunteer)
    _require_volunteer_perm(
        by_user, roles.EDIT_VOLUNTEERS, home, f"您没有修改“{volunteer.name}”资料的权限"
    )
    volunteer.org_node = home
    volunteer.full_clean()
    volunteer.save()
    log(volunteer, "wagtail.edit", user=by_user, content_changed=True)
    return volunteer


@transaction.atomic
def volunteer_delete(*, volunteer, by_user):
    home = _stored_home(volunteer)
    _require_volunteer_perm(
        by_user, roles.DELETE_VOLUNTEERS, home, f"您没有删除“{volunteer.name}”的权限"
    )
    log(volunteer, "wagtail.delete", user=by_user, deleted=True)
    volunteer.delete()


# --- Memberships ----------------------------------------------------------------------


@transaction.atomic
def membership_transfer(
    *,
    volunteer,
    to_node,
    by_user,
    on=None,
    role=Membership.Role.MEMBER,
    department_title=None,
    reason="调动",
):
    """Close the open primary membership and open one in ``to_node``.

    The old row keeps its dates; the volunteer's home node becomes ``to_node``.
    The acting user needs edit rights on both ends. ``department_title=None``
    keeps the current 部门及职务.
    """
    on = on or _today()
    volunteer = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    to_node = OrgNode.objects.get(pk=to_node.pk)
    current = (
        volunteer.memberships.filter(
            kind=Membership.Kind.PRIMARY, end_date__isnull=True
        )
        .select_related("node")
        .first()
    )
    from_node = current.node if current else volunteer.org_node
    if from_node is not None:
        _require_node_perm(
            by_user,
            roles.EDIT_VOLUNTEERS,
            from_node,
            f"您没有把“{volunteer.name}”从“{from_node.name}”调出的权限",
        )
    _require_node_perm(
        by_user,
        roles.EDIT_VOLUNTEERS,
        to_node,
        f"您没有把义工调入“{to_node.name}”的权限",
    )
    _require_open_node(to_node)
    if on > _today():
        raise ValidationError({"on": "调动日期不能晚于今天"})
    if current is not None:
        if current.node_id == to_node.pk:
            raise ValidationError(f"“{volunteer.name}”已在“{to_node.name}”，无需调动")
        if on < current.start_date:
            raise ValidationError(
                {
                    "on": f"调动日期不能早于加入“{current.node.name}”的日期（{current.start_date}）"
                }
            )
    if volunteer.memberships.filter(node=to_node, end_date__isnull=True).exists():
        raise ValidationError(
            f"“{volunteer.name}”在“{to_node.name}”已有未结束的成员关系，请先结束后再调入"
        )
    if current is not None:
        current.end_date = on
        current.end_reason = reason
        current.save(update_fields=["end_date", "end_reason"])
        if department_title is None:
            department_title = current.department_title
    membership = Membership.objects.create(
        volunteer=volunteer,
        node=to_node,
        kind=Membership.Kind.PRIMARY,
        role=role,
        department_title=department_title or "",
        start_date=on,
    )
    volunteer.org_node = to_node
    volunteer.save(update_fields=["org_node", "updated_at"])
    log(
        volunteer,
        "registry.transfer",
        user=by_user,
        data={
            "from_node_id": from_node.pk if from_node else None,
            "from_node": from_node.name if from_node else "",
            "to_node_id": to_node.pk,
            "to_node": to_node.name,
            "on": on.isoformat(),
        },
    )
    return membership


@transaction.atomic
def membership_open(
    *,
    volunteer,
    node,
    kind,
    by_user,
    role=Membership.Role.MEMBER,
    department_title="",
    on=None,
):
    """Add a community (社区报到) or post (兼任职务) membership.

    社区报到 is arranged by the volunteer's own team, so it needs edit rights on
    the home node; a post is given by the node that appoints, so it needs them there.
    """
    if kind == Membership.Kind.PRIMARY:
        raise ValueError("primary memberships change through membership_transfer")
    volunteer = Volunteer.objects.select_related("org_node").get(pk=volunteer.pk)
    if kind == Membership.Kind.COMMUNITY:
        _require_volunteer_perm(
            by_user,
            roles.EDIT_VOLUNTEERS,
            volunteer.org_node,
            f"您没有为“{volunteer.name}”办理社区报到的权限",
        )
    else:
        _require_node_perm(
            by_user,
            roles.EDIT_VOLUNTEERS,
            node,
            f"您没有在“{node.name}”任命职务的权限",
        )
    _require_open_node(node)
    membership = Membership(
        volunteer=volunteer,
        node=node,
        kind=kind,
        role=role,
        department_title=department_title,
        start_date=on or _today(),
    )
    membership.full_clean()
    membership.save()
    log(membership, "wagtail.create", user=by_user, content_changed=True)
    return membership


def _require_membership_perm(by_user, membership, message):
    if by_user is not None and not user_has_membership_perm(
        by_user, roles.EDIT_VOLUNTEERS, membership
    ):
        raise PermissionDenied(message)


@transaction.atomic
def membership_close(*, membership, by_user, on=None, reason=""):
    """End a membership on ``on``. Closing the primary one keeps the home node."""
    membership = Membership.objects.select_related("node", "volunteer__org_node").get(
        pk=membership.pk
    )
    _require_membership_perm(by_user, membership, "您没有结束这条成员关系的权限")
    on = on or _today()
    if membership.end_date is not None:
        raise ValidationError(f"这条成员关系已于{membership.end_date}结束")
    if on < membership.start_date:
        raise ValidationError(
            {"on": f"结束日期不能早于开始日期（{membership.start_date}）"}
        )
    if on > _today():
        raise ValidationError({"on": "结束日期不能晚于今天"})
    membership.end_date = on
    membership.end_reason = reason
    membership.save(update_fields=["end_date", "end_reason"])
    log(
        membership,
        "registry.end_membership",
        user=by_user,
        data={
            "node": membership.node.name,
            "kind": membership.get_kind_display(),
            "on": on.isoformat(),
            "reason": reason,
        },
    )
    return membership


@transaction.atomic
def membership_change_role(
    *, membership, role, by_user, on=None, department_title=None
):
    """Appoint a new role: close the membership and open the same one with ``role``."""
    membership = Membership.objects.select_related("node", "volunteer__org_node").get(
        pk=membership.pk
    )
    _require_membership_perm(by_user, membership, "您没有变更这条成员关系职务的权限")
    on = on or _today()
    if membership.end_date is not None:
        raise ValidationError("这条成员关系已结束，不能再变更职务")
    if membership.role == role and (
        department_title is None or department_title == membership.department_title
    ):
        raise ValidationError({"role": "职务没有变化"})
    if on < membership.start_date:
        raise ValidationError(
            {"on": f"变更日期不能早于开始日期（{membership.start_date}）"}
        )
    old_role = membership.get_role_display()
    membership.end_date = on
    membership.end_reason = "职务变更"
    membership.save(update_fields=["end_date", "end_reason"])
    new = Membership(
        volunteer=membership.volunteer,
        node=membership.node,
        kind=membership.kind,
        role=role,
        department_title=(
            membership.department_title
            if department_title is None
            else department_title
        ),
        start_date=on,
    )
    new.full_clean()
    new.save()
    log(
        new,
        "registry.change_role",
        user=by_user,
        data={
            "node": new.node.name,
            "from_role": old_role,
            "to_role": new.get_role_display(),
            "on": on.isoformat(),
        },
    )
    return new


# --- Grants -----------------------------------------------------------------------------


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
            _require_node_perm(
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
            _require_node_perm(
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


# --- Privacy ------------------------------------------------------------------------------


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

ROSTER_EXPORT_ACTION = "rosters.export"
EXPORT_SCOPES = ("node", "subtree")


def record_bulk_export(*, node, user, rows, full_id_numbers, scope, reason=""):
    """Log a 名册 export of ``node`` (its own people, or its whole ``subtree``).

    Full ID numbers need the reveal right on the node and a reason, which goes
    into the node's history with the row count and the scope.
    """
    if scope not in EXPORT_SCOPES:
        raise ValidationError(f"导出范围“{scope}”无效")
    reason = (reason or "").strip()
    if full_id_numbers:
        if not user_has_node_perm(user, roles.REVEAL_ID_NUMBER, node):
            raise PermissionDenied(f"您没有导出“{node.name}”完整身份证号码的权限")
        if not reason:
            raise ValidationError("导出完整身份证号码须填写原因")
    data = {"rows": rows, "full_id_numbers": bool(full_id_numbers), "scope": scope}
    if reason:
        data["reason"] = reason
    return log(node, ROSTER_EXPORT_ACTION, user=user, data=data)
