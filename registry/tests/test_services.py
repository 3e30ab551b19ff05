from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from registry import roles, services
from registry.models import Membership, OrgNode, RegistryLogEntry, Volunteer
from registry.selectors import (
    node_leaders_and_contacts,
    nodes_for_user,
    volunteers_for_user,
)

from .factories import granted, id_number, make_user

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def register(node, name="张三", by_user=None, role="member", **fields):
    return services.volunteer_create(
        volunteer=Volunteer(name=name, **fields), node=node, by_user=by_user, role=role
    )


def log_actions(instance):
    return list(
        RegistryLogEntry.objects.for_instance(instance)
        .order_by("timestamp", "pk")
        .values_list("action", flat=True)
    )


# --- Volunteers -----------------------------------------------------------------------


def test_volunteer_create_opens_primary_membership_and_logs(nodes):
    clerk = granted("clerk", roles.INFO_MANAGER, nodes["A1"])
    volunteer = register(nodes["A1a"], by_user=clerk, id_number=id_number())
    membership = volunteer.memberships.get()
    assert (membership.node, membership.kind, membership.end_date) == (
        nodes["A1a"],
        Membership.Kind.PRIMARY,
        None,
    )
    assert volunteer.org_node == nodes["A1a"]
    entry = RegistryLogEntry.objects.for_instance(volunteer).get()
    assert (entry.action, entry.user, entry.org_node_id, entry.label) == (
        "wagtail.create",
        clerk,
        nodes["A1a"].pk,
        "张三",
    )


def test_volunteer_create_outside_ones_subtree_is_refused(nodes):
    clerk = granted("clerk", roles.INFO_MANAGER, nodes["A1"])
    with pytest.raises(PermissionDenied, match="您没有在“队B1”登记义工的权限"):
        register(nodes["B1"], by_user=clerk)
    viewer = granted("viewer", roles.VIEWER, nodes["A1"])
    with pytest.raises(PermissionDenied):
        register(nodes["A1"], by_user=viewer)
    assert not Volunteer.objects.exists()


def test_volunteer_update_cannot_move_the_volunteer(nodes):
    clerk = granted("clerk", roles.INFO_MANAGER, nodes["A1"])
    volunteer = register(nodes["A1"])
    volunteer.org_node = nodes["B1"]  # as a crafted form would
    volunteer.employer = "台山市第一中学"
    services.volunteer_update(volunteer=volunteer, by_user=clerk)
    volunteer.refresh_from_db()
    assert (volunteer.org_node, volunteer.employer) == (nodes["A1"], "台山市第一中学")
    assert log_actions(volunteer) == ["wagtail.create", "wagtail.edit"]


def test_volunteer_update_and_delete_need_rights_on_the_home_node(nodes):
    outsider = granted("outsider", roles.ADMIN, nodes["B"])
    clerk = granted("clerk", roles.INFO_MANAGER, nodes["A"])
    volunteer = register(nodes["A1"])
    with pytest.raises(PermissionDenied):
        services.volunteer_update(volunteer=volunteer, by_user=outsider)
    with pytest.raises(PermissionDenied, match="您没有删除“张三”的权限"):
        services.volunteer_delete(volunteer=volunteer, by_user=clerk)
    admin = granted("admin", roles.ADMIN, nodes["A"])
    services.volunteer_delete(volunteer=volunteer, by_user=admin)
    assert not Volunteer.objects.exists()
    entry = RegistryLogEntry.objects.get(action="wagtail.delete")
    assert (entry.deleted, entry.org_node_id) == (True, nodes["A1"].pk)


# --- Transfers and memberships -----------------------------------------------------------


