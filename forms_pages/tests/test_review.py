"""The admin's 审核 screens: who sees and decides what, approval end to end, rejection."""

from datetime import date

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.admin.menu import admin_menu

from registry import roles, services
from registry.models import Membership, OrgApplication, OrgNode, Volunteer
from registry.tests.factories import granted, id_number, make_user, make_volunteer
from rosters.tests.files import person, xlsx_bytes

pytestmark = pytest.mark.django_db


def submit(parent, *, roster_rows=3, **fields):
    values = {
        "parent": parent,
        "org_type": OrgApplication.OrgType.TEAM,
        "proposed_name": "市档案局党员义工服务队",
        "registered_count": roster_rows,
        "unit_name": "台山市档案局",
        "address": "台山市台城桥湖路1号",
        "phone": "0750-5511000",
        "parent_party_org": "市直机关工委",
        "leader": {"name": "陈队长", "mobile": "13800138001"},
        "leader_id_number": id_number(date(1972, 3, 9)),
        "contact": {
            "name": "李联络",
            "mobile": "13800138002",
            "email": "c@example.com",
        },
        "contact_id_number": id_number(date(1988, 8, 1), male=False),
        "experience": "无",
    } | fields
    application = OrgApplication(**values)
    if roster_rows:
        rows = [person(n) for n in range(1, roster_rows + 1)]
        application.roster = SimpleUploadedFile("名册.xlsx", xlsx_bytes(rows))
        application.roster_rows = roster_rows
    application.id_copies = SimpleUploadedFile("id.pdf", b"%PDF-1.4 copy")
    return services.application_submit(application=application)


def url(name, *args):
    return reverse(f"forms_pages_review:{name}", args=args)


@pytest.fixture
def people(nodes):
    superuser = make_user("root", is_superuser=True)
    return {
        "superuser": superuser,
        "parent_admin": granted("parent_admin", roles.ADMIN, nodes["A"]),
        "ancestor_admin": granted("ancestor_admin", roles.ADMIN, nodes["fed"]),
        "sibling_admin": granted("sibling_admin", roles.ADMIN, nodes["B"]),
        "parent_clerk": granted("parent_clerk", roles.INFO_MANAGER, nodes["A"]),
    }


ALLOWED = ("superuser", "parent_admin", "ancestor_admin")
REFUSED = ("sibling_admin", "parent_clerk")


def application_urls(application):
    pk = application.pk
    return [
        url("application", pk),
        url("application_file", pk, "roster"),
        url("application_pdf", pk),
        url("application_approve", pk),
        url("application_reject", pk),
    ]


@pytest.mark.parametrize("who", ALLOWED + REFUSED)
def test_the_review_matrix(client, nodes, people, who):
    application = submit(nodes["A"])
    client.force_login(people[who])
    listing = client.get(url("applications"))
    for address in application_urls(application):
        response = client.get(address)
        assert response.status_code == (200 if who in ALLOWED else 404), address
    if who in ALLOWED:
        assert application.reference in listing.content.decode()
    else:
        assert application.reference not in listing.content.decode()
        assert (
            client.post(url("application_approve", application.pk)).status_code == 404
        )
        assert (
            client.post(url("application_reject", application.pk), {"reason": "不行"})
        ).status_code == 404
        application.refresh_from_db()
        assert application.status == OrgApplication.Status.SUBMITTED


def test_anonymous_goes_to_login(client, nodes):
    application = submit(nodes["A"], roster_rows=0)
    for address in [url("applications"), *application_urls(application)]:
        response = client.get(address)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_menu_only_for_reviewers(rf, nodes, people):
    reverse("wagtailadmin_home")  # the admin's URLs (and menu hooks) loaded

    def labels(who):
        request = rf.get("/admin/")
        request.user = people[who]
        items = admin_menu.menu_items_for_request(request)
        group = next((item for item in items if item.label == "审核"), None)
        if group is None:
            return set()
        return {item.label for item in group.menu.menu_items_for_request(request)}

    assert labels("parent_clerk") == set()
    assert labels("parent_admin") == {"成立组织申请", "待审核登记"}


