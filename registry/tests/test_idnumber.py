from datetime import date, datetime, timedelta

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from registry.idnumber import (
    MAX_AGE_YEARS,
    IDNumberError,
    ParsedIDNumber,
    check_digit,
    normalize_id_number,
    parse_id_number,
)

TODAY = date(2025, 6, 15)
# Oldest birth date still within MAX_AGE_YEARS completed years on TODAY.
OLDEST = date(TODAY.year - MAX_AGE_YEARS - 1, TODAY.month, TODAY.day) + timedelta(
    days=1
)

# Written out from the spec rather than imported, so the module is checked against it.
KNOWN_PROVINCES = (
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 "
    "50 51 52 53 54 61 62 63 64 65 71 81 82 83"
).split()
UNKNOWN_PROVINCES = [
    f"{n:02d}" for n in range(100) if f"{n:02d}" not in KNOWN_PROVINCES
]
TAISHAN_CODES = ("440781", "440722")
LENGTH_MSG = "身份证号码应为18位（或旧版15位），现为{}位"
CHECK_MSG = "身份证号码校验位错误：最后一位应为 {}，请核对号码"
INVALID_DATE_MSG = "身份证号码中的出生日期 {} 不是有效日期"
FUTURE_MSG = "身份证号码中的出生日期晚于今天"


def reference_check_char(body17: str) -> str:
    """Independent MOD 11-2: weight of position i is 2**(17 - i) mod 11."""
    total = sum(int(ch) * pow(2, 17 - i, 11) for i, ch in enumerate(body17))
    value = (12 - total % 11) % 11
    return "X" if value == 10 else str(value)


def build(region: str, birth: date, sequence: int) -> str:
    body = f"{region}{birth:%Y%m%d}{sequence:03d}"
    return body + reference_check_char(body)


def to_fullwidth(text: str) -> str:
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text)


def digits(n: int) -> st.SearchStrategy[str]:
    return st.text(alphabet="0123456789", min_size=n, max_size=n)


regions = st.one_of(
    st.sampled_from(TAISHAN_CODES),
    st.builds(str.__add__, st.sampled_from(KNOWN_PROVINCES), digits(4)),
)
births = st.dates(min_value=OLDEST, max_value=TODAY)
sequences = st.integers(min_value=0, max_value=999)


@st.composite
def valid_numbers(draw, region=regions, birth=births):
    r, b, s = draw(region), draw(birth), draw(sequences)
    return build(r, b, s), r, b, s


@st.composite
def numbers_ending_in_x(draw):
    region, birth = draw(regions), draw(births)
    # About one sequence in eleven yields X, so scanning from a random start always finds one.
    start = draw(sequences)
    for offset in range(1000):
        number = build(region, birth, (start + offset) % 1000)
        if number.endswith("X"):
            return number
    raise AssertionError("no sequence gives check character X")


def parse(raw, **kwargs) -> ParsedIDNumber:
    return parse_id_number(raw, today=TODAY, **kwargs)


def error_message(raw, **kwargs) -> str:
    with pytest.raises(IDNumberError) as excinfo:
        parse(raw, **kwargs)
    return str(excinfo.value)


# --- properties -------------------------------------------------------------


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_check_digit_matches_reference(body):
    assert check_digit(body) == reference_check_char(body)


@given(valid_numbers())
def test_valid_numbers_round_trip(case):
    number, region, birth, sequence = case
    parsed = parse(number)
    assert parsed == ParsedIDNumber(
        number=number,
        birth_date=birth,
        gender="M" if sequence % 2 else "F",
        region_code=region,
        upgraded_from_15=False,
        warnings=(),
    )
    assert parse(parsed.number) == parsed


@given(valid_numbers())
def test_gender_follows_sequence_parity_and_declared_gender_is_checked(case):
    number, _, _, sequence = case
    gender, label, other, other_label = (
        ("M", "男", "F", "女") if sequence % 2 else ("F", "女", "M", "男")
    )
    assert parse(number).gender == gender
    assert parse(number, declared_gender=label).gender == gender
    assert parse(number, declared_gender=gender.lower()).gender == gender
    assert error_message(number, declared_gender=other) == (
        f"身份证号码显示的性别为{label}，与填写的性别“{other_label}”不一致"
    )


