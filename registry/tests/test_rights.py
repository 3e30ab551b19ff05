"""Subtree rights: an independent oracle, the grant rules, the Wagtail policies."""

import random

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from guardian.core import ObjectPermissionChecker
from guardian.shortcuts import assign_perm
from wagtail.permissions import policy_registry

from registry import roles, services
from registry.models import (
    Membership,
    OrgNode,
    RegistryLogEntry,
    Volunteer,
)
from registry.permissions import (
    MembershipPermissionPolicy,
    OrgNodePermissionPolicy,
    VolunteerPermissionPolicy,
)
from registry.selectors import (
    effective_grants,
    memberships_for_user,
    nodes_for_user,
    user_has_node_perm,
    user_has_volunteer_perm,
    volunteers_for_user,
)

from .factories import fresh, granted, make_user, make_volunteer, role_at

pytestmark = pytest.mark.django_db


# --- Oracle ----------------------------------------------------------------------------


class RandomRegistry:
    """A random tree with grants at random levels, plus the parent map it was built with."""

    def __init__(self, seed, size=40):
        rng = random.Random(seed)
        root = OrgNode.add_root(name="根", kind=OrgNode.Kind.FEDERATION)
        self.parent_of = {root.pk: None}
        created = [root]
        for n in range(size):
            parent = rng.choice([node for node in created if node.depth < 5])
            child = parent.add_child(name=f"节点{n}", kind=OrgNode.Kind.TEAM)
            self.parent_of[child.pk] = parent.pk
            created.append(child)
        self.nodes = {node.pk: node for node in OrgNode.objects.all()}
        self.volunteers = [
            make_volunteer(name=f"义工{node.pk}", node=node)
            for node in self.nodes.values()
        ]
        pick = lambda: rng.choice(list(self.nodes.values()))  # noqa: E731
        self.users = []
        for n in range(8):
            user = make_user(f"user{n}")
            for _ in range(rng.choice([1, 1, 2])):
                assign_role(user, rng.choice(roles.ROLES), pick())
            self.users.append(user)
        group = Group.objects.create(name="随机用户组")
        assign_role(group, roles.INFO_MANAGER, pick())
        for user in self.users[:3]:
            user.groups.add(group)
        group_only = make_user("group-only")
        group_only.groups.add(group)
        inactive = make_user("inactive", is_active=False)
        assign_role(inactive, roles.ADMIN, root)
        # The trap: model-level registry permissions must not open any scope.
        model_perms = make_user("model-perms")
        model_perms.user_permissions.add(
            *Permission.objects.filter(content_type__app_label="registry")
        )
        superuser = make_user("root-user", is_superuser=True)
        self.users += [
            group_only,
            inactive,
            model_perms,
            superuser,
            make_user("nobody"),
        ]

    def expected_nodes(self, user, codename, strict=False):
        """Walk up the recorded parents, asking guardian about direct grants only."""
        if not user.is_active:
            return set()
        if user.is_superuser:
            return set(self.nodes)
        checker = ObjectPermissionChecker(user)
        checker.prefetch_perms(list(self.nodes.values()))
        result = set()
        for pk in self.nodes:
            current = self.parent_of[pk] if strict else pk
            while current is not None:
                if checker.has_perm(f"registry.{codename}", self.nodes[current]):
                    result.add(pk)
                    break
                current = self.parent_of[current]
        return result


def assign_role(user_or_group, role, node):
    for codename in role.codenames:
        assign_perm(f"registry.{codename}", user_or_group, node)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_selectors_and_policies_agree_with_a_parent_walking_oracle(seed):
    world = RandomRegistry(seed)
    node_policy = OrgNodePermissionPolicy(OrgNode)
    volunteer_policy = VolunteerPermissionPolicy(Volunteer)
    volunteers = list(Volunteer.objects.select_related("org_node"))
    for user in world.users:
        user = fresh(user)
        for codename in sorted(roles.CODENAMES):
            expected = world.expected_nodes(user, codename)
            context = (user.username, codename)
            assert set(nodes_for_user(user, codename).values_list("pk", flat=True)) == (
                expected
            ), context
            for node in world.nodes.values():
                assert user_has_node_perm(user, codename, node) == (
                    node.pk in expected
                ), (*context, node.name)
            expected_volunteers = {
                v.pk for v in volunteers if v.org_node_id in expected
            }
            assert (
                set(volunteers_for_user(user, codename).values_list("pk", flat=True))
                == expected_volunteers
            ), context
            for volunteer in volunteers:
                assert user_has_volunteer_perm(user, codename, volunteer) == (
                    volunteer.pk in expected_volunteers
                ), context

        strict = world.expected_nodes(user, roles.MANAGE_NODE, strict=True)
        assert (
            set(
                node_policy.instances_user_has_permission_for(
                    user, "delete"
                ).values_list("pk", flat=True)
            )
            == strict
        ), user.username
        for node in world.nodes.values():
            assert node_policy.user_has_permission_for_instance(
                user, "delete", node
            ) == (node.pk in strict)
        editable = world.expected_nodes(user, roles.EDIT_VOLUNTEERS)
        assert {
            v.pk
            for v in volunteer_policy.instances_user_has_permission_for(user, "change")
        } == {v.pk for v in volunteers if v.org_node_id in editable}
        for volunteer in volunteers:
            assert volunteer_policy.user_has_permission_for_instance(
                user, "change", volunteer
            ) == (volunteer.org_node_id in editable)
        assert volunteer_policy.user_has_permission(user, "change") == bool(editable)


