"""Primary keys taken from URLs, query strings and forms.

A primary key is written in ASCII digits and fits a BigAutoField (at most
2**63 - 1). Anything else is no record at all: a 404 in a URL or a query
string, an invalid choice in a form, a 400 in a list of ids. Python's int()
would take "١٢" (Arabic-Indic digits), " 1" or "1_0", and str.isdigit()
passes "²", which int() then refuses; SQLite cannot hold a number above the
range. None of that reaches a query.

URL patterns take one with the ``pk`` path converter (registered in
RegistryConfig.ready()): ``path("edit/<pk:pk>/", ...)``.
"""

import re

from django import forms
from django.db.models import Model
from django.http import Http404

MAX_PK = 2**63 - 1
_DIGITS = re.compile(r"[0-9]{1,19}")
INVALID_ID = "编号无效"


def parse_pk(value):
    """The primary key ``value`` stands for, or None if it is none."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and _DIGITS.fullmatch(value):
        number = int(value)
    else:
        return None
    return number if 0 <= number <= MAX_PK else None


def pk_or_404(value):
    number = parse_pk(value)
    if number is None:
        raise Http404(INVALID_ID)
    return number


def pk_list(values):
    """The primary keys of a list of ids, or None if any of them is none."""
    numbers = [parse_pk(value) for value in values]
    return None if None in numbers else numbers


class PKConverter:
    """``<pk:name>`` in a URL pattern: a primary key as an int (no match otherwise)."""

    regex = "[0-9]{1,19}"

    def to_python(self, value):
        number = parse_pk(value)
        if number is None:
            # A converter's ValueError means "this pattern does not match".
            raise ValueError(INVALID_ID)
        return number

    def to_url(self, value):
        number = parse_pk(value)
        if number is None:
            raise ValueError(INVALID_ID)
        return str(number)


class PKChoiceMixin:
    """A model choice field for which a value that is no primary key is an invalid choice."""

    def to_python(self, value):
        if (
            value not in self.empty_values
            and not isinstance(value, Model)
            and parse_pk(value) is None
        ):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        return super().to_python(value)


class PKModelChoiceField(PKChoiceMixin, forms.ModelChoiceField):
    pass
