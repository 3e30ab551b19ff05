"""Reads of the registry, scoped to what a user may see or change.

A grant (a guardian row on an OrgNode) covers that node and its whole subtree,
computed at query time from the materialised path (registry.models.rights).

Never use ``user.has_perm("registry.…", node)`` for these checks: guardian's
backend only sees grants on the node itself, not on its ancestors.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Count, F, Q
from django.db.models.functions import Substr

from . import roles
from .models import (
    Membership,
    OrgApplication,
    OrgNode,
    OrgNodeGroupObjectPermission,
    OrgNodeUserObjectPermission,
    RegistryLogEntry,
    Volunteer,
)
from .models.rights import (
    STEPLEN,
    covered_nodes,
    grant_anchors,
    is_active_superuser,
    subtree_q,
)


def ancestor_paths(path):
    """Paths of the node at ``path`` and of all its ancestors, root first."""
    return [path[:end] for end in range(STEPLEN, len(path) + 1, STEPLEN)]


def _path_covered(path, anchors, strict):
    if strict:
        return any(path.startswith(a) and len(path) > len(a) for a in anchors)
    return any(path.startswith(a) for a in anchors)


# --- Checks ----------------------------------------------------------------------


def user_has_node_perm(user, perm, node, *, strict=False):
    """Does a grant of ``perm`` on ``node`` or an ancestor reach ``node``?

    ``strict`` asks for a grant strictly above the node (for deleting or moving
    the node itself). No queries once the user's grants are cached.
    """
    if is_active_superuser(user):
        return True
    return _path_covered(node.path, grant_anchors(user).get(perm, ()), strict)


def user_has_perm_anywhere(user, perm):
    """Model-level answer: does the user hold ``perm`` on at least one node?"""
    return is_active_superuser(user) or bool(grant_anchors(user).get(perm))


def user_has_perm_at_root(user, perm):
    """Does the user hold ``perm`` on a whole tree (a grant on a top-level node)?"""
    if is_active_superuser(user):
        return True
    return any(len(path) == STEPLEN for path in grant_anchors(user).get(perm, ()))


def user_node_codenames(user, node):
    """All registry codenames the user holds on ``node`` (own or inherited)."""
    if is_active_superuser(user):
        return set(roles.CODENAMES)
    return {
        codename
        for codename, anchors in grant_anchors(user).items()
        if _path_covered(node.path, anchors, strict=False)
    }


def user_has_volunteer_perm(user, perm, volunteer):
    """Rights on a volunteer follow their home node; select_related("org_node")."""
    if is_active_superuser(user):
        return True
    if volunteer.org_node_id is None:
        return False
    return user_has_node_perm(user, perm, volunteer.org_node)


def user_has_membership_perm(user, perm, membership):
    """A membership is reachable through its node or through the volunteer's home node."""
    if is_active_superuser(user):
        return True
    if user_has_node_perm(user, perm, membership.node):
        return True
    return user_has_volunteer_perm(user, perm, membership.volunteer)


# --- Querysets -------------------------------------------------------------------


def nodes_for_user(user, perm, *, strict=False):
    """OrgNodes covered by the user's grants of ``perm`` (all of them for superusers)."""
    return covered_nodes(user, perm, strict=strict)


def volunteers_for_user(user, perm):
    """Volunteers whose home node is covered; superusers also see those without one."""
    if is_active_superuser(user):
        return Volunteer.objects.all()
    anchors = grant_anchors(user).get(perm, ())
    if not anchors:
        return Volunteer.objects.none()
    return Volunteer.objects.filter(
        org_node__in=nodes_for_user(user, perm).values("pk")
    )


def applications_for_user(user, perm):
    """Applications (附件2) asking to sit under a node the user's ``perm`` covers."""
    if is_active_superuser(user):
        return OrgApplication.objects.all()
    return OrgApplication.objects.filter(
        parent__in=nodes_for_user(user, perm).values("pk")
    )


def memberships_for_user(user, perm):
    """Memberships at a covered node, or of a volunteer whose home node is covered."""
    if is_active_superuser(user):
        return Membership.objects.all()
    anchors = grant_anchors(user).get(perm, ())
    if not anchors:
        return Membership.objects.none()
    covered = nodes_for_user(user, perm).values("pk")
    return Membership.objects.filter(
        Q(node__in=covered) | Q(volunteer__org_node__in=covered)
    )


def top_nodes_for_user(user, perm):
    """The highest nodes the user's grants of ``perm`` reach (the roots for superusers)."""
    if is_active_superuser(user):
        return OrgNode.get_root_nodes()
    return OrgNode.objects.filter(path__in=grant_anchors(user).get(perm, ()))


def subtree_volunteer_counts(nodes):
    """{node.pk: volunteers (not 退出) whose home is in the node's subtree}.

    One query per distinct depth among ``nodes`` (siblings: one query).
    """
    counts = {node.pk: 0 for node in nodes}
    by_depth = defaultdict(dict)
    for node in nodes:
        by_depth[node.depth][node.path] = node.pk
    for depth, pk_by_path in by_depth.items():
        rows = (
            Volunteer.objects.filter(subtree_q(pk_by_path, False, "org_node__"))
            .exclude(status=Volunteer.Status.WITHDRAWN)
            .annotate(_prefix=Substr("org_node__path", 1, depth * STEPLEN))
            .order_by()
            .values_list("_prefix")
            .annotate(_count=Count("pk"))
        )
        for prefix, count in rows:
            counts[pk_by_path[prefix]] = count
    return counts


