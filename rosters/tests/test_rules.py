"""Cell rules: every spelling the plan's rosters use, and every refusal explained."""

from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from registry.choices import Education, PoliticalStatus
from registry.downloads import safe_cell
from registry.models import Membership
from rosters import rules
from rosters.columns import column_for_header, header_key

TODAY = date(2026, 11, 29)


@pytest.mark.parametrize(
    "value, expected",
    [
        ("1977-6", date(1977, 6, 1)),
        ("1977.06", date(1977, 6, 1)),
        ("1977/6", date(1977, 6, 1)),
        ("1977年6月", date(1977, 6, 1)),
        ("１９７７－６", date(1977, 6, 1)),
        ("197706", date(1977, 6, 1)),
        ("2008.07.10", date(2008, 7, 10)),
        ("2008/7/1", date(2008, 7, 1)),
        ("2008年7月10日", date(2008, 7, 10)),
        ("2008-07-10 00:00:00", date(2008, 7, 10)),
        ("20080710", date(2008, 7, 10)),
        (" 2008.7.1 ", date(2008, 7, 1)),
        (datetime(1986, 3, 1), date(1986, 3, 1)),
        (date(1986, 3, 1), date(1986, 3, 1)),
        (None, None),
        ("", None),
    ],
)
def test_dates_in_every_spelling(value, expected):
    assert rules.parse_date(value, "出生年月", today=TODAY) == expected


@pytest.mark.parametrize(
    "value, message",
    [
        (1977.06, "出生年月被 Excel 存成了数字“1977.06”，月份可能已经丢失"),
        (1977.1, "出生年月被 Excel 存成了数字“1977.1”"),
        (1977, "出生年月只有年份“1977”，请写明月份"),
        (28277, "出生年月是数字“28277”（日期格式丢失后 Excel 显示的序列号）"),
        ("1977年13月", "出生年月“1977年13月”不是有效的日期"),
        ("去年", "出生年月“去年”无法识别，请写成 1977-6"),
        ("2099.01.01", "出生年月“2099.01.01”晚于今天"),
        (datetime(2030, 1, 1), "出生年月“2030-01-01”晚于今天"),
    ],
)
def test_dates_refused_with_what_to_do(value, message):
    with pytest.raises(rules.CellError) as info:
        rules.parse_date(value, "出生年月", today=TODAY)
    assert str(info.value).startswith(message)


