"""Roster files built in tests: xlsx and csv in the 名册 layout, and broken files."""

import io
import struct
import zipfile
from datetime import date

from openpyxl import Workbook

from registry import invented
from rosters.columns import EXPORT_COLUMNS

# The 名册's columns as exports and the template must write them: the plan's
# sample, then 身份证号码, 政治面貌 and 民族 (written out: what the tests expect).
EXPORTED_HEADER = [
    "序号",
    "姓名",
    "性别",
    "出生年月",
    "学历",
    "部门及职务",
    "入党时间",
    "电话",
    "备注",
    "身份证号码",
    "政治面貌",
    "民族",
]
# The columns of the test files (from the one list), without the optional 民族.
HEADER = [column.label for column in EXPORT_COLUMNS if column.key != "ethnicity"]


def id_number(birth=date(1980, 5, 17), serial=1, region="440781"):
    """A valid number; odd ``serial`` is a man."""
    return invented.id_number(region, birth, serial)


def person(n, **changes):
    """The n-th made-up party member, a man born 1980-05-(n % 28 + 1)."""
    birth = date(1980, 5, n % 28 + 1)
    row = {
        "序号": n,
        "姓名": f"测试{n:05d}",
        "性别": "男",
        "出生年月": f"{birth.year}-{birth.month}",
        "学历": "本科",
        "部门及职务": "办公室科员",
        "入党时间": "2008.07.10",
        "电话": f"138{n:08d}",
        "备注": "",
        "身份证号码": id_number(birth, serial=(2 * (n // 28) + 1) % 1000),
        "政治面貌": "中共党员",
    }
    row.update(changes)
    return row


def xlsx_bytes(rows, header=HEADER, title_rows=True, sheet_title="名册"):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title
    if title_rows:
        sheet.append(["党员义工名册"])
        sheet.append(["录入人", "李四", None, None, "更新日期", "2008-12-15"])
    sheet.append(header)
    for row in rows:
        sheet.append([row.get(column) for column in header])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows, header=HEADER, encoding="utf-8-sig", delimiter=","):
    lines = [delimiter.join(header)]
    for row in rows:
        lines.append(delimiter.join(str(row.get(column, "")) for column in header))
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def encrypted_workbook_bytes():
    """An OLE compound file laid out as Excel saves a password-protected .xlsx.

    No tool here can encrypt a workbook, so this is the container only: the
    CFB header and a directory sector naming the EncryptionInfo and
    EncryptedPackage streams, which is what tells such a file apart.
    """
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIII", header, 44, 1, 1, 0, 0x1000)  # 1 FAT sector, dir at 1
    struct.pack_into("<I", header, 76, 0)  # the FAT is sector 0
    header[80:512] = b"\xff" * 432
    fat = bytearray(b"\xff" * 512)
    struct.pack_into("<III", fat, 0, 0xFFFFFFFD, 0xFFFFFFFE, 0xFFFFFFFE)
    directory = bytearray()
    for name, kind in (
        ("Root Entry", 5),
        ("EncryptionInfo", 2),
        ("EncryptedPackage", 2),
    ):
        entry = bytearray(128)
        encoded = (name + "\0").encode("utf-16-le")
        entry[0 : len(encoded)] = encoded
        struct.pack_into("<HB", entry, 64, len(encoded), kind)
        directory += entry
    directory += bytes(512 - len(directory))
    return bytes(header + fat + directory)


def zip_bomb_bytes(size=60 * 1024 * 1024):
    """A zip that looks like a workbook and inflates a sheet to ``size`` bytes of zeros."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as member:
            chunk = bytes(1024 * 1024)
            for _ in range(size // len(chunk)):
                member.write(chunk)
    return buffer.getvalue()
