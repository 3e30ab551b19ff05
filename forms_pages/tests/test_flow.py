"""Around the forms: abuse checks, deadline, status lookup, resubmission, PDFs, preview."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from registry import roles, services
from registry.models import OrgApplication, Volunteer
from registry.tests.factories import granted

from .conftest import application_data, registration_data

pytestmark = pytest.mark.django_db


def register(client, page, node, **fields):
    response = client.post(page.url, registration_data(node, **fields))
    assert response.status_code == 302, response.context["form"].errors
    return Volunteer.objects.get(name=fields.get("name", "陈小明"))


def apply(client, page, parent, **fields):
    response = client.post(page.url, application_data(parent, **fields))
    assert response.status_code == 302, response.context["form"].errors
    return OrgApplication.objects.latest("pk")


def test_honeypot_filled_saves_nothing(client, register_page, tree):
    response = client.post(
        register_page.url,
        registration_data(tree["A1"], website_url="http://spam.example"),
    )
    assert response.status_code == 200
    assert "website_url" in response.context["form"].errors
    assert not Volunteer.objects.exists()
    page = client.get(register_page.url).content.decode()
    assert 'name="website_url"' in page and 'class="honeypot"' in page
    assert 'name="csrfmiddlewaretoken"' in page


def test_csrf_is_enforced(register_page, tree):
    client = Client(enforce_csrf_checks=True)
    response = client.post(register_page.url, registration_data(tree["A1"]))
    assert response.status_code == 403
    assert not Volunteer.objects.exists()


def test_public_posts_are_rate_limited_per_ip(client, register_page, apply_page, tree):
    for _attempt in range(5):
        assert client.post(register_page.url, {"name": ""}).status_code == 200
    response = client.post(register_page.url, registration_data(tree["A1"]))
    assert response.status_code == 429
    assert "提交过于频繁" in response.content.decode()
    assert not Volunteer.objects.exists()
    # Another address is not held back by this one.
    other = client.post(
        register_page.url,
        registration_data(tree["A1"]),
        REMOTE_ADDR="10.0.0.9",
    )
    assert other.status_code == 302
    for _attempt in range(5):
        client.post(apply_page.url, {"unit_name": ""})
    assert client.post(apply_page.url, application_data(tree["A"])).status_code == 429
    assert not OrgApplication.objects.exists()


def test_deadline_closes_the_form(client, register_page, tree):
    register_page.deadline = timezone.now() - timedelta(minutes=1)
    register_page.save_revision().publish()
    page = client.get(register_page.url)
    assert (
        "已截止" in page.content.decode()
        and "csrfmiddlewaretoken" not in page.content.decode()
    )
    response = client.post(register_page.url, registration_data(tree["A1"]))
    assert response.status_code == 403
    assert "不再接受提交" in response.content.decode()
    assert not Volunteer.objects.exists()
    register_page.deadline = timezone.now() + timedelta(days=1)
    register_page.save_revision().publish()
    assert "截止时间" in client.get(register_page.url).content.decode()
    register(client, register_page, tree["A1"])


def test_status_lookup_with_right_and_wrong_mobile(client, register_page, tree):
    volunteer = register(client, register_page, tree["A1"])
    stranger = Client()
    status_url = f"{register_page.url}status/"
    wrong = stranger.post(
        status_url, {"reference": volunteer.volunteer_number, "mobile": "13900000000"}
    )
    assert wrong.status_code == 200
    assert "没有找到" in wrong.content.decode()
    right = stranger.post(
        status_url,
        {"reference": volunteer.volunteer_number.lower(), "mobile": "138-0013-8000"},
    )
    assert right["Location"] == f"{register_page.url}status/{volunteer.pk}/"
    page = stranger.get(right["Location"]).content.decode()
    assert "待审核" in page and volunteer.name in page


def test_status_lookup_is_rate_limited(client, apply_page, tree):
    status_url = f"{apply_page.url}status/"
    for _attempt in range(10):
        client.post(status_url, {"reference": "SQ2026", "mobile": "13800138000"})
    response = client.post(status_url, {"reference": "SQ2026", "mobile": "1"})
    assert response.status_code == 429


def test_rejected_application_is_resubmitted_with_its_files(client, apply_page, tree):
    application = apply(client, apply_page, tree["A"])
    roster_name = application.roster.name
    services.application_reject(
        application=application, by_user=None, reason="拟用名称不规范"
    )
    stranger = Client()
    stranger.post(
        f"{apply_page.url}status/",
        {"reference": application.reference, "mobile": "13700137000"},
    )
    status = stranger.get(f"{apply_page.url}status/{application.pk}/").content.decode()
    assert "审核不符合" in status and "拟用名称不规范" in status
    assert "修改后重新提交" in status
    resubmit_url = f"{apply_page.url}resubmit/{application.pk}/"
    form_page = stranger.get(resubmit_url)
    assert form_page.context["form"]["proposed_name"].value() == "某局党员义工服务队"
    assert form_page.context["form"]["leader_id_number"].value() == ""
    assert "正在修改审核不符合的申请" in form_page.content.decode()
    data = application_data(tree["A"], proposed_name="台山市某局党员义工服务队")
    for name in ("roster", "leader_id_number", "contact_id_number"):
        del data[name]
    response = stranger.post(resubmit_url, data)
    assert response.status_code == 302, response.context["form"].errors
    application.refresh_from_db()
    assert application.status == OrgApplication.Status.SUBMITTED
    assert application.revision == 2
    assert application.proposed_name == "台山市某局党员义工服务队"
    assert application.roster.name == roster_name
    assert application.leader_id_number  # kept
    assert OrgApplication.objects.count() == 1
    # Not open for revision any more.
    assert stranger.get(resubmit_url)["Location"].endswith(f"status/{application.pk}/")


def test_approved_application_shows_the_group_number(client, apply_page, tree):
    application = apply(client, apply_page, tree["A"])
    node = services.application_approve(application=application, by_user=None)
    page = client.get(f"{apply_page.url}status/{application.pk}/").content.decode()
    assert "审核通过" in page and node.code in page


def test_rejected_registration_is_resubmitted(client, register_page, tree):
    volunteer = register(client, register_page, tree["A1"])
    services.registration_reject(volunteer=volunteer, by_user=None, reason="照片不清晰")
    page = client.get(f"{register_page.url}status/{volunteer.pk}/").content.decode()
    assert "照片不清晰" in page
    data = registration_data(tree["A2"], employer="新单位")
    del data["id_number"]
    response = client.post(f"{register_page.url}resubmit/{volunteer.pk}/", data)
    assert response.status_code == 302, response.context["form"].errors
    volunteer.refresh_from_db()
    assert volunteer.status == Volunteer.Status.PENDING
    assert volunteer.employer == "新单位" and volunteer.org_node == tree["A2"]
    assert Volunteer.objects.count() == 1


def test_registered_volunteer_status(client, register_page, tree):
    volunteer = register(client, register_page, tree["A1"])
    services.registration_approve(volunteer=volunteer, by_user=None)
    page = client.get(f"{register_page.url}status/{volunteer.pk}/").content.decode()
    assert "已注册" in page and volunteer.volunteer_number in page


def test_pdf_and_record_only_for_submitter_or_reviewer(
    client, apply_page, register_page, tree
):
    application = apply(client, apply_page, tree["A"])
    volunteer = register(client, register_page, tree["A1"])
    urls = [
        f"{apply_page.url}done/{application.pk}/pdf/",
        f"{register_page.url}done/{volunteer.pk}/pdf/",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
    stranger = Client()
    for url in [
        *urls,
        f"{apply_page.url}done/{application.pk}/",
        f"{register_page.url}status/{volunteer.pk}/",
    ]:
        assert stranger.get(url).status_code == 404
    assert (
        stranger.get(f"{apply_page.url}done/99999999999999999999/").status_code == 404
    )
    outsider = granted("b", roles.ADMIN, tree["B"])
    stranger.force_login(outsider)
    assert all(stranger.get(url).status_code == 404 for url in urls)
    reviewer = granted("a", roles.ADMIN, tree["A"])
    stranger.force_login(reviewer)
    assert all(stranger.get(url).status_code == 200 for url in urls)


@pytest.mark.parametrize("mode", ["form", "landing"])
def test_preview_of_both_pages(register_page, apply_page, tree, mode):
    for page in (register_page, apply_page):
        response = page.make_preview_request(preview_mode=mode)
        assert response.status_code == 200
        text = response.content.decode()
        if mode == "form":
            assert "csrfmiddlewaretoken" in text and page.title in text
        else:
            assert "提交成功" in text and "（提交后在此显示）" in text


def test_editors_can_create_and_edit_both_page_types(
    client, register_page, apply_page, django_user_model
):
    admin = django_user_model.objects.create_superuser("editor", password="x")
    client.force_login(admin)
    home = register_page.get_parent()
    for model in ("registrationformpage", "applicationformpage"):
        url = f"/admin/pages/add/forms_pages/{model}/{home.pk}/"
        assert client.get(url).status_code == 200
    edit = client.get(f"/admin/pages/{register_page.pk}/edit/").content.decode()
    assert "义工誓词" in edit and "截止时间" in edit
