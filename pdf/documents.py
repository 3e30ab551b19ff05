"""The plan's forms as PDFs, blank or filled: 附件2, 附件3 and 附件4.

Each document takes plain values (a dict of the form's fields, or a volunteer
read as the printing user may see it) and returns PDF bytes; blank forms are
the same templates with nothing filled in, which is what the 表格下载 page
offers. The printed personal data is the privacy module's: masked ID numbers
and phones unless the caller passes a number it revealed through the logged
``registry.services.reveal_id_number``.
"""

import datetime
from decimal import Decimal, InvalidOperation

from registry import privacy, selectors
from registry.choices import AVAILABILITY_DAYS, AVAILABILITY_SLOTS, InfoSource
from registry.models import ExpectedServiceArea, ServiceCategory, TargetGroup

from .images import photo_data_url
from .rendering import render_pdf

APPLICATION_TITLE = "台山市义工联合会成立党员义工组织申请表"
REGISTRATION_TITLE = "台山市义工注册登记表"
QUARTERLY_TITLE = "党员义工工作进展情况季报表"

# 申请组织类型 as the form lists them.
ORG_TYPES = ("一级义工分会", "义工服务总队", "义工服务队", "社区义工服务站")
# The type a node of the tree would have applied as (附件2 of an existing node).
NODE_KIND_ORG_TYPES = {
    "branch": "一级义工分会",
    "corps": "义工服务总队",
    "team": "义工服务队",
    "subteam": "义工服务队",
    "station": "社区义工服务站",
}
PERSON_KEYS = frozenset(
    {
        "name",
        "gender",
        "birth_date",
        "job_title",
        "phone",
        "mobile",
        "fax",
        "email",
        "address",
        "postcode",
        "photo",
    }
)
APPLICATION_KEYS = frozenset(
    {
        "applied_on",
        "registration_number",
        "unit_name",
        "legal_representative",
        "address",
        "postcode",
        "phone",
        "website",
        "fax",
        "email",
        "parent_party_org",
        "org_type",
        "proposed_name",
        "registered_count",
        "leader",
        "contact",
        "target_groups",
        "target_groups_other",
        "expected_services",
        "expected_services_other",
        "experience",
    }
)
QUARTERLY_KEYS = frozenset(
    {
        "org_name",
        "sub_org_count",
        "party_member_count",
        "registered_party_volunteers",
        "activist_volunteers",
        "leader",
        "contact",
        "year",
        "quarter",
        "participants",
        "hours",
        "projects",
        "project_details",
    }
)
# The columns of the 详表 attached to a filled 附件4 (活动方案及开展情况).
PROJECT_DETAIL_KEYS = (
    "date",
    "title",
    "node",
    "place",
    "mode",
    "participants",
    "hours",
    "content",
)
# The blank 附件4 leaves room for this many projects, as the paper form does (1、2、3、……).
BLANK_PROJECT_LINES = 3


def _check_keys(values, allowed, what):
    unknown = sorted(set(values) - allowed)
    if unknown:
        raise ValueError(f"{what}没有这些栏目：{'、'.join(unknown)}")


def _date(value):
    """年 月 日 as the forms write them; "" for none."""
    if not value:
        return ""
    if isinstance(value, str):
        value = datetime.date.fromisoformat(value)
    return f"{value.year}年{value.month}月{value.day}日"


OTHER_NAMES = frozenset({"其他", "其它"})


def _iso(value):
    """A date as 1977-06-15; 出生年月 ("1977-06") and "" pass through."""
    return value.isoformat() if isinstance(value, datetime.date) else value or ""


def _choices(names, checked, what, *, other=""):
    """[(name, is_checked, is_other)] of a checkbox list.

    A checked name not offered is an error; the catalogue's 其他 is checked too
    when ``other`` (its free text) is filled in.
    """
    checked = list(checked or ())
    unknown = [name for name in checked if name not in names]
    if unknown:
        raise ValueError(f"{what}没有这些选项：{'、'.join(unknown)}")
    return [
        (
            name,
            name in checked or bool(other and name in OTHER_NAMES),
            name in OTHER_NAMES,
        )
        for name in names
    ]


# --- 附件2 申请表 ------------------------------------------------------------------------


