"""注册义工服务证 (the volunteer card) and 志愿服务记录证明 (the service-record certificate).

The card's QR code opens the public verification page (pdf.public_views):

- Its URL is ``/verify/card/<注册义工号>/<signature>/``. The signature is
  Django's HMAC (``signing.Signer``, salt ``CARD_SALT``, no timestamp) over the
  number, so the same volunteer always gets the same code, and nobody can reach
  a page by counting numbers. It depends on ``SECRET_KEY``: rotating the key
  voids every printed code unless the old key stays in ``SECRET_KEY_FALLBACKS``.
- The host is ``settings.WAGTAILADMIN_BASE_URL`` (set from the environment,
  ``https://`` capable, already required to be the site's real address for the
  workflow e-mails) rather than the Wagtail default Site, whose root URL is
  ``http://`` unless its port is 443 and which editors can change in the admin.
- The page shows the name masked (``mask_name``), the number and whether the
  card is valid (``card_status``): nothing more.

Nothing here writes or logs: a caller that shows the full ID number on a
certificate has logged the reveal (registry.services.reveal_id_number) and
passes the number in ``id_number_shown``.
"""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import segno
from django.conf import settings
from django.core import signing
from django.urls import reverse

from registry import privacy
from registry.models import Volunteer

from .images import photo_data_url
from .rendering import DEFAULT_AUTHOR, render_pdf

ISSUER = DEFAULT_AUTHOR
CARD_SALT = "pdf.cards.verify"
# 附件3 台山市义工注册登记表: the volunteer's oath, printed on the card's back.
OATH = (
    "我愿意成为一名光荣的义工。我承诺：尽己所能，不计报酬，帮助他人，服务社会。"
    "践行义工精神，传递爱心，传播文明，为建设团结互助、平等友爱、共同进步的和谐社会贡献力量。"
)
# Longest value the URL accepts before asking the signer (a 注册义工号 is 20 at most).
MAX_NUMBER_LENGTH = Volunteer._meta.get_field("volunteer_number").max_length
MAX_SIGNATURE_LENGTH = 100


# --- The card's URL and what the verification page shows ------------------------------


def _signer():
    return signing.Signer(salt=CARD_SALT)


def card_signature(volunteer_number):
    """The signature in the card URL of ``volunteer_number`` (the same every time)."""
    return _signer().signature(volunteer_number)


def card_path(volunteer):
    """``/verify/card/<number>/<signature>/``: the URL name is ``verify:card``."""
    number = volunteer.volunteer_number
    return reverse("verify:card", args=[number, card_signature(number)])


def site_root_url():
    """The public site's address, as the QR code carries it (WAGTAILADMIN_BASE_URL)."""
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/")


def card_url(volunteer):
    """The absolute URL the card's QR code encodes."""
    return site_root_url() + card_path(volunteer)


def volunteer_for_card(number, signature):
    """The volunteer whose card URL this is, or None (bad signature, unknown number).

    The signature is checked before the database is asked, so a guessed URL
    costs no query; the comparison is constant-time (Signer.unsign).
    """
    if not (
        isinstance(number, str)
        and isinstance(signature, str)
        and 0 < len(number) <= MAX_NUMBER_LENGTH
        and 0 < len(signature) <= MAX_SIGNATURE_LENGTH
    ):
        return None
    signer = _signer()
    try:
        signed = signer.unsign(f"{number}{signer.sep}{signature}")
    except signing.BadSignature:
        return None
    if signed != number:  # a separator inside the segments moved the split
        return None
    return (
        Volunteer.objects.filter(volunteer_number=number)
        .only("name", "volunteer_number", "status")
        .first()
    )


def mask_name(name):
    """张三 → 张*, 欧阳娜娜 → 欧***: the first character, then one * per character."""
    name = (name or "").strip()
    return name[:1] + "*" * (len(name) - 1)


def card_is_valid(volunteer):
    """A card is valid while the volunteer is 已注册 (not 待审核, 暂停, 退出 …)."""
    return volunteer.status == Volunteer.Status.REGISTERED


def card_status(volunteer):
    """(valid, wording): ``(True, "有效")`` or ``(False, "暂停")`` and so on."""
    if card_is_valid(volunteer):
        return True, "有效"
    return False, volunteer.get_status_display()


def qr_data_url(url):
    """A QR code (error correction M) of ``url`` as an SVG data: URL, deterministic.

    Quiet zone of 4 modules included; sized by CSS (viewBox, no width/height).
    """
    return segno.make(url, error="m").svg_data_uri(border=4, omitsize=True)


# --- 注册义工服务证 ----------------------------------------------------------------


def card_context(volunteer, *, back=True):
    url = card_url(volunteer)
    return {
        "name": volunteer.name,
        "volunteer_number": volunteer.volunteer_number,
        "team": volunteer.org_node.name if volunteer.org_node_id else "",
        "issuer": ISSUER,
        "photo_url": photo_data_url(volunteer),
        "qr_url": qr_data_url(url),
        "verify_url": url,
        "back": back,
        "oath": OATH,
    }


