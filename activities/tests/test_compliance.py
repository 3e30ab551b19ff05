"""The yearly rules: quarter and year boundaries, pro-rating, exemptions, the two ledgers."""

from datetime import date
from decimal import Decimal

import pytest

from activities.compliance import (
    Period,
    Status,
    active_months,
    member_standing,
    member_standings,
    scaled,
    scaled_hours,
    team_standing,
    team_standings,
)
from activities.models import ServiceRules

from .helpers import activity_on, party_member, record

RULES = ServiceRules()  # the plan's defaults, unsaved


def standing(
    as_of,
    *,
    start=None,
    end=None,
    exemptions=(),
    services=0,
    hours=0,
    quarters=(0, 0, 0, 0),
    commitments=1,
    year=2026,
):
    return member_standing(
        Period.of(year, as_of),
        RULES,
        start=start,
        end=end,
        exemptions=list(exemptions),
        services=services,
        hours=Decimal(hours),
        quarters=quarters,
        commitments=commitments,
    )


def test_the_plans_values_are_the_defaults():
    assert (RULES.services_per_year, RULES.services_per_quarter) == (4, 1)
    assert RULES.hours_per_year == 10
    assert RULES.concentrated_per_team == 2
    assert (RULES.team_commitments, RULES.member_commitments) == (1, 1)
    assert RULES.stars == [100, 300, 600, 1000, 1500]


def test_a_full_year_met():
    result = standing(date(2026, 12, 31), services=4, hours=10, quarters=(1, 1, 1, 1))
    assert result.status == Status.MET
    assert result.missing == []


def test_a_year_over_with_a_quarter_missed_is_unmet_whatever_the_totals():
    result = standing(date(2027, 1, 5), services=6, hours=30, quarters=(2, 2, 0, 2))
    assert result.status == Status.UNMET
    assert result.missing == ["第3季度未服务满1次"]


def test_ten_hours_is_enough_and_nine_point_five_is_not():
    assert (
        standing(
            date(2026, 12, 31), services=4, hours="10.00", quarters=(1, 1, 1, 1)
        ).status
        == Status.MET
    )
    short = standing(date(2026, 12, 31), services=4, hours="9.5", quarters=(1, 1, 1, 1))
    assert short.status == Status.UNMET
    assert short.missing == ["还需服务0.5小时"]


def test_the_fulfilled_good_deed_is_part_of_the_rule():
    result = standing(
        date(2026, 12, 31), services=4, hours=10, quarters=(1, 1, 1, 1), commitments=0
    )
    assert result.status == Status.UNMET
    assert result.missing == ["还需承诺并践诺好事1件"]


def test_last_day_of_a_quarter_still_belongs_to_it():
    # 30 June: the second quarter is open, so it is a warning, not yet a miss.
    result = standing(date(2026, 6, 30), services=1, hours=2, quarters=(1, 0, 0, 0))
    assert result.status == Status.WARNING
    assert "本季度（第2季度）尚需服务1次，距季度结束还有0天" in result.missing
    # 1 July: the second quarter has closed without a service.
    result = standing(date(2026, 7, 1), services=1, hours=2, quarters=(1, 0, 0, 0))
    assert result.status == Status.UNMET
    assert result.missing[0] == "第2季度未服务满1次"


def test_warning_only_within_the_warning_days():
    early = standing(date(2026, 5, 1), services=1, hours=2, quarters=(1, 0, 0, 0))
    assert early.status == Status.UNMET  # behind, but the quarter has two months left
    late = standing(date(2026, 6, 16), services=1, hours=2, quarters=(1, 0, 0, 0))
    assert late.status == Status.WARNING  # 14 days left ≤ 15


def test_met_so_far_while_later_quarters_are_to_come():
    result = standing(date(2026, 8, 1), services=4, hours=12, quarters=(2, 1, 1, 0))
    assert result.status == Status.MET
    assert result.missing == ["第4季度仍各需服务1次"]


def test_a_member_who_joined_mid_year_is_pro_rated():
    # In the team on 1 October, 1 November, 1 December: three months.
    assert active_months(2026, date(2026, 9, 20), None, []) == [10, 11, 12]
    result = standing(
        date(2026, 12, 31),
        start=date(2026, 9, 20),
        services=1,
        hours="2.5",
        quarters=(0, 0, 0, 1),
    )
    assert (result.required_services, result.required_hours) == (1, Decimal("2.5"))
    assert result.status == Status.MET
    assert result.note == "按在队3个月折算"


