"""Write-path attacks on the registry admin: crafted POSTs aimed outside the user's scope."""

import pytest
from django.test import Client
from django.urls import reverse
from guardian.shortcuts import assign_perm

from registry import roles, services
from registry.models import (
    IDNumberReveal,
    Membership,
    OrgNode,
    OrgNodeUserObjectPermission,
    RegistryLogEntry,
    Volunteer,
)

from .factories import id_number, make_user

pytestmark = pytest.mark.django_db

HOME = "/admin/"


def login(client, world, username):
    client.force_login(world[3][username])
    return client


def volunteer_form(**fields):
    return {
        "name": "孙八",
        "status": Volunteer.Status.PENDING,
        "id_number": id_number(),
        "membership_role": Membership.Role.MEMBER,
        "department_title": "",
        **fields,
    }


def test_registering_a_volunteer_in_a_foreign_node_is_refused(client, world):
    nodes = world[0]
    login(client, world, "team")
    response = client.post(
        reverse("registry_volunteer:add"), volunteer_form(node=nodes["B1"].pk)
    )
    assert response.status_code == 200
    assert response.context["form"].errors["node"] == [
        "所选组织不在您的管理范围内，请重新选择"
    ]
    # The rejected choice is not echoed back: the widget does not name 队B1.
    assert "队B1" not in response.content.decode()
    assert not Volunteer.objects.filter(name="孙八").exists()


def test_an_edit_post_cannot_move_a_volunteer(client, world):
    nodes, volunteers = world[0], world[1]
    volunteer = volunteers["A1a"]
    login(client, world, "team")
    response = client.post(
        reverse("registry_volunteer:edit", args=[volunteer.pk]),
        {"name": "李四", "status": "registered", "org_node": nodes["B1"].pk},
    )
    assert response.status_code == 302
    volunteer.refresh_from_db()
    assert volunteer.org_node == nodes["A1a"]
    assert not volunteer.memberships.filter(node=nodes["B1"]).exists()


