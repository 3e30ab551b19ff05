"""The import pipeline against the registry: fixtures row by row, matching, all-or-nothing."""

import io
from pathlib import Path
from unittest import mock

import pytest
from django.db import IntegrityError
from openpyxl import load_workbook

from registry import services as registry_services
from registry.choices import Education, PoliticalStatus
from registry.idnumber import check_digit, normalize_id_number
from registry.models import Membership, RegistryLogEntry, Volunteer
from registry.tests.factories import make_volunteer, violates
from rosters.exporting import FailedRowsWriter, write_roster
from rosters.importing import RosterImporter
from rosters.reading import FileRejected, open_table
from rosters.services import import_file

from .conftest import FIXTURES
from .files import person, xlsx_bytes

pytestmark = pytest.mark.django_db


def run(node, data, *, user=None, write=False, valid_only=False, failed_rows=None):
    with open_table(io.BytesIO(data)) as table:
        importer = RosterImporter(node, user, failed_rows=failed_rows)
        return importer.run(table, write=write, valid_only=valid_only)


def import_file_bytes(node, data, tmp_path, **options):
    path = tmp_path / "roster.xlsx"
    path.write_bytes(data)
    return import_file(path=path, node=node, **options)


def outcomes(result):
    return {row["row"]: row for row in result.rows}


def messages_of(row):
    return " ".join(message for _column, message in row["errors"])


# --- roster-messy.xlsx against its 期望结果 column -----------------------------------------

# What each refusal must say; the key is the start of the 期望结果 cell.
REFUSALS = {
    "拒绝：性别与身份证号第17位不符": "身份证号码显示的性别为女，与填写的性别“男”不一致",
    "拒绝：身份证号校验位错误": "身份证号码校验位错误",
    "拒绝：身份证号被 Excel 存成数字": "身份证号码被 Excel 存成了数字",
    "拒绝：姓名为空": "姓名为空",
    "拒绝或合并：与第1行身份证号重复": "与第4行的身份证号码相同",
    "拒绝：电话不是有效号码": "电话“1234”不是有效的手机号码",
    "拒绝：出生年月与身份证号不符": "与填写的出生年月（1890年1月）不一致",
    "拒绝：入党时间在未来": "入党时间“2099.01.01”晚于今天",
    "拒绝：政治面貌为群众却填写入党时间": "政治面貌为“群众”时不应填写入党时间",
}


def expectations(path):
    """{row number: 期望结果} and {row number: the raw 身份证号码 cell}."""
    sheet = load_workbook(path, read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[2])
    expected, ids = {}, {}
    for number, values in enumerate(rows[3:], start=4):
        expected[number] = values[header.index("期望结果")]
        ids[number] = values[header.index("身份证号码")]
    return expected, ids


def has_valid_check_digit(raw):
    """GB 11643 computed here, independently of registry.idnumber."""
    if not isinstance(raw, str):
        return True
    number = normalize_id_number(raw)
    weights = [pow(2, 17 - i, 11) for i in range(17)]
    total = sum(
        int(digit) * weight for digit, weight in zip(number[:17], weights, strict=True)
    )
    return number[17] == "10X98765432"[total % 11]


@pytest.mark.parametrize("name", ["roster-messy.xlsx", "shared/roster-messy.xlsx"])
def test_messy_roster_row_by_row(nodes, name):
    """Every row does what 期望结果 says.

    The shared copy was generated with wrong GB 11643 weights: there a row
    whose generated number fails the check must be refused for that reason.
    """
    path = FIXTURES / name
    expected, ids = expectations(path)
    result = run(nodes["A1"], path.read_bytes(), write=True, valid_only=True)
    rows = outcomes(result)
    assert set(rows) == set(expected)
    for number, expect in expected.items():
        row = rows[number]
        context = f"第{number}行（{expect}）: {row}"
        if not has_valid_check_digit(ids[number]) and not expect.startswith("拒绝"):
            assert row["outcome"] == "invalid", context
            assert "身份证号码校验位错误" in messages_of(row), context
        elif expect.startswith(("导入", "拒绝或原样保存为文本")):
            assert row["outcome"] == "new", context
        else:
            assert row["outcome"] == "invalid", context
            wanted = next(
                text for key, text in REFUSALS.items() if expect.startswith(key)
            )
            if has_valid_check_digit(ids[number]) or "Excel" in expect:
                assert wanted in messages_of(row), context
    imported = {row["row"] for row in result.rows if row["outcome"] == "new"}
    assert Volunteer.objects.count() == len(imported)
    assert Membership.objects.filter(node=nodes["A1"]).count() == len(imported)