@pytest.mark.parametrize(
    "value, expected",
    [
        ("13812345678", "13812345678"),
        (13812345678, "13812345678"),
        (13812345678.0, "13812345678"),
        ("138-1234 5678", "13812345678"),
        ("（138）1234-5678", "13812345678"),
        ("１３８１２３４５６７８", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("8613812345678", "13812345678"),
        ("", ""),
        (None, ""),
    ],
)
def test_mobiles_normalised_to_eleven_digits(value, expected):
    assert rules.parse_mobile(value) == expected


@pytest.mark.parametrize("value", ["1234", "23812345678", "138123456789", "电话"])
def test_bad_mobiles_refused(value):
    with pytest.raises(
        rules.CellError, match="不是有效的手机号码：应为以1开头的11位数字"
    ):
        rules.parse_mobile(value)


def test_landline_goes_to_its_own_column():
    assert rules.parse_landline("0750-5551234", "办公电话") == "07505551234"
    with pytest.raises(rules.CellError, match="办公电话“12”不是有效的电话号码"):
        rules.parse_landline("12", "办公电话")


def test_id_numbers_folded_and_checked():
    assert rules.parse_id_cell("４４０７０５１９８７０９２４２０１４").number == (
        "440705198709242014"
    )
    assert rules.parse_id_cell(None) is None
    assert rules.parse_id_cell("  ") is None


def test_lower_case_x_is_upper_case_x():
    parsed = rules.parse_id_cell("44070319580308102x")
    assert parsed.number == "44070319580308102X"


@pytest.mark.parametrize(
    "value", [4.407052000123093e17, 440705200012309316, "4.40705E+17", "4.40705e17"]
)
def test_id_numbers_stored_as_numbers_refused(value):
    with pytest.raises(rules.CellError) as info:
        rules.parse_id_cell(value)
    assert "身份证号码被 Excel 存成了数字" in str(info.value)
    assert "请把该列设为“文本”格式，再重新输入完整号码" in str(info.value)


@pytest.mark.parametrize("masked", ["440705**********14", "**************2014"])
def test_masked_id_number_refused(masked):
    with pytest.raises(rules.CellError, match="隐去部分数字"):
        rules.parse_id_cell(masked)


def test_id_check_digit_message_comes_from_the_registry():
    with pytest.raises(rules.CellError, match="身份证号码校验位错误：最后一位应为 4"):
        rules.parse_id_cell("440705198709242010")


@pytest.mark.parametrize(
    "value, expected",
    [
        ("本科", Education.BACHELOR),
        ("本科学历", Education.BACHELOR),
        ("大学本科", Education.BACHELOR),
        ("全日制本科", Education.BACHELOR),
        ("大专", Education.JUNIOR_COLLEGE),
        ("专科", Education.JUNIOR_COLLEGE),
        ("大专毕业", Education.JUNIOR_COLLEGE),
        ("在职研究生", Education.MASTER),
        ("硕士", Education.MASTER),
        ("博士研究生", Education.DOCTOR),
        ("中专", Education.SECONDARY_VOCATIONAL),
        ("技校", Education.SECONDARY_VOCATIONAL),
        ("高中", Education.SENIOR),
        ("初中", Education.JUNIOR),
        ("", ""),
    ],
)
def test_education_synonyms(value, expected):
    assert rules.parse_education(value) == expected


def test_unknown_education_lists_the_choices():
    with pytest.raises(rules.CellError, match="学历“幼儿园”无法识别，请填写小学、初中"):
        rules.parse_education("幼儿园")


@pytest.mark.parametrize(
    "value, expected",
    [
        ("中共党员", PoliticalStatus.CPC_MEMBER),
        ("党员", PoliticalStatus.CPC_MEMBER),
        ("预备党员", PoliticalStatus.CPC_PROBATIONARY),
        ("共青团员", PoliticalStatus.CYL_MEMBER),
        ("团员", PoliticalStatus.CYL_MEMBER),
        ("群众", PoliticalStatus.MASSES),
        ("九三学社", PoliticalStatus.JIUSAN),
    ],
)
def test_political_status_spellings(value, expected):
    assert rules.parse_political_status(value) == expected


def test_gender_and_ethnicity():
    assert rules.parse_gender("男") == "M"
    assert rules.parse_gender(" 女性 ") == "F"
    assert rules.parse_ethnicity("汉") == rules.parse_ethnicity("汉族") == "01"
    with pytest.raises(rules.CellError, match="性别“未知”无法识别"):
        rules.parse_gender("未知")
    with pytest.raises(rules.CellError, match="民族“火星族”无法识别"):
        rules.parse_ethnicity("火星族")


def test_names_lose_padding_and_stray_spaces():
    assert rules.clean_name(" 万豪秋\u3000") == "万豪秋"
    assert rules.clean_name("张　三") == "张三"
    assert rules.clean_name("阿依古丽 买买提") == "阿依古丽买买提"
    assert rules.clean_name("John  Smith") == "John Smith"
    with pytest.raises(rules.CellError, match="姓名为空"):
        rules.clean_name(None)


def test_formula_like_text_kept_as_text_and_export_escape_undone():
    formula = '=HYPERLINK("http://example.invalid","点我")'
    assert rules.clean_name(formula) == formula
    for text in ("=1+1", "+86", "-2", "@SUM(A1)", "\tx", "\rx"):
        escaped = safe_cell(text)
        assert escaped == "'" + text
        assert rules.unescape_formula(escaped) == text
    assert safe_cell("张三") == "张三"
    assert rules.cell_text("'=1+1") == "=1+1"
    assert rules.cell_text("'张三") == "'张三"


def test_control_characters_removed():
    assert rules.cell_text("办公\x0b室\x00") == "办公室"
    assert rules.cell_text(13800138000.0) == "13800138000"


@given(st.text())
def test_cell_text_skips_the_regexes_only_where_they_change_nothing(text):
    spaced = rules._CONTROL.sub("", text).replace("\u3000", " ")
    expected = rules.unescape_formula(rules._SPACES.sub(" ", spaced).strip())
    assert rules.cell_text(text) == expected


def test_remark_gives_a_role_or_a_warning():
    assert rules.parse_remark("负责人") == (Membership.Role.HEAD, None)
    assert rules.parse_remark("联系人") == (Membership.Role.CONTACT, None)
    assert rules.parse_remark(None) == (Membership.Role.MEMBER, None)
    role, warning = rules.parse_remark("借调至市局")
    assert role == Membership.Role.MEMBER
    assert warning.startswith("备注“借调至市局”不是队伍职务")


@pytest.mark.parametrize(
    "header, key",
    [
        ("姓名", "name"),
        (" 姓 名 ", "name"),
        ("身份证号码（18位）*", "id_number"),
        ("身份证号", "id_number"),
        ("公民身份号码", "id_number"),
        ("联系电话", "mobile"),
        ("手机号码", "mobile"),
        ("出生年月\n(YYYY-MM)", "birth"),
        ("部门/职务", "department"),
        ("E-mail", "email"),
        ("\ufeff序号", "seq"),
        ("期望结果", None),
    ],
)
def test_header_spellings(header, key):
    assert column_for_header(header) == key


def test_header_key_strips_noise():
    assert header_key("＊姓名：") == "姓名"