def render_card(volunteer, *, back=True):
    """PDF bytes of the volunteer's card: 85.6 × 54 mm, the front and (``back``) the oath.

    Whether a card may be printed (e.g. only for 已注册, see card_is_valid) is
    the caller's decision; a card of anyone else verifies as 无效.
    """
    return render_pdf(
        "pdf/card.html",
        card_context(volunteer, back=back),
        title=f"注册义工服务证 {volunteer.volunteer_number}",
        stylesheets=("card",),
    )


# --- 志愿服务记录证明 -----------------------------------------------------------------


# More than anyone serves in one row (about 11 years day and night): a typo.
MAX_PERIOD_HOURS = Decimal(100_000)


@dataclass(frozen=True)
class ServicePeriod:
    """One row of the certificate: 服务时段, 服务内容, 服务时数."""

    period: str
    content: str
    hours: Decimal

    @property
    def hours_text(self):
        return format_hours(self.hours)


def format_hours(hours):
    """36.5, 12, 0.25: at most two decimals, no trailing zeros."""
    value = hours.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP).normalize()
    return f"{value:f}"


def chinese_date(day):
    """2026年12月4日; a blank 年 月 日 to fill in by hand when ``day`` is None."""
    if day is None:
        return "　　　　年　　月　　日"
    return f"{day.year}年{day.month}月{day.day}日"


def _hours(value, row):
    """Decimal hours of one row: a number, not negative."""
    not_a_number = ValueError(f"第{row}行的服务时数必须是数字")
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        raise not_a_number
    try:
        hours = Decimal(str(value).strip())
    except InvalidOperation:
        raise not_a_number from None
    if not hours.is_finite():
        raise not_a_number
    if hours < 0:
        raise ValueError(f"第{row}行的服务时数不能为负数")
    if hours > MAX_PERIOD_HOURS:
        raise ValueError(f"第{row}行的服务时数过大，请检查")
    return hours


def service_periods(periods):
    """The rows as ServicePeriod, checked: a ValueError with a Chinese message otherwise.

    ``periods``: dicts with ``period`` (text, e.g. "2025年3月—6月"), ``content``
    and ``hours`` (Decimal, int, float or a numeric string).
    """
    if not periods:
        raise ValueError("没有服务记录，不能出具志愿服务记录证明")
    rows = []
    for row, item in enumerate(periods, start=1):
        if not isinstance(item, dict):
            raise ValueError(f"第{row}行的服务记录格式不正确")
        period = str(item.get("period") or "").strip()
        content = str(item.get("content") or "").strip()
        if not period:
            raise ValueError(f"第{row}行缺少服务时段")
        if not content:
            raise ValueError(f"第{row}行缺少服务内容")
        rows.append(ServicePeriod(period, content, _hours(item.get("hours"), row)))
    return rows


def certificate_context(
    volunteer,
    *,
    periods,
    served_from,
    served_to,
    number,
    issued_on=None,
    issuer=ISSUER,
    person_in_charge="",
    clerk="",
    contact="",
    id_number_shown=None,
):
    """The template's context, the arguments checked (see render_certificate)."""
    rows = service_periods(periods)
    if not isinstance(served_from, date) or not isinstance(served_to, date):
        raise ValueError("请填写服务起止日期")
    if served_from > served_to:
        raise ValueError("服务起始日期不能晚于结束日期")
    number = (number or "").strip()
    if not number:
        raise ValueError("请填写证明编号")
    issuer = (issuer or "").strip()
    if not issuer:
        raise ValueError("请填写出具证明的单位")
    if id_number_shown is None:
        id_number_shown = privacy.masked_id_number(volunteer)
    total = sum((row.hours for row in rows), Decimal(0))
    return {
        "name": volunteer.name,
        "gender": volunteer.get_gender_display(),
        "id_number": id_number_shown,
        "volunteer_number": volunteer.volunteer_number,
        "periods": rows,
        "total_hours": format_hours(total),
        "served_from": chinese_date(served_from),
        "served_to": chinese_date(served_to),
        "number": number,
        "issued_on": chinese_date(issued_on),
        "issuer": issuer,
        "person_in_charge": (person_in_charge or "").strip(),
        "clerk": (clerk or "").strip(),
        "contact": (contact or "").strip(),
    }


def render_certificate(volunteer, **details):
    """PDF bytes of 志愿服务记录证明 (A4 portrait) for ``volunteer``.

    ``details`` are certificate_context's keywords:

    - ``periods``: the table's rows, dicts of ``period``, ``content``, ``hours``
      (see service_periods);
    - ``served_from``, ``served_to``: the dates of the 自…至… sentence;
    - ``number``: 证明编号; ``issued_on``: the date, or None for a blank 年 月 日;
    - ``issuer``: 出具单位 (the federation by default); ``person_in_charge``
      (负责人), ``clerk`` (经办人): names printed before their 签字： lines,
      blank lines when empty; ``contact``: 联系电话;
    - ``id_number_shown``: the masked ID number unless the caller passes the
      revealed one, having logged the reveal.

    Invalid input raises ValueError with a Chinese message.
    """
    context = certificate_context(volunteer, **details)
    return render_pdf(
        "pdf/certificate.html",
        context,
        title=f"志愿服务记录证明 {context['number']}",
        author=context["issuer"],
        stylesheets=("certificate",),
    )
