"""The admin pages: upload, preview, signed confirmation, background jobs, export, scope."""

import io

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import get_resolver, reverse
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from registry import roles
from registry.models import RegistryLogEntry, Volunteer
from registry.services import grant_role, revoke_role
from registry.tests.factories import granted, make_user, make_volunteer
from rosters import services
from rosters.models import RosterImport
from rosters.tasks import apply_roster_import, check_roster_import

from .conftest import FIXTURES
from .files import EXPORTED_HEADER, person, xlsx_bytes

pytestmark = pytest.mark.django_db


def upload(client, node, data, name="名册.xlsx"):
    return client.post(
        reverse("rosters:upload", args=[node.pk]),
        {"file": SimpleUploadedFile(name, data)},
    )


def preview(client, job):
    return client.get(reverse("rosters:import", args=[job.pk]))


def confirm(client, job, token=None, mode="all"):
    if token is None:
        token = preview(client, job).context["confirm_all"]["token"].value()
    return client.post(
        reverse("rosters:confirm", args=[job.pk]), {"token": token, "mode": mode}
    )


def page_messages(response):
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def manager_client(client, info_manager):
    client.force_login(info_manager)
    return client


# --- Upload, preview, confirm ---------------------------------------------------------------------


def test_upload_preview_confirm(manager_client, nodes, info_manager):
    response = upload(
        manager_client, nodes["A1"], (FIXTURES / "roster-clean-30.xlsx").read_bytes()
    )
    job = RosterImport.objects.get()
    assert response.url == reverse("rosters:import", args=[job.pk])
    assert (job.status, job.user, job.node, job.background) == (
        "checked",
        info_manager,
        nodes["A1"],
        False,
    )
    page = preview(manager_client, job)
    html = page.content.decode()
    assert "全部 30 行都通过了检查" in html
    assert "李四 / 2026-11-01" in html  # 录入人 / 更新日期 of the file
    assert Volunteer.objects.count() == 0  # the preview writes nothing

    response = confirm(manager_client, job)
    job.refresh_from_db()
    assert job.status == "imported"
    assert Volunteer.objects.filter(org_node=nodes["A1"]).count() == 30
    assert not job.file  # the uploaded copy of the ID numbers is gone
    followed = manager_client.get(response.url)
    assert page_messages(followed) == ["已导入到“队A1”：新增30人，更新0人，无变化0人"]
    entry = RegistryLogEntry.objects.get(action="registry.bulk_register")
    assert (entry.user, entry.org_node_id, entry.uuid) == (
        info_manager,
        nodes["A1"].pk,
        job.uuid,
    )
    # One entry for the import, which is every new volunteer's creation entry.
    for volunteer in Volunteer.objects.all():
        assert list(RegistryLogEntry.objects.for_instance(volunteer)) == [entry]


def test_each_volunteers_history_shows_the_imports_that_created_and_changed_it(
    manager_client, nodes
):
    def import_rows(rows):
        upload(manager_client, nodes["A1"], xlsx_bytes(rows))
        confirm(manager_client, RosterImport.objects.latest("pk"))

    import_rows([person(n) for n in (1, 2, 3)])
    import_rows([person(1, 学历="大专"), person(2, 学历="大专"), person(3)])

    def history(n):
        volunteer = Volunteer.objects.get(id_number=person(n)["身份证号码"])
        response = manager_client.get(
            reverse("registry_volunteer:history", args=[volunteer.pk])
        )
        return [
            (entry.action, entry.user_display_name, entry.data.get("fields"))
            for entry in response.context["object_list"]
        ]

    created = ("registry.bulk_register", "a1-info", None)
    # Both edits of the second import share its uuid: each record keeps its own.
    assert history(1) == [("wagtail.edit", "a1-info", ["最高学历"]), created]
    assert history(2) == [("wagtail.edit", "a1-info", ["最高学历"]), created]
    assert history(3) == [created]