@given(valid_numbers(), st.integers(min_value=0, max_value=16), st.integers(1, 9))
def test_any_single_digit_change_in_body_is_rejected(case, position, shift):
    number = case[0]
    changed_digit = str((int(number[position]) + shift) % 10)
    changed = number[:position] + changed_digit + number[position + 1 :]
    message = error_message(changed)
    if not 6 <= position < 14:
        # Outside the birth date only the check character can catch the typo.
        assert message == CHECK_MSG.format(reference_check_char(changed[:17]))
    else:
        assert message.startswith("身份证号码")


@given(valid_numbers(), st.sampled_from("0123456789X"))
def test_wrong_check_char_is_rejected(case, wrong):
    number = case[0]
    assume(wrong != number[-1])
    assert error_message(number[:-1] + wrong) == CHECK_MSG.format(number[-1])


@given(numbers_ending_in_x(), st.data())
def test_lowercase_fullwidth_and_spaces_normalise(number, data):
    variants = [
        number[:-1] + "x",
        to_fullwidth(number),
        to_fullwidth(number[:-1]) + "ｘ",
    ]
    spaced = list(number)
    for _ in range(data.draw(st.integers(1, 4))):
        spaced.insert(
            data.draw(st.integers(0, len(spaced))),
            data.draw(st.sampled_from([" ", "\u3000", "\u00a0", "\t"])),
        )
    variants.append("".join(spaced))
    for variant in variants:
        assert normalize_id_number(variant) == number
        assert parse(variant).number == number


@given(
    regions,
    st.dates(min_value=max(OLDEST, date(1900, 1, 1)), max_value=date(1999, 12, 31)),
    sequences,
)
def test_fifteen_digit_numbers_upgrade(region, birth, sequence):
    old = f"{region}{birth:%y%m%d}{sequence:03d}"
    parsed = parse(old)
    expected = build(region, birth, sequence)
    assert parsed.number == expected
    assert parsed.upgraded_from_15 is True
    assert parsed.birth_date == birth
    assert parsed.gender == ("M" if sequence % 2 else "F")
    assert any(expected in w and "15位" in w for w in parsed.warnings)

    again = parse(parsed.number)
    assert (again.birth_date, again.gender, again.upgraded_from_15, again.warnings) == (
        birth,
        parsed.gender,
        False,
        (),
    )


@given(
    regions,
    st.dates(min_value=TODAY + timedelta(days=1), max_value=date(2099, 12, 31)),
    sequences,
)
def test_future_birth_dates_are_rejected(region, birth, sequence):
    assert error_message(build(region, birth, sequence)) == FUTURE_MSG


@given(
    regions,
    st.integers(min_value=OLDEST.year + 1, max_value=TODAY.year - 1),
    st.sampled_from(
        ["0230", "0231", "1301", "0001", "0100", "0431", "1131", "1232", "0000"]
    ),
    digits(3),
)
def test_impossible_dates_are_rejected(region, year, month_day, sequence):
    body = f"{region}{year}{month_day}{sequence}"
    message = error_message(body + reference_check_char(body))
    assert message == INVALID_DATE_MSG.format(f"{year}{month_day}")


@given(
    regions, st.integers(min_value=OLDEST.year + 1, max_value=TODAY.year - 1), digits(3)
)
def test_february_29_only_in_leap_years(region, year, sequence):
    body = f"{region}{year}0229{sequence}"
    number = body + reference_check_char(body)
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    if leap:
        assert parse(number).birth_date == date(year, 2, 29)
    else:
        assert error_message(number) == INVALID_DATE_MSG.format(f"{year}0229")


@given(
    valid_numbers(
        region=st.builds(str.__add__, st.sampled_from(UNKNOWN_PROVINCES), digits(4))
    )
)
def test_unknown_province_only_warns(case):
    number, region, birth, _ = case
    parsed = parse(number)
    assert (parsed.number, parsed.birth_date) == (number, birth)
    assert parsed.warnings == (
        f"身份证号码前两位“{region[:2]}”不是已知的省级行政区代码，请核对",
    )


@given(
    valid_numbers(region=st.sampled_from(TAISHAN_CODES), birth=st.dates(OLDEST, TODAY))
)
def test_taishan_codes_pass_for_any_birth_year(case):
    number, region, birth, _ = case
    parsed = parse(number)
    assert (parsed.region_code, parsed.birth_date, parsed.warnings) == (
        region,
        birth,
        (),
    )


@given(
    st.text(alphabet="0123456789", max_size=25).filter(
        lambda s: len(s) not in (0, 15, 18)
    )
)
def test_wrong_lengths_are_rejected(raw):
    assert error_message(raw) == LENGTH_MSG.format(len(raw))