# --- Fixed tree: roles, policies, grant rules -----------------------------------------------


def test_roles_nest_and_are_defined_once():
    assert roles.VIEWER.codenames < roles.INFO_MANAGER.codenames < roles.ADMIN.codenames
    assert roles.REVEAL_ID_NUMBER in roles.INFO_MANAGER.codenames
    assert roles.REVEAL_ID_NUMBER not in roles.VIEWER.codenames
    codenames = set(
        Permission.objects.filter(content_type__model="orgnode").values_list(
            "codename", flat=True
        )
    )
    assert roles.CODENAMES <= codenames
    assert roles.role_for_codenames(roles.ADMIN.codenames) is roles.ADMIN
    assert roles.role_for_codenames({roles.VIEW_REGISTRY, roles.MANAGE_GRANTS}) is (
        roles.VIEWER
    )


def test_grant_inside_ones_subtree(nodes):
    corps_admin = granted("corps", roles.ADMIN, nodes["A"])
    clerk = make_user("clerk")
    assert services.grant_role(
        granted_by=corps_admin,
        user_or_group=clerk,
        role="info_manager",
        node=nodes["A1"],
    )
    clerk = fresh(clerk)
    assert role_at(clerk, nodes["A1a"]) is roles.INFO_MANAGER
    assert role_at(clerk, nodes["A2"]) is None
    assert clerk.has_perm("wagtailadmin.access_admin")
    assert not clerk.has_perm("registry.change_volunteer")  # never model-level
    entry = RegistryLogEntry.objects.get(action="registry.grant", user=corps_admin)
    assert entry.org_node_id == nodes["A1"].pk
    assert entry.message == "授予用户“clerk”“信息管理员”角色"
    # Granting the same role again changes nothing and logs nothing.
    assert not services.grant_role(
        granted_by=corps_admin,
        user_or_group=clerk,
        role="info_manager",
        node=nodes["A1"],
    )
    assert RegistryLogEntry.objects.filter(action="registry.grant").count() == 2


def test_grant_outside_ones_subtree_is_refused(nodes):
    corps_admin = granted("corps", roles.ADMIN, nodes["A"])
    other = make_user("other")
    for node in (nodes["B1"], nodes["branch"]):
        with pytest.raises(PermissionDenied, match="分配权限的权限"):
            services.grant_role(
                granted_by=corps_admin, user_or_group=other, role="viewer", node=node
            )
    clerk = granted("clerk", roles.INFO_MANAGER, nodes["A"])
    with pytest.raises(PermissionDenied):
        services.grant_role(
            granted_by=clerk, user_or_group=other, role="viewer", node=nodes["A1"]
        )
    assert role_at(fresh(other), nodes["A1"]) is None


def test_granting_a_role_one_does_not_hold_is_refused(nodes):
    # A hand-made grant: may delegate, but only holds 查看 otherwise.
    delegate = make_user("delegate")
    for codename in (roles.VIEW_REGISTRY, roles.MANAGE_GRANTS):
        assign_perm(f"registry.{codename}", delegate, nodes["A"])
    other = make_user("other")
    with pytest.raises(PermissionDenied, match="不具有“管理员”角色"):
        services.grant_role(
            granted_by=delegate, user_or_group=other, role="admin", node=nodes["A1"]
        )
    with pytest.raises(PermissionDenied, match="不具有“信息管理员”角色"):
        services.grant_role(
            granted_by=delegate,
            user_or_group=other,
            role="info_manager",
            node=nodes["A1"],
        )
    services.grant_role(
        granted_by=delegate, user_or_group=other, role="viewer", node=nodes["A1"]
    )
    # Nor may they downgrade or revoke someone holding more than they do.
    boss = granted("boss", roles.ADMIN, nodes["A1"])
    with pytest.raises(PermissionDenied, match="高于您的角色"):
        services.grant_role(
            granted_by=delegate, user_or_group=boss, role="viewer", node=nodes["A1"]
        )
    with pytest.raises(PermissionDenied, match="高于您的角色"):
        services.revoke_role(revoked_by=delegate, user_or_group=boss, node=nodes["A1"])