def test_transfer_keeps_history(nodes):
    volunteer = register(nodes["A1"])
    first = volunteer.memberships.get()
    Membership.objects.filter(pk=first.pk).update(start_date=date(2012, 12, 20))
    admin = granted("admin", roles.ADMIN, nodes["branch"])
    on = TODAY - timedelta(days=3)
    new = services.membership_transfer(
        volunteer=volunteer, to_node=nodes["B1"], by_user=admin, on=on
    )
    old = Membership.objects.get(pk=first.pk)
    assert (old.node, old.start_date, old.end_date, old.end_reason) == (
        nodes["A1"],
        date(2012, 12, 20),
        on,
        "调动",
    )
    assert (new.node, new.start_date, new.end_date) == (nodes["B1"], on, None)
    volunteer.refresh_from_db()
    assert volunteer.org_node == nodes["B1"]
    entry = RegistryLogEntry.objects.get(action="registry.transfer")
    assert entry.data["from_node"] == "队A1" and entry.data["to_node"] == "队B1"
    assert entry.message == "从“队A1”调至“队B1”"


def test_transfer_into_a_foreign_node_is_refused(nodes):
    clerk = granted("clerk", roles.INFO_MANAGER, nodes["A"])
    volunteer = register(nodes["A1"])
    with pytest.raises(PermissionDenied, match="您没有把义工调入“队B1”的权限"):
        services.membership_transfer(
            volunteer=volunteer, to_node=nodes["B1"], by_user=clerk
        )
    foreigner = register(nodes["B1"], name="李四")
    with pytest.raises(PermissionDenied, match="调出的权限"):
        services.membership_transfer(
            volunteer=foreigner, to_node=nodes["A1"], by_user=clerk
        )
    assert Membership.objects.filter(end_date__isnull=False).count() == 0


def test_transfer_within_ones_subtree(nodes):
    clerk = granted("clerk", roles.INFO_MANAGER, nodes["A"])
    volunteer = register(nodes["A1"])
    services.membership_transfer(
        volunteer=volunteer, to_node=nodes["A2"], by_user=clerk
    )
    assert list(
        volunteer.memberships.order_by("pk").values_list("node__name", "end_date")
    ) == [("队A1", TODAY), ("队A2", None)]


@pytest.mark.parametrize(
    "target, on, message",
    [
        ("A1", None, "“张三”已在“队A1”，无需调动"),
        ("A2", TODAY + timedelta(days=1), "调动日期不能晚于今天"),
        ("A2", date(2000, 1, 1), "调动日期不能早于加入“队A1”的日期"),
    ],
)
def test_transfer_validation(nodes, target, on, message):
    volunteer = register(nodes["A1"])
    with pytest.raises(ValidationError, match=message):
        services.membership_transfer(
            volunteer=volunteer, to_node=nodes[target], by_user=None, on=on
        )


def test_transfer_into_a_dissolved_node_is_refused(nodes):
    OrgNode.objects.filter(pk=nodes["A2"].pk).update(status=OrgNode.Status.DISSOLVED)
    volunteer = register(nodes["A1"])
    with pytest.raises(ValidationError, match="“队A2”已撤销"):
        services.membership_transfer(
            volunteer=volunteer, to_node=nodes["A2"], by_user=None
        )


def test_community_registration_and_posts(nodes):
    clerk = granted("clerk", roles.INFO_MANAGER, nodes["A1"])
    volunteer = register(nodes["A1"])
    community = services.membership_open(
        volunteer=volunteer, node=nodes["S"], kind="community", by_user=clerk
    )
    assert community.node == nodes["S"]
    with pytest.raises(ValidationError, match="不是服务站"):
        services.membership_open(
            volunteer=volunteer, node=nodes["A2"], kind="community", by_user=None
        )
    with pytest.raises(PermissionDenied, match="您没有在“总队A”任命职务的权限"):
        services.membership_open(
            volunteer=volunteer,
            node=nodes["A"],
            kind="post",
            role="captain",
            by_user=clerk,
        )
    corps_admin = granted("corps", roles.ADMIN, nodes["A"])
    post = services.membership_open(
        volunteer=volunteer,
        node=nodes["A"],
        kind="post",
        role="captain",
        by_user=corps_admin,
    )
    assert post.get_role_display() == "队长"
    volunteer.refresh_from_db()
    assert volunteer.org_node == nodes["A1"]


