"""Roster spreadsheets the site writes: exports, the blank template, failed rows.

Every string is written as a text cell, never a formula, and text starting
with = + - @ tab or CR gets a leading ' (registry.downloads.safe_cell, the
rule of every download), which the import removes again
(rules.unescape_formula), so export -> import changes nothing. 身份证号码 and 电话
columns are formatted as text so that Excel never turns them into numbers.
Rows are streamed into a write-only workbook: memory does not grow with the roster.
"""

from datetime import date, datetime

from django.utils import timezone
from import_export import fields, resources
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from registry import policy, selectors
from registry.choices import Education, PoliticalStatus
from registry.downloads import safe_xlsx_cell
from registry.models import Membership
from registry.privacy import mask_id_number, mask_phone

from .columns import COLUMNS_BY_KEY, EXPORT_COLUMNS

TITLE = "党员义工名册"
TEXT_KEYS = frozenset({"id_number", "mobile", "phone_office", "phone_home"})
_WIDTHS = {"name": 10, "department": 22, "mobile": 14, "id_number": 22, "remark": 12}
TEMPLATE_ROWS = 1000


def _label(key):
    return COLUMNS_BY_KEY[key].label


class RosterResource(resources.ModelResource):
    """The 名册 columns of a node's current members, one row per primary membership.

    ``subtree``: the members of every team in the node's subtree, grouped by
    team (tree order, then pinyin), with the team's name as 所属队伍 last.
    Built per export with what the user may see: full ID numbers only with
    the reveal right on the node (and ``full_ids``), full phone numbers only
    with the edit right.
    """

    seq = fields.Field(column_name=_label("seq"))
    name = fields.Field(attribute="volunteer__name", column_name=_label("name"))
    gender = fields.Field(column_name=_label("gender"))
    birth = fields.Field(column_name=_label("birth"))
    education = fields.Field(column_name=_label("education"))
    department = fields.Field(
        attribute="department_title", column_name=_label("department")
    )
    joined = fields.Field(column_name=_label("joined"))
    mobile = fields.Field(column_name=_label("mobile"))
    remark = fields.Field(column_name=_label("remark"))
    id_number = fields.Field(column_name=_label("id_number"))
    political_status = fields.Field(column_name=_label("political_status"))
    ethnicity = fields.Field(column_name=_label("ethnicity"))

    class Meta:
        model = Membership
        fields = tuple(column.key for column in EXPORT_COLUMNS)
        export_order = fields

    def __init__(self, *, node, user=None, subtree=False, full_ids=True):
        super().__init__()
        self.node = node
        self.subtree = subtree
        self.full_ids = full_ids and policy.may(user, "reveal_id_number", node)
        self.full_phones = policy.may(user, "see_contact_details", node)
        self._seq = 0

    def get_queryset(self):
        return selectors.roster_memberships(self.node, subtree=self.subtree)

    def keys(self):
        keys = [column.key for column in EXPORT_COLUMNS]
        return [*keys, "team"] if self.subtree else keys

    def dehydrate_seq(self, membership):
        self._seq += 1
        return self._seq

    def dehydrate_gender(self, membership):
        return membership.volunteer.get_gender_display()

    def dehydrate_birth(self, membership):
        birth = membership.volunteer.birth_date
        return f"{birth:%Y-%m}" if birth else ""

    def dehydrate_education(self, membership):
        return membership.volunteer.get_education_display()

    def dehydrate_joined(self, membership):
        joined = membership.volunteer.joined_party_on
        # The plan's sample writes 入党时间 as 2008.07.10.
        return f"{joined:%Y.%m.%d}" if joined else ""

    def dehydrate_mobile(self, membership):
        mobile = membership.volunteer.mobile
        return mobile if self.full_phones else mask_phone(mobile)

    def dehydrate_remark(self, membership):
        if membership.role == Membership.Role.MEMBER:
            return ""
        return membership.get_role_display()

    def dehydrate_id_number(self, membership):
        number = membership.volunteer.id_number or ""
        if not number or self.full_ids:
            return number
        return mask_id_number(number)

    def dehydrate_political_status(self, membership):
        return membership.volunteer.get_political_status_display()

    def dehydrate_ethnicity(self, membership):
        return membership.volunteer.get_ethnicity_display()

    def rows(self):
        for membership in self.iter_queryset(self.get_queryset()):
            row = self.export_resource(membership)
            yield [*row, membership.node.name] if self.subtree else row


# --- Cells -------------------------------------------------------------------------------