def test_grant_replaces_the_role_on_that_node(nodes):
    user = granted("user", roles.VIEWER, nodes["A1"])
    services.grant_role(
        granted_by=None, user_or_group=user, role="admin", node=nodes["A1"]
    )
    assert role_at(fresh(user), nodes["A1"]) is roles.ADMIN
    services.grant_role(
        granted_by=None, user_or_group=user, role="viewer", node=nodes["A1"]
    )
    user = fresh(user)
    assert role_at(user, nodes["A1"]) is roles.VIEWER
    assert not user_has_node_perm(user, roles.EDIT_VOLUNTEERS, nodes["A1"])
    entry = RegistryLogEntry.objects.filter(action="registry.grant").first()
    assert (entry.data["role"], entry.data["previous_role"]) == ("viewer", "admin")


def test_revoke(nodes):
    corps_admin = granted("corps", roles.ADMIN, nodes["A"])
    clerk = granted("clerk", roles.INFO_MANAGER, nodes["A1"])
    services.revoke_role(revoked_by=corps_admin, user_or_group=clerk, node=nodes["A1"])
    clerk = fresh(clerk)
    assert role_at(clerk, nodes["A1"]) is None
    assert not clerk.has_perm("wagtailadmin.access_admin")
    entry = RegistryLogEntry.objects.get(action="registry.revoke")
    assert entry.message == "撤销用户“clerk”的“信息管理员”角色"
    with pytest.raises(ValidationError, match="没有直接授予的角色"):
        services.revoke_role(
            revoked_by=corps_admin, user_or_group=clerk, node=nodes["A1"]
        )
    outsider = granted("outsider", roles.ADMIN, nodes["B"])
    with pytest.raises(PermissionDenied, match="撤销权限的权限"):
        services.revoke_role(
            revoked_by=outsider, user_or_group=corps_admin, node=nodes["A"]
        )


def test_group_grants(nodes):
    group = Group.objects.create(name="教育系统信息员")
    services.grant_role(
        granted_by=None, user_or_group=group, role="info_manager", node=nodes["A"]
    )
    member = make_user("member")
    member.groups.add(group)
    member = fresh(member)
    assert role_at(member, nodes["A1a"]) is roles.INFO_MANAGER
    assert member.has_perm("wagtailadmin.access_admin")


def test_effective_grants_show_the_anchor(nodes):
    fed_admin = granted("fed", roles.ADMIN, nodes["fed"])
    clerk = granted("clerk", roles.INFO_MANAGER, nodes["A1"])
    granted("elsewhere", roles.VIEWER, nodes["B1"])
    group = Group.objects.create(name="查看组")
    services.grant_role(
        granted_by=None, user_or_group=group, role="viewer", node=nodes["A"]
    )
    grants = effective_grants(nodes["A1a"])
    assert [(str(g.principal), g.role, g.anchor.name, g.inherited) for g in grants] == [
        ("fed", roles.ADMIN, "联合会", True),
        ("查看组", roles.VIEWER, "总队A", True),
        ("clerk", roles.INFO_MANAGER, "队A1", True),
    ]
    assert [
        g.inherited for g in effective_grants(nodes["A1"]) if g.principal == clerk
    ] == [False]
    assert fed_admin in [g.principal for g in effective_grants(nodes["S"])]


def test_model_level_permissions_open_nothing(nodes):
    trap = make_user("trap")
    trap.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="registry")
    )
    trap = fresh(trap)
    make_volunteer(node=nodes["A1"])
    policy = VolunteerPermissionPolicy(Volunteer)
    assert not policy.user_has_permission(trap, "view")
    assert not policy.instances_user_has_any_permission_for(
        trap, ["view", "change"]
    ).exists()
    assert not nodes_for_user(trap, roles.VIEW_REGISTRY).exists()


def test_policies_are_registered_and_refuse_unknown_actions(nodes):
    assert isinstance(policy_registry.get_by_type(OrgNode), OrgNodePermissionPolicy)
    assert isinstance(policy_registry.get_by_type(Volunteer), VolunteerPermissionPolicy)
    assert isinstance(
        policy_registry.get_by_type(Membership), MembershipPermissionPolicy
    )
    admin = granted("admin", roles.ADMIN, nodes["fed"])
    superuser = make_user("su", is_superuser=True)
    policy = OrgNodePermissionPolicy(OrgNode)
    assert not policy.user_has_permission(admin, "frobnicate")
    assert not policy.user_has_permission_for_instance(admin, "frobnicate", nodes["A"])
    assert policy.user_has_permission(superuser, "frobnicate")
    assert set(policy.users_with_permission("frobnicate")) == {superuser}


