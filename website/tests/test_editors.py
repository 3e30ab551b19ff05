"""Editors and reviewers: groups, the 审核发布 workflow, and the Chinese admin.

Everything goes through the real admin views, as an editor would.
"""

import datetime
import importlib
import json
import os
import re
import subprocess
import tempfile
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core import mail
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.test import Client
from django.test.signals import setting_changed
from django.urls import reverse
from wagtail.documents.models import Document
from wagtail.models import GroupApprovalTask, Page, Site, Workflow
from wagtail.permissions import policy_registry
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from website.models import HomePage, NoticePage

OLD_BODY = "原正文：请各单位做好义工服务活动登记。"
NEW_BODY = "修改后的正文：报名截止日期延长至六月底。"


@pytest.fixture(scope="module", autouse=True)
def project_catalogues():
    """Compiles the project's .po files when their .mo is missing or stale.

    `make test` compiles them first; this lets a bare pytest run test them too.
    Each .mo is written to a temporary file and renamed, so parallel workers
    never read a half-written one.
    """
    compiled = False
    for locale_dir in settings.LOCALE_PATHS:
        for dirpath, _dirnames, filenames in os.walk(locale_dir):
            for name in filenames:
                if not name.endswith(".po"):
                    continue
                po = os.path.join(dirpath, name)
                mo = po[:-3] + ".mo"
                if os.path.exists(mo) and os.path.getmtime(mo) >= os.path.getmtime(po):
                    continue
                fd, tmp = tempfile.mkstemp(dir=dirpath, suffix=".mo.tmp")
                os.close(fd)
                try:
                    subprocess.run(["msgfmt", "--check", "-o", tmp, po], check=True)
                    os.replace(tmp, mo)
                finally:
                    if os.path.exists(tmp):
                        os.remove(tmp)
                compiled = True
    if compiled:
        # Drop translations this worker may already have loaded.
        setting_changed.send(
            sender=None,
            setting="LOCALE_PATHS",
            value=settings.LOCALE_PATHS,
            enter=True,
        )


@pytest.fixture
def notice(db):
    """A live notice under a home page that is the default site's root."""
    root = Page.get_first_root_node()
    home = root.add_child(instance=HomePage(title="首页", slug="editors-home"))
    site = Site.objects.get(is_default_site=True)
    site.root_page = home
    site.save()
    page = NoticePage(
        title="关于开展党员义工服务活动的通知",
        slug="volunteer-notice",
        document_number="台组〔2012〕124号",
        date=datetime.date(2012, 5, 14),
        body=f"<p>{OLD_BODY}</p>",
    )
    home.add_child(instance=page)
    page.issuers.create(name="中共台山市委组织部")
    page.save_revision().publish()
    return NoticePage.objects.get(pk=page.pk)


def user_in(django_user_model, username, group_name):
    user = django_user_model.objects.create_user(
        username=username, email=f"{username}@example.com", password="secret-pass"
    )
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def editor(django_user_model):
    return user_in(django_user_model, "editor", "编辑")


@pytest.fixture
def reviewer(django_user_model):
    return user_in(django_user_model, "reviewer", "审核")


def edit_form(page, body, action):
    """POST data of the notice's edit form with a new body and an action button."""
    issuer = page.issuers.get()
    data = nested_form_data(
        {
            "title": page.title,
            "slug": page.slug,
            "document_number": page.document_number,
            "date": page.date.isoformat(),
            "issuers": inline_formset(
                [{"id": issuer.pk, "name": issuer.name}], initial=1, min=1
            ),
            "recipients": page.recipients,
            "body": rich_text(f"<p>{body}</p>"),
            "body_note": page.body_note,
            "attachments": inline_formset([]),
            "comments": inline_formset([]),
        }
    )
    data[action] = "1"
    return data


def post_edit(client, page, body, action):
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[page.pk]),
        edit_form(page, body, action),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


def public_text(page):
    response = Client().get(page.url)
    assert response.status_code == 200
    return response.content.decode()