def test_row_errors_shown_in_chinese_and_nothing_written_by_default(
    manager_client, nodes
):
    upload(manager_client, nodes["A1"], (FIXTURES / "roster-messy.xlsx").read_bytes())
    job = RosterImport.objects.get()
    html = preview(manager_client, job).content.decode()
    assert "有 9 行未通过检查" in html
    assert "第 27 行</td><td>电话</td><td>电话“1234”不是有效的手机号码" in html
    assert "列“期望结果”无法识别，其中的内容不会导入" in html
    response = confirm(manager_client, job, mode="all")
    job.refresh_from_db()
    assert job.status == "failed"
    assert job.message == "有9行未通过检查，按“全部成功才导入”的规则，没有导入任何数据"
    assert not job.file  # it cannot be confirmed again: the upload is gone
    assert page_messages(manager_client.get(response.url)) == [job.message]
    assert Volunteer.objects.count() == 0


def test_import_only_valid_rows_when_chosen(manager_client, nodes):
    upload(manager_client, nodes["A1"], (FIXTURES / "roster-messy.xlsx").read_bytes())
    job = RosterImport.objects.get()
    token = preview(manager_client, job).context["confirm_valid_only"]["token"].value()
    confirm(manager_client, job, token=token, mode="valid_only")
    job.refresh_from_db()
    assert (job.status, job.mode) == ("imported", "valid_only")
    assert Volunteer.objects.count() == 32
    response = manager_client.get(reverse("rosters:failed_rows", args=[job.pk]))
    assert response["Content-Disposition"].startswith("attachment;")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][-1] == "错误原因"
    assert len(rows) == 2 + 9


def test_unreadable_file_refused_on_the_form(manager_client, nodes):
    response = upload(manager_client, nodes["A1"], b"%PDF-1.4\x00\x00", name="名册.pdf")
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        "文件不是 Excel 工作簿（.xlsx）或 CSV 表格：请上传名册的 .xlsx 或 .csv 文件"
    ]
    assert not RosterImport.objects.exists()


def test_oversized_file_refused_on_the_form(manager_client, nodes, settings):
    settings.ROSTER_IMPORT_MAX_BYTES = 2048
    response = upload(manager_client, nodes["A1"], xlsx_bytes([person(1)]))
    assert response.context["form"].errors["file"][0].startswith("文件大小为")
    assert "超过上限2 KB" in response.context["form"].errors["file"][0]


# --- The signed confirmation -------------------------------------------------------------------------


@pytest.fixture
def checked_job(manager_client, nodes):
    upload(manager_client, nodes["A1"], xlsx_bytes([person(1), person(2)]))
    return RosterImport.objects.get()


def test_tampered_token_refused(manager_client, checked_job):
    token = preview(manager_client, checked_job).context["confirm_all"]["token"].value()
    response = confirm(manager_client, checked_job, token=token[:-2] + "xx")
    assert page_messages(manager_client.get(response.url)) == [
        "确认信息无效或已被改动，没有导入任何数据：请重新上传文件并预览"
    ]
    checked_job.refresh_from_db()
    assert checked_job.status == "checked"
    assert Volunteer.objects.count() == 0


def test_token_of_another_import_refused(manager_client, nodes, checked_job):
    upload(manager_client, nodes["A1"], xlsx_bytes([person(3)]))
    other = RosterImport.objects.exclude(pk=checked_job.pk).get()
    token = preview(manager_client, other).context["confirm_all"]["token"].value()
    response = confirm(manager_client, checked_job, token=token)
    assert page_messages(manager_client.get(response.url)) == [
        "这份确认信息不是为您的这次导入签发的，没有导入任何数据"
    ]
    assert Volunteer.objects.count() == 0


def test_another_users_token_and_import_refused(
    client, nodes, checked_job, info_manager
):
    colleague = granted("a1-colleague", roles.INFO_MANAGER, nodes["A1"])
    token = services.confirmation_token(checked_job, info_manager)
    client.force_login(colleague)
    # Someone else's import is not there for the colleague at all ...
    assert (
        client.get(reverse("rosters:import", args=[checked_job.pk])).status_code == 404
    )
    assert confirm(client, checked_job, token=token).status_code == 404
    # ... and a token issued to them does not confirm the uploader's import.
    colleague_token = services.confirmation_token(checked_job, colleague)
    client.force_login(info_manager)
    response = confirm(client, checked_job, token=colleague_token)
    assert page_messages(client.get(response.url)) == [
        "这份确认信息不是为您的这次导入签发的，没有导入任何数据"
    ]
    assert Volunteer.objects.count() == 0


