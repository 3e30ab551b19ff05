"""The roster import pipeline: rows checked, matched against the registry, written in bulk.

One pass over the file serves the preview (``write=False``), the confirmation
and the CLI. Rows are handled in chunks: each chunk's cells are parsed
(rosters.rules), matched with one query per chunk, checked as whole records
by Volunteer.clean() (the rules the form pages use), and, when writing,
bulk-created. Memory stays bounded: only counts, the first rows of the
preview and the error list (capped) are kept.

Matching, for an import into node N (unsaved while an application for N is
checked: then every known number is someone of another node):
- a row with 身份证号码 is the volunteer with that number. If that volunteer's
  home is another node the row is flagged for transfer and never moved;
- a row without one (the plan's sample 名册 has no such column) is the volunteer
  of N with the same 姓名 and 电话; if there is none it becomes a new
  volunteer with status 待补全. A row whose number is new but whose 姓名 and
  电话 match a 待补全 volunteer of N completes that volunteer;
- a column that is present is the truth for that field (a blank cell clears
  it, except 身份证号码, which is never cleared); an absent column leaves the
  field alone.

Writes, numbering, the record check and the audit entries are the registry's
(registry.services.BulkRegistration): a written import is one bulk
registration, logged once on the node, and each volunteer it created points
to that entry; an updated volunteer gets its own edit entry naming the
changed fields.

Transactions and the upload's rights are the caller's business (rosters.services).
"""

import copy
import uuid
from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone

from registry import policy
from registry.choices import PoliticalStatus
from registry.idnumber import MAX_AGE_YEARS
from registry.models import Membership, Volunteer
from registry.privacy import mask_id_number
from registry.services import (
    BulkRegistration,
    MemberUpdate,
    NewMember,
    check_volunteer,
)

from . import rules
from .columns import COLUMNS_BY_KEY
from .reading import FileRejected

CHUNK_SIZE = 1000
PREVIEW_ROWS = 2000
MAX_ERRORS = 10_000

NEW, UPDATED, UNCHANGED, INVALID, TRANSFER = (
    "new",
    "updated",
    "unchanged",
    "invalid",
    "transfer",
)
OUTCOME_LABELS = {
    NEW: "新增",
    UPDATED: "更新",
    UNCHANGED: "无变化",
    INVALID: "有错误",
    TRANSFER: "需调动",
}
FAILED = (INVALID, TRANSFER)


class ImportAborted(Exception):
    """Raised inside the write transaction so that nothing is kept."""

    def __init__(self, result):
        super().__init__(result.message)
        self.result = result


def _text(label, max_length):
    return lambda value, today: rules.clean_text(value, label, max_length)


def _date(label):
    return lambda value, today: rules.parse_date(value, label, today=today)


def _email(value, today):
    text = rules.cell_text(value)
    if text:
        try:
            validate_email(text)
        except ValidationError:
            raise rules.CellError(f"电子邮箱“{text}”格式不正确") from None
    return text


def _landline(label):
    return lambda value, today: rules.parse_landline(value, label)


# Column key -> (Volunteer field, parser(value, today)).
FIELD_PARSERS = {
    "name": ("name", lambda value, today: rules.clean_name(value)),
    "gender": ("gender", lambda value, today: rules.parse_gender(value)),
    "birth": ("birth_date", _date("出生年月")),
    "education": ("education", lambda value, today: rules.parse_education(value)),
    "joined": ("joined_party_on", _date("入党时间")),
    "mobile": ("mobile", lambda value, today: rules.parse_mobile(value)),
    "political_status": (
        "political_status",
        lambda value, today: rules.parse_political_status(value),
    ),
    "ethnicity": ("ethnicity", lambda value, today: rules.parse_ethnicity(value)),
    "full_member_on": ("full_member_on", _date("转正时间")),
    "employer": ("employer", _text("工作单位", 100)),
    "occupation": ("occupation", _text("职业", 100)),
    "address": ("address", _text("联系地址", 200)),
    "email": ("email", _email),
    "phone_office": ("phone_office", _landline("办公电话")),
    "phone_home": ("phone_home", _landline("住宅电话")),
}
FIELD_LABELS = {
    model_field: COLUMNS_BY_KEY[key].label
    for key, (model_field, _parser) in FIELD_PARSERS.items()
} | {"id_number": "身份证号码", "status": "状态"}
# What an import may change on an existing volunteer.
COMPARED_FIELDS = (*(f for f, _p in FIELD_PARSERS.values()), "id_number", "status")