@given(valid_numbers())
def test_tail(case):
    number = case[0]
    parsed = parse(number)
    assert parsed.tail == number[-4:]
    assert not hasattr(parsed, "masked")  # registry.privacy masks


# --- explicit examples ------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "birth", "gender"),
    [
        # Check characters verified by hand (e.g. 44078119620315123: sum 304, 304 % 11 = 7 -> "5").
        ("440781196203151235", date(1962, 3, 15), "M"),
        ("44078119851108204X", date(1985, 11, 8), "F"),
        ("440722197007013518", date(1970, 7, 1), "M"),
        # The example given in GB 11643-1999 itself.
        ("11010519491231002X", date(1949, 12, 31), "F"),
    ],
)
def test_known_numbers(number, birth, gender):
    parsed = parse(number)
    assert (parsed.number, parsed.birth_date, parsed.gender, parsed.warnings) == (
        number,
        birth,
        gender,
        (),
    )


def test_issue_example_messages():
    assert error_message("44078119851108204") == LENGTH_MSG.format(17)
    assert error_message("440781198511082041") == CHECK_MSG.format("X")
    body = "44078119850230123"
    assert error_message(body + reference_check_char(body)) == INVALID_DATE_MSG.format(
        "19850230"
    )
    assert error_message("440781198503120026", declared_gender="男") == (
        "身份证号码显示的性别为女，与填写的性别“男”不一致"
    )
    assert error_message("440781198503120026", declared_birth=(1985, 4)) == (
        "身份证号码中的出生日期（1985年3月）与填写的出生年月（1985年4月）不一致"
    )


def test_declared_birth_accepts_year_month_date_and_datetime():
    number = "440781198503120026"
    assert parse(number, declared_birth=(1985, 3)).birth_date == date(1985, 3, 12)
    assert parse(number, declared_birth=date(1985, 3, 12)).birth_date == date(
        1985, 3, 12
    )
    assert parse(number, declared_birth=datetime(1985, 3, 12, 9, 30)).gender == "F"
    assert error_message(number, declared_birth=date(1985, 3, 21)) == (
        "身份证号码中的出生日期（1985年3月12日）与填写的出生日期（1985年3月21日）不一致"
    )


def test_all_declared_mismatches_reported_together():
    assert error_message(
        "440781198503120026", declared_birth=(1985, 4), declared_gender="M"
    ) == (
        "身份证号码中的出生日期（1985年3月）与填写的出生年月（1985年4月）不一致；"
        "身份证号码显示的性别为女，与填写的性别“男”不一致"
    )


def test_unrecognised_declared_gender_is_a_caller_error():
    with pytest.raises(ValueError) as excinfo:
        parse("440781198503120026", declared_gender="unknown")
    assert not isinstance(excinfo.value, IDNumberError)


def test_age_limit_boundary():
    assert parse(build("440781", OLDEST, 1)).birth_date == OLDEST
    too_old = OLDEST - timedelta(days=1)
    assert error_message(build("440781", too_old, 1)) == (
        f"身份证号码中的出生日期 {too_old:%Y%m%d} 距今超过{MAX_AGE_YEARS}年，请核对号码"
    )


def test_born_today_is_accepted_and_today_defaults_to_real_date():
    assert parse(build("440781", TODAY, 2)).birth_date == TODAY
    tomorrow = date.today() + timedelta(days=1)
    with pytest.raises(IDNumberError, match="晚于今天"):
        parse_id_number(build("440781", tomorrow, 2))


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "请填写身份证号码"),
        (" \u3000 ", "请填写身份证号码"),
        ("44078119851108X04X", "身份证号码第15位“X”应为数字"),
        ("44078119851108204Y", "身份证号码第18位“Y”应为数字或 X"),
        ("44078185110820X", "身份证号码第15位“X”应为数字"),
        ("44078119851108204４", CHECK_MSG.format("X")),
    ],
)
def test_bad_characters_and_empty_input(raw, message):
    assert error_message(raw) == message


def test_non_ascii_digits_are_not_treated_as_digits():
    # str.isdigit() accepts "²" and Arabic-Indic digits; the checker must not.
    assert error_message("44078119851108204²") == "身份证号码第18位“²”应为数字或 X"
    with pytest.raises(ValueError):
        check_digit("4407811985110820٤")