def test_messy_roster_values_are_normalised(nodes):
    run(
        nodes["A1"],
        (FIXTURES / "roster-messy.xlsx").read_bytes(),
        write=True,
        valid_only=True,
    )
    by_name = {v.name: v for v in Volunteer.objects.all()}
    assert "万豪秋" in by_name  # half- and full-width spaces gone
    assert by_name["潘勇"].mobile == "13903034251"  # 139-0303 4251
    assert by_name["白轩嘉"].id_number == "440784196405033228"  # was full-width
    assert by_name["武兴晓"].education == Education.BACHELOR  # 本科学历
    assert by_name["廖燕兴"].birth_date.isoformat() == "1986-03-05"  # Excel date cell
    assert by_name["胡凤"].birth_date.isoformat() == "1982-07-09"  # 1982.07
    assert by_name["陆燕"].joined_party_on.isoformat() == "2008-07-01"  # 2008/7/1
    formula = '=HYPERLINK("http://example.invalid","点我")'
    assert by_name[formula].status == Volunteer.Status.REGISTERED  # kept as text
    incomplete = by_name["戴豪桂"]
    assert (incomplete.status, incomplete.id_number) == (
        Volunteer.Status.INCOMPLETE,
        None,
    )
    first = by_name["范海娟"]
    membership = first.memberships.get()
    assert (membership.role, membership.department_title) == (
        Membership.Role.HEAD,
        "业务二股股长",
    )
    assert first.political_status == PoliticalStatus.CPC_MEMBER
    assert first.volunteer_number.startswith("TSV")
    assert first.pinyin == "fan hai juan"


@pytest.mark.parametrize(
    "name, rows",
    [("roster-clean-30.xlsx", 30), ("roster-clean-30.csv", 30), ("roster-gbk.csv", 20)],
)
def test_clean_fixtures_import_completely_then_change_nothing(nodes, name, rows):
    data = (FIXTURES / name).read_bytes()
    first = run(nodes["A1"], data, write=True)
    assert first.written
    assert first.plan() == {
        "new": rows,
        "updated": 0,
        "unchanged": 0,
        "invalid": 0,
        "transfer": 0,
    }
    assert Volunteer.objects.filter(org_node=nodes["A1"]).count() == rows
    again = run(nodes["A1"], data, write=True)
    assert again.plan()["unchanged"] == rows
    assert Volunteer.objects.count() == rows


def test_same_people_in_xlsx_and_csv(nodes):
    run(nodes["A1"], (FIXTURES / "roster-clean-30.xlsx").read_bytes(), write=True)
    result = run(nodes["A1"], (FIXTURES / "roster-clean-30.csv").read_bytes())
    assert result.plan()["unchanged"] == 30


@pytest.mark.parametrize(
    "name",
    [
        "shared/roster-clean-30.xlsx",
        "shared/roster-clean-30.csv",
        "shared/roster-gbk.csv",
    ],
)
def test_shared_fixtures_with_bad_check_digits_write_nothing(nodes, name, tmp_path):
    path = tmp_path / Path(name).name
    path.write_bytes((FIXTURES / name).read_bytes())
    result = import_file(path=path, node=nodes["A1"])
    assert result.counts["invalid"] > 0
    assert not result.written
    assert result.message.startswith(f"有{result.failed}行未通过检查")
    assert Volunteer.objects.count() == 0


