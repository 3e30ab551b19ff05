"""The admin side end to end: announce, sign up, record, report up the tree, print; scoping."""

from datetime import timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from activities import services
from activities.models import (
    Activity,
    Approval,
    Commitment,
    QuarterlyReport,
    ServiceRecord,
    SignUp,
)
from registry import roles
from registry.tests.factories import granted

from .helpers import activity_on, party_member, record

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"activities:{name}", args=args)


@pytest.fixture
def people(nodes):
    return {
        "clerk": granted("clerk", roles.INFO_MANAGER, nodes["A1"]),
        "team_admin": granted("team_admin", roles.ADMIN, nodes["A1"]),
        "corps": granted("corps", roles.ADMIN, nodes["A"]),
        "other_corps": granted("other_corps", roles.ADMIN, nodes["B"]),
        "viewer": granted("viewer", roles.VIEWER, nodes["A1"]),
    }


def login(client, user):
    client.force_login(user)
    return client


def pdf_text(content):
    """The PDF's text without the spaces and line breaks of its layout."""
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages)
    return "".join(text.split())


def test_a_team_announces_runs_records_and_reports_up_the_tree(client, nodes, people):
    member = party_member(nodes["A1"], name="党员甲")
    login(client, people["clerk"])
    start = timezone.localtime() + timedelta(days=1)
    response = client.post(
        url("add"),
        {
            "node": nodes["A1"].pk,
            "title": "社区义诊",
            "mode": "concentrated",
            "ledger": "service",
            "starts_at": start.strftime("%Y-%m-%d %H:%M"),
            "ends_at": (start + timedelta(hours=3)).strftime("%Y-%m-%d %H:%M"),
            "place": "台城桥湖社区",
            "capacity": "20",
        },
    )
    activity = Activity.objects.get(title="社区义诊")
    assert response.status_code == 302
    assert activity.announced and activity.approval == Approval.NOT_NEEDED
    response = client.post(
        url("signup_add", activity.pk), {"volunteer_number": member.volunteer_number}
    )
    assert SignUp.objects.filter(activity=activity, volunteer=member).exists()
    # The day came: the leader records the hours.
    Activity.objects.filter(pk=activity.pk).update(
        starts_at=timezone.now() - timedelta(hours=4),
        ends_at=timezone.now() - timedelta(hours=1),
    )
    page = client.get(url("activity", activity.pk))
    assert "记录服务时数" in page.content.decode()
    day = timezone.localdate(timezone.now() - timedelta(hours=4))
    response = client.post(
        url("activity", activity.pk),
        {
            "records-TOTAL_FORMS": "1",
            "records-INITIAL_FORMS": "1",
            "records-0-volunteer": member.pk,
            "records-0-served_on": day.isoformat(),
            "records-0-hours": "3",
            "records-0-content": "量血压",
            "records-0-evaluation": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    line = ServiceRecord.objects.get(activity=activity, volunteer=member)
    assert (line.hours, line.counted, line.recorder_name) == (
        Decimal("3"),
        True,
        "clerk",
    )
    # The quarterly report, generated from the archive.
    quarter = (day.month - 1) // 3 + 1
    response = client.post(
        url("report_generate"),
        {"node": nodes["A1"].pk, "year": day.year, "quarter": quarter},
    )
    report = QuarterlyReport.objects.get(
        node=nodes["A1"], year=day.year, quarter=quarter
    )
    assert (report.participants, report.hours) == (1, Decimal("3.00"))
    assert report.projects[0]["title"] == "社区义诊"
    assert report.registered_party_volunteers == 1
    client.post(
        url("report", report.pk),
        {
            "org_name": report.org_name,
            "sub_org_count": report.sub_org_count,
            "party_member_count": "35",
            "registered_party_volunteers": "1",
            "activist_volunteers": "0",
            "leader_name": "王队长",
            "leader_phone": "13800000000",
            "contact_name": "",
            "contact_phone": "",
            "participants": "1",
            "hours": "3",
            "notes": "",
            "project-0": "为社区老人量血压",
        },
    )
    report.refresh_from_db()
    assert report.party_member_count == 35
    assert report.projects[0]["content"] == "为社区老人量血压"
    client.post(url("report_submit", report.pk))
    report.refresh_from_db()
    assert report.status == QuarterlyReport.Status.SUBMITTED
    # The clerk cannot approve their own report; the corps above can.
    client.post(url("report_decide", report.pk), {"decision": "approve"})
    report.refresh_from_db()
    assert report.status == QuarterlyReport.Status.SUBMITTED
    login(client, people["corps"])
    response = client.post(
        url("report_decide", report.pk), {"decision": "reject", "note": ""}
    )
    report.refresh_from_db()
    assert report.status == QuarterlyReport.Status.SUBMITTED  # a return needs a reason
    client.post(url("report_decide", report.pk), {"decision": "approve"})
    report.refresh_from_db()
    assert report.status == QuarterlyReport.Status.APPROVED
    # Locked once approved.
    login(client, people["clerk"])
    client.post(url("report_regenerate", report.pk))
    report.refresh_from_db()
    assert report.party_member_count == 35
    response = client.get(url("report_pdf", report.pk))
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "党员义工工作进展情况季报表" in text
    assert "社区义诊" in text and "为社区老人量血压" in text


def test_returned_reports_can_be_edited_and_resubmitted(nodes, people):
    report = services.report_generate(
        nodes["A1"], year=2026, quarter=1, by_user=people["clerk"]
    )
    services.report_submit(report, by_user=people["clerk"])
    with pytest.raises(Exception, match="退回时请填写原因"):
        services.report_decide(report, by_user=people["corps"], approve=False)
    services.report_decide(
        report, by_user=people["corps"], approve=False, reason="人数有误"
    )
    report.refresh_from_db()
    assert (report.status, report.return_reason) == ("returned", "人数有误")
    services.report_update(report, by_user=people["clerk"], participants=5)
    services.report_submit(report, by_user=people["clerk"])
    report.refresh_from_db()
    assert report.status == "submitted"


def test_a_late_entry_counts_once_the_node_above_agrees(client, nodes, people):
    member = party_member(nodes["A1"])
    yesterday = timezone.localtime() - timedelta(days=1)
    activity = services.activity_create(
        node=nodes["A1"],
        by_user=people["clerk"],
        title="补录：清洁家园",
        starts_at=yesterday,
        ends_at=yesterday + timedelta(hours=2),
        place="台城",
    )
    assert (activity.announced, activity.approval) == (False, Approval.PENDING)
    [line] = services.record_service(
        activity,
        [
            {
                "volunteer": member,
                "served_on": timezone.localdate(yesterday),
                "hours": Decimal(2),
                "content": "",
            }
        ],
        by_user=people["clerk"],
    )
    assert not line.counted
    login(client, people["team_admin"])  # the team itself is not the node above
    client.post(url("decide", activity.pk), {"decision": "approve"})
    activity.refresh_from_db()
    assert activity.approval == Approval.PENDING
    login(client, people["corps"])
    assert "补录：清洁家园" in client.get(url("approvals")).content.decode()
    client.post(url("decide", activity.pk), {"decision": "approve"})
    line.refresh_from_db()
    assert line.counted


def test_more_than_the_daily_limit_waits_for_the_node_above(nodes, people):
    member = party_member(nodes["A1"])
    day = timezone.localdate() - timedelta(days=2)
    first = activity_on(nodes["A1"], day, hours=6)
    second = activity_on(nodes["A1"], day, hours=4, title="下午活动")
    record(first, member, day, "6")
    [line] = services.record_service(
        second,
        [{"volunteer": member, "served_on": day, "hours": Decimal(3), "content": ""}],
        by_user=people["clerk"],
    )
    assert (line.approval, line.counted) == (Approval.PENDING, False)
    services.record_decide(line, by_user=people["corps"], approve=True)
    line.refresh_from_db()
    assert line.counted


def test_bad_record_lines_write_nothing(nodes, people):
    member = party_member(nodes["A1"])
    other = party_member(nodes["A1"], name="党员乙")
    day = timezone.localdate() - timedelta(days=1)
    activity = activity_on(nodes["A1"], day)
    with pytest.raises(Exception) as error:
        services.record_service(
            activity,
            [
                {"volunteer": member, "served_on": day, "hours": Decimal(2)},
                {
                    "volunteer": other,
                    "served_on": day - timedelta(days=3),
                    "hours": Decimal(2),
                },
            ],
            by_user=people["clerk"],
        )
    assert "第2行（党员乙）：服务日期应在活动日期" in str(error.value)
    assert not ServiceRecord.objects.exists()


def test_capacity_is_kept(nodes):
    start = timezone.now() + timedelta(days=2)
    activity = services.activity_create(
        node=nodes["A1"],
        by_user=None,
        title="限额活动",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        place="台城",
        capacity=1,
    )
    first = party_member(nodes["A1"])
    second = party_member(nodes["A1"], name="党员乙")
    services.signup_create(activity, first)
    with pytest.raises(Exception, match="名额已满"):
        services.signup_create(activity, second)
    services.signup_cancel(activity.signups.get())
    services.signup_create(activity, second)


SCOPED_PAGES = ("activity", "edit")


@pytest.mark.parametrize("username", ["other_corps"])
def test_records_of_other_subtrees_are_404(client, nodes, people, username):
    member = party_member(nodes["A1"])
    activity = activity_on(nodes["A1"], timezone.localdate() - timedelta(days=1))
    line = record(activity, member, timezone.localdate() - timedelta(days=1), "2")
    report = services.report_generate(nodes["A1"], year=2026, quarter=1, by_user=None)
    commitment = services.commitment_create(
        node=nodes["A1"],
        by_user=None,
        year=2026,
        content="修路灯",
        beneficiary="桥湖社区",
        due_on=timezone.localdate(),
    )
    login(client, people[username])
    for path in (
        url("activity", activity.pk),
        url("edit", activity.pk),
        url("report", report.pk),
        url("report_pdf", report.pk),
        url("volunteer", member.pk),
        url("evidence", member.pk, "xlsx"),
        url("evidence", member.pk, "pdf"),
        url("commitment", commitment.pk),
    ):
        assert client.get(path).status_code == 404, path
    for path in (
        url("cancel", activity.pk),
        url("decide", activity.pk),
        url("report_submit", report.pk),
        url("report_decide", report.pk),
        url("record_action", line.pk, "remove"),
        url("exemption_grant", member.pk),
    ):
        assert (
            client.post(path, {"decision": "approve", "reason": "x"}).status_code == 404
        ), path
    archive = client.get(url("archive"), {"year": timezone.localdate().year})
    assert member.name not in archive.content.decode()
    export = client.get(url("archive_xlsx"))
    rows = list(load_workbook(BytesIO(export.content)).active.values)
    assert len(rows) == 1  # the heading only
    assert Commitment.objects.count() == 1


def test_a_viewer_reads_but_does_not_run(client, nodes, people):
    activity = activity_on(nodes["A1"], timezone.localdate() - timedelta(days=1))
    login(client, people["viewer"])
    assert client.get(url("activity", activity.pk)).status_code == 200
    assert client.get(url("edit", activity.pk)).status_code == 404
    client.post(url("cancel", activity.pk), {"reason": "下雨"})
    activity.refresh_from_db()
    assert activity.cancelled_at is None


def test_the_pages_render_for_a_corps_admin(client, nodes, people):
    member = party_member(nodes["A1"])
    day = timezone.localdate() - timedelta(days=1)
    activity = activity_on(nodes["A1"], day)
    record(activity, member, day, "2")
    login(client, people["corps"])
    for name in (
        "index",
        "dashboard",
        "archive",
        "compliance",
        "reports",
        "commitments",
        "approvals",
        "izhiyuan",
        "add",
        "commitment_add",
    ):
        response = client.get(url(name))
        assert response.status_code == 200, name
    assert "党员甲" in client.get(url("compliance")).content.decode()
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "党员义工服务" in home
    xlsx = client.get(url("archive_xlsx"))
    assert list(load_workbook(BytesIO(xlsx.content)).active.values)[1][1] == "党员甲"
    pdf = client.get(url("archive_pdf"))
    assert "党员甲" in pdf_text(pdf.content)
    evidence = client.get(url("evidence", member.pk, "pdf"))
    assert "系统不评定等次" in pdf_text(evidence.content)


def test_site_history_shows_activity_entries_only_within_the_subtree(client, nodes, people):
    member = party_member(nodes["A1"])
    day = timezone.localdate() - timedelta(days=1)
    activity = activity_on(nodes["A1"], day, title="河堤清洁")
    services.record_service(
        activity,
        [{"volunteer": member, "served_on": day, "hours": Decimal(2), "content": ""}],
        by_user=people["clerk"],
    )
    history = reverse("wagtailadmin_reports:site_history")
    login(client, people["corps"])
    assert "记录服务时数：1人，共2小时" in client.get(history).content.decode()
    login(client, people["other_corps"])
    assert "记录服务时数" not in client.get(history).content.decode()
