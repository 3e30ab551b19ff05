"""附件2 applications and 附件3 registrations: submitted, reviewed, revised."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from registry import policy, roles, services
from registry.models import (
    Membership,
    OrgApplication,
    OrgNode,
    RegistryLogEntry,
    TargetGroup,
    Volunteer,
)

from .factories import granted, id_number, make_volunteer

pytestmark = pytest.mark.django_db


def make_application(parent, **fields):
    values = {
        "parent": parent,
        "org_type": OrgApplication.OrgType.TEAM,
        "proposed_name": "市档案局党员义工服务队",
        "registered_count": 12,
        "unit_name": "台山市档案局",
        "address": "台山市台城桥湖路1号",
        "phone": "0750-5511000",
        "parent_party_org": "市直机关工委",
        "leader": {
            "name": "陈队长",
            "mobile": "13800138001",
            "email": "lead@example.com",
        },
        "leader_id_number": id_number(date(1972, 3, 9)),
        "contact": {
            "name": "李联络",
            "mobile": "13800138002",
            "email": "c@example.com",
        },
        "contact_id_number": id_number(date(1988, 8, 1), male=False),
        "experience": "无",
    } | fields
    return OrgApplication(**values)


def actions(instance):
    return list(
        RegistryLogEntry.objects.for_instance(instance)
        .order_by("timestamp", "pk")
        .values_list("action", flat=True)
    )


# --- Applications -------------------------------------------------------------------


def test_submit_numbers_the_application_and_keeps_revision_one(nodes):
    group = TargetGroup.objects.first()
    application = services.application_submit(
        application=make_application(nodes["A"]), target_groups=[group]
    )
    assert application.reference.startswith("SQ")
    assert application.status == OrgApplication.Status.SUBMITTED
    revision = application.revisions.get()
    assert revision.number == 1
    assert revision.data["target_groups"] == [str(group)]
    assert revision.data["proposed_name"] == "市档案局党员义工服务队"
    assert actions(application) == ["registry.application_submit"]


def test_submit_checks_ids_placement_and_sibling_names(nodes):
    with pytest.raises(ValidationError) as exc:
        services.application_submit(
            application=make_application(
                nodes["A1"],
                org_type=OrgApplication.OrgType.BRANCH,
                leader_id_number="440781197203091234",
            )
        )
    assert set(exc.value.message_dict) == {"leader_id_number", "parent"}
    with pytest.raises(ValidationError) as exc:
        services.application_submit(
            application=make_application(nodes["A"], proposed_name="队A1")
        )
    assert "已有名为“队A1”" in exc.value.message_dict["proposed_name"][0]
    assert not OrgApplication.objects.exists()


def test_review_needs_manage_rights_on_the_parent(nodes):
    application = services.application_submit(application=make_application(nodes["A"]))
    corps_b = granted("corps_b", roles.ADMIN, nodes["B"])
    clerk = granted("clerk", roles.INFO_MANAGER, nodes["A"])
    corps_a = granted("corps_a", roles.ADMIN, nodes["A"])
    assert not policy.may(corps_b, "review", application)
    assert not policy.may(clerk, "review", application)
    assert policy.may(corps_a, "review", application)
    assert list(policy.applications_where(corps_a, "view")) == [application]
    assert not policy.applications_where(corps_b, "view").exists()
    for user in (corps_b, clerk):
        with pytest.raises(PermissionDenied):
            services.application_approve(application=application, by_user=user)


def test_approval_creates_node_and_appoints_leader_and_contact(nodes):
    colleague = make_volunteer("李联络", nodes["B1"])
    application = make_application(nodes["A"])
    colleague.id_number = application.contact_id_number
    colleague.save()
    application = services.application_submit(application=application)
    reviewer = granted("reviewer", roles.ADMIN, nodes["A"])
    filled = []
    node = services.application_approve(
        application=application, by_user=reviewer, populate=filled.append
    )
    assert filled == [node]
    assert node.get_parent() == nodes["A"]
    assert node.kind == OrgNode.Kind.TEAM
    assert node.status == OrgNode.Status.ESTABLISHED
    leader = Volunteer.objects.get(id_number=application.leader_id_number)
    assert leader.org_node == node
    assert leader.status == Volunteer.Status.REGISTERED
    assert leader.memberships.get().role == Membership.Role.HEAD
    # Already a member elsewhere: the post is held alongside the primary team.
    post = colleague.memberships.get(node=node)
    assert (post.kind, post.role) == (Membership.Kind.POST, Membership.Role.CONTACT)
    application.refresh_from_db()
    assert application.status == OrgApplication.Status.APPROVED
    assert application.created_node == node
    assert application.decided_by == reviewer
    assert application.revisions.get().decision == OrgApplication.Status.APPROVED
    assert actions(application)[-1] == "registry.application_approve"


def test_a_failing_populate_undoes_the_approval(nodes):
    application = services.application_submit(application=make_application(nodes["A"]))

    def refuse(node):
        raise ValidationError("名册未能导入")

    with pytest.raises(ValidationError):
        services.application_approve(
            application=application, by_user=None, populate=refuse
        )
    application.refresh_from_db()
    assert application.status == OrgApplication.Status.SUBMITTED
    assert not OrgNode.objects.filter(name=application.proposed_name).exists()
    assert not Volunteer.objects.filter(id_number=application.leader_id_number).exists()


def test_rejection_then_resubmission_keeps_the_history(nodes):
    application = services.application_submit(application=make_application(nodes["A"]))
    reviewer = granted("reviewer", roles.ADMIN, nodes["branch"])
    with pytest.raises(ValidationError):
        services.application_reject(
            application=application, by_user=reviewer, reason=" "
        )
    services.application_reject(
        application=application, by_user=reviewer, reason="请补充党组织简介"
    )
    application.refresh_from_db()
    assert application.status == OrgApplication.Status.REJECTED
    assert application.decision_reason == "请补充党组织简介"
    with pytest.raises(ValidationError):
        services.application_reject(
            application=application, by_user=reviewer, reason="再次"
        )
    application.experience = "2011年起每月到敬老院服务"
    services.application_resubmit(application=application)
    application.refresh_from_db()
    assert application.status == OrgApplication.Status.SUBMITTED
    assert application.revision == 2
    first, second = application.revisions.all()
    assert (first.decision, first.decision_reason) == ("rejected", "请补充党组织简介")
    assert first.data["experience"] == "无"
    assert second.data["experience"] == "2011年起每月到敬老院服务"
    assert second.decision == "submitted"
    assert actions(application) == [
        "registry.application_submit",
        "registry.application_reject",
        "registry.application_resubmit",
    ]
    with pytest.raises(ValidationError):
        services.application_resubmit(application=application)


# --- Registrations ------------------------------------------------------------------


def registration(**fields):
    values = {
        "name": "王小明",
        "id_number": id_number(date(1990, 1, 2)),
        "mobile": "13900139000",
    }
    return Volunteer(**(values | fields))


def test_public_registration_is_pending_with_its_membership_request(nodes):
    volunteer = services.registration_submit(volunteer=registration(), node=nodes["A1"])
    assert volunteer.status == Volunteer.Status.PENDING
    assert volunteer.volunteer_number.startswith("TSV")
    assert volunteer.birth_date == date(1990, 1, 2)
    membership = volunteer.memberships.get()
    assert (membership.node, membership.kind) == (nodes["A1"], Membership.Kind.PRIMARY)
    entry = RegistryLogEntry.objects.for_instance(volunteer).get()
    assert entry.action == "registry.registration_submit"
    assert entry.data["public"] is True


def test_registration_only_into_teams_and_by_rights(nodes):
    with pytest.raises(ValidationError) as exc:
        services.registration_submit(volunteer=registration(), node=nodes["A"])
    assert "请选择具体的义工服务队" in exc.value.message_dict["org_node"][0]
    outsider = granted("outsider", roles.INFO_MANAGER, nodes["B"])
    with pytest.raises(PermissionDenied):
        services.registration_submit(
            volunteer=registration(), node=nodes["A1"], by_user=outsider
        )
    assert not Volunteer.objects.exists()


def test_duplicate_id_names_the_team_and_creates_nothing(nodes):
    held = make_volunteer("王小明", nodes["B1"], id_number=id_number())
    with pytest.raises(ValidationError) as exc:
        services.registration_submit(
            volunteer=registration(id_number=held.id_number), node=nodes["A1"]
        )
    message = exc.value.message_dict["id_number"][0]
    assert "已在“队B1”登记为义工" in message and "调动" in message
    assert Volunteer.objects.count() == 1


def test_team_admin_approves_or_rejects_and_the_applicant_resubmits(nodes):
    volunteer = services.registration_submit(volunteer=registration(), node=nodes["A1"])
    clerk = granted("clerk", roles.INFO_MANAGER, nodes["A1"])
    admin = granted("admin_a1", roles.ADMIN, nodes["A1"])
    with pytest.raises(PermissionDenied):
        services.registration_approve(volunteer=volunteer, by_user=clerk)
    services.registration_reject(
        volunteer=volunteer, by_user=admin, reason="照片不清晰"
    )
    volunteer.refresh_from_db()
    assert volunteer.status == Volunteer.Status.REJECTED
    with pytest.raises(ValidationError) as exc:
        services.registration_submit(
            volunteer=registration(id_number=volunteer.id_number), node=nodes["A1"]
        )
    assert volunteer.volunteer_number in exc.value.message_dict["id_number"][0]
    volunteer.name = "王晓明"
    services.registration_resubmit(volunteer=volunteer, node=nodes["A2"])
    volunteer.refresh_from_db()
    assert (volunteer.status, volunteer.org_node) == ("pending", nodes["A2"])
    assert volunteer.memberships.get(end_date__isnull=True).node == nodes["A2"]
    admin_a2 = granted("admin_a2", roles.ADMIN, nodes["A2"])
    services.registration_approve(volunteer=volunteer, by_user=admin_a2)
    volunteer.refresh_from_db()
    assert volunteer.status == Volunteer.Status.REGISTERED
    assert actions(volunteer) == [
        "registry.registration_submit",
        "registry.registration_reject",
        "registry.registration_resubmit",
        "registry.registration_approve",
    ]
    with pytest.raises(ValidationError):
        services.registration_approve(volunteer=volunteer, by_user=admin_a2)


def test_only_the_team_admin_moves_a_registration_out_of_review(nodes):
    volunteer = services.registration_submit(volunteer=registration(), node=nodes["A1"])
    clerk = granted("clerk", roles.INFO_MANAGER, nodes["A1"])
    volunteer.status = Volunteer.Status.REGISTERED
    with pytest.raises(PermissionDenied, match="管理员审核"):
        services.volunteer_update(volunteer=volunteer, by_user=clerk)
    volunteer.refresh_from_db()
    assert volunteer.status == Volunteer.Status.PENDING
    volunteer.mobile = "13900139001"
    services.volunteer_update(volunteer=volunteer, by_user=clerk)
    admin = granted("admin_a1", roles.ADMIN, nodes["A1"])
    volunteer.status = Volunteer.Status.REGISTERED
    services.volunteer_update(volunteer=volunteer, by_user=admin)
    volunteer.refresh_from_db()
    assert volunteer.status == Volunteer.Status.REGISTERED
