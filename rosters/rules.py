"""Cell rules for 名册 data, shared by the roster import, the CLI and the form pages.

Each parser takes a value as a spreadsheet gives it (str, int, float, datetime or
None from xlsx; str from csv or a form) and returns a clean value, or raises
CellError whose message says in Chinese what to fix. Rules about a whole record
(ID number against 出生年月 and 性别, 政治面貌 against 入党时间) live in
Volunteer.clean(), so a form page and an import refuse the same things.
"""

import re
from datetime import date, datetime

from registry.choices import ETHNICITY_CHOICES, Education, PoliticalStatus
from registry.downloads import FORMULA_PREFIXES
from registry.idnumber import IDNumberError, parse_id_number
from registry.models import Membership
from registry.validators import normalize_phone


class CellError(ValueError):
    """A cell cannot be used; str(exc) says what to fix, in Chinese."""


# Full-width ASCII (U+FF01..U+FF5E) and the ideographic space fold to ASCII.
_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
# Characters openpyxl cannot write (pasted from Word, say); tab and newlines become spaces.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACES = re.compile(r"\s+")
_HAN = r"[\u3400-\u9fff\uf900-\ufaff]"
_HAN_GAP = re.compile(rf"(?<={_HAN})\s+(?={_HAN})")


def fold_fullwidth(text):
    return text.translate(_FULLWIDTH)


def is_blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


def unescape_formula(text):
    """Undo registry.downloads.safe_cell: the ' it put before formula-like text."""
    if text.startswith("'") and text[1:].startswith(FORMULA_PREFIXES):
        return text[1:]
    return text


def cell_text(value):
    """A cell as one line of text: no control characters or stray spaces.

    Whole numbers lose Excel's ".0"; a date cell becomes its ISO date. The
    escape that roster exports put before formula-like text is removed again,
    and formula-like text itself is kept as plain text.
    """
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    elif isinstance(value, datetime):
        value = value.date() if not value.time() else value
    if isinstance(value, date):
        value = value.isoformat()
    text = str(value)
    # Printable text holds no whitespace but " ": most cells need no regex.
    if not text.isprintable() or "  " in text:
        text = _CONTROL.sub("", text)
        text = _SPACES.sub(" ", text.replace("\u3000", " "))
    return unescape_formula(text.strip())


def clean_text(value, label, max_length):
    text = cell_text(value)
    if len(text) > max_length:
        raise CellError(f"{label}超过{max_length}个字（现为{len(text)}个字），请删减")
    return text


def clean_name(value, max_length=50):
    # Two-character names are often padded to line up (张　三): not part of the name.
    text = _HAN_GAP.sub("", cell_text(value))
    if not text:
        raise CellError("姓名为空，请填写姓名")
    if len(text) > max_length:
        raise CellError(f"姓名“{text[:20]}…”超过{max_length}个字，请核对")
    return text


# --- 性别 -------------------------------------------------------------------------

_GENDERS = {"男": "M", "女": "F", "男性": "M", "女性": "F", "M": "M", "F": "F"}


def parse_gender(value):
    """ "M", "F" or "" for a blank cell."""
    text = fold_fullwidth(cell_text(value)).replace(" ", "").upper()
    if not text:
        return ""
    try:
        return _GENDERS[text]
    except KeyError:
        raise CellError(f"性别“{text}”无法识别，请填写“男”或“女”") from None


# --- Dates --------------------------------------------------------------------------

