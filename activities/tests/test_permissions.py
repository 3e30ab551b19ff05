"""Permission matrix of the 服务活动 admin: every URL × role × own/foreign record.

Expected answers come from the oracle in registry.tests.admin_world (the
written-out parent map and the role definitions), not from the code under
test:

- anonymous: redirected to the login page;
- a record outside the user's scope for the action (viewing it, running its
  node's activities, or supervising it from the node above): 404;
- a page of no one record the user holds no right for anywhere: denied;
- otherwise the page, or for a POST a redirect back to the record.

A test fails when an ``activities:`` URL is missing from the matrix.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from activities import services
from activities.models import Certificate, Exemption, QuarterlyReport, ServiceRecord
from registry import roles
from registry.tests.admin_world import build_world, holds, holds_anywhere

from .helpers import activity_on

pytestmark = pytest.mark.django_db

OK, DENIED, NOT_FOUND, LOGIN = "ok", "denied", "404", "login"
ROLE_NAMES = ["anonymous", "super", "federation", "corps", "team", "viewer", "norole"]
VIEW = roles.VIEW_REGISTRY
EDIT = roles.EDIT_VOLUNTEERS
MANAGE = roles.MANAGE_NODE
REVEAL = roles.REVEAL_ID_NUMBER
# Own and foreign records for every scoped role: 分队A1a (under 队A1, 总队A) and 队B1.
RECORD_NODES = ("A1a", "B1")


@dataclass(frozen=True)
class Row:
    url_name: str
    method: str = "get"
    # (kind, node key) or None for a page of no one record.
    record: tuple | None = None
    codename: str = VIEW
    strict: bool = False
    data: dict = field(default_factory=dict)
    suffix: tuple = ()

    def expect(self, username):
        if username == "anonymous":
            return LOGIN
        if username == "super":
            return OK
        if self.record is None:
            return OK if holds_anywhere(username, self.codename) else DENIED
        key = self.record[1]
        if not holds(username, VIEW, key):
            return NOT_FOUND
        if not holds(username, self.codename, key, strict=self.strict):
            return NOT_FOUND
        return OK


PAGES = [
    Row("index"),
    Row("add", codename=EDIT),
    Row("approvals", codename=MANAGE),
    Row("archive"),
    Row("archive_xlsx"),
    Row("archive_pdf"),
    Row("izhiyuan", codename=REVEAL),
    Row("compliance"),
    Row("reports"),
    Row("commitments"),
    Row("commitment_add", codename=EDIT),
    Row("dashboard"),
    Row("report_generate", "post", codename=EDIT, data={"year": "2026"}),
]


def record_rows(key):
    return [
        Row("activity", record=("activity", key)),
        Row("edit", record=("activity", key), codename=EDIT),
        Row("volunteer", record=("volunteer", key)),
        Row("evidence", record=("volunteer", key), suffix=("pdf",)),
        Row("report", record=("report", key)),
        Row("report_pdf", record=("report", key)),
        Row("commitment", record=("commitment", key), codename=EDIT),
        Row("certificate_pdf", record=("certificate", key)),
        Row(
            "activity",
            "post",
            ("activity", key),
            EDIT,
            data={"records-TOTAL_FORMS": "0", "records-INITIAL_FORMS": "0"},
        ),
        Row("cancel", "post", ("activity", key), EDIT, data={"reason": ""}),
        Row("decide", "post", ("activity", key), MANAGE, strict=True),
        Row(
            "signup_add",
            "post",
            ("activity", key),
            EDIT,
            data={"volunteer_number": "x"},
        ),
        Row("signup_checkin", "post", ("signup", key), EDIT),
        Row("signup_cancel", "post", ("signup", key), EDIT),
        Row(
            "record_action",
            "post",
            ("record", key),
            MANAGE,
            strict=True,
            suffix=("decide",),
        ),
        Row("record_action", "post", ("record", key), EDIT, suffix=("remove",)),
        Row("certificate_issue", "post", ("volunteer", key), VIEW),
        Row("exemption_grant", "post", ("volunteer", key), MANAGE),
        Row("exemption_revoke", "post", ("exemption", key), MANAGE),
        Row("report", "post", ("report", key), EDIT, data={"org_name": ""}),
        Row("report_regenerate", "post", ("report", key), EDIT),
        Row("report_submit", "post", ("report", key), EDIT),
        Row(
            "report_decide",
            "post",
            ("report", key),
            MANAGE,
            strict=True,
            data={"decision": "approve"},
        ),
    ]


def matrix():
    return PAGES + [row for key in RECORD_NODES for row in record_rows(key)]


def activity_url_names():
    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and namespace == "activities":
                yield f"activities:{pattern.name}"

    return set(walk(get_resolver().url_patterns, None))


def build(world):
    nodes, volunteers, _memberships, _users = world
    day = timezone.localdate() - timedelta(days=1)
    records = {}
    for key in RECORD_NODES:
        node, volunteer = nodes[key], volunteers[key]
        activity = activity_on(node, day)
        line = ServiceRecord.objects.create(
            activity=activity,
            volunteer=volunteer,
            served_on=day,
            hours=Decimal(2),
            content="服务",
            ledger="service",
            counted=True,
        )
        signup = activity.signups.create(volunteer=volunteer, source="leader")
        report = QuarterlyReport.objects.create(
            node=node,
            year=day.year,
            quarter=(day.month - 1) // 3 + 1,
            org_name=node.name,
        )
        commitment = services.commitment_create(
            node=node,
            by_user=None,
            year=day.year,
            content="修路灯",
            beneficiary="社区",
            due_on=day,
        )
        exemption = Exemption.objects.create(
            volunteer=volunteer,
            starts_on=day,
            ends_on=day,
            reason="病假",
            granted_by_name="系统",
        )
        certificate = Certificate.objects.create(
            number=f"ZM-{key}",
            volunteer=volunteer,
            issuer="义工联",
            served_from=day,
            served_to=day,
            total_hours=2,
            periods=[{"period": str(day), "content": "服务", "hours": "2"}],
            issued_by_name="系统",
        )
        records[key] = {
            "activity": activity,
            "volunteer": volunteer,
            "report": report,
            "commitment": commitment,
            "certificate": certificate,
            "record": line,
            "signup": signup,
            "exemption": exemption,
        }
    return records


def resolve(records, row):
    if row.record is None:
        return reverse(f"activities:{row.url_name}", args=row.suffix)
    kind, key = row.record
    instance = records[key][kind]
    return reverse(f"activities:{row.url_name}", args=(instance.pk, *row.suffix))


def outcome(response):
    if response.status_code == 404:
        return NOT_FOUND
    if response.status_code == 200:
        return OK
    if response.status_code == 302:
        location = response["Location"]
        if location.startswith(reverse("wagtailadmin_login")):
            return LOGIN
        if location == reverse("wagtailadmin_home"):
            return DENIED
        return OK
    return f"HTTP {response.status_code}"


def test_every_activities_url_is_in_the_matrix():
    covered = {f"activities:{row.url_name}" for row in matrix()}
    assert not activity_url_names() - covered, sorted(activity_url_names() - covered)


@pytest.mark.parametrize("username", ROLE_NAMES)
def test_permission_matrix(client, username):
    world = build_world()
    records = build(world)
    if username != "anonymous":
        client.force_login(world[3][username])
    wrong = []
    for row in sorted(matrix(), key=lambda row: row.method == "post"):
        url = resolve(records, row)
        response = getattr(client, row.method)(url, row.data)
        expected, got = row.expect(username), outcome(response)
        if got != expected:
            wrong.append(
                f"{row.method} {row.url_name} {row.record}: expected {expected}, got {got}"
            )
    assert not wrong, f"{username}:\n" + "\n".join(wrong)
