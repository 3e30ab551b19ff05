"""Field validators and normalisers for registry records; messages name what to fix."""

import re

from django.core.exceptions import ValidationError

from .choices import AVAILABILITY_DAYS, AVAILABILITY_SLOTS

_DAY_LABELS = dict(AVAILABILITY_DAYS)
_SLOT_LABELS = dict(AVAILABILITY_SLOTS)
_SLOT_ORDER = [slot for slot, _label in AVAILABILITY_SLOTS]
_PHONE_SEPARATORS = re.compile(r"[\s\-－—()（）]")
# Full-width digits from Chinese input methods.
_FULLWIDTH_DIGITS = {0xFF10 + n: 0x30 + n for n in range(10)}


def validate_availability(value):
    """The 可提供服务时间 grid: {"mon": ["am", "eve"], "holiday": ["pm"], ...}."""
    if not isinstance(value, dict):
        raise ValidationError("可提供服务时间的格式不正确：应为“日期 → 时段列表”")
    for day, slots in value.items():
        if day not in _DAY_LABELS:
            raise ValidationError(
                f"可提供服务时间中的“{day}”不是有效的日期，应为周一至周日或节假日"
            )
        if not isinstance(slots, list):
            raise ValidationError(
                f"可提供服务时间中{_DAY_LABELS[day]}的时段格式不正确：应为列表"
            )
        for slot in slots:
            if slot not in _SLOT_LABELS:
                raise ValidationError(
                    f"可提供服务时间中{_DAY_LABELS[day]}的时段“{slot}”无效，"
                    "应为上午、下午或晚上"
                )
        if len(set(slots)) != len(slots):
            raise ValidationError(f"可提供服务时间中{_DAY_LABELS[day]}有重复的时段")


def normalize_availability(value):
    """Drop empty days and put slots in grid order, so equal grids compare equal."""
    return {
        day: [slot for slot in _SLOT_ORDER if slot in value[day]]
        for day, _label in AVAILABILITY_DAYS
        if value.get(day)
    }


def normalize_phone(raw):
    """Strip spaces, dashes and brackets and fold full-width digits."""
    return _PHONE_SEPARATORS.sub("", (raw or "").translate(_FULLWIDTH_DIGITS))


def validate_mobile(value):
    if not re.fullmatch(r"1\d{10}", value):
        raise ValidationError(f"手机号码“{value}”不正确：应为以1开头的11位数字")


def validate_postcode(value):
    if not re.fullmatch(r"\d{6}", value):
        raise ValidationError(f"邮编“{value}”不正确：应为6位数字")