def test_file_changed_after_preview_refused(manager_client, checked_job):
    with checked_job.file.open("ab") as handle:
        handle.write(b"appended")
    response = confirm(manager_client, checked_job)
    assert page_messages(manager_client.get(response.url)) == [
        "文件在预览之后被改动，没有导入任何数据：请重新上传文件并预览"
    ]
    assert Volunteer.objects.count() == 0


def test_second_confirmation_refused(manager_client, checked_job):
    token = preview(manager_client, checked_job).context["confirm_all"]["token"].value()
    confirm(manager_client, checked_job, token=token)
    response = confirm(manager_client, checked_job, token=token)
    assert page_messages(manager_client.get(response.url))[-1] == (
        "这次导入的状态是“已导入”，不能再确认"
    )
    assert Volunteer.objects.count() == 2


def test_data_changed_since_preview_writes_nothing(manager_client, nodes, checked_job):
    make_volunteer(
        name="测试00002", node=nodes["A1"], id_number=person(2)["身份证号码"]
    )
    confirm(manager_client, checked_job)
    checked_job.refresh_from_db()
    assert checked_job.status == "failed"
    assert checked_job.message.startswith("预览之后系统中的数据有了变化")
    assert Volunteer.objects.count() == 1


# --- Background jobs ------------------------------------------------------------------------------------


def test_large_file_checked_and_imported_in_the_background(
    manager_client, nodes, settings
):
    settings.ROSTER_IMPORT_BACKGROUND_ROWS = 5
    upload(manager_client, nodes["A1"], xlsx_bytes([person(n) for n in range(1, 11)]))
    job = RosterImport.objects.get()
    assert (job.background, job.status) == (True, "checking")
    task = DBTaskResult.objects.get(id=job.task_id)
    assert (task.task_path, task.queue_name, task.args_kwargs["args"]) == (
        "rosters.tasks.check_roster_import",
        "rosters",
        [job.pk],
    )
    status_url = reverse("rosters:import_status", args=[job.pk])
    state = manager_client.get(status_url).json()
    assert (state["running"], state["queued"], state["total"]) == (True, True, 13)
    assert "排队中，等待后台处理" in preview(manager_client, job).content.decode()

    check_roster_import.call(job.pk)  # what db_worker does
    assert manager_client.get(status_url).json()["running"] is False
    confirm(manager_client, job)
    job.refresh_from_db()
    assert job.status == "importing"
    apply_task = DBTaskResult.objects.get(id=job.task_id)
    assert apply_task.task_path == "rosters.tasks.apply_roster_import"
    assert Volunteer.objects.count() == 0

    apply_roster_import.call(*apply_task.args_kwargs["args"])
    job.refresh_from_db()
    assert job.status == "imported"
    assert Volunteer.objects.count() == 10
    state = manager_client.get(status_url).json()
    assert (state["running"], state["percent"], state["label"]) == (
        False,
        100,
        "已导入",
    )


def test_progress_reported_while_running(manager_client, nodes, settings):
    settings.ROSTER_IMPORT_BACKGROUND_ROWS = 5
    upload(manager_client, nodes["A1"], xlsx_bytes([person(n) for n in range(1, 11)]))
    job = RosterImport.objects.get()
    DBTaskResult.objects.filter(id=job.task_id).update(status="RUNNING")
    services.set_progress(job, 6)
    state = manager_client.get(reverse("rosters:import_status", args=[job.pk])).json()
    assert (state["running"], state["queued"], state["done"], state["percent"]) == (
        True,
        False,
        6,
        46,
    )


