"""Resident ID number (公民身份号码, GB 11643-1999) parsing and validation.

Kept free of dependencies on purpose: python-stdnum rejects genuine numbers
whose region code it does not list for the birth year (e.g. 台山 440781 and
the old 440722), so here the region code only ever produces warnings.
"""

import functools
import operator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

MAX_AGE_YEARS = 120

PROVINCE_CODES = frozenset(
    f"{code:02d}"
    for code in (
        *range(11, 16),
        *range(21, 24),
        *range(31, 38),
        *range(41, 47),
        *range(50, 55),
        *range(61, 66),
        71,
        81,  # 81/82/83 also cover HK/Macau/Taiwan residence permits (810000 etc.)
        82,
        83,
    )
)

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ZERO_BYTES_WEIGHT = ord("0") * sum(_WEIGHTS)
_CHECK_CHARS = "10X98765432"
_DIGITS = frozenset("0123456789")
# The full-width ASCII block U+FF01..U+FF5E maps one-to-one onto U+0021..U+007E.
_FULLWIDTH_TO_ASCII = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_GENDER_LABELS = {"M": "男", "F": "女"}
_DECLARED_GENDERS = {"M": "M", "F": "F", "男": "M", "女": "F"}

Gender = Literal["M", "F"]


class IDNumberError(ValueError):
    """The ID number is invalid; str(exc) is a Simplified Chinese message for the user."""


@dataclass(frozen=True)
class ParsedIDNumber:
    number: str
    birth_date: date
    gender: Gender
    region_code: str
    upgraded_from_15: bool
    warnings: tuple[str, ...]

    @property
    def tail(self) -> str:
        return self.number[-4:]


def normalize_id_number(raw: str) -> str:
    """Drop all whitespace, fold full-width characters to ASCII and upper-case x."""
    if raw.isascii() and raw.isalnum():  # the usual case: nothing to fold or drop
        return raw.replace("x", "X")
    folded = raw.translate(_FULLWIDTH_TO_ASCII)
    # Only x is upper-cased: str.upper() can change the length ("ß" -> "SS").
    return "".join(ch for ch in folded if not ch.isspace()).replace("x", "X")


def check_digit(body17: str) -> str:
    """ISO 7064 MOD 11-2 check character for the first 17 digits."""
    if len(body17) != 17 or not (body17.isascii() and body17.isdigit()):
        raise ValueError(f"body17 must be 17 ASCII digits, got {body17!r}")
    # Byte values are digit + 48 (hot in roster imports): the 48s come off after.
    total = sum(map(operator.mul, body17.encode(), _WEIGHTS)) - _ZERO_BYTES_WEIGHT
    return _CHECK_CHARS[total % 11]


def parse_id_number(
    raw: str,
    *,
    declared_birth: date | tuple[int, int] | None = None,
    declared_gender: str | None = None,
    today: date | None = None,
) -> ParsedIDNumber:
    """Validate and normalise an 18-digit (or legacy 15-digit) resident ID number.

    ``declared_birth`` is either a full date or a (year, month) pair, since forms
    often ask only for 出生年月. ``declared_gender`` is "M"/"F" or "男"/"女".
    Raises IDNumberError with a message saying what to fix.
    """
    parsed = _parse_normalized(normalize_id_number(raw), today or date.today())
    _check_declared(parsed.birth_date, parsed.gender, declared_birth, declared_gender)
    return parsed


# A roster row's number is parsed when its cell is read and again when the
# record is checked; results are immutable, failures are not cached.
@functools.lru_cache(maxsize=1024)
def _parse_normalized(number: str, today: date) -> ParsedIDNumber:
    if not number:
        raise IDNumberError("请填写身份证号码")
    if len(number) not in (15, 18):
        raise IDNumberError(f"身份证号码应为18位（或旧版15位），现为{len(number)}位")
    _check_characters(number)

    upgraded = len(number) == 15
    # Legacy numbers carry a 2-digit year that always meant 19xx.
    body = f"{number[:6]}19{number[6:]}" if upgraded else number[:17]
    birth = _birth_date(body[6:14], today)
    check = check_digit(body)
    if not upgraded and number[17] != check:
        raise IDNumberError(f"身份证号码校验位错误：最后一位应为 {check}，请核对号码")
    gender: Gender = "M" if int(body[16]) % 2 else "F"

    full = body + check
    warnings = []
    if upgraded:
        warnings.append(
            f"旧版15位身份证号码已按规则升级为18位（{full}），"
            "本人现行身份证号码可能不同，请核对"
        )
    if full[:2] not in PROVINCE_CODES:
        warnings.append(f"身份证号码前两位“{full[:2]}”不是已知的省级行政区代码，请核对")
    return ParsedIDNumber(
        number=full,
        birth_date=birth,
        gender=gender,
        region_code=full[:6],
        upgraded_from_15=upgraded,
        warnings=tuple(warnings),
    )


def _check_characters(number: str) -> None:
    for position, ch in enumerate(number, start=1):
        if ch in _DIGITS:
            continue
        if position == 18:
            if ch != "X":
                raise IDNumberError(f"身份证号码第18位“{ch}”应为数字或 X")
        else:
            raise IDNumberError(f"身份证号码第{position}位“{ch}”应为数字")


def _birth_date(yyyymmdd: str, today: date) -> date:
    try:
        birth = date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:]))
    except ValueError:
        raise IDNumberError(f"身份证号码中的出生日期 {yyyymmdd} 不是有效日期") from None
    if birth > today:
        raise IDNumberError("身份证号码中的出生日期晚于今天")
    age = (
        today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))
    )
    if age > MAX_AGE_YEARS:
        raise IDNumberError(
            f"身份证号码中的出生日期 {yyyymmdd} 距今超过{MAX_AGE_YEARS}年，请核对号码"
        )
    return birth


def _check_declared(
    birth: date,
    gender: Gender,
    declared_birth: date | tuple[int, int] | None,
    declared_gender: str | None,
) -> None:
    # Collect every disagreement so the user can fix them in one go.
    problems = []
    if isinstance(declared_birth, datetime):
        # datetime never compares equal to date, so compare the date part.
        declared_birth = declared_birth.date()
    if isinstance(declared_birth, date):
        if declared_birth != birth:
            problems.append(
                f"身份证号码中的出生日期（{birth.year}年{birth.month}月{birth.day}日）"
                f"与填写的出生日期（{declared_birth.year}年{declared_birth.month}月"
                f"{declared_birth.day}日）不一致"
            )
    elif declared_birth is not None:
        year, month = declared_birth
        if (birth.year, birth.month) != (year, month):
            problems.append(
                f"身份证号码中的出生日期（{birth.year}年{birth.month}月）"
                f"与填写的出生年月（{year}年{month}月）不一致"
            )
    if declared_gender is not None:
        declared = _DECLARED_GENDERS.get(declared_gender.strip().upper())
        if declared is None:
            raise ValueError(
                f"declared_gender must be M, F, 男 or 女, got {declared_gender!r}"
            )
        if declared != gender:
            problems.append(
                f"身份证号码显示的性别为{_GENDER_LABELS[gender]}，"
                f"与填写的性别“{_GENDER_LABELS[declared]}”不一致"
            )
    if problems:
        raise IDNumberError("；".join(problems))
