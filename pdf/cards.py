"""注册义工服务证 (the volunteer card).

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

Nothing here writes or logs.
"""

import segno
from django.conf import settings
from django.core import signing
from django.urls import reverse

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
