"""Privacy: showing a full ID number, logged."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from wagtail.log_actions import log

from .. import roles
from ..models import IDNumberReveal
from ..selectors import user_has_volunteer_perm


def reveal_id_number(*, volunteer, user, reason="", ip_address=None):
    """Return the full ID number, after checking the right and logging who saw it."""
    if not user_has_volunteer_perm(user, roles.REVEAL_ID_NUMBER, volunteer):
        raise PermissionDenied("您没有查看完整身份证号码的权限")
    if not volunteer.id_number:
        raise ValidationError("该义工尚未登记身份证号码")
    with transaction.atomic():
        IDNumberReveal.objects.create(
            volunteer=volunteer,
            volunteer_number=volunteer.volunteer_number,
            user=user,
            username=user.get_username(),
            reason=reason,
            ip_address=ip_address,
        )
        log(
            volunteer,
            "registry.reveal_id_number",
            user=user,
            data={"reason": reason} if reason else {},
        )
    return volunteer.id_number