def _person(values, what):
    values = dict(values or {})
    _check_keys(values, PERSON_KEYS, what)
    values["birth_date"] = _iso(values.get("birth_date"))
    return values


def application_form(fields=None):
    """附件2, blank (``fields`` None) or filled from a dict of APPLICATION_KEYS.

    ``leader`` and ``contact`` are dicts of PERSON_KEYS (``photo`` a data:
    URL); ``target_groups`` and ``expected_services`` name checked options of
    the catalogues; ``org_type`` one of ORG_TYPES.
    """
    fields = dict(fields or {})
    _check_keys(fields, APPLICATION_KEYS, "申请表")
    org_type = fields.get("org_type", "")
    if org_type and org_type not in ORG_TYPES:
        raise ValueError(
            f"申请组织类型只能是{'、'.join(ORG_TYPES)}，不能是“{org_type}”"
        )
    context = {
        **fields,
        "applied_on": _date(fields.get("applied_on")),
        "org_types": [(name, name == org_type) for name in ORG_TYPES],
        "leader": _person(fields.get("leader"), "负责人资料"),
        "contact": _person(fields.get("contact"), "联系人资料"),
        "target_groups": _choices(
            [str(group) for group in TargetGroup.objects.order_by("sort_order")],
            fields.get("target_groups"),
            "拟服务人群",
            other=fields.get("target_groups_other", ""),
        ),
        "expected_services": _choices(
            [str(area) for area in ExpectedServiceArea.objects.order_by("sort_order")],
            fields.get("expected_services"),
            "期望参与的服务项目",
            other=fields.get("expected_services_other", ""),
        ),
        "blank": not fields,
    }
    return render_pdf(
        "pdf/application_form.html",
        context,
        title=APPLICATION_TITLE,
        stylesheets=("forms",),
    )


def _volunteer_person(volunteer, user):
    if volunteer is None:
        return {}
    return {
        "name": volunteer.name,
        "gender": volunteer.get_gender_display(),
        "birth_date": _iso(privacy.birth_for_user(user, volunteer, export=True)),
        "job_title": volunteer.job_title,
        "phone": privacy.phone_for_user(user, volunteer, volunteer.phone_office),
        "mobile": privacy.phone_for_user(user, volunteer, volunteer.mobile),
        "email": volunteer.email,
        "address": volunteer.address,
        "postcode": volunteer.postcode,
        "photo": photo_data_url(volunteer),
    }


def application_fields_for_node(node, *, user):
    """附件2's fields from a node of the registry, as ``user`` may see them.

    Leader and contact are the registered volunteers holding those posts, else
    the node's own name and phone fields (phones masked as for a volunteer).
    """
    people = selectors.node_leaders_and_contacts([node])[node.pk]
    fields = {
        "registration_number": node.code,
        "unit_name": node.unit_name,
        "legal_representative": node.legal_representative,
        "address": node.address,
        "postcode": node.postcode,
        "phone": node.phone,
        "website": node.website,
        "fax": node.fax,
        "email": node.email,
        "parent_party_org": node.parent_party_org,
        "proposed_name": node.name,
        "registered_count": selectors.subtree_volunteer_counts([node]).get(node.pk, 0),
        "target_groups": [str(group) for group in node.target_groups.all()],
        "target_groups_other": node.target_groups_other,
        "expected_services": [str(area) for area in node.expected_services.all()],
        "expected_services_other": node.expected_services_other,
        "experience": node.service_experience,
    }
    if node.kind in NODE_KIND_ORG_TYPES:
        fields["org_type"] = NODE_KIND_ORG_TYPES[node.kind]
    for role in ("leader", "contact"):
        volunteer = people[role]
        fields[role] = _volunteer_person(volunteer, user) or {
            "name": getattr(node, f"{role}_name"),
            "mobile": privacy.mask_phone(getattr(node, f"{role}_phone")),
        }
    return fields


# --- 附件3 登记表 ------------------------------------------------------------------------


def _availability(volunteer):
    chosen = volunteer.availability if volunteer else {}
    return [
        (label, [slot in chosen.get(day, ()) for day, _day_label in AVAILABILITY_DAYS])
        for slot, label in AVAILABILITY_SLOTS
    ]


