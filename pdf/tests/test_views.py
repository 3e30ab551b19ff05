"""The admin's 打印 pages: scoped like the record, full ID numbers only after a logged reveal."""

import pytest
from django.urls import reverse

from pdf import printing, tasks
from pdf.models import RosterPrint
from registry.models import IDNumberReveal, RegistryLogEntry
from registry.tests.admin_world import VOLUNTEER_NODES, holds

from .pdfcheck import page_texts

pytestmark = pytest.mark.django_db

USERS = ("super", "federation", "corps", "team", "viewer", "norole")


def node_urls(node):
    return {
        "roster": reverse("pdf:roster", args=(node.pk,)),
        "application": reverse("pdf:application", args=(node.pk,)),
    }


def volunteer_urls(volunteer):
    return {
        "registration": reverse("pdf:registration", args=(volunteer.pk,)),
        "card": reverse("pdf:card", args=(volunteer.pk,)),
    }


@pytest.mark.parametrize("username", USERS)
def test_every_print_page_answers_only_inside_the_users_scope(client, world, username):
    nodes, volunteers, _memberships, users = world
    client.force_login(users[username])
    for key in VOLUNTEER_NODES:
        expected = 200 if holds(username, "view_registry", key) else 404
        for name, url in {
            **node_urls(nodes[key]),
            **volunteer_urls(volunteers[key]),
        }.items():
            status = client.get(url).status_code
            assert status == expected, (username, key, name, status)


def test_anonymous_users_are_sent_to_the_login_page(client, world):
    nodes, volunteers, _memberships, _users = world
    for url in [
        *node_urls(nodes["A1"]).values(),
        *volunteer_urls(volunteers["A1"]).values(),
    ]:
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_record_pages_show_the_print_buttons_the_user_may_follow(client, world):
    nodes, volunteers, _memberships, users = world
    client.force_login(users["team"])
    node_page = client.get(reverse("registry_orgnode:inspect", args=(nodes["A1"].pk,)))
    for url in node_urls(nodes["A1"]).values():
        assert url in node_page.content.decode()
    volunteer_page = client.get(
        reverse("registry_volunteer:inspect", args=(volunteers["A1"].pk,))
    )
    for url in volunteer_urls(volunteers["A1"]).values():
        assert url in volunteer_page.content.decode()