# --- Matching and changes -------------------------------------------------------------------


def test_changes_are_listed_and_logged(nodes, info_manager):
    run(nodes["A1"], xlsx_bytes([person(1), person(2)]), user=info_manager, write=True)
    changed = xlsx_bytes([person(1, 学历="大专", 部门及职务="财务股股长"), person(2)])
    preview = run(nodes["A1"], changed, user=info_manager)
    rows = outcomes(preview)
    assert preview.plan()["updated"] == 1
    assert rows[4]["changes"] == [
        ["学历", "本科", "大专"],
        ["部门及职务", "办公室科员", "财务股股长"],
    ]
    assert rows[5]["outcome"] == "unchanged"
    run(nodes["A1"], changed, user=info_manager, write=True)
    volunteer = Volunteer.objects.get(name="测试00001")
    assert volunteer.education == Education.JUNIOR_COLLEGE
    assert (
        volunteer.memberships.get(end_date__isnull=True).department_title
        == "财务股股长"
    )
    actions = list(
        RegistryLogEntry.objects.for_instance(volunteer)
        .order_by("pk")
        .values_list("action", "user__username")
    )
    # The import that created the volunteer, then the one that changed it.
    assert actions == [
        ("registry.bulk_register", "a1-info"),
        ("wagtail.edit", "a1-info"),
    ]


def test_role_from_remark_changes_through_the_registry(nodes):
    run(nodes["A1"], xlsx_bytes([person(1)]), write=True)
    result = run(nodes["A1"], xlsx_bytes([person(1, 备注="联系人")]), write=True)
    assert outcomes(result)[4]["changes"] == [["备注（职务）", "队员", "联系人"]]
    volunteer = Volunteer.objects.get()
    memberships = volunteer.memberships.order_by("pk")
    assert [m.role for m in memberships] == ["member", "contact"]
    assert memberships[0].end_reason == "职务变更"


def test_blank_cell_clears_but_absent_column_keeps(nodes):
    run(nodes["A1"], xlsx_bytes([person(1)]), write=True)
    header = ["姓名", "身份证号码", "性别"]  # no 学历 column: 学历 stays
    result = run(nodes["A1"], xlsx_bytes([person(1)], header=header), write=True)
    assert result.plan()["unchanged"] == 1
    assert Volunteer.objects.get().education == Education.BACHELOR
    result = run(nodes["A1"], xlsx_bytes([person(1, 学历="")]), write=True)
    assert outcomes(result)[4]["changes"] == [["学历", "本科", "（空）"]]
    assert Volunteer.objects.get().education == ""


def test_someone_elses_volunteer_is_flagged_never_moved(nodes, info_manager):
    other = make_volunteer(
        name="外队", node=nodes["B1"], id_number=person(1)["身份证号码"]
    )
    result = run(
        nodes["A1"],
        xlsx_bytes([person(1), person(2)]),
        user=info_manager,
        write=True,
        valid_only=True,
    )
    row = outcomes(result)[4]
    assert row["outcome"] == "transfer"
    # The importer may not see 队B1, so the message does not name it.
    assert messages_of(row).startswith(
        "该身份证号码的义工已登记在其他组织，导入不会把人调走"
    )
    other.refresh_from_db()
    assert (other.org_node, other.name) == (nodes["B1"], "外队")
    assert other.memberships.get().node == nodes["B1"]
    admin_view = run(nodes["A1"], xlsx_bytes([person(1)]))
    assert "已登记在“队B1”" in messages_of(outcomes(admin_view)[4])


def test_sub_team_member_is_not_pulled_up(nodes):
    make_volunteer(
        name="测试00001", node=nodes["A1a"], id_number=person(1)["身份证号码"]
    )
    result = run(nodes["A1"], xlsx_bytes([person(1)]))
    assert outcomes(result)[4]["outcome"] == "transfer"