_YEAR_MONTH = re.compile(r"(\d{4})[-./年](\d{1,2})月?")
_FULL_DATE = re.compile(r"(\d{4})[-./年](\d{1,2})[-./月](\d{1,2})日?")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})?")
_TIME_PART = re.compile(r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")
DATE_SPELLINGS = (
    "1977-6、1977.06、1977/6、1977年6月、2008.07.10、2008/7/1、2008年7月10日"
)


def parse_date(value, label, *, today=None):
    """A date from a date cell or from text in the usual Chinese spellings.

    Year-and-month spellings (出生年月) give the 1st of the month. Numbers are
    refused: Excel turns 1977.10 typed into a number cell into 1977.1, and a
    date cell that lost its format shows a serial number such as 28277.
    Dates after ``today`` are refused.
    """
    if is_blank(value):
        return None
    if isinstance(value, datetime):
        result = value.date()
    elif isinstance(value, date):
        result = value
    elif isinstance(value, bool | int | float):
        raise CellError(_number_date_message(value, label))
    else:
        text = fold_fullwidth(cell_text(value))
        if ":" in text:
            text = _TIME_PART.sub("", text)
        result = _parse_date_text(text.replace(" ", ""), label)
    today = today or date.today()
    if result > today:
        raise CellError(f"{label}“{_shown(value)}”晚于今天，请核对")
    return result


def _parse_date_text(text, label):
    match = (
        _FULL_DATE.fullmatch(text)
        or _YEAR_MONTH.fullmatch(text)
        or _COMPACT.fullmatch(text)
    )
    if match is None:
        raise CellError(f"{label}“{text}”无法识别，请写成 {DATE_SPELLINGS} 这样的格式")
    year, month, day = (*match.groups(), None)[:3]
    try:
        return date(int(year), int(month), int(day) if day else 1)
    except ValueError:
        raise CellError(f"{label}“{text}”不是有效的日期，请核对年月日") from None


def _number_date_message(value, label):
    if isinstance(value, float) and not value.is_integer():
        return (
            f"{label}被 Excel 存成了数字“{value:.15g}”，月份可能已经丢失（例如 1977.10 会变成 1977.1）："
            f"请把该列设为“文本”格式后重新输入，或写成 1977-10 这样的格式"
        )
    number = int(value)
    if 1000 <= number <= 9999:
        return f"{label}只有年份“{number}”，请写明月份，如 {number}-6"
    return (
        f"{label}是数字“{number}”（日期格式丢失后 Excel 显示的序列号），"
        f"请写成 {DATE_SPELLINGS} 这样的日期"
    )


def _shown(value):
    return value.date().isoformat() if isinstance(value, datetime) else cell_text(value)


# --- Phones ---------------------------------------------------------------------------

_MOBILE = re.compile(r"1\d{10}")
_LANDLINE = re.compile(r"\d{7,12}")


def _phone_digits(value, label):
    if isinstance(value, float) and not value.is_integer():
        raise CellError(
            f"{label}“{value:.15g}”不是电话号码：请把该列设为“文本”格式后重新输入"
        )
    digits = normalize_phone(fold_fullwidth(cell_text(value)))
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits


def parse_mobile(value, label="电话"):
    """11 digits, or "" for a blank cell; separators, +86 and full-width digits go."""
    digits = _phone_digits(value, label)
    if not digits:
        return ""
    if not _MOBILE.fullmatch(digits):
        raise CellError(
            f"{label}“{cell_text(value)}”不是有效的手机号码：应为以1开头的11位数字；"
            "固定电话请填在“办公电话”或“住宅电话”列"
        )
    return digits


def parse_landline(value, label):
    digits = _phone_digits(value, label)
    if digits and not _LANDLINE.fullmatch(digits):
        raise CellError(
            f"{label}“{cell_text(value)}”不是有效的电话号码：应为7至12位数字（可含区号）"
        )
    return digits


# --- 身份证号码 ---------------------------------------------------------------------

_SCIENTIFIC = re.compile(r"\d+(\.\d+)?[eE]\+?\d+")
_EXCEL_NUMBER_ID = (
    "身份证号码被 Excel 存成了数字（显示为“{shown}”），后几位已经丢失、无法恢复："
    "请把该列设为“文本”格式，再重新输入完整号码"
)


def parse_id_cell(value):
    """The ParsedIDNumber of a cell, or None for a blank cell.

    Excel keeps only 15 significant digits of a number, so an 18-digit ID
    typed into a number cell is already damaged: refused, never guessed.
    """
    if is_blank(value):
        return None
    if isinstance(value, float) or (
        isinstance(value, int) and not isinstance(value, bool) and value >= 10**15
    ):
        raise CellError(_EXCEL_NUMBER_ID.format(shown=f"{value:.5E}"))
    text = fold_fullwidth(cell_text(value)).replace(" ", "")
    if _SCIENTIFIC.fullmatch(text):
        raise CellError(_EXCEL_NUMBER_ID.format(shown=text))
    if "*" in text:
        raise CellError(
            f"身份证号码“{text}”是隐去部分数字的号码，不能导入：请填写完整号码，"
            "或用有权查看完整号码的账号导出名册"
        )
    try:
        return parse_id_number(text)
    except IDNumberError as exc:
        raise CellError(str(exc)) from None


# --- Code lists ------------------------------------------------------------------------

_EDUCATION = {
    "小学": Education.PRIMARY,
    "初中": Education.JUNIOR,
    "初级中学": Education.JUNIOR,
    "高中": Education.SENIOR,
    "普通高中": Education.SENIOR,
    "普高": Education.SENIOR,
    "中专": Education.SECONDARY_VOCATIONAL,
    "中技": Education.SECONDARY_VOCATIONAL,
    "技校": Education.SECONDARY_VOCATIONAL,
    "职高": Education.SECONDARY_VOCATIONAL,
    "职中": Education.SECONDARY_VOCATIONAL,
    "中职": Education.SECONDARY_VOCATIONAL,
    "中等专业学校": Education.SECONDARY_VOCATIONAL,
    "大专": Education.JUNIOR_COLLEGE,
    "专科": Education.JUNIOR_COLLEGE,
    "大学专科": Education.JUNIOR_COLLEGE,
    "高职": Education.JUNIOR_COLLEGE,
    "高职高专": Education.JUNIOR_COLLEGE,
    "本科": Education.BACHELOR,
    "大学本科": Education.BACHELOR,
    "大学": Education.BACHELOR,
    "学士": Education.BACHELOR,
    "研究生": Education.MASTER,
    "硕士": Education.MASTER,
    "硕士研究生": Education.MASTER,
    "博士": Education.DOCTOR,
    "博士研究生": Education.DOCTOR,
}
# How people qualify their level: 全日制本科, 在职研究生, 本科学历, 大专毕业.
_EDUCATION_PREFIXES = re.compile(
    r"^(全日制|在职|函授|自考|成人|电大|网络|夜大|党校|业余)"
)
_EDUCATION_SUFFIXES = re.compile(r"(学历|毕业|文化程度|文化)$")


def parse_education(value):
    text = fold_fullwidth(cell_text(value)).replace(" ", "")
    if not text:
        return ""
    key = _EDUCATION_SUFFIXES.sub("", _EDUCATION_PREFIXES.sub("", text))
    try:
        return _EDUCATION[key]
    except KeyError:
        choices = "、".join(Education.labels)
        raise CellError(f"学历“{text}”无法识别，请填写{choices}之一") from None


_POLITICAL = {label: value for value, label in PoliticalStatus.choices} | {
    "党员": PoliticalStatus.CPC_MEMBER,
    "正式党员": PoliticalStatus.CPC_MEMBER,
    "共产党员": PoliticalStatus.CPC_MEMBER,
    "中国共产党党员": PoliticalStatus.CPC_MEMBER,
    "预备党员": PoliticalStatus.CPC_PROBATIONARY,
    "中国共产党预备党员": PoliticalStatus.CPC_PROBATIONARY,
    "团员": PoliticalStatus.CYL_MEMBER,
    "中国共产主义青年团团员": PoliticalStatus.CYL_MEMBER,
    "民革": PoliticalStatus.RCCK,
    "民盟": PoliticalStatus.CDL,
    "民建": PoliticalStatus.CNDCA,
    "民进": PoliticalStatus.CAPD,
    "农工党": PoliticalStatus.CPWDP,
    "致公党": PoliticalStatus.CZGP,
    "九三学社": PoliticalStatus.JIUSAN,
    "台盟": PoliticalStatus.TDSGL,
    "无党派": PoliticalStatus.NON_PARTISAN,
    "普通群众": PoliticalStatus.MASSES,
}


def parse_political_status(value):
    text = fold_fullwidth(cell_text(value)).replace(" ", "")
    if not text:
        return ""
    try:
        return _POLITICAL[text]
    except KeyError:
        raise CellError(
            f"政治面貌“{text}”无法识别，请填写中共党员、中共预备党员、共青团员、群众等"
        ) from None


_ETHNICITY = {label: code for code, label in ETHNICITY_CHOICES} | {
    label.removesuffix("族"): code
    for code, label in ETHNICITY_CHOICES
    if label.endswith("族")
}


def parse_ethnicity(value):
    text = cell_text(value).replace(" ", "")
    if not text:
        return ""
    try:
        return _ETHNICITY[text]
    except KeyError:
        raise CellError(
            f"民族“{text}”无法识别，请填写民族全称，如“汉族”“壮族”"
        ) from None


# --- 备注 → role in the team ------------------------------------------------------------

_ROLES = {label: value for value, label in Membership.Role.choices} | {
    "队长兼联系人": Membership.Role.CAPTAIN,
    "信息员": Membership.Role.INFO_MANAGER,
    "成员": Membership.Role.MEMBER,
}
ROLE_WORDS = "、".join(
    label for value, label in Membership.Role.choices if value != Membership.Role.MEMBER
)


def parse_remark(value):
    """(role, warning): the plan's 名册 uses 备注 for 负责人 and 联系人.

    Other remarks have nowhere to go in the registry; the caller shows the
    warning so that nothing is dropped without the user seeing it.
    """
    text = cell_text(value).replace(" ", "")
    if not text:
        return Membership.Role.MEMBER, None
    role = _ROLES.get(text)
    if role is not None:
        return role, None
    return Membership.Role.MEMBER, (
        f"备注“{text}”不是队伍职务（{ROLE_WORDS}），不会保存"
    )
