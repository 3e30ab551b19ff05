"""Rights: roles granted on a node through guardian's direct-FK permission rows.

A grant covers its node's whole subtree. Coverage is computed at query time
from the materialised path: node N is covered by a grant on A when N.path
starts with A.path, so moving a node or adding a sub-team needs no rights
maintenance. The scope primitives live here, beside the grant rows, so that
both the audit log's manager and registry.selectors build on them.
"""

from collections import defaultdict

from django.db import models
from django.db.models import Q
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from .tree import OrgNode

_ANCHOR_CACHE = "_registry_anchor_cache"
STEPLEN = OrgNode.steplen


class OrgNodeUserObjectPermission(UserObjectPermissionBase):
    """A codename granted to a user on a node; covers the node's subtree."""

    content_object = models.ForeignKey(
        OrgNode, on_delete=models.CASCADE, verbose_name="组织"
    )

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = "用户组织权限"
        verbose_name_plural = "用户组织权限"


class OrgNodeGroupObjectPermission(GroupObjectPermissionBase):
    """A codename granted to a group on a node; covers the node's subtree."""

    content_object = models.ForeignKey(
        OrgNode, on_delete=models.CASCADE, verbose_name="组织"
    )

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = "用户组组织权限"
        verbose_name_plural = "用户组组织权限"


# --- Scope primitives ------------------------------------------------------------


def is_active_superuser(user):
    return user.is_active and user.is_superuser


def grant_anchors(user):
    """{codename: (path, ...)} of the user's grants, minimal: no path under another.

    One query (user and group grants in a UNION), cached on the user object, which
    Django builds afresh for every request.
    """
    cached = getattr(user, _ANCHOR_CACHE, None)
    if cached is not None:
        return cached
    by_codename = defaultdict(set)
    if user.is_authenticated and user.is_active:
        user_rows = OrgNodeUserObjectPermission.objects.filter(user=user).values_list(
            "content_object__path", "permission__codename"
        )
        group_rows = OrgNodeGroupObjectPermission.objects.filter(
            group__user=user
        ).values_list("content_object__path", "permission__codename")
        for path, codename in user_rows.union(group_rows):
            by_codename[codename].add(path)
    anchors = {codename: _minimal(paths) for codename, paths in by_codename.items()}
    setattr(user, _ANCHOR_CACHE, anchors)
    return anchors


def _minimal(paths):
    kept = []
    for path in sorted(paths):  # an ancestor sorts before its descendants
        if not any(path.startswith(anchor) for anchor in kept):
            kept.append(path)
    return tuple(kept)


def clear_anchor_cache(user):
    """Forget the cached grants, e.g. after granting to or revoking from ``user``."""
    if hasattr(user, _ANCHOR_CACHE):
        delattr(user, _ANCHOR_CACHE)


def subtree_q(anchors, strict=False, prefix=""):
    """Nodes (or rows via ``prefix``) under any of the ``anchors`` paths."""
    query = Q()
    for path in anchors:
        condition = Q(**{f"{prefix}path__startswith": path})
        if strict:
            condition &= Q(**{f"{prefix}depth__gt": len(path) // STEPLEN})
        query |= condition
    return query


def covered_nodes(user, perm, *, strict=False):
    """OrgNodes covered by the user's grants of ``perm`` (all of them for superusers).

    ``strict`` leaves out the granted nodes themselves (for deleting or moving them).
    """
    if is_active_superuser(user):
        return OrgNode.objects.all()
    anchors = grant_anchors(user).get(perm, ())
    if not anchors:
        return OrgNode.objects.none()
    return OrgNode.objects.filter(subtree_q(anchors, strict))
