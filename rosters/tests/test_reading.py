"""Reading roster files: formats found by content, headers below title rows, clear refusals."""

import io
import zipfile

import pytest
from openpyxl import Workbook

from rosters.reading import FileRejected, open_table

from .conftest import FIXTURES
from .files import (
    HEADER,
    csv_bytes,
    encrypted_workbook_bytes,
    person,
    xlsx_bytes,
    zip_bomb_bytes,
)


def read_all(data):
    with open_table(io.BytesIO(data)) as table:
        return table, list(table.data_rows())


def refusal(data):
    with pytest.raises(FileRejected) as info:
        read_all(data)
    return str(info.value)


@pytest.mark.parametrize(
    "name, kind, encoding, header_row, rows",
    [
        ("roster-clean-30.xlsx", "xlsx", "", 3, 30),
        ("roster-clean-30.csv", "csv", "UTF-8", 1, 30),
        ("roster-gbk.csv", "csv", "GBK/GB18030", 1, 20),
        ("roster-messy.xlsx", "xlsx", "", 3, 41),
        ("shared/roster-clean-30.xlsx", "xlsx", "", 3, 30),
        ("shared/roster-clean-30.csv", "csv", "UTF-8", 1, 30),
        ("shared/roster-gbk.csv", "csv", "GBK/GB18030", 1, 20),
        ("shared/roster-messy.xlsx", "xlsx", "", 3, 41),
    ],
)
def test_every_fixture_is_read(name, kind, encoding, header_row, rows):
    table, data = read_all((FIXTURES / name).read_bytes())
    assert (table.kind, table.encoding, table.header_row) == (
        kind,
        encoding,
        header_row,
    )
    assert len(data) == rows
    assert set(table.columns) >= {"name", "gender", "birth", "id_number", "mobile"}


def test_title_rows_give_who_entered_and_when():
    table, _rows = read_all((FIXTURES / "roster-messy.xlsx").read_bytes())
    assert (table.entered_by, table.updated_on) == ("李四", "2026-11-01")
    assert table.unknown_headers == ["期望结果"]


def test_gbk_csv_reads_chinese():
    table, rows = read_all((FIXTURES / "roster-gbk.csv").read_bytes())
    number, values = rows[0]
    assert number == 2
    assert values[table.columns["name"]] == "范海娟"


@pytest.mark.parametrize(
    "encoding, name, expected",
    [
        ("utf-8", "张三", "UTF-8"),
        ("utf-8-sig", "张三", "UTF-8"),
        ("gbk", "张三", "GBK/GB18030"),
        # 䶮 (as in 刘䶮) is in GB18030 but not in GBK.
        ("gb18030", "刘䶮", "GBK/GB18030"),
    ],
)
def test_csv_encodings(encoding, name, expected):
    table, rows = read_all(csv_bytes([person(1, 姓名=name)], encoding=encoding))
    assert table.encoding == expected
    assert rows[0][1][table.columns["name"]] == name


def test_utf16_tab_separated_text_from_excel():
    table, rows = read_all(csv_bytes([person(1)], encoding="utf-16", delimiter="\t"))
    assert table.encoding == "UTF-16"
    assert rows[0][1][table.columns["name"]] == "测试00001"


