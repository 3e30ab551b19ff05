"""The columns of a 名册: labels, accepted header spellings, what is exported.

The first nine are the plan's sample 名册 (党员义工名册). The others are optional
and may stand in any order; headers are compared after removing spaces,
asterisks, colons and bracketed hints, so "身份证号码（18位）*" is 身份证号码.
"""

import re
from dataclasses import dataclass

from .rules import cell_text, fold_fullwidth


@dataclass(frozen=True)
class RosterColumn:
    key: str
    label: str
    synonyms: tuple[str, ...] = ()
    # Written by exports and templates, in this order.
    exported: bool = True


COLUMNS = (
    RosterColumn("seq", "序号", ("编号", "顺序号")),
    RosterColumn("name", "姓名", ("名字", "义工姓名", "党员姓名")),
    RosterColumn("gender", "性别"),
    RosterColumn("birth", "出生年月", ("出生日期", "出生年月日", "出生时间", "生日")),
    RosterColumn("education", "学历", ("最高学历", "文化程度", "学历程度")),
    RosterColumn(
        "department",
        "部门及职务",
        (
            "部门职务",
            "部门和职务",
            "部门与职务",
            "部门/职务",
            "部门、职务",
            "所在部门及职务",
        ),
    ),
    RosterColumn("joined", "入党时间", ("入党日期", "入党年月")),
    RosterColumn(
        "mobile",
        "电话",
        ("联系电话", "手机", "手机号", "手机号码", "移动电话", "电话号码", "联系方式"),
    ),
    RosterColumn("remark", "备注", ("说明",)),
    RosterColumn(
        "id_number",
        "身份证号码",
        ("身份证号", "身份证", "公民身份号码", "身份证件号码", "证件号码"),
    ),
    RosterColumn("political_status", "政治面貌"),
    RosterColumn("ethnicity", "民族"),
    RosterColumn("full_member_on", "转正时间", ("转正日期",), exported=False),
    RosterColumn("employer", "工作单位", ("所在单位",), exported=False),
    RosterColumn("occupation", "职业", (), exported=False),
    RosterColumn(
        "address",
        "联系地址",
        ("地址", "家庭住址", "住址", "通讯地址", "家庭地址"),
        exported=False,
    ),
    RosterColumn(
        "email", "电子邮箱", ("邮箱", "电子邮件", "email", "e-mail"), exported=False
    ),
    RosterColumn("phone_office", "办公电话", ("单位电话",), exported=False),
    RosterColumn("phone_home", "住宅电话", ("家庭电话", "宅电"), exported=False),
    # Written by an export with sub-teams; read back without a warning.
    RosterColumn("team", "所属队伍", exported=False),
    # Written into the failed-rows file; read back without a warning.
    RosterColumn("source_row", "原行号", exported=False),
    RosterColumn("error", "错误原因", exported=False),
)
COLUMNS_BY_KEY = {column.key: column for column in COLUMNS}
EXPORT_COLUMNS = tuple(column for column in COLUMNS if column.exported)
# Columns that are read but never stored.
IGNORED_KEYS = frozenset({"seq", "team", "source_row", "error"})
# Labels in the rows above the header: 录入人 李四 … 更新日期 2008-12-15.
ENTERED_BY_LABELS = frozenset({"录入人", "填表人", "制表人", "填报人"})
UPDATED_ON_LABELS = frozenset({"更新日期", "填表日期", "制表日期", "填报日期"})

_HINTS = re.compile(r"[(\[【].*?[)\]】]")
# Spaces, asterisks marking required columns, colons, BOM and zero-width characters.
_NOISE = re.compile(r"[\s*:\ufeff\u200b]")


def header_key(value):
    """Header text as compared: "身份证号码（18位）*" -> "身份证号码"."""
    text = fold_fullwidth(cell_text(value)).lower()
    return _NOISE.sub("", _HINTS.sub("", text))


_BY_HEADER = {
    header_key(spelling): column.key
    for column in COLUMNS
    for spelling in (column.label, *column.synonyms)
}


def column_for_header(value):
    """The column key a header cell names, or None."""
    return _BY_HEADER.get(header_key(value))
