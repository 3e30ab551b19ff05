"""Files the site hands out: one file-name header and one cell rule for every download.

- ``attachment_disposition(filename)``: the Content-Disposition of a download,
  RFC 6266: an ASCII ``filename=`` for old clients and the real name as
  ``filename*=UTF-8''…``. (A Chinese name put into ``filename=`` is MIME-encoded
  by Django as a whole, ``=?utf-8?b?…?=``, which browsers save as it stands.)
- ``safe_cell(value)``: text that a spreadsheet program would run as a formula
  (starting with = + - @ tab or CR, as OWASP lists them) gets a leading ``'``;
  numbers and dates stay numbers and dates. The roster import removes the
  ``'`` again (rosters.rules.unescape_formula).
- ``SafeSpreadsheetExportMixin``: Wagtail's listing export (CSV and XLSX) with
  both, and with times in local time (Asia/Shanghai) as the admin shows them.
"""

import datetime
import re
import unicodedata
from decimal import Decimal
from urllib.parse import quote

from django.utils import timezone
from django.utils.encoding import force_str
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from wagtail.admin.views.mixins import SpreadsheetExportMixin

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_TYPED = (int, float, Decimal, datetime.date, datetime.time)
_UNSAFE_ASCII = re.compile(r"[^A-Za-z0-9._()\[\] -]+")


def safe_cell(value):
    """``value`` as a cell no spreadsheet runs as a formula; numbers and dates unchanged."""
    if value is None or isinstance(value, _TYPED):
        return value
    text = value if isinstance(value, str) else force_str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def safe_xlsx_cell(value):
    """safe_cell() for a workbook: control characters openpyxl refuses dropped first
    (so that none can hide a formula's first character)."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return safe_cell(value)


def ascii_filename(filename, default="download"):
    """The file name in ASCII for ``filename=``: "名册-队A1-20260101.xlsx" -> "A1-20260101.xlsx"."""
    stem, dot, extension = filename.rpartition(".")
    if not dot:
        stem, extension = filename, ""

    def fold(text):
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
        return _UNSAFE_ASCII.sub("-", text).strip(" -_.")

    stem, extension = fold(stem), fold(extension)
    stem = re.sub(r"-{2,}", "-", stem) or default
    return f"{stem}.{extension}" if extension else stem


def attachment_disposition(filename):
    """Content-Disposition of a download named ``filename`` (RFC 6266, ASCII fallback)."""
    return (
        f'attachment; filename="{ascii_filename(filename)}"; '
        f"filename*=UTF-8''{quote(filename, safe='')}"
    )


class SafeSpreadsheetExportMixin(SpreadsheetExportMixin):
    """Wagtail's CSV/XLSX export with safe cells, local times and an RFC 6266 file name."""

    def preprocess_field_value(self, field, value, export_format):
        if isinstance(value, datetime.datetime):
            if timezone.is_aware(value):
                # As the admin shows it: the local time, without an offset.
                value = timezone.make_naive(value)
            value = value.replace(microsecond=0)
        value = super().preprocess_field_value(field, value, export_format)
        if export_format == self.FORMAT_XLSX:
            return safe_xlsx_cell(value)
        return safe_cell(value)

    def get_heading(self, queryset, field):
        return safe_cell(super().get_heading(queryset, field))

    def write_csv_response(self, queryset):
        response = super().write_csv_response(queryset)
        response["Content-Disposition"] = attachment_disposition(
            f"{self.get_filename()}.csv"
        )
        return response

    def write_xlsx_response(self, queryset):
        response = super().write_xlsx_response(queryset)
        response["Content-Disposition"] = attachment_disposition(
            f"{self.get_filename()}.xlsx"
        )
        return response