def users_with_node_perm(codenames, paths):
    """Active users holding any of ``codenames`` on a node in ``paths``, plus superusers.

    ``paths=None`` means on any node at all.
    """
    user_rows = OrgNodeUserObjectPermission.objects.filter(
        permission__codename__in=codenames
    )
    group_rows = OrgNodeGroupObjectPermission.objects.filter(
        permission__codename__in=codenames
    )
    if paths is not None:
        user_rows = user_rows.filter(content_object__path__in=paths)
        group_rows = group_rows.filter(content_object__path__in=paths)
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Q(is_superuser=True)
            | Q(pk__in=user_rows.values("user"))
            | Q(groups__in=group_rows.values("group"))
        )
        .distinct()
    )


# --- Effective access on a node (the 权限 screen) ---------------------------------


@dataclass(frozen=True)
class EffectiveGrant:
    principal: object  # a User or a Group
    is_group: bool
    anchor: OrgNode  # where the grant was made: the node itself or an ancestor
    codenames: frozenset[str]
    node_path: str  # the node the grant is looked at from

    @property
    def role(self):
        return roles.role_for_codenames(self.codenames)

    @property
    def inherited(self):
        return self.node_path != self.anchor.path


def effective_grants(node):
    """Who holds which role on ``node`` and from which node: two queries.

    Ordered from the top of the tree down, users before groups, then by name.
    """
    paths = ancestor_paths(node.path)
    grouped = defaultdict(set)
    principals, anchors = {}, {}
    for model, field in (
        (OrgNodeUserObjectPermission, "user"),
        (OrgNodeGroupObjectPermission, "group"),
    ):
        rows = model.objects.filter(content_object__path__in=paths).select_related(
            field, "content_object", "permission"
        )
        for row in rows:
            principal = getattr(row, field)
            key = (field == "group", principal.pk, row.content_object_id)
            grouped[key].add(row.permission.codename)
            principals[key] = principal
            anchors[key] = row.content_object
    grants = [
        EffectiveGrant(
            principal=principals[key],
            is_group=key[0],
            anchor=anchors[key],
            codenames=frozenset(codenames),
            node_path=node.path,
        )
        for key, codenames in grouped.items()
    ]
    grants.sort(key=lambda g: (g.anchor.depth, g.is_group, str(g.principal)))
    return grants


def direct_grant_codenames(user_or_group, node):
    """Codenames granted to this user or group on exactly ``node``."""
    if isinstance(user_or_group, Group):
        rows = OrgNodeGroupObjectPermission.objects.filter(group=user_or_group)
    else:
        rows = OrgNodeUserObjectPermission.objects.filter(user=user_or_group)
    return set(
        rows.filter(content_object=node).values_list("permission__codename", flat=True)
    )


# --- Leaders and contacts (附件2/附件4) ---------------------------------------


def node_leaders_and_contacts(nodes):
    """{node_id: {"leader": Volunteer|None, "contact": Volunteer|None}} in one query.

    From open memberships: the leader is the longest-serving 队长, else 负责人;
    the contact is the longest-serving 联系人. The node's free-text leader and
    contact fields are the fallback for people not yet registered.
    """
    rank = {Membership.Role.CAPTAIN: 0, Membership.Role.HEAD: 1}
    best = {}
    result = {node.pk: {"leader": None, "contact": None} for node in nodes}
    memberships = (
        Membership.objects.filter(
            node__in=list(result),
            end_date__isnull=True,
            role__in=[*rank, Membership.Role.CONTACT],
        )
        .select_related("volunteer")
        .order_by("start_date", "pk")
    )
    for membership in memberships:
        if membership.role == Membership.Role.CONTACT:
            slot, order = "contact", 0
        else:
            slot, order = "leader", rank[membership.role]
        key = (membership.node_id, slot)
        if key not in best or order < best[key]:
            best[key] = order
            result[membership.node_id][slot] = membership.volunteer
    return result


# --- 名册 (roster) ----------------------------------------------------------


def roster_memberships(node, *, subtree=False):
    """The node's current members as its 名册 lists them: one primary membership each.

    ``subtree``: the members of every team in the node's subtree too, grouped
    by team in tree order; within a team by pinyin. The 名册 export (xlsx/csv)
    and the printed 名册 both read this, so they list the same people in the
    same order.
    """
    memberships = Membership.objects.filter(
        kind=Membership.Kind.PRIMARY, end_date__isnull=True
    )
    if not subtree:
        return (
            memberships.filter(node=node, volunteer__org_node=node)
            .select_related("volunteer")
            .order_by("volunteer__pinyin", "volunteer_id")
        )
    return (
        memberships.filter(
            node__path__startswith=node.path, volunteer__org_node=F("node")
        )
        .select_related("volunteer", "node")
        .order_by("node__path", "volunteer__pinyin", "volunteer_id")
    )


# --- Registrations (附件3) ----------------------------------------------------


def registration_reject_reason(volunteer):
    """Why the volunteer's registration was last turned down ("" if it never was).

    The reason lives in the audit entry of the decision, which the applicant
    is shown on the public status page.
    """
    entry = (
        RegistryLogEntry.objects.for_instance(volunteer)
        .filter(action="registry.registration_reject")
        .order_by("-timestamp", "-pk")
        .first()
    )
    return entry.data.get("reason", "") if entry else ""
