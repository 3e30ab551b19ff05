"""The plan's yearly rules (五(二)三) for party volunteers and their teams.

Per party volunteer: at least N services a year (4), at least one in each
quarter, at least H hours (10), and one 好事 committed and fulfilled. Per team:
at least two 集中性 activities a year and one 实事 committed and fulfilled.
The numbers are ServiceRules (Wagtail settings).

Pro-rating goes by whole months: a month counts when the person was in a team
(the team was established) on its first day and no exemption covered that day.
The yearly numbers are scaled to those months and rounded up; each quarter
with a counting month needs its service. Both ledgers count (volunteer service
and party activities); a record counts only once its activity and its day
have any approval they need (ServiceRecord.counted).

The status is a statement of fact for the branch meeting (民主评议), never a
grade: 达标 (everything due is met), 预警 (the current quarter or year is ending
without what it needs), 未达标 (not met, or no longer possible), 免除 (no month
to assess: exempted, or joined too late in the year). Every figure comes from a
fixed number of queries whatever the number of people.
"""

import math
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_CEILING, Decimal

from django.db import models
from django.db.models import Count, Max, Min, Q, Sum
from django.utils import timezone

from registry.choices import PARTY_MEMBER_STATUSES
from registry.models import Membership, OrgNode, Volunteer

from .models import (
    COUNTING_APPROVALS,
    Activity,
    Commitment,
    Exemption,
    ServiceRecord,
    ServiceRules,
)

TEAM_KINDS = (OrgNode.Kind.TEAM, OrgNode.Kind.SUBTEAM, OrgNode.Kind.STATION)


class Status(models.TextChoices):
    MET = "met", "达标"
    WARNING = "warning", "预警"
    UNMET = "unmet", "未达标"
    EXEMPT = "exempt", "免除"


@dataclass
class Standing:
    """Where one person or team stands in a year, and what is missing."""

    status: str
    months: int
    missing: list = field(default_factory=list)
    services: int = 0
    hours: Decimal = Decimal(0)
    quarters: tuple = (0, 0, 0, 0)
    commitments: int = 0
    required_services: int = 0
    required_hours: Decimal = Decimal(0)
    required_commitments: int = 0
    note: str = ""

    @property
    def status_label(self):
        return Status(self.status).label

    def as_dict(self):
        return {
            "status": self.status,
            "status_label": self.status_label,
            "months": self.months,
            "services": self.services,
            "hours": str(self.hours),
            "quarters": list(self.quarters),
            "commitments": self.commitments,
            "required_services": self.required_services,
            "required_hours": str(self.required_hours),
            "required_commitments": self.required_commitments,
            "missing": list(self.missing),
            "note": self.note,
        }


@dataclass(frozen=True)
class Period:
    """A year assessed as of a day: which quarter is open, how long it has left."""

    year: int
    as_of: date

    @classmethod
    def of(cls, year, as_of=None):
        as_of = as_of or timezone.localdate()
        end = date(year, 12, 31)
        return cls(year, min(as_of, end) if as_of.year >= year else as_of)

    @property
    def over(self):
        return self.as_of >= date(self.year, 12, 31)

    @property
    def started(self):
        return self.as_of >= date(self.year, 1, 1)

    @property
    def current_quarter(self):
        """1–4 while the year runs; 5 once it is over (every quarter closed)."""
        if self.over:
            return 5
        if not self.started:
            return 0
        return (self.as_of.month - 1) // 3 + 1

    def quarter_end(self, quarter):
        month = quarter * 3
        return (
            date(self.year, 12, 31)
            if month == 12
            else (date(self.year, month + 1, 1) - date.resolution)
        )

    def days_left_in_quarter(self):
        return (self.quarter_end(self.current_quarter) - self.as_of).days

    def days_left_in_year(self):
        return (date(self.year, 12, 31) - self.as_of).days


def scaled(count, months):
    """A yearly count for ``months`` of 12, rounded up to a whole number."""
    return math.ceil(count * months / 12)


def scaled_hours(hours, months):
    """Yearly hours for ``months`` of 12, rounded up to a tenth of an hour."""
    return (Decimal(hours) * months / 12).quantize(Decimal("0.1"), ROUND_CEILING)


def month_starts(year):
    return [date(year, month, 1) for month in range(1, 13)]


def active_months(year, start, end, exemptions):
    """The months (1–12) whose first day lies in [start, end] and in no exemption."""
    months = []
    for first in month_starts(year):
        if start is not None and first < start:
            continue
        if end is not None and first > end:
            continue
        if any(ex_start <= first <= ex_end for ex_start, ex_end in exemptions):
            continue
        months.append(first.month)
    return months


def _hours(value):
    return (value or Decimal(0)).quantize(Decimal("0.01"))