def test_former_member_is_not_silently_rejoined(nodes):
    volunteer = make_volunteer(
        name="测试00001", node=nodes["A1"], id_number=person(1)["身份证号码"]
    )
    registry_services.membership_close(
        membership=volunteer.memberships.get(), by_user=None
    )
    result = run(nodes["A1"], xlsx_bytes([person(1)]))
    assert "已离开“队A1”" in messages_of(outcomes(result)[4])


def test_rows_without_id_numbers_become_incomplete_then_complete(nodes):
    header = ["序号", "姓名", "性别", "出生年月", "电话"]
    run(nodes["A1"], xlsx_bytes([person(1), person(2)], header=header), write=True)
    assert set(Volunteer.objects.values_list("status", "id_number")) == {
        ("incomplete", None)
    }
    again = run(nodes["A1"], xlsx_bytes([person(1)], header=header))
    assert again.plan()["unchanged"] == 1
    completed = run(nodes["A1"], xlsx_bytes([person(1)]), write=True)
    changes = outcomes(completed)[4]["changes"]
    assert ["状态", "待补全", "已注册"] in changes
    assert Volunteer.objects.count() == 2
    volunteer = Volunteer.objects.get(name="测试00001")
    assert volunteer.id_number == person(1)["身份证号码"]
    assert volunteer.status == Volunteer.Status.REGISTERED


def test_row_without_id_or_phone_refused(nodes):
    result = run(nodes["A1"], xlsx_bytes([person(1, 身份证号码="", 电话="")]))
    assert outcomes(result)[4]["errors"] == [
        ["电话", "没有身份证号码时必须填写电话，以便确认是哪一位义工"]
    ]


def test_file_without_id_or_phone_column_refused(nodes):
    with pytest.raises(FileRejected, match="既没有“身份证号码”列，也没有“电话”列"):
        run(nodes["A1"], xlsx_bytes([person(1)], header=["姓名", "性别", "学历"]))


def test_duplicates_inside_the_file(nodes):
    rows = [
        person(1),
        person(2, 身份证号码=""),
        person(1, 序号=3),
        person(2, 身份证号码="", 序号=4),
        person(5),
    ]
    result = run(nodes["A1"], xlsx_bytes(rows))
    by_row = outcomes(result)
    assert by_row[6]["errors"] == [
        ["身份证号码", "与第4行的身份证号码相同，同一人只能出现一次：请删除重复的行"]
    ]
    assert by_row[7]["errors"] == [
        ["姓名", "与第5行的姓名和电话相同，同一人只能出现一次：请删除重复的行"]
    ]
    assert result.plan()["invalid"] == 2


def test_empty_roster_refused(nodes):
    with pytest.raises(FileRejected, match="名册中没有数据行"):
        run(nodes["A1"], xlsx_bytes([]))


def test_party_rules_come_from_the_model(nodes):
    rows = [
        person(1, 政治面貌="群众"),
        person(2, 入党时间="1990.01.01"),  # before the 18th birthday
        person(3, 政治面貌=""),  # 入党时间 without 政治面貌: a party member
    ]
    by_row = outcomes(run(nodes["A1"], xlsx_bytes(rows)))
    assert "政治面貌为“群众”时不应填写入党时间" in messages_of(by_row[4])
    assert "入党时间早于年满18周岁的日期" in messages_of(by_row[5])
    assert by_row[6]["outcome"] == "new"


# --- All or nothing ---------------------------------------------------------------------------


def test_one_bad_row_writes_nothing(nodes, tmp_path):
    rows = [person(n) for n in range(1, 1500)] + [person(1500, 电话="12")]
    result = import_file_bytes(nodes["A1"], xlsx_bytes(rows), tmp_path)
    assert result.plan()["new"] == 1499
    assert not result.written
    assert (
        result.message == "有1行未通过检查，按“全部成功才导入”的规则，没有导入任何数据"
    )
    assert Volunteer.objects.count() == 0