def test_transferring_into_a_foreign_node_is_refused(client, world):
    nodes, volunteers = world[0], world[1]
    volunteer = volunteers["A1a"]
    login(client, world, "corps")
    response = client.post(
        reverse("registry_volunteer:transfer", args=[volunteer.pk]),
        {"to_node": nodes["B1"].pk, "on": "2026-01-01", "role": "member"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["to_node"] == [
        "所选组织不在您的管理范围内，请重新选择"
    ]
    volunteer.refresh_from_db()
    assert volunteer.org_node == nodes["A1a"]
    assert volunteer.memberships.count() == 1


def test_memberships_in_foreign_nodes_or_of_foreign_volunteers_are_refused(
    client, world
):
    nodes, volunteers = world[0], world[1]
    login(client, world, "corps")
    data = {
        "kind": Membership.Kind.POST,
        "role": Membership.Role.VICE_CAPTAIN,
        "department_title": "",
        "start_date": "2026-01-01",
    }
    response = client.post(
        reverse("registry_membership:add"),
        {**data, "volunteer": volunteers["A1a"].pk, "node": nodes["B1"].pk},
    )
    assert response.context["form"].errors["node"] == [
        "所选组织不在您的管理范围内，请重新选择"
    ]
    response = client.post(
        reverse("registry_membership:add"),
        {**data, "volunteer": volunteers["B1"].pk, "node": nodes["A1"].pk},
    )
    assert response.context["form"].errors["volunteer"] == [
        "所选义工不在您的管理范围内，请重新选择"
    ]
    # The foreign volunteer's name is not revealed by the re-shown form.
    assert "赵六" not in response.content.decode()
    assert not Membership.objects.filter(kind=Membership.Kind.POST).exists()


def test_a_primary_membership_cannot_be_added_beside_the_services(client, world):
    nodes, volunteers = world[0], world[1]
    login(client, world, "corps")
    response = client.post(
        reverse("registry_membership:add"),
        {
            "volunteer": volunteers["A1a"].pk,
            "node": nodes["A2"].pk,
            "kind": Membership.Kind.PRIMARY,
            "role": Membership.Role.MEMBER,
            "start_date": "2026-01-01",
        },
    )
    assert "kind" in response.context["form"].errors
    assert volunteers["A1a"].memberships.count() == 1


def test_moving_a_node_under_a_foreign_parent_is_refused(client, world):
    nodes = world[0]
    login(client, world, "corps")
    response = client.post(
        reverse("registry_orgnode:move", args=[nodes["A1a"].pk]),
        {"new_parent": nodes["B1"].pk},
    )
    assert response.status_code == 200
    assert "new_parent" in response.context["form"].errors
    assert OrgNode.objects.get(pk=nodes["A1a"].pk).get_parent() == nodes["A1"]


def test_creating_a_node_under_a_foreign_parent_is_refused(client, world):
    nodes = world[0]
    login(client, world, "corps")
    response = client.post(
        reverse("registry_orgnode:add"),
        {
            "parent": nodes["B"].pk,
            "name": "新队",
            "kind": "team",
            "status": "preparing",
        },
    )
    assert response.context["form"].errors["parent"] == [
        "所选上级组织不在您的管理范围内，请重新选择"
    ]
    assert not OrgNode.objects.filter(name="新队").exists()


def test_foreign_nodes_cannot_be_edited_or_deleted_by_url(client, world):
    nodes = world[0]
    login(client, world, "corps")
    edit = client.post(
        reverse("registry_orgnode:edit", args=[nodes["B1"].pk]),
        {"name": "改名", "kind": "team", "status": "established"},
    )
    delete = client.post(reverse("registry_orgnode:delete", args=[nodes["S"].pk]))
    assert (edit.status_code, delete.status_code) == (404, 404)
    assert OrgNode.objects.get(pk=nodes["B1"].pk).name == "队B1"
    assert OrgNode.objects.filter(pk=nodes["S"].pk).exists()


def test_a_node_cannot_be_deleted_or_moved_by_its_own_administrator(client, world):
    nodes = world[0]
    login(client, world, "corps")
    delete = client.post(reverse("registry_orgnode:delete", args=[nodes["A"].pk]))
    move = client.post(
        reverse("registry_orgnode:move", args=[nodes["A"].pk]),
        {"new_parent": nodes["A2"].pk},
    )
    assert delete["Location"] == HOME and move["Location"] == HOME
    assert OrgNode.objects.get(pk=nodes["A"].pk).get_parent() == nodes["branch"]


def test_granting_outside_ones_subtree_is_not_found(client, world):
    nodes = world[0]
    login(client, world, "corps")
    before = OrgNodeUserObjectPermission.objects.count()
    for key in ("B1", "branch", "fed"):
        response = client.post(
            reverse("registry_orgnode:permissions", args=[nodes[key].pk]),
            {"username": "norole", "role": roles.ADMIN.key},
        )
        assert response.status_code == 404, key
    assert OrgNodeUserObjectPermission.objects.count() == before


def test_granting_needs_the_right_to_grant(client, world):
    nodes = world[0]
    login(client, world, "team")
    response = client.post(
        reverse("registry_orgnode:permissions", args=[nodes["A1"].pk]),
        {"username": "norole", "role": roles.VIEWER.key},
    )
    assert response["Location"] == HOME
    assert not OrgNodeUserObjectPermission.objects.filter(
        user=world[3]["norole"]
    ).exists()


def partial_granter(node):
    """A user who may grant on ``node`` but otherwise only reads (rights set by hand)."""
    user = make_user("partial")
    services.grant_role(
        granted_by=None, user_or_group=user, role=roles.VIEWER, node=node
    )
    assign_perm(f"registry.{roles.MANAGE_GRANTS}", user, node)
    return user


def test_only_roles_the_granter_holds_can_be_granted(client, world):
    nodes = world[0]
    partial = partial_granter(nodes["A"])
    target = world[3]["norole"]
    client.force_login(partial)
    url = reverse("registry_orgnode:permissions", args=[nodes["A1"].pk])
    response = client.get(url)
    assert [key for key, _label in response.context["form"].fields["role"].choices] == [
        roles.VIEWER.key
    ]
    response = client.post(url, {"username": "norole", "role": roles.ADMIN.key})
    assert "role" in response.context["form"].errors
    assert not OrgNodeUserObjectPermission.objects.filter(user=target).exists()
    response = client.post(url, {"username": "norole", "role": roles.VIEWER.key})
    assert response.status_code == 302
    assert set(
        OrgNodeUserObjectPermission.objects.filter(user=target).values_list(
            "permission__codename", flat=True
        )
    ) == set(roles.VIEWER.codenames)


def test_a_role_above_the_granters_own_cannot_be_replaced_or_revoked(client, world):
    nodes, users = world[0], world[3]
    partial = partial_granter(nodes["A"])
    # corps holds 管理员 on A: granted on exactly this node, above partial's rights.
    client.force_login(partial)
    response = client.post(
        reverse("registry_orgnode:permissions", args=[nodes["A"].pk]),
        {"username": "corps", "role": roles.VIEWER.key},
    )
    assert response.context["form"].non_field_errors() == [
        "对方现有的角色高于您的角色，您不能更改"
    ]
    client.post(
        reverse("registry_orgnode:revoke", args=[nodes["A"].pk]),
        {"principal_type": "user", "principal_id": users["corps"].pk},
    )
    assert set(
        OrgNodeUserObjectPermission.objects.filter(
            user=users["corps"], content_object=nodes["A"]
        ).values_list("permission__codename", flat=True)
    ) == set(roles.ADMIN.codenames)


def test_revoking_outside_ones_subtree_is_not_found(client, world):
    nodes, users = world[0], world[3]
    login(client, world, "corps")
    response = client.post(
        reverse("registry_orgnode:revoke", args=[nodes["B1"].pk]),
        {"principal_type": "user", "principal_id": users["viewer"].pk},
    )
    assert response.status_code == 404
    assert OrgNodeUserObjectPermission.objects.filter(user=users["viewer"]).exists()


def test_revealing_a_foreign_id_number_is_refused_and_leaves_no_trace(client, world):
    volunteers = world[1]
    login(client, world, "corps")
    response = client.post(
        reverse("registry_volunteer:reveal", args=[volunteers["B1"].pk])
    )
    assert response.status_code == 404
    login(client, world, "viewer")  # may see B1, may not reveal
    response = client.post(
        reverse("registry_volunteer:reveal", args=[volunteers["B1"].pk])
    )
    assert response["Location"] == HOME
    assert volunteers["B1"].id_number not in response.content.decode()
    assert not IDNumberReveal.objects.exists()
    assert not RegistryLogEntry.objects.filter(
        action="registry.reveal_id_number"
    ).exists()


def test_reveal_needs_post_and_a_csrf_token(world):
    volunteer = world[1]["A1a"]
    client = Client(enforce_csrf_checks=True)
    client.force_login(world[3]["team"])
    url = reverse("registry_volunteer:reveal", args=[volunteer.pk])
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 403
    assert not IDNumberReveal.objects.exists()


def test_a_foreign_node_in_the_filter_is_ignored(client, world):
    nodes = world[0]
    login(client, world, "corps")
    response = client.get(
        reverse("registry_volunteer:index") + f"?org_node={nodes['B1'].pk}"
    )
    assert {v.name for v in response.context["object_list"]} == {"张三", "李四", "王五"}