def test_policy_user_lists(nodes):
    fed = granted("fed", roles.ADMIN, nodes["fed"])
    corps = granted("corps", roles.ADMIN, nodes["A"])
    team = granted("team", roles.ADMIN, nodes["A1"])
    viewer = granted("viewer", roles.VIEWER, nodes["A1"])
    granted("inactive", roles.ADMIN, nodes["A1"], is_active=False)
    granted("b", roles.ADMIN, nodes["B"])
    policy = OrgNodePermissionPolicy(OrgNode)
    assert set(policy.users_with_permission_for_instance("change", nodes["A1"])) == {
        fed,
        corps,
        team,
    }
    # Deleting a node needs a grant above it.
    assert set(policy.users_with_permission_for_instance("delete", nodes["A1"])) == {
        fed,
        corps,
    }
    assert set(
        policy.users_with_any_permission_for_instance(["view"], nodes["A1"])
    ) == {
        fed,
        corps,
        team,
        viewer,
    }
    volunteer = make_volunteer(node=nodes["A1a"])
    volunteer_policy = VolunteerPermissionPolicy(Volunteer)
    assert viewer not in volunteer_policy.users_with_permission_for_instance(
        "reveal_id_number", volunteer
    )
    assert team in volunteer_policy.users_with_permission_for_instance(
        "reveal_id_number", volunteer
    )


def test_memberships_reach_through_node_or_home(nodes):
    station_admin = granted("station", roles.ADMIN, nodes["S"])
    team_clerk = granted("team", roles.INFO_MANAGER, nodes["A1"])
    outsider = granted("outsider", roles.ADMIN, nodes["B"])
    volunteer = make_volunteer(node=nodes["A1"])
    community = services.membership_open(
        volunteer=volunteer, node=nodes["S"], kind="community", by_user=None
    )
    primary = volunteer.memberships.get(kind="primary")
    assert set(memberships_for_user(station_admin, roles.VIEW_REGISTRY)) == {community}
    assert set(memberships_for_user(team_clerk, roles.EDIT_VOLUNTEERS)) == {
        community,
        primary,
    }
    assert not memberships_for_user(outsider, roles.VIEW_REGISTRY).exists()
    assert volunteer not in volunteers_for_user(station_admin, roles.VIEW_REGISTRY)


def test_site_history_is_scoped_to_the_subtree(nodes):
    corps_a = granted("corps-a", roles.VIEWER, nodes["A"])
    in_scope = services.volunteer_create(
        volunteer=Volunteer(name="甲"), node=nodes["A1"], by_user=None
    )
    services.volunteer_create(
        volunteer=Volunteer(name="乙"), node=nodes["B1"], by_user=None
    )
    visible = RegistryLogEntry.objects.viewable_by_user(corps_a)
    assert sorted(visible.values_list("action", "label")) == [
        ("registry.grant", "总队A"),
        ("wagtail.create", "甲"),
    ]
    assert visible.get(action="wagtail.create").object_id == str(in_scope.pk)
    superuser = make_user("su", is_superuser=True)
    assert RegistryLogEntry.objects.viewable_by_user(superuser).count() >= 2


# --- Query counts ---------------------------------------------------------------------------


def test_selector_query_counts_are_bounded(nodes, django_assert_max_num_queries):
    corps = granted("corps", roles.ADMIN, nodes["A"])
    group = Group.objects.create(name="组")
    services.grant_role(
        granted_by=None, user_or_group=group, role="viewer", node=nodes["B"]
    )
    corps.groups.add(group)
    corps = fresh(corps)
    for n in range(60):
        node = nodes["A1"] if n % 2 else nodes["B1"]
        make_volunteer(name=f"义工{n}", node=node)

    with django_assert_max_num_queries(2):  # the grants, then the nodes
        assert len(list(nodes_for_user(corps, roles.VIEW_REGISTRY))) == 6
    for page_size in (10, 50):
        corps = fresh(corps)
        with django_assert_max_num_queries(2):
            page = list(
                volunteers_for_user(corps, roles.VIEW_REGISTRY).select_related(
                    "org_node"
                )[:page_size]
            )
            for volunteer in page:
                assert user_has_volunteer_perm(corps, roles.VIEW_REGISTRY, volunteer)
                str(volunteer.org_node)
        assert len(page) == page_size
    with django_assert_max_num_queries(0):
        for node in nodes.values():
            user_has_node_perm(corps, roles.EDIT_VOLUNTEERS, node)
    with django_assert_max_num_queries(1):
        list(memberships_for_user(corps, roles.VIEW_REGISTRY))
    with django_assert_max_num_queries(2):
        effective_grants(nodes["A1a"])
    with django_assert_max_num_queries(1):
        list(
            OrgNodePermissionPolicy(OrgNode).users_with_permission_for_instance(
                "change", nodes["A1"]
            )
        )
    with django_assert_max_num_queries(1):
        list(RegistryLogEntry.objects.viewable_by_user(corps)[:50])