def _fmt(value):
    return f"{Decimal(value).normalize():f}"


def member_standing(
    period, rules, *, start, end, exemptions, services, hours, quarters, commitments
):
    """The Standing of one party volunteer from the figures (no queries)."""
    months = active_months(period.year, start, end, exemptions)
    standing = Standing(
        status=Status.UNMET,
        months=len(months),
        services=services,
        hours=_hours(hours),
        quarters=tuple(quarters),
        commitments=commitments,
    )
    if not months:
        standing.status = Status.EXEMPT
        standing.note = "全年免除" if exemptions else "本年度在队不足一个月，不作要求"
        return standing
    standing.required_services = scaled(rules.services_per_year, len(months))
    standing.required_hours = scaled_hours(rules.hours_per_year, len(months))
    standing.required_commitments = scaled(rules.member_commitments, len(months))
    if len(months) < 12:
        standing.note = f"按在队{len(months)}个月折算"
    required_quarters = sorted({(month - 1) // 3 + 1 for month in months})
    current = period.current_quarter
    per_quarter = rules.services_per_quarter
    missed = [
        q for q in required_quarters if q < current and quarters[q - 1] < per_quarter
    ]
    open_quarter_short = (
        current in required_quarters and quarters[current - 1] < per_quarter
    )
    missing = standing.missing
    for quarter in missed:
        missing.append(f"第{quarter}季度未服务满{per_quarter}次")
    if open_quarter_short:
        missing.append(
            f"本季度（第{current}季度）尚需服务{per_quarter - quarters[current - 1]}次，"
            f"距季度结束还有{period.days_left_in_quarter()}天"
        )
    later = [q for q in required_quarters if q > current]
    if services < standing.required_services:
        missing.append(f"还需服务{standing.required_services - services}次")
    if standing.hours < standing.required_hours:
        missing.append(f"还需服务{_fmt(standing.required_hours - standing.hours)}小时")
    if commitments < standing.required_commitments:
        missing.append(
            f"还需承诺并践诺好事{standing.required_commitments - commitments}件"
        )
    totals_met = (
        services >= standing.required_services
        and standing.hours >= standing.required_hours
        and commitments >= standing.required_commitments
    )
    if period.over or missed:
        standing.status = Status.MET if totals_met and not missed else Status.UNMET
    elif totals_met and not open_quarter_short:
        standing.status = Status.MET
        if later:
            names = "、".join(str(q) for q in later)
            missing.append(f"第{names}季度仍各需服务{per_quarter}次")
    elif (
        open_quarter_short and period.days_left_in_quarter() <= rules.warning_days
    ) or (
        not totals_met
        and current == 4
        and period.days_left_in_year() <= rules.warning_days
    ):
        standing.status = Status.WARNING
    return standing


def team_standing(period, rules, *, start, concentrated, commitments):
    """The Standing of one team: its 集中性 activities and 实事 (no queries)."""
    months = active_months(period.year, start, None, [])
    standing = Standing(
        status=Status.UNMET,
        months=len(months),
        services=concentrated,
        commitments=commitments,
    )
    if not months:
        standing.status = Status.EXEMPT
        standing.note = "本年度成立不足一个月，不作要求"
        return standing
    standing.required_services = scaled(rules.concentrated_per_team, len(months))
    standing.required_commitments = scaled(rules.team_commitments, len(months))
    if len(months) < 12:
        standing.note = f"按成立{len(months)}个月折算"
    if concentrated < standing.required_services:
        standing.missing.append(
            f"还需开展集中性活动{standing.required_services - concentrated}次"
        )
    if commitments < standing.required_commitments:
        standing.missing.append(
            f"还需承诺并践诺实事{standing.required_commitments - commitments}件"
        )
    if not standing.missing:
        standing.status = Status.MET
    elif not period.over and period.current_quarter == 4:
        standing.status = Status.WARNING
    return standing


# --- Queries ---------------------------------------------------------------------------


def party_volunteers(volunteers):
    """The registered party volunteers (中共党员, 预备党员) among ``volunteers``."""
    return volunteers.filter(
        status=Volunteer.Status.REGISTERED,
        political_status__in=PARTY_MEMBER_STATUSES,
    )


def year_bounds(period):
    return date(period.year, 1, 1), period.as_of


def member_figures(volunteers, period):
    """{volunteer_id: figures} for member_standing, in five queries."""
    first, last = year_bounds(period)
    ids = volunteers.values("pk")
    figures = {}
    for pk in volunteers.values_list("pk", flat=True).order_by():
        figures[pk] = {
            "start": None,
            "end": None,
            "exemptions": [],
            "services": 0,
            "hours": Decimal(0),
            "quarters": [0, 0, 0, 0],
            "commitments": 0,
        }
    if not figures:
        return figures
    spans = (
        Membership.objects.filter(volunteer__in=ids, kind=Membership.Kind.PRIMARY)
        .exclude(end_date__lt=first)
        .order_by()
        .values("volunteer_id")
        .annotate(
            first_start=Min("start_date"),
            open_count=Count("pk", filter=Q(end_date__isnull=True)),
            last_end=Max("end_date"),
        )
    )
    for row in spans:
        entry = figures[row["volunteer_id"]]
        entry["start"] = row["first_start"]
        entry["end"] = None if row["open_count"] else row["last_end"]
    for row in (
        Exemption.objects.filter(
            volunteer__in=ids,
            revoked_at__isnull=True,
            starts_on__lte=date(period.year, 12, 31),
            ends_on__gte=first,
        )
        .order_by()
        .values_list("volunteer_id", "starts_on", "ends_on")
    ):
        figures[row[0]]["exemptions"].append((row[1], row[2]))
    quarter_starts = [date(period.year, month, 1) for month in (1, 4, 7, 10)]
    quarter_filters = {
        f"q{index + 1}": Count(
            "pk",
            filter=Q(served_on__gte=start)
            & (Q(served_on__lt=quarter_starts[index + 1]) if index < 3 else Q()),
        )
        for index, start in enumerate(quarter_starts)
    }
    records = (
        ServiceRecord.objects.counted()
        .filter(volunteer__in=ids, served_on__gte=first, served_on__lte=last)
        .order_by()
        .values("volunteer_id")
        .annotate(services=Count("pk"), hours=Sum("hours"), **quarter_filters)
    )
    for row in records:
        entry = figures[row["volunteer_id"]]
        entry["services"] = row["services"]
        entry["hours"] = row["hours"] or Decimal(0)
        entry["quarters"] = [row["q1"], row["q2"], row["q3"], row["q4"]]
    for volunteer_id, count in (
        Commitment.objects.filter(
            kind=Commitment.Kind.MEMBER,
            volunteer__in=ids,
            year=period.year,
            fulfilled_on__isnull=False,
            fulfilled_on__lte=last,
        )
        .order_by()
        .values("volunteer_id")
        .annotate(count=Count("pk"))
        .values_list("volunteer_id", "count")
    ):
        figures[volunteer_id]["commitments"] = count
    return figures


def member_standings(volunteers, period, rules=None):
    """{volunteer_id: Standing} of the party volunteers among ``volunteers``."""
    rules = rules or ServiceRules.load()
    return {
        pk: member_standing(period, rules, **figures)
        for pk, figures in member_figures(party_volunteers(volunteers), period).items()
    }


def counting_activities(period):
    first, last = year_bounds(period)
    return Activity.objects.filter(
        cancelled_at__isnull=True,
        approval__in=COUNTING_APPROVALS,
        starts_at__date__gte=first,
        starts_at__date__lte=last,
    )


def team_standings(nodes, period, rules=None):
    """{node_id: Standing} of the teams (队、分队、服务站) among ``nodes``."""
    rules = rules or ServiceRules.load()
    teams = {
        node.pk: node
        for node in nodes.filter(
            kind__in=TEAM_KINDS, status=OrgNode.Status.ESTABLISHED
        ).only("pk", "established_on", "created_at")
    }
    if not teams:
        return {}
    concentrated = dict(
        counting_activities(period)
        .filter(
            node__in=list(teams),
            mode=Activity.Mode.CONCENTRATED,
            records__counted=True,
        )
        .order_by()
        .values("node_id")
        .annotate(count=Count("pk", distinct=True))
        .values_list("node_id", "count")
    )
    first, last = year_bounds(period)
    commitments = dict(
        Commitment.objects.filter(
            kind=Commitment.Kind.TEAM,
            node__in=list(teams),
            year=period.year,
            fulfilled_on__isnull=False,
            fulfilled_on__lte=last,
        )
        .order_by()
        .values("node_id")
        .annotate(count=Count("pk"))
        .values_list("node_id", "count")
    )
    return {
        pk: team_standing(
            period,
            rules,
            start=node.established_on or timezone.localdate(node.created_at),
            concentrated=concentrated.get(pk, 0),
            commitments=commitments.get(pk, 0),
        )
        for pk, node in teams.items()
    }


def summary(standings):
    """{status: count} of a collection of Standings, every status present."""
    counts = dict.fromkeys(Status.values, 0)
    for standing in standings:
        counts[standing.status] += 1
    return counts


def labelled(counts):
    """[(label, count)] of a summary(), in the order of Status."""
    return [(Status(key).label, counts[key]) for key in Status.values]