def _service_items(volunteer):
    chosen = (
        set(volunteer.service_items.values_list("pk", flat=True))
        if volunteer
        else set()
    )
    categories = ServiceCategory.objects.prefetch_related("items").order_by(
        "sort_order"
    )
    return [
        (
            category,
            [
                (item.name, item.pk in chosen, item.name in OTHER_NAMES)
                for item in category.items.all()
            ],
        )
        for category in categories
    ]


def _yes_no(value):
    return {"yes": value is True, "no": value is False}


def registration_form(volunteer=None, *, user=None, id_number=None):
    """附件3 with its 义工服务项目 sheet: blank, or filled from ``volunteer``.

    The ID number is masked unless ``id_number`` is given: the number the
    caller got from the logged reveal. Birth date and phones as ``user`` may
    see them.
    """
    context = {
        "volunteer": volunteer,
        "days": [label for _day, label in AVAILABILITY_DAYS],
        "availability": _availability(volunteer),
        "service_items": _service_items(volunteer),
        "info_sources": [
            (label, volunteer is not None and volunteer.info_source == value)
            for value, label in InfoSource.choices
        ],
    }
    if volunteer is not None:
        context |= {
            "id_number": id_number or privacy.masked_id_number(volunteer),
            "birth": _iso(privacy.birth_for_user(user, volunteer, export=True)),
            "applied_on": _date(volunteer.applied_on),
            "graduated_on": (
                f"{volunteer.graduated_on:%Y-%m}" if volunteer.graduated_on else ""
            ),
            "phones": {
                field: privacy.phone_for_user(
                    user, volunteer, getattr(volunteer, field)
                )
                for field in ("phone_home", "phone_office", "mobile")
            },
            "photo": photo_data_url(volunteer),
            "long_term": _yes_no(volunteer.long_term),
            "donate_money": _yes_no(volunteer.donate_money),
            "donate_goods": _yes_no(volunteer.donate_goods),
        }
    title = (
        REGISTRATION_TITLE
        if volunteer is None
        else f"{REGISTRATION_TITLE}（{volunteer.name}）"
    )
    return render_pdf(
        "pdf/registration_form.html", context, title=title, stylesheets=("forms",)
    )


# --- 附件4 季报表 ------------------------------------------------------------------------


def _count(value, what):
    if value in (None, ""):
        return ""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"{what}应是数字，不能是“{value}”") from None
    if number < 0:
        raise ValueError(f"{what}不能是负数")
    return f"{number.normalize():f}"


def quarterly_report(figures=None):
    """附件4, blank or filled from a dict of QUARTERLY_KEYS.

    Until the reporting issue computes them, the figures are passed in:
    counts, ``leader``/``contact`` as {"name", "phone"}, ``year``,
    ``quarter`` (1–4), ``projects`` a list of lines, ``project_details``
    dicts of PROJECT_DETAIL_KEYS printed as the attached 详表.
    """
    figures = dict(figures or {})
    _check_keys(figures, QUARTERLY_KEYS, "季报表")
    quarter = figures.get("quarter")
    if quarter not in (None, "") and str(quarter) not in {"1", "2", "3", "4"}:
        raise ValueError(f"季度只能是 1–4，不能是“{quarter}”")
    labels = {
        "sub_org_count": "下辖党员义工组织",
        "party_member_count": "管辖党员总数",
        "registered_party_volunteers": "注册党员义工总数",
        "activist_volunteers": "入党积极分子注册义工",
        "participants": "参加人数",
        "hours": "累计时数",
    }
    context = {
        **figures,
        **{key: _count(figures.get(key), label) for key, label in labels.items()},
        "leader": figures.get("leader") or {},
        "contact": figures.get("contact") or {},
        "projects": list(figures.get("projects") or [""] * BLANK_PROJECT_LINES),
        "project_details": [
            {key: detail.get(key, "") for key in PROJECT_DETAIL_KEYS}
            for detail in figures.get("project_details") or []
        ],
    }
    title = QUARTERLY_TITLE
    if figures.get("org_name"):
        title = f"{figures['org_name']}{QUARTERLY_TITLE}"
    return render_pdf(
        "pdf/quarterly_report.html", context, title=title, stylesheets=("forms",)
    )
