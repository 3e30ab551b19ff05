"""What a user sees of a volunteer's personal data, and what they may find them by.

The one place deciding both, so that a search can never tell more than the
page shows:

- 身份证号码: everyone sees ``**************1234`` (the last 4) in lists, pages
  and exports; the full number only on the logged 显示完整号码 page
  (services.reveal_id_number), for those holding the reveal right on the
  volunteer's home node.
- 出生日期: in full for those who may reveal the ID number (it is part of
  it), 出生年月 for everyone else: ``1977年6月`` on a page, ``1977-06`` in an
  export, as in the 名册.
- 电话: in full for those who may edit the record (can_see_contact_details),
  masked (``138****5678``) for everyone else.
- 性别 stays visible to all.

Search follows the same rights, row by row (rights differ from node to node):

- name, pinyin and the 注册义工号 match wherever the record is listed;
- an ID term of 4 characters matches the tail that the mask shows; a longer
  one (any part of the number, or all of it) only where the user may reveal
  the number: the result still shows the mask, and seeing the number stays a
  logged reveal;
- a phone term matches any part of a number where the user sees phones in
  full, elsewhere only the complete number (separators ignored);
- nothing about the ID number or phones matches a volunteer whose home node
  the user cannot view (a membership listing reaches some of them).

Views get these answers from here and never decide them themselves.
"""

import re

from django.db.models import F, Q, Value
from django.db.models.functions import Replace
from django.db.models.lookups import Exact

from . import policy, selectors
from .idnumber import normalize_id_number
from .models import Volunteer
from .validators import normalize_phone

# What the mask shows of an ID number: Volunteer.id_number_tail.
SHOWN_ID_CHARACTERS = 4
PHONE_FIELDS = ("mobile", "phone_home", "phone_office")
# Fields whose value depends on the user's rights: exports ask shown_value().
PRIVATE_FIELDS = ("id_number", "birth_date", *PHONE_FIELDS)
# Characters validators.normalize_phone drops, as stored by forms ("0750-5511941").
_PHONE_SEPARATORS = (" ", "\u3000", "\t", "-", "－", "—", "(", ")", "（", "）")
_ID_TERM = re.compile(r"\d{3,17}[\dX]")
_LETTERS = re.compile(r"[a-z]+")


# --- What the user sees ------------------------------------------------------------


def mask_id_number(number):
    """``**************1234``: the last 4 characters only, which search matches too."""
    number = number or ""
    if len(number) <= SHOWN_ID_CHARACTERS:
        return "*" * len(number)
    return "*" * (len(number) - SHOWN_ID_CHARACTERS) + number[-SHOWN_ID_CHARACTERS:]


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
    return policy.may(user, "see_contact_details", volunteer)


def can_reveal_id_number(user, volunteer):
    """May press 显示完整号码 (logged), and sees the full birth date."""
    return policy.may(user, "reveal_id_number", volunteer)


def phone_for_user(user, volunteer, number):
    return number if can_see_contact_details(user, volunteer) else mask_phone(number)


def masked_id_number(volunteer):
    """The ID number as every list, page and export shows it ("" if none).

    The same for every role: the full number only on the logged reveal page.
    """
    return mask_id_number(volunteer.id_number)


def birth_for_user(user, volunteer, *, export=False):
    """The birth date; without the reveal right only 出生年月.

    ``1977年6月`` on a page, ``1977-06`` in an export (as in the 名册). With the
    mask's last 4, a full birth date and the region everyone knows would leave
    a handful of candidate numbers.
    """
    birth = volunteer.birth_date
    if birth is None or can_reveal_id_number(user, volunteer):
        return birth
    return f"{birth:%Y-%m}" if export else f"{birth.year}年{birth.month}月"


def shown_value(user, volunteer, field):
    """An export's cell for one of PRIVATE_FIELDS, as this user may see it."""
    if field == "id_number":
        return masked_id_number(volunteer)
    if field == "birth_date":
        return birth_for_user(user, volunteer, export=True)
    if field in PHONE_FIELDS:
        return phone_for_user(user, volunteer, getattr(volunteer, field))
    raise ValueError(f"{field!r} is not one of {PRIVATE_FIELDS}")


