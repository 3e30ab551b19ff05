"""Memberships: transfer (调动), 社区报到 and posts, ending, role changes."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from wagtail.log_actions import log

from .. import roles
from ..models import Membership, OrgNode, Volunteer
from ..selectors import user_has_membership_perm
from .base import require_node_perm, require_open_node, require_volunteer_perm, today


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
    on = on or today()
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
        require_node_perm(
            by_user,
            roles.EDIT_VOLUNTEERS,
            from_node,
            f"您没有把“{volunteer.name}”从“{from_node.name}”调出的权限",
        )
    require_node_perm(
        by_user,
        roles.EDIT_VOLUNTEERS,
        to_node,
        f"您没有把义工调入“{to_node.name}”的权限",
    )
    require_open_node(to_node)
    if on > today():
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
        require_volunteer_perm(
            by_user,
            roles.EDIT_VOLUNTEERS,
            volunteer.org_node,
            f"您没有为“{volunteer.name}”办理社区报到的权限",
        )
    else:
        require_node_perm(
            by_user,
            roles.EDIT_VOLUNTEERS,
            node,
            f"您没有在“{node.name}”任命职务的权限",
        )
    require_open_node(node)
    membership = Membership(
        volunteer=volunteer,
        node=node,
        kind=kind,
        role=role,
        department_title=department_title,
        start_date=on or today(),
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
    on = on or today()
    if membership.end_date is not None:
        raise ValidationError(f"这条成员关系已于{membership.end_date}结束")
    if on < membership.start_date:
        raise ValidationError(
            {"on": f"结束日期不能早于开始日期（{membership.start_date}）"}
        )
    if on > today():
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
    on = on or today()
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
