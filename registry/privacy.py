"""Masking of personal data for users who may only read (查看)."""

from . import roles
from .selectors import user_has_volunteer_perm


def mask_phone(number):
    """138****5678 for mobiles; other numbers keep their first 3 and last 4 characters."""
    number = (number or "").strip()
    length = len(number)
    if length <= 4:
        return "*" * length
    if length < 8:
        return "*" * (length - 4) + number[-4:]
    return number[:3] + "*" * (length - 7) + number[-4:]


def can_see_contact_details(user, volunteer):
    """Full phone numbers for those who may edit the record; masked for 查看."""
    return user_has_volunteer_perm(user, roles.EDIT_VOLUNTEERS, volunteer)


def phone_for_user(user, volunteer, number):
    return number if can_see_contact_details(user, volunteer) else mask_phone(number)