# --- What the user may find them by -------------------------------------------------


class _Rows:
    """Q objects for the volunteers on whose home node the user holds a right.

    ``None`` where the right covers no volunteer, ``Q()`` (every row) for
    superusers. A grant covers a subtree, so these are subqueries over the
    nodes' materialised paths: no query of their own, whatever the page size.
    """

    def __init__(self, user):
        self.view = self._covered(user, "view")
        self.contact = self._covered(user, "see_contact_details")
        self.reveal = self._covered(user, "reveal_id_number")

    @staticmethod
    def _covered(user, action):
        if selectors.is_active_superuser(user):
            return Q()
        if not policy.may_anywhere(user, action, Volunteer):
            return None
        nodes = policy.nodes_where(user, action)
        return Q(org_node__in=nodes.values("pk"))


def volunteer_search(queryset, query, *, user):
    """Volunteers of ``queryset`` matching every whitespace-separated term, for ``user``.

    See the module docstring for what a term may match; term_q() builds each
    term's condition. Order is left to the queryset (by pinyin by default).
    """
    terms = (query or "").split()
    if not terms:
        return queryset
    rows = _Rows(user)
    if any(_LETTERS.fullmatch(term.lower()) for term in terms):
        queryset = queryset.annotate(
            _pinyin_compact=Replace("pinyin", Value(" "), Value(""))
        )
    for term in terms:
        queryset = queryset.filter(term_q(user, term, _rows=rows))
    return queryset


def term_q(user, term, *, _rows=None):
    """The condition on Volunteer rows that one search term sets for ``user``.

    A term of letters needs the ``_pinyin_compact`` annotation of
    volunteer_search().
    """
    rows = _rows or _Rows(user)
    condition = Q(name__icontains=term)
    if any(character.isdigit() for character in term):
        # Every 注册义工号 has digits (TSV2026000001); skipping the column for
        # letters alone saves testing every row of a pinyin search against it.
        condition |= Q(volunteer_number__icontains=term)
    lowered = term.lower()
    if _LETTERS.fullmatch(lowered):
        condition |= Q(_pinyin_compact__contains=lowered)
        condition |= Q(pinyin_initials__startswith=lowered)
    for part in (
        *_id_number_q(normalize_id_number(term), rows),
        *_phone_q(normalize_phone(term), rows),
    ):
        condition |= part
    return condition


def _where(rows, match):
    """``match`` on the rows of one right: [] where the right covers none."""
    return [] if rows is None else [rows & match]


def _id_number_q(term, rows):
    if not _ID_TERM.fullmatch(term):
        return []
    if len(term) == SHOWN_ID_CHARACTERS:
        # What the mask shows: id_number_tail has its own index.
        return _where(rows.view, Q(id_number_tail=term))
    if len(term) == 18:
        return _where(rows.reveal, Q(id_number=term))
    return _where(rows.reveal, Q(id_number__contains=term))


def _phone_q(digits, rows):
    if len(digits) < 4 or not digits.isdigit():
        return []
    anywhere = (
        Q(mobile__contains=digits)
        | Q(phone_home__contains=digits)
        | Q(phone_office__contains=digits)
    )
    # Mobiles are stored normalised, landlines as typed into the form.
    complete = (
        Q(mobile=digits)
        | _digits_equal("phone_home", digits)
        | _digits_equal("phone_office", digits)
    )
    return [*_where(rows.contact, anywhere), *_where(rows.view, complete)]


def _digits_equal(field, digits):
    """The number in ``field`` is ``digits`` once separators are dropped."""
    expression = F(field)
    for separator in _PHONE_SEPARATORS:
        expression = Replace(expression, Value(separator), Value(""))
    # The plain column test first: only numbers ending like the term need the rest.
    return Q(**{f"{field}__endswith": digits[-4:]}) & Q(
        Exact(expression, Value(digits))
    )
