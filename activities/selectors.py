"""Reads of the activities app, scoped to a user through the registry's policy."""

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone

from registry import policy
from registry import selectors as registry_selectors
from registry.choices import PARTY_MEMBER_STATUSES
from registry.models import OrgNode, Volunteer

from .compliance import TEAM_KINDS
from .models import (
    Activity,
    ActivityIndexPage,
    ActivityLogEntry,
    Approval,
    Commitment,
    QuarterlyReport,
    ServiceRecord,
    ServiceRules,
)

# --- Scopes ----------------------------------------------------------------------------


def nodes_for(user, action="view"):
    return policy.nodes_where(user, action)


def activities_for_user(user, action="view"):
    return Activity.objects.filter(node__in=nodes_for(user, action).values("pk"))


def records_for_user(user):
    """Archive lines of the user's members, or of activities the user's nodes ran."""
    nodes = nodes_for(user).values("pk")
    return ServiceRecord.objects.filter(
        Q(activity__node__in=nodes) | Q(volunteer__org_node__in=nodes)
    )


def reports_for_user(user, action="view"):
    return QuarterlyReport.objects.filter(node__in=nodes_for(user, action).values("pk"))


def commitments_for_user(user):
    return Commitment.objects.filter(node__in=nodes_for(user).values("pk"))


def awaiting_supervision(user):
    """What waits for the user as the node above: 补录 activities, long days, reports."""
    nodes = nodes_for(user, "supervise").values("pk")
    return {
        "activities": Activity.objects.filter(
            node__in=nodes, approval=Approval.PENDING, cancelled_at__isnull=True
        ).select_related("node"),
        "records": ServiceRecord.objects.filter(
            activity__node__in=nodes, approval=Approval.PENDING
        ).select_related("activity__node", "volunteer"),
        "reports": QuarterlyReport.objects.filter(
            node__in=nodes, status=QuarterlyReport.Status.SUBMITTED
        ).select_related("node"),
    }


# --- Quarters --------------------------------------------------------------------------


def quarter_dates(year, quarter):
    start = date(year, 3 * quarter - 2, 1)
    end = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return start, end - timedelta(days=1)


def quarter_of(day):
    return (day.month - 1) // 3 + 1


def report_due_on(year, quarter, rules=None):
    rules = rules or ServiceRules.load()
    return quarter_dates(year, quarter)[1] + timedelta(days=rules.report_due_days)


# --- The quarterly report's figures (附件4) --------------------------------------------


def _subtree(node):
    return Q(path__startswith=node.path)


def quarter_records(node, year, quarter):
    """Counted archive lines of the quarter from activities of the node's subtree."""
    start, end = quarter_dates(year, quarter)
    return ServiceRecord.objects.counted().filter(
        activity__node__path__startswith=node.path,
        served_on__gte=start,
        served_on__lte=end,
    )


def quarterly_figures(node, year, quarter):
    """The 附件4 fields of ``node`` for the quarter, from the registry and the archive."""
    subtree = OrgNode.objects.filter(_subtree(node)).exclude(
        status=OrgNode.Status.DISSOLVED
    )
    volunteers = Volunteer.objects.filter(
        org_node__path__startswith=node.path, status=Volunteer.Status.REGISTERED
    )
    people = volunteers.aggregate(
        party=Count("pk", filter=Q(political_status__in=PARTY_MEMBER_STATUSES)),
        activists=Count("pk", filter=Q(is_party_activist=True)),
    )
    records = quarter_records(node, year, quarter)
    totals = records.aggregate(
        participants=Count("volunteer", distinct=True), hours=Sum("hours")
    )
    projects = []
    by_activity = (
        records.order_by()
        .values("activity_id")
        .annotate(participants=Count("volunteer", distinct=True), hours=Sum("hours"))
    )
    figures = {row["activity_id"]: row for row in by_activity}
    for activity in (
        Activity.objects.filter(pk__in=list(figures))
        .select_related("node", "creation_action", "category")
        .order_by("starts_at", "pk")
    ):
        row = figures[activity.pk]
        projects.append(
            {
                "title": activity.title,
                "date": timezone.localtime(activity.starts_at).strftime("%Y-%m-%d"),
                "node": activity.node.name,
                "place": activity.place,
                "mode": activity.get_mode_display(),
                "ledger": activity.get_ledger_display(),
                "action": activity.creation_action.name
                if activity.creation_action
                else "",
                "participants": row["participants"],
                "hours": str((row["hours"] or Decimal(0)).normalize()),
                "content": activity.description,
            }
        )
    people_of = registry_selectors.node_leaders_and_contacts([node])[node.pk]
    leader, contact = people_of["leader"], people_of["contact"]
    return {
        "org_name": node.name,
        "sub_org_count": subtree.exclude(pk=node.pk).count(),
        "party_member_count": subtree.aggregate(total=Sum("party_member_count"))[
            "total"
        ]
        or 0,
        "registered_party_volunteers": people["party"],
        "activist_volunteers": people["activists"],
        "leader_name": leader.name if leader else node.leader_name,
        "leader_phone": leader.mobile if leader else node.leader_phone,
        "contact_name": contact.name if contact else node.contact_name,
        "contact_phone": contact.mobile if contact else node.contact_phone,
        "participants": totals["participants"],
        "hours": totals["hours"] or Decimal(0),
        "projects": projects,
    }


def report_pdf_figures(report):
    """The report as pdf.documents.quarterly_report's keys."""
    return {
        "org_name": report.org_name,
        "sub_org_count": report.sub_org_count,
        "party_member_count": report.party_member_count,
        "registered_party_volunteers": report.registered_party_volunteers,
        "activist_volunteers": report.activist_volunteers,
        "leader": {"name": report.leader_name, "phone": report.leader_phone},
        "contact": {"name": report.contact_name, "phone": report.contact_phone},
        "year": report.year,
        "quarter": report.quarter,
        "participants": report.participants,
        "hours": report.hours,
        "projects": [project_line(project) for project in report.projects],
        "project_details": report.projects,
    }


