"""The public page a card's QR code opens: is this 注册义工服务证 valid?

Anyone may open it, so it shows the masked name, the 注册义工号 and whether the
card is valid, and nothing else (no team, ID number, phone or photo). A URL
whose signature does not match, or whose volunteer is gone, is the same 404
page: the page never tells whether a number exists. Not indexed, not cached.
"""

from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from . import cards

TEMPLATE = "pdf/verify_card.html"


def _private(response):
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_safe
@never_cache
def card(request, number, signature):
    volunteer = cards.volunteer_for_card(number, signature)
    if volunteer is None:
        return _private(render(request, TEMPLATE, {"found": False}, status=404))
    valid, status = cards.card_status(volunteer)
    context = {
        "found": True,
        "masked_name": cards.mask_name(volunteer.name),
        "volunteer_number": volunteer.volunteer_number,
        "valid": valid,
        "status": status,
        "issuer": cards.ISSUER,
    }
    return _private(render(request, TEMPLATE, context))
