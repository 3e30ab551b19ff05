"""附件2 online: unit, organisation, people, interests, uploads and the roster check."""

from datetime import date

import pytest

from registry.models import ExpectedServiceArea, OrgApplication, TargetGroup
from registry.tests.factories import id_number

from .conftest import DATA, application_data, jpeg, upload

pytestmark = pytest.mark.django_db


def post(client, page, data):
    return client.post(page.url, data)


def test_application_with_a_good_roster_is_submitted(client, apply_page, tree):
    group = TargetGroup.objects.first()
    area = ExpectedServiceArea.objects.first()
    data = application_data(
        tree["A"],
        target_groups=[str(group.pk)],
        expected_services=[str(area.pk)],
        leader_gender="男",
        leader_birth_date="1970-01-02",
        party_org_profile=upload("简介.pdf", b"%PDF-1.4\n%%EOF"),
        id_copies=upload("身份证.png", jpeg(fmt="PNG")),
    )
    response = post(client, apply_page, data)
    assert response.status_code == 302, response.context["form"].errors
    application = OrgApplication.objects.get()
    assert response["Location"] == f"{apply_page.url}done/{application.pk}/"
    assert application.status == OrgApplication.Status.SUBMITTED
    assert application.parent == tree["A"]
    assert application.roster_rows == 30
    assert application.roster.name and application.party_org_profile.name
    assert application.leader["name"] == "黄队长"
    assert application.leader["gender"] == "男"
    assert application.leader["birth_date"] == "1970-01-02"
    assert application.contact["email"] == "lianluo@example.com"
    assert application.submitted_by is None
    assert list(application.target_groups.all()) == [group]
    assert list(application.expected_services.all()) == [area]
    done = client.get(response["Location"]).content.decode()
    assert application.reference in done


def test_bad_roster_rows_are_shown_and_nothing_is_saved(client, apply_page, tree):
    data = application_data(
        tree["A"],
        roster=upload("名册.xlsx", (DATA / "roster-messy.xlsx").read_bytes()),
    )
    response = post(client, apply_page, data)
    assert response.status_code == 200
    errors = response.context["form"].errors["roster"]
    assert errors[0].startswith("第") and "行 " in errors[0]
    assert len(errors) <= 21
    assert errors[-1].endswith("请修改名册后重新上传")
    assert errors[0] in response.content.decode()
    assert not OrgApplication.objects.exists()


def test_required_fields(client, apply_page, tree):
    response = post(client, apply_page, {"unit_name": ""})
    form = response.context["form"]
    for name in (
        "unit_name",
        "address",
        "phone",
        "parent_party_org",
        "parent",
        "org_type",
        "proposed_name",
        "registered_count",
        "leader_name",
        "leader_mobile",
        "leader_id_number",
        "contact_name",
        "contact_mobile",
        "contact_email",
        "contact_id_number",
        "experience",
        "roster",
    ):
        assert name in form.errors, name
    assert "legal_representative" not in form.errors
    assert "有请列出，无请填“无”" in response.content.decode()


def test_ids_mobiles_and_placement_are_checked(client, apply_page, tree):
    response = post(
        client,
        apply_page,
        application_data(
            tree["A1"],
            leader_id_number="440781197001021235",
            contact_mobile="12345",
        ),
    )
    errors = response.context["form"].errors
    assert "contact_mobile" in errors
    assert "parent" in errors  # a team is no parent of an application
    response = post(
        client,
        apply_page,
        application_data(tree["A"], leader_id_number="440781197001021235"),
    )
    assert "校验位" in response.context["form"].errors["leader_id_number"][0]
    response = post(client, apply_page, application_data(tree["A"], org_type="branch"))
    assert "parent" in response.context["form"].errors
    assert not OrgApplication.objects.exists()


def test_other_texts_are_required_with_other(client, apply_page, tree):
    other_group = TargetGroup.objects.get(name="其他")
    other_area = ExpectedServiceArea.objects.get(name="其他")
    response = post(
        client,
        apply_page,
        application_data(
            tree["A"],
            target_groups=[str(other_group.pk)],
            expected_services=[str(other_area.pk)],
        ),
    )
    errors = response.context["form"].errors
    assert errors["target_groups_other"] == ["勾选了“其它”，请填写具体内容"]
    assert "expected_services_other" in errors


@pytest.mark.parametrize(
    ("field", "name", "content", "message"),
    [
        ("license_copy", "执照.pdf", b"MZ\x90\x00 an exe", "只接受 PDF、JPEG、PNG"),
        ("id_copies", "a.jpg", b"GIF89a....", "只接受 PDF、JPEG、PNG"),
        ("party_org_profile", "a.pdf", b"%PDF-" + b"0" * (5 * 1024 * 1024), "文件过大"),
        ("roster", "名册.xlsx", b"%PDF-1.4", "只接受 XLSX"),
    ],
)
def test_upload_types_are_checked_by_content(
    client, apply_page, tree, field, name, content, message
):
    response = post(
        client,
        apply_page,
        application_data(tree["A"], **{field: upload(name, content)}),
    )
    assert message in " ".join(response.context["form"].errors[field])
    assert not OrgApplication.objects.exists()


def test_signed_in_submitter_is_recorded(client, apply_page, tree, django_user_model):
    user = django_user_model.objects.create_user("unit", password="x")
    client.force_login(user)
    response = post(client, apply_page, application_data(tree["A"]))
    assert response.status_code == 302
    assert OrgApplication.objects.get().submitted_by == user


def test_person_ids_of_leader_and_contact(client, apply_page, tree):
    number = id_number(date(1975, 5, 5))
    response = post(
        client,
        apply_page,
        application_data(tree["A"], leader_id_number=number, contact_id_number=number),
    )
    assert response.status_code == 302
    application = OrgApplication.objects.get()
    assert application.leader_id_number == application.contact_id_number == number