def project_line(project):
    return (
        f"{project.get('date', '')} {project.get('title', '')}"
        f"（{project.get('participants', 0)}人，{project.get('hours', 0)}小时）"
    ).strip()


def overdue_reports(nodes, today=None, rules=None):
    """[(node, year, quarter, due_on)] of this year's closed quarters not yet reported.

    A quarter is overdue for a team once report_due_days have passed after it
    ended and no report was submitted (a returned one is overdue again).
    """
    rules = rules or ServiceRules.load()
    today = today or timezone.localdate()
    year = today.year
    closed = [q for q in (1, 2, 3, 4) if report_due_on(year, q, rules) < today]
    if not closed:
        return []
    teams = list(
        nodes.filter(kind__in=TEAM_KINDS, status=OrgNode.Status.ESTABLISHED).order_by(
            "path"
        )
    )
    filed = set(
        QuarterlyReport.objects.filter(
            node__in=[team.pk for team in teams],
            year=year,
            status__in=(
                QuarterlyReport.Status.SUBMITTED,
                QuarterlyReport.Status.APPROVED,
            ),
        ).values_list("node_id", "quarter")
    )
    overdue = []
    for team in teams:
        established = team.established_on or timezone.localdate(team.created_at)
        for quarter in closed:
            if quarter_dates(year, quarter)[1] < established:
                continue
            if (team.pk, quarter) not in filed:
                overdue.append(
                    (team, year, quarter, report_due_on(year, quarter, rules))
                )
    return overdue


# --- A volunteer's history, hours and stars --------------------------------------------


def volunteer_history(volunteer):
    return (
        ServiceRecord.objects.filter(volunteer=volunteer)
        .select_related("activity__node", "evaluation")
        .order_by("-served_on", "-pk")
    )


def certifiable_hours(volunteer):
    return ServiceRecord.objects.certifiable().filter(volunteer=volunteer).aggregate(
        total=Sum("hours")
    )["total"] or Decimal(0)


def star_level(hours, rules=None):
    """0–5: how many of the star thresholds the certified hours reach."""
    rules = rules or ServiceRules.load()
    return sum(1 for threshold in rules.stars if hours >= threshold)


def certificate_periods(volunteer, served_from, served_to):
    """One row per activity of the certifiable service in the period, as printed."""
    rows = defaultdict(lambda: {"days": [], "hours": Decimal(0), "content": ""})
    records = (
        ServiceRecord.objects.certifiable()
        .filter(
            volunteer=volunteer, served_on__gte=served_from, served_on__lte=served_to
        )
        .select_related("activity")
        .order_by("served_on", "pk")
    )
    for record in records:
        row = rows[record.activity_id]
        row["days"].append(record.served_on)
        row["hours"] += record.hours
        row["content"] = (
            f"{record.activity.title}：{record.content}"
            if (record.content != record.activity.title)
            else record.activity.title
        )
    periods = []
    for row in rows.values():
        first, last = row["days"][0], row["days"][-1]
        period = (
            f"{first:%Y-%m-%d}"
            if first == last
            else f"{first:%Y-%m-%d}至{last:%Y-%m-%d}"
        )
        periods.append(
            {
                "period": period,
                "content": row["content"][:200],
                "hours": str(row["hours"]),
            }
        )
    return periods


# --- Dashboard -------------------------------------------------------------------------


def hours_by_quarter(user, year):
    """{ledger: [q1, q2, q3, q4]} counted hours of the user's nodes' activities."""
    records = ServiceRecord.objects.counted().filter(
        activity__node__in=nodes_for(user).values("pk"), served_on__year=year
    )
    result = {ledger: [Decimal(0)] * 4 for ledger in Activity.Ledger.values}
    for quarter in (1, 2, 3, 4):
        start, end = quarter_dates(year, quarter)
        for row in (
            records.filter(served_on__gte=start, served_on__lte=end)
            .order_by()
            .values("ledger")
            .annotate(hours=Sum("hours"))
        ):
            result[row["ledger"]][quarter - 1] = row["hours"] or Decimal(0)
    return result


def upcoming_activities(user, limit=10):
    return (
        activities_for_user(user)
        .filter(cancelled_at__isnull=True, ends_at__gte=timezone.now())
        .select_related("node")
        .annotate(
            signed_up=Count("signups", filter=Q(signups__cancelled_at__isnull=True))
        )
        .order_by("starts_at", "pk")[:limit]
    )


def activity_index_page():
    """The live 活动预告 page, where sign-up and check-in happen; None without one."""
    return ActivityIndexPage.objects.live().public().first()


def history(instance):
    """The audit entries of one of this app's records, newest first."""
    return ActivityLogEntry.objects.for_instance(instance).select_related("user")


def certifiable_records(node, served_from, served_to):
    """Certifiable, counted service in the node's subtree's activities, for i志愿."""
    return ServiceRecord.objects.certifiable().filter(
        activity__node__path__startswith=node.path,
        served_on__gte=served_from,
        served_on__lte=served_to,
    )


def certificate_details(certificate):
    """render_certificate's keywords for an issued Certificate, as it was issued."""
    return {
        "periods": certificate.periods,
        "served_from": certificate.served_from,
        "served_to": certificate.served_to,
        "number": certificate.number,
        "issued_on": certificate.issued_on,
        "issuer": certificate.issuer,
        "clerk": certificate.issued_by_name,
    }