@dataclass(slots=True)
class Candidate:
    number: int
    values: tuple
    fields: dict
    id_number: str | None = None
    department: str | None = None  # None: no 部门及职务 column
    role: str | None = None  # None: no 备注 column
    errors: list = field(default_factory=list)  # (column label, message)
    warnings: list = field(default_factory=list)
    outcome: str = ""
    changes: list = field(default_factory=list)
    volunteer: Volunteer | None = None
    existing: Volunteer | None = None
    membership: Membership | None = None
    changed_fields: list = field(default_factory=list)

    @property
    def name(self):
        return self.fields.get("name", "")

    @property
    def mobile(self):
        return self.fields.get("mobile", "")


@dataclass
class ImportResult:
    counts: Counter = field(default_factory=Counter)
    rows: list = field(default_factory=list)  # the preview: first PREVIEW_ROWS rows
    errors: list = field(default_factory=list)  # {"row", "column", "message"}
    error_total: int = 0
    warnings: list = field(default_factory=list)
    meta: dict = field(default_factory=dict)
    written: bool = False
    message: str = ""  # why nothing was written, when it was not

    @property
    def total(self):
        return sum(self.counts.values())

    @property
    def failed(self):
        return sum(self.counts[kind] for kind in FAILED)

    def plan(self):
        """What the rows will do; the confirmation must find the same."""
        return {kind: self.counts[kind] for kind in OUTCOME_LABELS}

    def as_json(self):
        return {
            "counts": self.plan(),
            "rows": self.rows,
            "errors": self.errors,
            "error_total": self.error_total,
            "warnings": self.warnings,
            "meta": self.meta,
            "written": self.written,
            "message": self.message,
        }