def test_closing_the_primary_membership_keeps_the_home_node(nodes):
    clerk = granted("clerk", roles.INFO_MANAGER, nodes["A1"])
    volunteer = register(nodes["A1"])
    membership = volunteer.memberships.get()
    services.membership_close(membership=membership, by_user=clerk, reason="退出")
    membership.refresh_from_db()
    assert (membership.end_date, membership.end_reason) == (TODAY, "退出")
    volunteer.refresh_from_db()
    assert volunteer.org_node == nodes["A1"]
    with pytest.raises(ValidationError, match="已于"):
        services.membership_close(membership=membership, by_user=clerk)


def test_role_change_keeps_the_old_role_in_history(nodes):
    volunteer = register(nodes["A1"])
    membership = volunteer.memberships.get()
    captain = services.membership_change_role(
        membership=membership, role="captain", by_user=None, department_title="书记"
    )
    assert list(
        volunteer.memberships.order_by("pk").values_list(
            "role", "department_title", "end_date"
        )
    ) == [("member", "", TODAY), ("captain", "书记", None)]
    entry = RegistryLogEntry.objects.for_instance(captain).get()
    assert entry.message == "在“队A1”的职务由“队员”改为“队长”"


# --- Nodes ------------------------------------------------------------------------------


def test_node_create_checks_rights_kind_and_names(nodes):
    corps_admin = granted("corps", roles.ADMIN, nodes["A"])
    team = services.org_node_create(
        node=OrgNode(name="队A3", kind=OrgNode.Kind.TEAM),
        parent=nodes["A"],
        by_user=corps_admin,
    )
    assert team.get_parent() == nodes["A"] and team.code.startswith("TSD")
    with pytest.raises(PermissionDenied):
        services.org_node_create(
            node=OrgNode(name="队B9", kind=OrgNode.Kind.TEAM),
            parent=nodes["B"],
            by_user=corps_admin,
        )
    with pytest.raises(ValidationError) as info:
        services.org_node_create(
            node=OrgNode(name="总队X", kind=OrgNode.Kind.CORPS),
            parent=nodes["A"],
            by_user=corps_admin,
        )
    assert "不能设在“义工服务总队”之下" in info.value.message_dict["kind"][0]
    with pytest.raises(ValidationError, match="已有名为“队A3”的组织"):
        services.org_node_create(
            node=OrgNode(name="队A3", kind=OrgNode.Kind.TEAM),
            parent=nodes["A"],
            by_user=corps_admin,
        )
    with pytest.raises(PermissionDenied, match="顶层组织"):
        services.org_node_create(
            node=OrgNode(name="另一联合会", kind=OrgNode.Kind.FEDERATION),
            parent=None,
            by_user=corps_admin,
        )


def test_node_move_keeps_members_history_and_moves_rights(nodes):
    volunteer = register(nodes["A1a"])
    a_admin = granted("a-admin", roles.ADMIN, nodes["A"])
    b_admin = granted("b-admin", roles.ADMIN, nodes["B"])
    team_clerk = granted("team-clerk", roles.INFO_MANAGER, nodes["A1"])
    branch_admin = granted("branch-admin", roles.ADMIN, nodes["branch"])
    assert volunteer in volunteers_for_user(a_admin, roles.VIEW_REGISTRY)

    moved = services.org_node_move(
        node=nodes["A1"], new_parent=nodes["B"], by_user=branch_admin
    )
    assert moved.get_parent() == nodes["B"]
    assert moved.get_descendants().get() == nodes["A1a"]
    volunteer.refresh_from_db()
    assert volunteer.org_node == nodes["A1a"]
    assert volunteer.memberships.get().node == nodes["A1a"]
    # Grants are cached per user object, i.e. per request: look again as a new request.
    a_admin, b_admin, team_clerk = (
        type(u).objects.get(pk=u.pk) for u in (a_admin, b_admin, team_clerk)
    )
    assert volunteer not in volunteers_for_user(a_admin, roles.VIEW_REGISTRY)
    assert volunteer in volunteers_for_user(b_admin, roles.VIEW_REGISTRY)
    assert volunteer in volunteers_for_user(team_clerk, roles.EDIT_VOLUNTEERS)
    entry = RegistryLogEntry.objects.get(action="registry.move_node")
    assert entry.message == "从“总队A”之下移至“总队B”之下"


