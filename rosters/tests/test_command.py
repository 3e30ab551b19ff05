"""manage.py import_roster: the admin's rules, counts, JSON errors and exit status."""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import timezone

from registry.models import RegistryLogEntry, Volunteer
from rosters import services
from rosters.models import RosterImport

from .conftest import FIXTURES
from .files import person, xlsx_bytes

pytestmark = pytest.mark.django_db


def import_roster(path, *args):
    out = StringIO()
    try:
        call_command("import_roster", str(path), *args, stdout=out)
    except CommandError as exc:
        return out.getvalue(), exc
    return out.getvalue(), None


def test_clean_roster_imported(nodes):
    out, error = import_roster(
        FIXTURES / "roster-clean-30.xlsx", "--org", nodes["A1"].code
    )
    assert error is None
    assert out.splitlines()[0] == "新增 30，更新 0，无变化 0，有错误 0，需调动 0"
    assert out.splitlines()[-1] == "已导入。"
    assert Volunteer.objects.filter(org_node=nodes["A1"]).count() == 30
    entry = RegistryLogEntry.objects.get(action="registry.bulk_register")
    assert (entry.user, entry.data["counts"]["new"]) == (None, 30)


def test_dry_run_writes_nothing(nodes):
    out, error = import_roster(
        FIXTURES / "roster-gbk.csv", "--org", nodes["A1"].code, "--dry-run"
    )
    assert error is None
    assert "新增 20" in out
    assert out.splitlines()[-1] == "只做了检查（--dry-run），没有写入。"
    assert Volunteer.objects.count() == 0


def test_failed_rows_stop_everything_and_exit_1(nodes):
    out, error = import_roster(
        FIXTURES / "roster-messy.xlsx", "--org", nodes["A1"].code
    )
    assert error.returncode == 1
    assert str(error) == "有9行未通过检查，按“全部成功才导入”的规则，没有导入任何数据"
    assert "第27行「电话」：电话“1234”不是有效的手机号码" in out
    assert Volunteer.objects.count() == 0


def test_json_lists_every_error(nodes):
    out, error = import_roster(
        FIXTURES / "roster-messy.xlsx", "--org", nodes["A1"].code, "--json", "--dry-run"
    )
    assert error.returncode == 1
    payload = json.loads(out)
    assert payload["counts"] == {
        "new": 32,
        "updated": 0,
        "unchanged": 0,
        "invalid": 9,
        "transfer": 0,
    }
    assert payload["written"] is False
    assert {"row": 25, "column": "姓名", "message": "姓名为空，请填写姓名"} in payload[
        "errors"
    ]
    assert len(payload["errors"]) == payload["error_total"] == 9
    assert "rows" not in payload


def test_valid_only_writes_the_rest_and_exits_2(nodes):
    out, error = import_roster(
        FIXTURES / "roster-messy.xlsx", "--org", nodes["A1"].code, "--valid-only"
    )
    assert (error.returncode, str(error)) == (2, "有9行未导入")
    assert Volunteer.objects.count() == 32


def test_user_rights_checked(nodes, info_manager, other_team_manager, tmp_path):
    path = tmp_path / "roster.xlsx"
    path.write_bytes(xlsx_bytes([person(1)]))
    _out, error = import_roster(path, "--org", nodes["A1"].code, "--user", "b1-info")
    assert str(error) == "您没有向“队A1”导入名册的权限"
    _out, error = import_roster(path, "--org", nodes["A1"].code, "--user", "a1-info")
    assert error is None
    entry = RegistryLogEntry.objects.get(action="registry.bulk_register")
    assert entry.user == info_manager
    volunteer = Volunteer.objects.get()
    assert list(RegistryLogEntry.objects.for_instance(volunteer)) == [entry]


@pytest.mark.parametrize(
    "args, message",
    [
        (["--org", "TSX9999"], "找不到团体注册编号为“TSX9999”的组织"),
        (["--org", "A1", "--user", "ghost"], "找不到用户“ghost”"),
    ],
)
def test_bad_arguments(nodes, args, message):
    args = [nodes["A1"].code if arg == "A1" else arg for arg in args]
    _out, error = import_roster(FIXTURES / "roster-gbk.csv", *args)
    assert str(error) == message


def test_unreadable_file(nodes, tmp_path):
    path = tmp_path / "roster.xlsx"
    path.write_bytes(b"PK\x03\x04broken")
    out, error = import_roster(path, "--org", nodes["A1"].code, "--json")
    assert str(error).startswith("文件已损坏")
    assert json.loads(out)["message"] == str(error)
    _out, error = import_roster(tmp_path / "missing.xlsx", "--org", nodes["A1"].code)
    assert str(error) == f"找不到文件“{tmp_path / 'missing.xlsx'}”"


def test_prune_deletes_old_files_but_keeps_the_record(nodes, info_manager):
    upload = SimpleUploadedFile("名册.xlsx", xlsx_bytes([person(1, 电话="1")]))
    old = services.check_import(
        services.create_import(node=nodes["A1"], user=info_manager, upload=upload)
    )
    recent = services.create_import(
        node=nodes["A1"],
        user=info_manager,
        upload=SimpleUploadedFile("新.xlsx", xlsx_bytes([person(2)])),
    )
    assert old.file and old.failed_file
    RosterImport.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(hours=25)
    )
    out = StringIO()
    call_command("prune_roster_imports", stdout=out)
    assert out.getvalue().strip() == "已删除1次导入的文件。"
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (bool(old.file), bool(old.failed_file), old.status) == (
        False,
        False,
        "checked",
    )
    assert recent.file