def test_header_found_below_any_title_rows_and_columns_in_any_order():
    header = ["手机号码", "身份证号", "姓 名", "出生日期", "性别"]
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["台山市某单位党员义工名册"])
    sheet.append([])
    sheet.append(["填表人：", None, "王五", None, "填表日期", "2012-12-01"])
    sheet.append(header)
    sheet.append(["13800000001", "440781198005170011", "张三", "1980-5", "男"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    table, rows = read_all(buffer.getvalue())
    assert table.header_row == 4
    assert table.columns == {
        "mobile": 0,
        "id_number": 1,
        "name": 2,
        "birth": 3,
        "gender": 4,
    }
    assert (table.entered_by, table.updated_on) == ("王五", "2012-12-01")
    assert [number for number, _values in rows] == [5]


def test_roster_on_a_later_sheet():
    workbook = Workbook()
    workbook.active.append(["填表说明：身份证号码请设为文本格式"])
    sheet = workbook.create_sheet("名册")
    sheet.append(HEADER)
    sheet.append([person(1)[column] for column in HEADER])
    buffer = io.BytesIO()
    workbook.save(buffer)
    table, rows = read_all(buffer.getvalue())
    assert len(rows) == 1


def test_blank_rows_and_template_rows_with_only_a_number_are_skipped():
    rows = [person(1), {"序号": 2}, {}, person(3)]
    table, data = read_all(xlsx_bytes(rows))
    assert [number for number, _values in data] == [4, 7]


def test_long_blank_tail_is_not_read(settings):
    data = xlsx_bytes([person(1)] + [{}] * 1001 + [person(2)])
    table, rows = read_all(data)
    assert len(rows) == 1
    assert table.warnings == ["第5行起连续1000行为空，其后的内容未读取"]


def test_same_column_twice_is_refused():
    header = [*HEADER, "手机"]
    message = refusal(xlsx_bytes([person(1)], header=header))
    assert message == "第3行表头中“电话”和“手机”是同一列（电话），请只保留其中一列"


def test_no_header_is_refused():
    message = refusal(csv_bytes([], header=["甲", "乙", "丙"]))
    assert message.startswith("没有找到表头行")


def test_row_limit(settings):
    settings.ROSTER_IMPORT_MAX_ROWS = 3
    assert refusal(xlsx_bytes([person(n) for n in range(1, 5)])).startswith(
        "文件的数据超过3行，超出单次导入的上限"
    )


def test_size_limit(settings):
    settings.ROSTER_IMPORT_MAX_BYTES = 1000
    assert refusal(csv_bytes([person(n) for n in range(1, 40)])).startswith(
        "文件大小为"
    )


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "文件是空的"),
        (bytes(range(256)) * 40, "文件不是 Excel 工作簿（.xlsx）或 CSV 表格"),
        (b"%PDF-1.7\n\x00\x01binary", "文件不是 Excel 工作簿（.xlsx）或 CSV 表格"),
        (
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
            "文件不是 Excel 工作簿（.xlsx）或 CSV 表格",
        ),
        (b"PK\x03\x04 truncated", "文件已损坏，不是完整的 Excel 工作簿"),
        (encrypted_workbook_bytes(), "文件设置了打开密码，无法读取"),
        ("姓名,性别\n".encode() + b"ab\x80\xff" * 100, "文件的文字编码无法识别"),
    ],
)
def test_unreadable_files_refused_with_a_reason(data, message):
    assert refusal(data).startswith(message)


def test_truncated_workbook_refused():
    data = xlsx_bytes([person(1)])
    assert refusal(data[: len(data) // 2]).startswith("文件已损坏")


def test_zip_that_is_not_a_workbook_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    assert refusal(buffer.getvalue()).startswith("文件是压缩包或其他 Office 文档")


def test_workbook_with_broken_parts_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "not xml")
        archive.writestr("xl/workbook.xml", "not xml either")
    assert refusal(buffer.getvalue()).startswith("Excel 工作簿无法打开")


def test_old_xls_told_to_save_as_xlsx():
    data = (
        encrypted_workbook_bytes()
        .replace(
            "EncryptionInfo".encode("utf-16-le"),
            "Workbook\0\0\0\0\0\0".encode("utf-16-le"),
        )
        .replace("EncryptedPackage".encode("utf-16-le"), bytes(32))
    )
    assert refusal(data).startswith("这是旧版 Excel 97-2003 文件（.xls）")


def test_zip_bomb_refused_before_it_is_inflated():
    assert refusal(zip_bomb_bytes()).startswith("文件解压后达60.0 MB，大小或压缩比异常")


def test_workbook_without_rows_refused():
    buffer = io.BytesIO()
    Workbook().save(buffer)
    assert refusal(buffer.getvalue()).startswith("没有找到表头行")