class RosterImporter:
    """Runs the pipeline for one file into one node; see the module docstring."""

    def __init__(
        self,
        node,
        user=None,
        *,
        import_uuid=None,
        source_name="",
        progress=None,
        failed_rows=None,
    ):
        self.node = node
        self.user = user
        self.import_uuid = import_uuid or uuid.uuid4()
        self.source_name = source_name
        self.progress = progress or (lambda done: None)
        self.failed_rows = failed_rows
        self.today = timezone.localdate()
        self.show_full_ids = policy.may(user, "reveal_id_number", node)
        self.seen_ids = {}  # 身份证号码 -> first row
        self.seen_people = {}  # (姓名, 电话) -> (first row, that row had a number)
        self.claimed = {}  # volunteer pk -> the row that matched it
        self.node_people = None
        self.registration = None

    # --- The pass -------------------------------------------------------------------

    def run(self, table, *, write=False, valid_only=False, expected=None):
        """Check (and with ``write`` save) every row; raise ImportAborted to roll back.

        ``expected`` is the preview's plan(): writing stops if the rows would
        now do something else (another import came in between, say).
        """
        result = ImportResult(meta=self._meta(table))
        result.warnings.extend(
            f"列“{header}”无法识别，其中的内容不会导入"
            for header in table.unknown_headers
        )
        self._check_columns(table)
        if write:
            self.registration = BulkRegistration(
                node=self.node,
                by_user=self.user,
                batch=self.import_uuid,
                source={"source": "roster_import", "file": self.source_name},
            )
        parsers = self._cell_parsers(table)
        chunk = []
        for number, values in table.data_rows():
            chunk.append(self._parse_row(parsers, table.columns, number, values))
            if len(chunk) >= CHUNK_SIZE:
                self._process(chunk, result, valid_only)
                chunk = []
        if chunk:
            self._process(chunk, result, valid_only)
        result.warnings.extend(table.warnings)
        if result.total == 0:
            raise FileRejected("名册中没有数据行：表头下面没有任何人员")
        if write:
            self._finish_write(result, valid_only, expected)
        return result

    def _meta(self, table):
        return {
            "kind": table.kind,
            "encoding": table.encoding,
            "header_row": table.header_row,
            "entered_by": table.entered_by,
            "updated_on": table.updated_on,
            "columns": [COLUMNS_BY_KEY[key].label for key in table.columns],
        }

    def _check_columns(self, table):
        if "id_number" not in table.columns and "mobile" not in table.columns:
            raise FileRejected(
                "名册既没有“身份证号码”列，也没有“电话”列，无法确认每一行是谁："
                "请至少加上其中一列"
            )

    def _finish_write(self, result, valid_only, expected):
        if result.failed and not valid_only:
            result.message = f"有{result.failed}行未通过检查，按“全部成功才导入”的规则，没有导入任何数据"
            raise ImportAborted(result)
        if expected is not None and result.plan() != expected:
            result.message = (
                "预览之后系统中的数据有了变化（例如另一位管理员刚导入或修改了其中的人员），"
                "为免误写没有导入任何数据：请重新上传并预览后再确认"
            )
            raise ImportAborted(result)
        if valid_only and result.total == result.failed:
            result.message = "没有可以导入的行"
            raise ImportAborted(result)
        result.written = True
        self.registration.finish(counts=result.plan(), valid_only=valid_only)

    # --- One row's cells ---------------------------------------------------------------

    @staticmethod
    def _cell_parsers(table):
        """(model field, parser, cell index, column label) of the file's columns."""
        return [
            (model_field, parser, table.columns[key], COLUMNS_BY_KEY[key].label)
            for key, (model_field, parser) in FIELD_PARSERS.items()
            if key in table.columns
        ]

    def _parse_row(self, parsers, columns, number, values):
        candidate = Candidate(number=number, values=values, fields={})
        fields, today, width = candidate.fields, self.today, len(values)
        for model_field, parser, index, label in parsers:
            try:
                fields[model_field] = parser(
                    values[index] if index < width else None, today
                )
            except rules.CellError as exc:
                candidate.errors.append((label, str(exc)))
        if "department" in columns:
            try:
                candidate.department = rules.clean_text(
                    _cell(values, columns["department"]), "部门及职务", 100
                )
            except rules.CellError as exc:
                candidate.errors.append(("部门及职务", str(exc)))
        if "remark" in columns:
            candidate.role, warning = rules.parse_remark(
                _cell(values, columns["remark"])
            )
            if warning:
                candidate.warnings.append(warning)
        if "id_number" in columns:
            try:
                parsed = rules.parse_id_cell(_cell(values, columns["id_number"]))
            except rules.CellError as exc:
                candidate.errors.append(("身份证号码", str(exc)))
            else:
                if parsed is not None:
                    candidate.id_number = parsed.number
                    candidate.warnings.extend(parsed.warnings)
        if not candidate.errors and not candidate.id_number and not candidate.mobile:
            candidate.errors.append(
                ("电话", "没有身份证号码时必须填写电话，以便确认是哪一位义工")
            )
        return candidate

    # --- A chunk: duplicates, matching, records, writes -----------------------------------

    def _process(self, chunk, result, valid_only):
        self._mark_duplicates(chunk)
        self._match(chunk)
        for candidate in chunk:
            if not candidate.errors and candidate.outcome != TRANSFER:
                self._check_record(candidate)
        # All or nothing: once a row failed, the rest is only checked.
        if self.registration is not None and (
            valid_only or not (result.failed or any(c.errors for c in chunk))
        ):
            self._write(chunk)
        for candidate in chunk:
            self._record(candidate, result)
        self.progress(result.total)

    def _mark_duplicates(self, chunk):
        """Same 身份证号码, or same 姓名 and 电话 where a row has no number."""
        for candidate in chunk:
            number = candidate.number
            if candidate.id_number:
                first = self.seen_ids.setdefault(candidate.id_number, number)
                if first != number:
                    candidate.errors.append(
                        ("身份证号码", _duplicate_message(first, "身份证号码"))
                    )
                    continue
            if not (candidate.name and candidate.mobile):
                continue
            key = (candidate.name, candidate.mobile)
            first, first_had_number = self.seen_people.setdefault(
                key, (number, bool(candidate.id_number))
            )
            if first != number and not (candidate.id_number and first_had_number):
                candidate.errors.append(
                    ("姓名", _duplicate_message(first, "姓名和电话"))
                )

    def _load_node_people(self):
        """(姓名, 电话) -> volunteers of the node, for rows without 身份证号码."""
        people = {}
        if self.node.pk is not None:  # a node still to be created has nobody yet
            rows = Volunteer.objects.filter(org_node=self.node).values_list(
                "pk", "name", "mobile", "id_number"
            )
            for pk, name, mobile, id_number in rows.iterator(chunk_size=5000):
                people.setdefault((name, mobile), []).append((pk, id_number))
        self.node_people = people

    def _match(self, chunk):
        live = [c for c in chunk if not c.errors]
        ids = [c.id_number for c in live if c.id_number]
        # "Not null" spelled out: PostgreSQL cannot see it implied by a list of
        # over 100 values, and plans without the partial unique index.
        matches = Volunteer.objects.filter(id_number__isnull=False, id_number__in=ids)
        by_id = (
            {v.id_number: v for v in matches.select_related("org_node")} if ids else {}
        )
        wanted = {}
        for candidate in live:
            existing = by_id.get(candidate.id_number) if candidate.id_number else None
            if existing is None:
                existing_pk = self._match_by_name(candidate)
                if existing_pk:
                    wanted[candidate.number] = existing_pk
                continue
            if self.node.pk is None or existing.org_node_id != self.node.pk:
                self._flag_transfer(candidate, existing)
            else:
                candidate.existing = existing
        if wanted:
            found = Volunteer.objects.in_bulk(set(wanted.values()))
            for candidate in live:
                if candidate.number in wanted:
                    candidate.existing = found[wanted[candidate.number]]
        for candidate in live:
            if candidate.existing is None:
                continue
            first = self.claimed.setdefault(candidate.existing.pk, candidate.number)
            if first != candidate.number:
                candidate.errors.append(
                    ("姓名", f"与第{first}行对应的是同一位义工：请合并为一行")
                )
                candidate.existing = None
        matched = [c.existing.pk for c in live if c.existing is not None]
        memberships = (
            {
                m.volunteer_id: m
                for m in Membership.objects.filter(
                    volunteer_id__in=matched,
                    node=self.node,
                    kind=Membership.Kind.PRIMARY,
                    end_date__isnull=True,
                )
            }
            if matched
            else {}
        )
        for candidate in live:
            if candidate.existing is None:
                continue
            candidate.membership = memberships.get(candidate.existing.pk)
            if candidate.membership is None:
                candidate.outcome = TRANSFER
                candidate.errors.append(
                    (
                        "姓名",
                        f"“{candidate.existing.name}”已离开“{self.node.name}”（成员关系已结束），"
                        "不会自动重新加入：如需重新加入，请在义工管理中办理",
                    )
                )

    def _match_by_name(self, candidate):
        """The pk of this node's volunteer with the row's 姓名 and 电话, if one."""
        if not candidate.mobile:
            return None
        if self.node_people is None:
            self._load_node_people()
        people = self.node_people.get((candidate.name, candidate.mobile), [])
        if candidate.id_number:
            # A new number may only complete someone who has none yet.
            if any(person[1] for person in people):
                candidate.warnings.append(
                    f"本队已有姓名和电话相同、身份证号码不同的义工“{candidate.name}”：请确认不是同一人"
                )
            people = [person for person in people if person[1] is None]
        if len(people) > 1:
            candidate.errors.append(
                (
                    "姓名",
                    f"本队有{len(people)}位姓名和电话都是“{candidate.name}、{candidate.mobile}”的义工，"
                    "无法确定是哪一位：请填写身份证号码",
                )
            )
            return None
        return people[0][0] if people else None

    def _flag_transfer(self, candidate, existing):
        candidate.outcome = TRANSFER
        home = existing.org_node
        if home is None:
            where = "已登记为义工，但尚未加入任何队伍"
        elif policy.may(self.user, "view", home):
            where = f"已登记在“{home.name}”（{home.code}）"
        else:
            where = "已登记在其他组织"
        candidate.errors.append(
            (
                "身份证号码",
                f"该身份证号码的义工{where}，导入不会把人调走：如确已调入本队，"
                "请先办理调动，再导入此行",
            )
        )

    def _check_record(self, candidate):
        """Volunteer.clean() on the record as it would be saved; find what changes."""
        existing = candidate.existing
        if existing is None:
            volunteer = Volunteer(**candidate.fields)
        else:
            volunteer = copy.copy(existing)
            for name, value in candidate.fields.items():
                setattr(volunteer, name, value)
        if candidate.id_number and not volunteer.id_number:
            volunteer.id_number = candidate.id_number
        if not volunteer.political_status and volunteer.joined_party_on:
            # The plan's 党员义工名册 has 入党时间 but no 政治面貌 column.
            volunteer.political_status = PoliticalStatus.CPC_MEMBER
        if existing is None or existing.status == Volunteer.Status.INCOMPLETE:
            volunteer.status = (
                Volunteer.Status.REGISTERED
                if volunteer.id_number
                else Volunteer.Status.INCOMPLETE
            )
        if not volunteer.id_number:
            self._check_age(candidate, volunteer)
        errors = check_volunteer(volunteer)
        if errors:
            for name, messages in errors.items():
                label = FIELD_LABELS.get(name, "")
                candidate.errors.extend((label, message) for message in messages)
            return
        candidate.volunteer = volunteer
        if existing is None:
            candidate.outcome = NEW
            return
        candidate.changed_fields = [
            name
            for name in COMPARED_FIELDS
            if getattr(volunteer, name) != getattr(existing, name)
        ]
        candidate.changes = [
            (
                FIELD_LABELS[name],
                *(_display(v, name, self.show_full_ids) for v in (existing, volunteer)),
            )
            for name in candidate.changed_fields
        ]
        membership = candidate.membership
        if (
            candidate.department is not None
            and candidate.department != membership.department_title
        ):
            candidate.changes.append(
                (
                    "部门及职务",
                    membership.department_title or "（空）",
                    candidate.department or "（空）",
                )
            )
        if candidate.role is not None and candidate.role != membership.role:
            candidate.changes.append(
                (
                    "备注（职务）",
                    membership.get_role_display(),
                    Membership.Role(candidate.role).label,
                )
            )
        candidate.outcome = UPDATED if candidate.changes else UNCHANGED
        if "name" in candidate.changed_fields and existing.id_number:
            candidate.warnings.append(
                f"系统中该身份证号码登记的姓名是“{existing.name}”，将改为“{volunteer.name}”：请确认号码没有填错"
            )

    def _check_age(self, candidate, volunteer):
        birth = volunteer.birth_date
        if birth and self.today.year - birth.year > MAX_AGE_YEARS:
            candidate.errors.append(
                (
                    "出生年月",
                    f"出生年月“{birth:%Y-%m}”距今超过{MAX_AGE_YEARS}年，请核对",
                )
            )

    # --- Writes ----------------------------------------------------------------------------

    def _write(self, chunk):
        valid = [c for c in chunk if not c.errors]
        self.registration.write(
            new=[
                NewMember(
                    c.volunteer,
                    role=c.role or Membership.Role.MEMBER,
                    department_title=c.department or "",
                )
                for c in valid
                if c.outcome == NEW
            ],
            updates=[self._update(c) for c in valid if c.outcome == UPDATED],
        )

    @staticmethod
    def _update(candidate):
        membership = candidate.membership
        return MemberUpdate(
            candidate.volunteer,
            changed_fields=candidate.changed_fields,
            membership=membership,
            role=candidate.role if candidate.role is not None else membership.role,
            department_title=(
                candidate.department
                if candidate.department is not None
                else membership.department_title
            ),
        )

    # --- Reporting -----------------------------------------------------------------------------

    def _record(self, candidate, result):
        if candidate.errors and candidate.outcome != TRANSFER:
            candidate.outcome = INVALID
        result.counts[candidate.outcome] += 1
        for column, message in candidate.errors:
            result.error_total += 1
            if len(result.errors) < MAX_ERRORS:
                result.errors.append(
                    {"row": candidate.number, "column": column, "message": message}
                )
        if candidate.errors and self.failed_rows is not None:
            self.failed_rows.add(candidate.number, candidate.values, candidate.errors)
        if len(result.rows) < PREVIEW_ROWS:
            result.rows.append(
                {
                    "row": candidate.number,
                    "outcome": candidate.outcome,
                    "name": candidate.name,
                    "id_number": self._shown_id(candidate.id_number),
                    "mobile": candidate.mobile,
                    "changes": [list(change) for change in candidate.changes],
                    "errors": [list(error) for error in candidate.errors],
                    "warnings": candidate.warnings,
                }
            )

    def _shown_id(self, number):
        if not number or self.show_full_ids:
            return number or ""
        return mask_id_number(number)


def _duplicate_message(first, what):
    return f"与第{first}行的{what}相同，同一人只能出现一次：请删除重复的行"


def _cell(values, index):
    return values[index] if index < len(values) else None


def _display(volunteer, name, show_full_ids):
    value = getattr(volunteer, name)
    if value in (None, ""):
        return "（空）"
    if name == "id_number" and not show_full_ids:
        return mask_id_number(value)
    display = getattr(volunteer, f"get_{name}_display", None)
    if display is not None:
        return display()
    return value.isoformat() if hasattr(value, "isoformat") else str(value)