def test_detail_masks_ids_and_serves_attachments(client, nodes, people):
    application = submit(nodes["A"])
    client.force_login(people["parent_admin"])
    page = client.get(url("application", application.pk)).content.decode()
    assert application.leader_id_number not in page
    assert application.leader_id_number[-4:] in page
    assert "市档案局党员义工服务队" in page and "第 1 次" in page
    download = client.get(url("application_file", application.pk, "id_copies"))
    assert b"".join(download.streaming_content) == b"%PDF-1.4 copy"
    assert "no-store" in download["Cache-Control"]
    assert (
        client.get(url("application_file", application.pk, "license_copy")).status_code
        == 404
    )
    assert (
        client.get(url("application_file", application.pk, "leader")).status_code == 404
    )
    pdf = client.get(url("application_pdf", application.pk))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_approval_creates_the_team_with_its_roster(client, nodes, people):
    application = submit(nodes["A"], roster_rows=3)
    client.force_login(people["parent_admin"])
    assert (
        "确认审核通过"
        in client.get(url("application_approve", application.pk)).content.decode()
    )
    response = client.post(url("application_approve", application.pk), follow=True)
    assert "审核通过：已成立" in response.content.decode()
    node = OrgNode.objects.get(name="市档案局党员义工服务队")
    assert node.get_parent() == nodes["A"]
    members = Volunteer.objects.filter(org_node=node)
    assert set(members.values_list("name", flat=True)) >= {
        "测试00001",
        "测试00002",
        "测试00003",
        "陈队长",
        "李联络",
    }
    leader = Membership.objects.get(node=node, volunteer__name="陈队长")
    assert leader.role == Membership.Role.HEAD
    application.refresh_from_db()
    assert application.status == OrgApplication.Status.APPROVED
    assert application.created_node == node
    assert mail.outbox[-1].to == ["c@example.com"]
    assert node.code in mail.outbox[-1].body
    assert client.get(url("application_reject", application.pk)).status_code == 200
    client.post(url("application_reject", application.pk), {"reason": "再退一次"})
    application.refresh_from_db()
    assert application.status == OrgApplication.Status.APPROVED


def test_a_roster_that_no_longer_imports_changes_nothing(client, nodes, people):
    application = submit(nodes["A"], roster_rows=2)
    # One of its people registered elsewhere after the application was sent.
    make_volunteer("测试00001", nodes["B1"], id_number=person(1)["身份证号码"])
    client.force_login(people["parent_admin"])
    response = client.post(url("application_approve", application.pk), follow=True)
    assert "所附名册未能导入，本次审核没有生效" in response.content.decode()
    assert not OrgNode.objects.filter(name=application.proposed_name).exists()
    assert not Volunteer.objects.filter(name="陈队长").exists()
    application.refresh_from_db()
    assert application.status == OrgApplication.Status.SUBMITTED
    assert not mail.outbox


def test_rejection_needs_a_reason_and_tells_the_applicant(client, nodes, people):
    application = submit(nodes["A"], roster_rows=0)
    client.force_login(people["ancestor_admin"])
    response = client.post(url("application_reject", application.pk), {"reason": ""})
    assert "请填写审核不符合的原因" in response.content.decode()
    client.post(
        url("application_reject", application.pk), {"reason": "请补充党组织简介"}
    )
    application.refresh_from_db()
    assert application.status == OrgApplication.Status.REJECTED
    assert "请补充党组织简介" in mail.outbox[-1].body
    assert application.reference in mail.outbox[-1].subject
    application.experience = "每月到敬老院服务"
    services.application_resubmit(application=application)
    page = client.get(url("application", application.pk)).content.decode()
    assert "第 2 次" in page and "每月到敬老院服务" in page
    assert "请补充党组织简介" in page  # the first revision's decision stays


# --- Registrations --------------------------------------------------------------------


def registration(nodes, **fields):
    volunteer = Volunteer(
        name="王小明",
        id_number=id_number(date(1990, 1, 2)),
        mobile="13900139000",
        email="wang@example.com",
        **fields,
    )
    return services.registration_submit(volunteer=volunteer, node=nodes["A1"])


@pytest.mark.parametrize(
    "who, allowed",
    [
        ("team_admin", True),
        ("corps_admin", True),
        ("team_clerk", False),
        ("other", False),
    ],
)
def test_registration_decisions(client, nodes, who, allowed):
    volunteer = registration(nodes)
    user = {
        "team_admin": lambda: granted("u", roles.ADMIN, nodes["A1"]),
        "corps_admin": lambda: granted("u", roles.ADMIN, nodes["A"]),
        "team_clerk": lambda: granted("u", roles.INFO_MANAGER, nodes["A1"]),
        "other": lambda: granted("u", roles.ADMIN, nodes["B"]),
    }[who]()
    client.force_login(user)
    listing = client.get(url("registrations")).content.decode()
    assert ("王小明" in listing) is allowed
    response = client.post(url("registration", volunteer.pk), {"approve": "1"})
    volunteer.refresh_from_db()
    if allowed:
        assert response.status_code == 302
        assert volunteer.status == Volunteer.Status.REGISTERED
        assert "已注册" in mail.outbox[-1].subject
    else:
        assert response.status_code == 404
        assert volunteer.status == Volunteer.Status.PENDING


def test_registration_rejection_with_reason(client, nodes):
    volunteer = registration(nodes)
    client.force_login(granted("u", roles.ADMIN, nodes["A1"]))
    inspect = client.get(reverse("registry_volunteer:inspect", args=(volunteer.pk,)))
    assert url("registration", volunteer.pk) in inspect.content.decode()
    response = client.post(url("registration", volunteer.pk), {"reason": "x"})
    assert "原因至少2个字" in response.content.decode()
    client.post(url("registration", volunteer.pk), {"reason": "照片不清晰"})
    volunteer.refresh_from_db()
    assert volunteer.status == Volunteer.Status.REJECTED
    assert "照片不清晰" in mail.outbox[-1].body
    # No longer pending: no more decisions here.
    assert client.get(url("registration", volunteer.pk)).status_code == 404