def test_worker_that_died_is_reported_and_ended_on_request(
    manager_client, nodes, settings
):
    settings.ROSTER_IMPORT_BACKGROUND_ROWS = 5
    upload(manager_client, nodes["A1"], xlsx_bytes([person(n) for n in range(1, 11)]))
    job = RosterImport.objects.get()
    DBTaskResult.objects.filter(id=job.task_id).update(status="FAILED")
    state = manager_client.get(reverse("rosters:import_status", args=[job.pk])).json()
    assert (state["running"], state["lost"], state["status"]) == (
        False,
        True,
        "checking",
    )
    page = manager_client.get(reverse("rosters:import", args=[job.pk]))
    assert "后台处理意外中断" in page.content.decode()
    # Looking is not acting: the job is unchanged until the user ends it.
    job.refresh_from_db()
    assert (job.status, job.message) == (RosterImport.Status.CHECKING, "")
    response = manager_client.post(reverse("rosters:abandon", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == RosterImport.Status.FAILED
    assert job.message.startswith("后台处理意外中断")


def test_ending_a_running_import_that_is_not_lost_changes_nothing(
    manager_client, nodes, settings
):
    settings.ROSTER_IMPORT_BACKGROUND_ROWS = 5
    upload(manager_client, nodes["A1"], xlsx_bytes([person(n) for n in range(1, 11)]))
    job = RosterImport.objects.get()
    DBTaskResult.objects.filter(id=job.task_id).update(status="RUNNING")
    manager_client.post(reverse("rosters:abandon", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == RosterImport.Status.CHECKING
    assert (
        manager_client.get(reverse("rosters:abandon", args=[job.pk])).status_code == 405
    )


# --- Export and template -------------------------------------------------------------------------------


def exported(client, node, **data):
    response = client.post(
        reverse("rosters:export", args=[node.pk]), {"scope": "node", **data}
    )
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    return load_workbook(io.BytesIO(data)).active


def test_export_keeps_ids_as_text_and_neutralises_formulas(manager_client, nodes):
    rows = [person(1, 姓名="@SUM(A1)"), person(2, 部门及职务='=HYPERLINK("http://x")')]
    upload(manager_client, nodes["A1"], xlsx_bytes(rows))
    confirm(manager_client, RosterImport.objects.get())
    sheet = exported(manager_client, nodes["A1"], id_numbers="full", reason="核对")
    assert [cell.value for cell in sheet[3]][:3] == ["序号", "姓名", "性别"]
    by_name = {row[1].value: row for row in sheet.iter_rows(min_row=4)}
    first = by_name["'@SUM(A1)"]
    id_cell = first[9]
    assert (id_cell.value, id_cell.data_type, id_cell.number_format) == (
        person(1)["身份证号码"],
        "s",
        "@",
    )
    assert (first[7].value, first[7].number_format) == ("13800000001", "@")
    department = by_name["测试00002"][5]
    assert (department.value, department.data_type) == ('\'=HYPERLINK("http://x")', "s")
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)


def test_viewer_exports_masked_but_may_not_import(client, nodes, viewer):
    make_volunteer(
        name="张三",
        node=nodes["A1"],
        id_number=person(1)["身份证号码"],
        mobile="13800000001",
    )
    client.force_login(viewer)
    sheet = exported(client, nodes["A1"])
    row = [cell.value for cell in sheet[4]]
    assert row[9] == "*" * 14 + person(1)["身份证号码"][-4:]
    assert row[7] == "138****0001"
    entry = RegistryLogEntry.objects.get(action="registry.bulk_export")
    assert entry.data == {"rows": 1, "full_id_numbers": False, "scope": "node"}
    url = reverse("rosters:upload", args=[nodes["A1"].pk])
    for attempt in (
        lambda: client.get(url),
        lambda: upload(client, nodes["A1"], xlsx_bytes([person(2)])),
    ):
        response = attempt()
        assert response.url == reverse("rosters:index")
        assert page_messages(client.get(response.url)) == [
            "您没有向“队A1”导入名册的权限"
        ]
    assert not RosterImport.objects.exists()


def test_template_download(manager_client):
    response = manager_client.get(reverse("rosters:template"))
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.active
    assert [cell.value for cell in sheet[3]] == EXPORTED_HEADER
    assert sheet.column_dimensions["J"].number_format == "@"
    assert sheet.max_row == 3
    lists = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    assert lists["C4:C1003"] == '"男,女"'


# --- Scope -------------------------------------------------------------------------------------------------


def test_foreign_node_is_not_found(manager_client, nodes):
    for name in ("upload", "export"):
        url = reverse(f"rosters:{name}", args=[nodes["B1"].pk])
        assert manager_client.get(url).status_code == 404
    assert (
        upload(manager_client, nodes["B1"], xlsx_bytes([person(1)])).status_code == 404
    )
    assert not RosterImport.objects.exists()


def test_parent_node_is_out_of_reach_of_a_team_manager(manager_client, nodes):
    assert (
        manager_client.get(reverse("rosters:export", args=[nodes["A"].pk])).status_code
        == 404
    )


def test_index_lists_only_the_users_nodes(manager_client, nodes):
    html = manager_client.get(reverse("rosters:index")).content.decode()
    assert "队A1" in html and "分队A1a" in html
    assert "队B1" not in html and "总队A" not in html


def test_user_without_a_role_is_refused(client, nodes):
    user = make_user("nobody")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    # Wagtail turns PermissionDenied into a redirect to the dashboard with a message.
    for name in ("index", "template"):
        assert client.get(reverse(f"rosters:{name}")).url == reverse(
            "wagtailadmin_home"
        )
    assert (
        client.get(reverse("rosters:export", args=[nodes["A1"].pk])).status_code == 404
    )


def test_imports_of_dissolved_nodes_refused(manager_client, nodes):
    nodes["A1a"].status = "dissolved"
    nodes["A1a"].save()
    response = manager_client.get(reverse("rosters:upload", args=[nodes["A1a"].pk]))
    assert page_messages(manager_client.get(response.url)) == [
        "“分队A1a”已撤销，不能再导入名册"
    ]


def test_right_revoked_after_preview(manager_client, nodes, checked_job, info_manager):
    token = preview(manager_client, checked_job).context["confirm_all"]["token"].value()
    # Downgraded to 查看: still in the admin, no longer allowed to import.
    grant_role(
        granted_by=None, user_or_group=info_manager, role=roles.VIEWER, node=nodes["A1"]
    )
    response = confirm(manager_client, checked_job, token=token)
    assert page_messages(manager_client.get(response.url)) == [
        "您没有向“队A1”导入名册的权限"
    ]
    checked_job.refresh_from_db()
    assert checked_job.status == "checked"
    assert Volunteer.objects.count() == 0


def test_right_revoked_while_queued(manager_client, nodes, info_manager, settings):
    settings.ROSTER_IMPORT_BACKGROUND_ROWS = 5
    upload(manager_client, nodes["A1"], xlsx_bytes([person(n) for n in range(1, 11)]))
    job = RosterImport.objects.get()
    check_roster_import.call(job.pk)
    confirm(manager_client, job)
    revoke_role(revoked_by=None, user_or_group=info_manager, node=nodes["A1"])
    job.refresh_from_db()
    apply_roster_import.call(
        *DBTaskResult.objects.get(id=job.task_id).args_kwargs["args"]
    )
    job.refresh_from_db()
    assert (job.status, job.message) == ("failed", "您没有向“队A1”导入名册的权限")
    assert Volunteer.objects.count() == 0


# --- Reading never writes ------------------------------------------------------------------------


def test_no_get_of_a_roster_page_writes(manager_client, nodes, settings):
    """Every GET of the rosters namespace reads only (sessions aside)."""
    settings.ROSTER_IMPORT_BACKGROUND_ROWS = 5
    upload(manager_client, nodes["A1"], xlsx_bytes([person(n) for n in range(1, 11)]))
    job = RosterImport.objects.get()
    # The worker died: the state a status request used to record on its own.
    DBTaskResult.objects.filter(id=job.task_id).update(status="FAILED")
    pages = {
        "rosters:index": [],
        "rosters:template": [],
        "rosters:upload": [nodes["A1"].pk],
        "rosters:export": [nodes["A1"].pk],
        "rosters:import": [job.pk],
        "rosters:import_status": [job.pk],
    }
    readable = {
        f"rosters:{pattern.name}"
        for pattern in get_resolver().namespace_dict["rosters"][1].url_patterns
        if hasattr(pattern.callback.view_class, "get")
    }
    # failed_rows streams a stored file; its view has no other code path.
    assert readable == set(pages) | {"rosters:failed_rows"}
    for name, args in pages.items():
        with CaptureQueriesContext(connection) as queries:
            response = manager_client.get(reverse(name, args=args))
        assert response.status_code == 200, name
        writes = [
            query["sql"]
            for query in queries.captured_queries
            if query["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
            and "django_session" not in query["sql"]
        ]
        assert not writes, (name, writes)
    job.refresh_from_db()
    assert job.status == RosterImport.Status.CHECKING