def test_rounding_goes_up():
    assert scaled(4, 5) == 2  # 1.67 services → 2
    assert scaled_hours(10, 5) == Decimal("4.2")  # 4.1666 h → 4.2
    assert scaled(1, 1) == 1


def test_a_member_who_left_is_held_to_the_months_in_the_team():
    result = standing(
        date(2026, 12, 31),
        end=date(2026, 3, 15),
        services=1,
        hours=3,
        quarters=(1, 0, 0, 0),
    )
    assert result.months == 3
    assert result.status == Status.MET


def test_an_exemption_removes_its_months_and_a_whole_year_exempts():
    sick = [(date(2026, 4, 1), date(2026, 9, 30))]
    result = standing(
        date(2026, 12, 31), exemptions=sick, services=2, hours=5, quarters=(1, 0, 0, 1)
    )
    assert result.months == 6
    assert result.status == Status.MET
    whole = standing(
        date(2026, 12, 31), exemptions=[(date(2026, 1, 1), date(2026, 12, 31))]
    )
    assert whole.status == Status.EXEMPT
    assert whole.note == "全年免除"


def test_joined_in_december_is_not_assessed():
    result = standing(date(2026, 12, 20), start=date(2026, 12, 2))
    assert result.status == Status.EXEMPT


def test_team_rules_and_pro_rating():
    period = Period.of(2026, date(2026, 12, 31))
    assert (
        team_standing(
            period, RULES, start=date(2020, 1, 1), concentrated=2, commitments=1
        ).status
        == Status.MET
    )
    short = team_standing(
        period, RULES, start=date(2020, 1, 1), concentrated=1, commitments=0
    )
    assert short.missing == ["还需开展集中性活动1次", "还需承诺并践诺实事1件"]
    # Established on 1 August: five months, one concentrated activity is enough.
    late = team_standing(
        period, RULES, start=date(2026, 8, 1), concentrated=1, commitments=1
    )
    assert (late.required_services, late.status) == (1, Status.MET)
    in_q4 = team_standing(
        Period.of(2026, date(2026, 11, 1)),
        RULES,
        start=date(2020, 1, 1),
        concentrated=1,
        commitments=1,
    )
    assert in_q4.status == Status.WARNING


@pytest.mark.django_db
def test_figures_from_the_archive_both_ledgers_count(nodes):
    member = party_member(nodes["A1"], joined=date(2025, 1, 1))
    service = activity_on(nodes["A1"], date(2026, 2, 10))
    meeting = activity_on(nodes["A1"], date(2026, 5, 10), ledger="party")
    record(service, member, date(2026, 2, 10), "3")
    record(meeting, member, date(2026, 5, 10), "2")
    result = member_standings(
        type(member).objects.filter(pk=member.pk), Period.of(2026, date(2026, 6, 1))
    )[member.pk]
    assert (result.services, result.hours, result.quarters) == (
        2,
        Decimal("5.00"),
        (1, 1, 0, 0),
    )


@pytest.mark.django_db
def test_records_waiting_for_approval_do_not_count(nodes):
    member = party_member(nodes["A1"], joined=date(2025, 1, 1))
    late_entry = activity_on(nodes["A1"], date(2026, 3, 3), announced=False)
    record(late_entry, member, date(2026, 3, 3), "4")
    result = member_standings(
        type(member).objects.filter(pk=member.pk), Period.of(2026, date(2026, 6, 1))
    )[member.pk]
    assert result.services == 0


@pytest.mark.django_db
def test_team_figures_count_concentrated_activities_that_were_held(nodes):
    member = party_member(nodes["A1"], joined=date(2025, 1, 1))
    held = activity_on(nodes["A1"], date(2026, 3, 3))
    record(held, member, date(2026, 3, 3), "2")
    activity_on(nodes["A1"], date(2026, 4, 3))  # nobody came: not held
    activity_on(nodes["A1"], date(2026, 5, 3), mode="dispersed")
    nodes["A1"].status = "established"
    nodes["A1"].established_on = date(2020, 1, 1)
    nodes["A1"].save()
    result = team_standings(
        type(nodes["A1"]).objects.filter(pk=nodes["A1"].pk),
        Period.of(2026, date(2026, 12, 31)),
    )[nodes["A1"].pk]
    assert result.services == 1