def test_migration_sets_up_groups_and_the_workflow_on_the_root(
    notice, editor, reviewer
):
    root = Page.get_first_root_node()
    assert root.title == "根目录"
    workflow = Workflow.objects.get(name="审核发布")
    assert workflow.active
    assert root.get_workflow() == workflow
    assert notice.get_workflow() == workflow
    [task] = workflow.tasks.specific()
    assert isinstance(task, GroupApprovalTask)
    assert list(task.groups.values_list("name", flat=True)) == ["审核"]
    assert not Workflow.objects.get(name="Moderators approval").active

    editor_perms = notice.permissions_for_user(editor)
    assert editor_perms.can_edit()
    assert editor_perms.can_add_subpage()
    assert editor_perms.can_submit_for_moderation()
    assert not editor_perms.can_publish()
    assert not editor_perms.can_unpublish()
    assert not editor_perms.can_delete()

    reviewer_perms = notice.permissions_for_user(reviewer)
    assert reviewer_perms.can_publish()
    assert reviewer_perms.can_unlock()

    assert editor.has_perm("wagtailadmin.access_admin")
    assert not editor.has_perm("website.change_contactsettings")
    assert reviewer.has_perm("website.change_contactsettings")


def test_editors_change_only_the_files_they_uploaded(db, editor, reviewer):
    policy = policy_registry.get_by_type(Document)
    own = Document.objects.create(
        title="本人上传的报名表", file="documents/own.pdf", uploaded_by_user=editor
    )
    other = Document.objects.create(
        title="他人上传的报名表", file="documents/other.pdf", uploaded_by_user=reviewer
    )
    assert policy.user_has_permission(editor, "add")
    assert policy.user_has_permission_for_instance(editor, "choose", other)
    assert policy.user_has_permission_for_instance(editor, "change", own)
    assert not policy.user_has_permission_for_instance(editor, "change", other)
    assert not policy.user_has_permission_for_instance(editor, "delete", other)
    assert policy.user_has_permission_for_instance(reviewer, "delete", own)


def test_only_reviewers_edit_the_site_settings(client, notice, editor, reviewer):
    url = reverse("wagtailsettings:edit", args=["website", "contactsettings"])
    client.force_login(editor)
    assert client.get(url, follow=True).redirect_chain[-1][0] == reverse(
        "wagtailadmin_home"
    )
    client.force_login(reviewer)
    response = client.get(url, follow=True)
    assert response.status_code == 200
    assert "联系方式与页脚" in response.content.decode()


def test_migration_reverses_and_reapplies(db):
    migration = importlib.import_module(
        "website.migrations.0002_editor_groups_and_workflow"
    )
    state = MigrationLoader(connection).project_state(
        ("website", "0002_editor_groups_and_workflow")
    )
    schema_editor = SimpleNamespace(connection=connection)

    migration.remove_groups_and_workflow(state.apps, schema_editor)
    root = Page.get_first_root_node()
    assert root.title == "Root"
    assert not Group.objects.filter(name__in=["编辑", "审核"]).exists()
    assert not Workflow.objects.filter(name="审核发布").exists()
    assert not GroupApprovalTask.objects.filter(name="审核").exists()
    assert root.get_workflow() == Workflow.objects.get(name="Moderators approval")
    assert root.get_workflow().active

    # Applying twice changes nothing the second time.
    for _ in range(2):
        migration.create_groups_and_workflow(state.apps, schema_editor)
    root.refresh_from_db()
    assert root.title == "根目录"
    assert root.get_workflow() == Workflow.objects.get(name="审核发布")
    assert GroupApprovalTask.objects.filter(name="审核").count() == 1
    editors = Group.objects.get(name="编辑")
    assert sorted(
        editors.page_permissions.values_list("permission__codename", flat=True)
    ) == ["add_page", "change_page"]
    assert sorted(
        editors.collection_permissions.values_list("permission__codename", flat=True)
    ) == ["add_document", "add_image", "choose_document", "choose_image"]