def test_a_small_roster_downloads_at_once_and_is_logged(client, world):
    nodes, _volunteers, _memberships, users = world
    client.force_login(users["viewer"])
    response = client.post(
        reverse("pdf:roster", args=(nodes["B1"].pk,)), {"scope": "node"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    text = "".join(page_texts(response.content))
    assert "赵六" in text and "138****0003" in text
    entry = RegistryLogEntry.objects.get(action="registry.bulk_export")
    assert entry.data == {"rows": 1, "full_id_numbers": False, "scope": "node"}


def test_an_empty_scope_says_so_instead_of_printing(client, world):
    nodes, _volunteers, _memberships, users = world
    client.force_login(users["corps"])
    response = client.post(
        reverse("pdf:roster", args=(nodes["A"].pk,)), {"scope": "node"}
    )
    assert response.status_code == 200
    assert "所选范围内暂无成员" in response.content.decode()
    assert not RegistryLogEntry.objects.filter(action="registry.bulk_export").exists()


def test_a_large_roster_is_printed_in_the_background(client, world, monkeypatch):
    nodes, _volunteers, _memberships, users = world
    monkeypatch.setattr(printing, "INLINE_ROWS", 2)
    client.force_login(users["corps"])
    response = client.post(
        reverse("pdf:roster", args=(nodes["A"].pk,)), {"scope": "subtree"}
    )
    job = RosterPrint.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("pdf:roster_print", args=(job.uuid,))
    assert job.rows == 3 and job.status == RosterPrint.Status.QUEUED and job.task_id
    page = client.get(response["Location"]).content.decode()
    assert "data-roster-progress" in page and "排队中" in page
    status = client.get(reverse("pdf:roster_print_status", args=(job.uuid,))).json()
    assert status["running"] and status["queued"] and status["total"] == 3

    tasks.render_roster_print.call(job.pk)  # what db_worker does
    job.refresh_from_db()
    assert job.status == RosterPrint.Status.DONE
    page = client.get(reverse("pdf:roster_print", args=(job.uuid,))).content.decode()
    download = reverse("pdf:roster_print_download", args=(job.uuid,))
    assert download in page
    response = client.get(download)
    text = "".join(page_texts(b"".join(response.streaming_content)))
    assert all(name in text for name in ("张三", "李四", "王五"))

    # Another user, even one who may view the node, never gets this file.
    client.force_login(users["federation"])
    assert client.get(download).status_code == 404
    assert client.get(reverse("pdf:roster_print", args=(job.uuid,))).status_code == 404


def test_a_print_whose_worker_died_can_be_ended(client, world, monkeypatch):
    nodes, _volunteers, _memberships, users = world
    monkeypatch.setattr(printing, "INLINE_ROWS", 0)
    client.force_login(users["team"])
    client.post(reverse("pdf:roster", args=(nodes["A1"].pk,)), {"scope": "node"})
    job = RosterPrint.objects.get()
    monkeypatch.setattr(tasks, "background_state", lambda job: "lost")
    page = client.get(reverse("pdf:roster_print", args=(job.uuid,))).content.decode()
    assert "后台生成意外中断" in page
    client.post(reverse("pdf:roster_print_lost", args=(job.uuid,)))
    job.refresh_from_db()
    assert job.status == RosterPrint.Status.FAILED and "请重新打印" in job.message


def test_registration_form_masks_the_id_number_unless_revealed(client, world):
    _nodes, volunteers, _memberships, users = world
    volunteer = volunteers["A1"]
    url = reverse("pdf:registration", args=(volunteer.pk,))

    client.force_login(users["viewer"])  # 查看 on B1 only
    assert client.get(url).status_code == 404

    client.force_login(users["team"])  # 信息管理员 of A1: may reveal
    assert "完整（记录查看）" in client.get(url).content.decode()
    masked = client.post(url, {"id_numbers": "masked"})
    text = "".join(page_texts(masked.content))
    assert "**************" + volunteer.id_number[-4:] in text
    assert volunteer.id_number not in text
    assert not IDNumberReveal.objects.exists()

    full = client.post(url, {"id_numbers": "full", "reason": "存档"})
    assert volunteer.id_number in "".join(page_texts(full.content))
    reveal = IDNumberReveal.objects.get()
    assert reveal.user == users["team"] and reveal.reason == "存档"


def test_viewers_are_not_offered_the_full_number_and_cannot_force_it(client, world):
    _nodes, volunteers, _memberships, users = world
    volunteer = volunteers["B1"]
    url = reverse("pdf:registration", args=(volunteer.pk,))
    client.force_login(users["viewer"])
    assert "完整（记录查看）" not in client.get(url).content.decode()
    response = client.post(url, {"id_numbers": "full", "reason": "想看"})
    assert volunteer.id_number not in "".join(page_texts(response.content))
    assert not IDNumberReveal.objects.exists()


def test_the_card_is_only_for_registered_volunteers(client, world):
    _nodes, volunteers, _memberships, users = world
    volunteer = volunteers["A1"]
    client.force_login(users["team"])
    response = client.get(reverse("pdf:card", args=(volunteer.pk,)))
    assert response["Content-Type"] == "application/pdf"
    assert volunteer.volunteer_number in "".join(page_texts(response.content))

    type(volunteer).objects.filter(pk=volunteer.pk).update(status="suspended")
    response = client.get(reverse("pdf:card", args=(volunteer.pk,)), follow=True)
    assert "审核通过（已注册）后才能打印注册义工服务证" in response.content.decode()