def test_valid_only_writes_the_rest_and_returns_failed_rows(nodes, tmp_path):
    rows = [person(1), person(2, 出生年月="1980年13月"), person(3, 电话=13812345678.5)]
    writer = FailedRowsWriter(tmp_path / "failed.xlsx")
    with open_table(io.BytesIO(xlsx_bytes(rows))) as table:
        writer.set_headers(table.headers)
        result = RosterImporter(nodes["A1"], failed_rows=writer).run(
            table, write=True, valid_only=True
        )
    assert writer.close()
    assert result.written
    assert list(Volunteer.objects.values_list("name", flat=True)) == ["测试00001"]
    sheet = load_workbook(tmp_path / "failed.xlsx").active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[1][-2:] == ["原行号", "错误原因"]
    assert [row[1] for row in values[2:]] == ["测试00002", "测试00003"]
    assert values[2][-2:] == [
        5,
        "出生年月：出生年月“1980年13月”不是有效的日期，请核对年月日",
    ]
    assert values[3][-1].startswith("电话：电话“13812345678.5”不是电话号码")
    # The failed rows, corrected, import again without a warning.
    refixed = run(nodes["A1"], _fixed_failed_file(tmp_path / "failed.xlsx"))
    assert refixed.plan()["new"] == 2
    assert refixed.warnings == []


def _fixed_failed_file(path):
    workbook = load_workbook(path)
    sheet = workbook.active
    sheet["D3"] = "1980-5"
    sheet["H4"] = "13812345679"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_crash_mid_import_writes_nothing(nodes, tmp_path):
    rows = [person(n) for n in range(1, 2500)]
    real = Membership.objects.bulk_create
    calls = []

    def fail_on_second_chunk(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(*args, **kwargs)

    with mock.patch.object(Membership.objects, "bulk_create", fail_on_second_chunk):
        with pytest.raises(RuntimeError):
            import_file_bytes(nodes["A1"], xlsx_bytes(rows), tmp_path)
    assert len(calls) == 2
    assert Volunteer.objects.count() == 0
    assert Membership.objects.count() == 0
    assert not RegistryLogEntry.objects.filter(action="registry.bulk_register").exists()


def test_database_constraint_stops_a_duplicate_the_checks_missed(nodes, tmp_path):
    """Another import committed the same number after this one looked it up."""
    make_volunteer(name="并发", node=nodes["B1"], id_number=person(2)["身份证号码"])
    blind = mock.patch.object(RosterImporter, "_match", lambda self, chunk: None)
    refused = violates(
        "registry_volunteer_unique_id_number", "registry_volunteer.id_number"
    )
    with blind, pytest.raises(IntegrityError, match=refused):
        import_file_bytes(
            nodes["A1"], xlsx_bytes([person(1), person(2), person(3)]), tmp_path
        )
    assert list(Volunteer.objects.values_list("name", flat=True)) == ["并发"]


# --- Export round trip ----------------------------------------------------------------------------


def test_export_then_import_changes_nothing(nodes, info_manager, tmp_path):
    rows = [
        person(1, 备注="负责人"),
        person(2, 姓名="=1+1", 部门及职务="-", 学历="硕士"),
        person(3, 身份证号码="", 入党时间="", 政治面貌="群众"),
        person(4, 政治面貌="中共预备党员", 入党时间="2026.05.01"),
    ]
    run(nodes["A1"], xlsx_bytes(rows), user=info_manager, write=True)
    path = tmp_path / "export.xlsx"
    assert write_roster(path, node=nodes["A1"], user=info_manager) == 4
    result = run(nodes["A1"], path.read_bytes(), user=info_manager)
    assert result.plan() == {
        "new": 0,
        "updated": 0,
        "unchanged": 4,
        "invalid": 0,
        "transfer": 0,
    }
    assert result.warnings == []


def test_check_digit_helper_agrees_with_the_registry():
    body = "44078119800517001"
    assert has_valid_check_digit(body + check_digit(body))
    assert not has_valid_check_digit(body + "X")