def test_editor_change_waits_for_reviewer_approval(
    client, django_user_model, notice, editor, reviewer
):
    admin = django_user_model.objects.create_superuser(
        "admin", "admin@example.com", "secret-pass"
    )
    client.force_login(editor)
    post_edit(client, notice, NEW_BODY, "action-submit")

    notice.refresh_from_db()
    assert notice.has_unpublished_changes
    assert notice.workflow_in_progress
    assert OLD_BODY in public_text(notice)
    assert NEW_BODY not in public_text(notice)

    # Reviewers get Wagtail's own (Chinese) message; the site administrator's
    # notice of the submission is one of ours.
    [to_reviewer] = [m for m in mail.outbox if reviewer.email in m.to]
    assert "审核" in to_reviewer.subject
    assert notice.title in to_reviewer.subject
    to_admin = {m.subject for m in mail.outbox if admin.email in m.to}
    assert f"页面“{notice.title}”已提交到工作流“审核发布”" in to_admin

    # While the page waits for 审核, the workflow locks it for the editor.
    locked = client.get(reverse("wagtailadmin_pages:edit", args=[notice.pk]))
    html = locked.content.decode()
    assert "此页面正在等待审核。" in html
    assert "只有此任务的审核人可以编辑此页面。" in html
    assert "被工作流锁定" in html
    # naturaltime comes from django.contrib.humanize, installed for its catalogue.
    assert re.search(r"(秒之前|现在)提交至“审核”", html)

    mail.outbox.clear()
    client.force_login(reviewer)
    task_state = notice.current_workflow_task_state
    response = client.post(
        reverse(
            "wagtailadmin_pages:workflow_action",
            args=[notice.pk, "approve", task_state.pk],
        ),
        {"comment": ""},
    )
    assert response.status_code in (200, 302)

    notice.refresh_from_db()
    assert not notice.has_unpublished_changes
    assert NEW_BODY in public_text(notice)
    assert OLD_BODY not in public_text(notice)
    [approved] = [m for m in mail.outbox if editor.email in m.to]
    assert notice.title in approved.subject
    assert "批准" in approved.subject


def test_editor_cannot_publish_directly(client, notice, editor):
    live_revision = notice.live_revision_id
    client.force_login(editor)
    post_edit(client, notice, NEW_BODY, "action-publish")

    notice.refresh_from_db()
    assert notice.live_revision_id == live_revision
    assert notice.has_unpublished_changes
    assert NEW_BODY not in public_text(notice)


def test_never_published_page_is_not_found(client, notice, editor):
    client.force_login(editor)
    home = notice.get_parent()
    response = client.post(
        reverse("wagtailadmin_pages:add", args=["website", "noticepage", home.pk]),
        nested_form_data(
            {
                "title": "草稿通知",
                "slug": "draft-notice",
                "date": "2012-06-01",
                "issuers": inline_formset([{"name": "台山市义工联"}], min=1),
                "body": rich_text("<p>尚未发布的草稿。</p>"),
                "attachments": inline_formset([]),
                "comments": inline_formset([]),
                "action-submit": "1",
            }
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    draft = NoticePage.objects.get(slug="draft-notice")
    assert not draft.live
    client.logout()
    assert client.get(draft.url).status_code == 404


def test_login_page_and_page_editor_are_chinese(client, notice, editor):
    login = client.get("/admin/login/").content.decode()
    # From the project catalogue:
    assert "使用后台需要浏览器启用 JavaScript" in login
    assert "enable-javascript.com" not in login
    assert "JavaScript is required" not in login
    # Wagtail's login form has no label for the password; ours adds Django's.
    assert re.search(r'<label[^>]*for="id_password"[^>]*>\s*密码', login)

    client.force_login(editor)
    root = Page.get_first_root_node()
    explorer = client.get(reverse("wagtailadmin_explore", args=[root.pk]))
    assert "浏览: 根目录" in explorer.content.decode()

    editing = client.get(reverse("wagtailadmin_pages:edit", args=[notice.pk]))
    html = editing.content.decode()
    for chinese in ["内容指标", "自动保存已暂停", "可读性", "锁定："]:
        assert chinese in html
    for english in ["Content metrics", "Autosave is paused", "Readability"]:
        assert english not in html

    # The editor's scripts take their strings from the JavaScript catalogue.
    scripts = client.get(reverse("wagtailadmin_javascript_catalog")).content.decode()
    assert json.dumps("正在自动保存…") in scripts  # Autosave in progress…