def sheet_cell(sheet, value, *, as_text=False):
    """A write-only cell: strings as escaped text, dates as dates."""
    value = safe_xlsx_cell(value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    if as_text:
        cell.number_format = "@"
    elif isinstance(value, datetime | date):
        cell.number_format = "yyyy-mm-dd"
    return cell


def _roster_sheet(workbook, keys, entered_by):
    sheet = workbook.create_sheet("名册")
    for index, key in enumerate(keys, start=1):
        dimension = sheet.column_dimensions[get_column_letter(index)]
        dimension.width = _WIDTHS.get(key, 11)
        if key in TEXT_KEYS:
            # Cells typed in later are text too: Excel keeps the whole number.
            dimension.number_format = "@"
    sheet.append([sheet_cell(sheet, TITLE)])
    sheet.append(
        [
            sheet_cell(sheet, value)
            for value in (
                "录入人",
                entered_by,
                None,
                None,
                "更新日期",
                timezone.localdate().isoformat(),
            )
        ]
    )
    sheet.append([sheet_cell(sheet, _label(key)) for key in keys])
    return sheet


def _display_name(user):
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def write_roster(path_or_file, *, node, user, subtree=False, full_ids=True):
    """Write the node's current members in the 名册 template; returns the row count.

    ``subtree``: every team's members below the node too (see RosterResource);
    ``full_ids``: full ID numbers where the user may see them, else masked.
    """
    resource = RosterResource(node=node, user=user, subtree=subtree, full_ids=full_ids)
    keys = resource.keys()
    workbook = Workbook(write_only=True)
    sheet = _roster_sheet(workbook, keys, _display_name(user))
    count = 0
    for row in resource.rows():
        sheet.append(
            [
                sheet_cell(sheet, value, as_text=key in TEXT_KEYS)
                for key, value in zip(keys, row, strict=True)
            ]
        )
        count += 1
    workbook.save(path_or_file)
    return count


def write_template(path_or_file):
    """The blank 名册: title rows, header, text columns and drop-down lists."""
    keys = [column.key for column in EXPORT_COLUMNS]
    workbook = Workbook(write_only=True)
    sheet = _roster_sheet(workbook, keys, "")
    first, last = 4, 3 + TEMPLATE_ROWS
    for key, choices in (
        ("gender", ["男", "女"]),
        ("education", list(Education.labels)),
        (
            "political_status",
            [
                PoliticalStatus.CPC_MEMBER.label,
                PoliticalStatus.CPC_PROBATIONARY.label,
                PoliticalStatus.CYL_MEMBER.label,
                PoliticalStatus.MASSES.label,
            ],
        ),
    ):
        letter = get_column_letter(keys.index(key) + 1)
        validation = DataValidation(
            type="list",
            formula1='"{}"'.format(",".join(choices)),
            allow_blank=True,
            showErrorMessage=False,
        )
        validation.add(f"{letter}{first}:{letter}{last}")
        sheet.data_validations.append(validation)
    workbook.save(path_or_file)


class FailedRowsWriter:
    """The rows that did not pass, as they were in the file, plus 原行号 and 错误原因.

    Nothing is written until the first failed row; close() says whether a file exists.
    """

    def __init__(self, path):
        self.path = path
        self.headers = []
        self.workbook = None
        self.sheet = None

    def set_headers(self, headers):
        self.headers = list(headers)

    def add(self, number, values, errors):
        if self.sheet is None:
            self._start()
        padded = list(values) + [None] * (len(self.headers) - len(values))
        reasons = "；".join(
            f"{column}：{message}" if column else message for column, message in errors
        )
        self.sheet.append(
            [sheet_cell(self.sheet, value) for value in padded[: len(self.headers)]]
            + [sheet_cell(self.sheet, number), sheet_cell(self.sheet, reasons)]
        )

    def _start(self):
        self.workbook = Workbook(write_only=True)
        self.sheet = self.workbook.create_sheet("未通过的行")
        self.sheet.append(
            [
                sheet_cell(
                    self.sheet, "未通过检查的行：按“错误原因”修改后，可重新导入这个文件"
                )
            ]
        )
        self.sheet.append(
            [sheet_cell(self.sheet, header) for header in self.headers]
            + [
                sheet_cell(self.sheet, _label("source_row")),
                sheet_cell(self.sheet, _label("error")),
            ]
        )

    def close(self):
        if self.workbook is None:
            return False
        self.workbook.save(self.path)
        self.workbook = self.sheet = None
        return True
