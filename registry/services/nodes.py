"""Org nodes: create, edit, move (回迁) and delete."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from wagtail.log_actions import log

from .. import roles
from ..models import OrgNode
from ..models.rights import clear_anchor_cache
from ..selectors import is_active_superuser
from .base import require_node_perm


@transaction.atomic
def org_node_create(*, node, parent, by_user):
    """Save the unsaved ``node`` under ``parent`` (None: a new top-level node)."""
    if parent is None:
        if by_user is not None and not is_active_superuser(by_user):
            raise PermissionDenied("只有系统管理员可以新建顶层组织")
    else:
        require_node_perm(
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
    require_node_perm(
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
    require_node_perm(
        by_user,
        roles.MANAGE_NODE,
        node,
        f"您没有移动“{node.name}”的权限：须由上级组织的管理员办理",
        strict=True,
    )
    require_node_perm(
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
    require_node_perm(
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