def test_node_move_rules(nodes):
    a_admin = granted("a-admin", roles.ADMIN, nodes["A"])
    team_admin = granted("team-admin", roles.ADMIN, nodes["A1"])
    with pytest.raises(PermissionDenied, match="须由上级组织的管理员办理"):
        services.org_node_move(
            node=nodes["A1"], new_parent=nodes["A2"], by_user=team_admin
        )
    with pytest.raises(PermissionDenied, match="您没有把组织移到“总队B”之下的权限"):
        services.org_node_move(node=nodes["A1"], new_parent=nodes["B"], by_user=a_admin)
    with pytest.raises(ValidationError, match="它自己或它的下级组织"):
        services.org_node_move(node=nodes["A"], new_parent=nodes["A1"], by_user=None)
    with pytest.raises(ValidationError) as info:
        services.org_node_move(node=nodes["A1a"], new_parent=nodes["S"], by_user=None)
    assert "不能设在“社区义工服务站”之下" in info.value.message_dict["kind"][0]
    services.org_node_move(node=nodes["A1a"], new_parent=nodes["A2"], by_user=a_admin)


def test_node_delete(nodes):
    a_admin = granted("a-admin", roles.ADMIN, nodes["A"])
    with pytest.raises(ValidationError, match="下还有下级组织"):
        services.org_node_delete(node=nodes["A1"], by_user=a_admin)
    register(nodes["A2"])
    with pytest.raises(ValidationError, match="有成员记录，不能删除"):
        services.org_node_delete(node=nodes["A2"], by_user=a_admin)
    with pytest.raises(PermissionDenied):
        services.org_node_delete(node=nodes["A"], by_user=a_admin)
    services.org_node_delete(node=nodes["A1a"], by_user=a_admin)
    assert not OrgNode.objects.filter(pk=nodes["A1a"].pk).exists()
    assert OrgNode.objects.get(pk=nodes["A1"].pk).numchild == 0
    entry = RegistryLogEntry.objects.get(action="wagtail.delete")
    assert entry.org_node_id == nodes["A1"].pk


def test_node_update_cannot_touch_the_tree(nodes):
    team_admin = granted("team-admin", roles.ADMIN, nodes["A1"])
    node = OrgNode.objects.get(pk=nodes["A1"].pk)
    node.phone = "0750-5511941"
    node.path = nodes["B"].path + "0009"
    services.org_node_update(node=node, by_user=team_admin)
    node.refresh_from_db()
    assert (node.phone, node.path) == ("0750-5511941", nodes["A1"].path)
    other = OrgNode.objects.get(pk=nodes["B1"].pk)
    with pytest.raises(PermissionDenied, match="您没有修改“队B1”的权限"):
        services.org_node_update(node=other, by_user=team_admin)


def test_codes_stay_unique_across_many_nodes(nodes):
    for n in range(40):
        services.org_node_create(
            node=OrgNode(name=f"队{n}", kind=OrgNode.Kind.TEAM),
            parent=nodes["B"],
            by_user=None,
        )
    codes = list(OrgNode.objects.values_list("code", flat=True))
    assert len(codes) == len(set(codes)) == OrgNode.objects.count()
    assert nodes_for_user(make_user("nobody"), roles.VIEW_REGISTRY).count() == 0


def test_leaders_and_contacts_come_from_open_memberships(nodes):
    head = register(nodes["A1"], name="负责人甲", role="head")
    captain = register(nodes["A1"], name="队长乙", role="captain")
    contact = register(nodes["A1"], name="联系人丙", role="contact")
    old_captain = register(nodes["A2"], name="前队长", role="captain")
    services.membership_close(membership=old_captain.memberships.get(), by_user=None)
    assert node_leaders_and_contacts([nodes["A1"], nodes["A2"]]) == {
        nodes["A1"].pk: {"leader": captain, "contact": contact},
        nodes["A2"].pk: {"leader": None, "contact": None},
    }
    assert head.memberships.get().get_role_display() == "负责人"
