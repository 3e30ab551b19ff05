"""Services and selectors: report figures against a hand count, commitments, exemptions,
certificates and stars, the i志愿 export, overdue reports, charts."""

from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from activities import charts, evidence, selectors, services
from activities.models import Certificate, QuarterlyReport, ServiceRules
from registry import roles
from registry.choices import PoliticalStatus
from registry.models import RegistryLogEntry
from registry.tests.factories import granted, id_number, make_volunteer

from .helpers import activity_on, party_member, record

pytestmark = pytest.mark.django_db


def test_quarterly_figures_against_a_hand_count(nodes):
    a1, a1a, b1 = nodes["A1"], nodes["A1a"], nodes["B1"]
    a1.party_member_count, a1a.party_member_count = 30, 8
    a1.save()
    a1a.save()
    alice = party_member(a1, name="甲")
    bob = party_member(a1a, name="乙")
    party_member(a1a, name="丙", is_party_activist=True)
    make_volunteer(
        name="群众丁",
        node=a1,
        id_number=id_number(),
        status="registered",
        political_status=PoliticalStatus.MASSES,
        is_party_activist=True,
    )
    outsider = party_member(b1, name="戊")
    # Third quarter of 2026: two activities in A1's subtree, one in B1, one cancelled.
    cleanup = activity_on(a1, date(2026, 7, 5), title="清洁家园")
    visit = activity_on(a1a, date(2026, 9, 30), title="探访长者", mode="dispersed")
    elsewhere = activity_on(b1, date(2026, 8, 1))
    rained_off = activity_on(a1, date(2026, 8, 8), title="取消的活动")
    record(cleanup, alice, date(2026, 7, 5), "3")
    record(cleanup, bob, date(2026, 7, 5), "2.5")
    record(visit, alice, date(2026, 9, 30), "1.5")
    record(elsewhere, outsider, date(2026, 8, 1), "4")
    record(rained_off, bob, date(2026, 8, 8), "2")
    services.activity_cancel(rained_off, by_user=None, reason="暴雨")
    record(activity_on(a1, date(2026, 10, 1)), alice, date(2026, 10, 1), "9")  # Q4
    figures = selectors.quarterly_figures(a1, 2026, 3)
    assert figures["sub_org_count"] == 1  # 分队A1a
    assert figures["party_member_count"] == 38
    assert figures["registered_party_volunteers"] == 3  # 甲 乙 丙
    assert figures["activist_volunteers"] == 2  # 丙 and 群众丁
    assert figures["participants"] == 2  # 甲 乙
    assert figures["hours"] == Decimal("7.00")
    assert [p["title"] for p in figures["projects"]] == ["清洁家园", "探访长者"]
    assert figures["projects"][0]["participants"] == 2
    assert figures["projects"][0]["hours"] == "5.5"


def test_a_report_cannot_be_generated_for_a_quarter_to_come(nodes):
    with pytest.raises(ValidationError, match="尚未开始"):
        services.report_generate(
            nodes["A1"], year=timezone.localdate().year + 1, quarter=1, by_user=None
        )


def test_overdue_reports(nodes):
    rules = ServiceRules()
    team = nodes["A1"]
    team.status, team.established_on = "established", date(2020, 1, 1)
    team.save()
    today = date(2026, 7, 20)  # Q1 due 10 April, Q2 due 10 July
    overdue = selectors.overdue_reports(
        type(team).objects.filter(pk=team.pk), today, rules
    )
    assert [(row[0].pk, row[2]) for row in overdue] == [(team.pk, 1), (team.pk, 2)]
    QuarterlyReport.objects.create(
        node=team, year=2026, quarter=1, org_name=team.name, status="approved"
    )
    QuarterlyReport.objects.create(
        node=team, year=2026, quarter=2, org_name=team.name, status="returned"
    )
    overdue = selectors.overdue_reports(
        type(team).objects.filter(pk=team.pk), today, rules
    )
    assert [row[2] for row in overdue] == [2]  # a returned report is due again


def test_member_commitments_are_for_party_members_of_the_node(nodes):
    clerk = granted("clerk", roles.INFO_MANAGER, nodes["A1"])
    member = party_member(nodes["A1"])
    masses = make_volunteer(
        name="群众",
        node=nodes["A1"],
        id_number=id_number(),
        status="registered",
        political_status=PoliticalStatus.MASSES,
    )
    fields = {
        "content": "为独居老人买菜",
        "beneficiary": "李伯",
        "due_on": date(2026, 12, 1),
    }
    with pytest.raises(ValidationError, match="好事承诺由党员义工作出"):
        services.commitment_create(
            node=nodes["A1"], by_user=clerk, year=2026, volunteer=masses, **fields
        )
    with pytest.raises(ValidationError, match="不是本组织的成员"):
        services.commitment_create(
            node=nodes["A2"], by_user=None, year=2026, volunteer=member, **fields
        )
    commitment = services.commitment_create(
        node=nodes["A1"], by_user=clerk, year=2026, volunteer=member, **fields
    )
    assert commitment.kind == "member"
    with pytest.raises(ValidationError, match="请填写践诺情况"):
        services.commitment_fulfil(
            commitment, by_user=clerk, fulfilled_on=date(2026, 3, 1), evidence=" "
        )
    services.commitment_fulfil(
        commitment, by_user=clerk, fulfilled_on=date(2026, 3, 1), evidence="每周两次"
    )
    assert commitment.is_fulfilled
    outsider = granted("outsider", roles.ADMIN, nodes["B"])
    with pytest.raises(PermissionDenied):
        services.commitment_update(commitment, by_user=outsider, content="改")


def test_exemptions(nodes):
    team_admin = granted("team_admin", roles.ADMIN, nodes["A1"])
    clerk = granted("clerk", roles.INFO_MANAGER, nodes["A1"])
    member = party_member(nodes["A1"])
    period = {"starts_on": date(2026, 1, 1), "ends_on": date(2026, 6, 30)}
    with pytest.raises(PermissionDenied):
        services.exemption_grant(member, by_user=clerk, reason="病", **period)
    with pytest.raises(ValidationError, match="请填写免除原因"):
        services.exemption_grant(member, by_user=team_admin, reason="", **period)
    exemption = services.exemption_grant(
        member, by_user=team_admin, reason="手术康复", **period
    )
    assert exemption.granted_by_name == "team_admin"
    services.exemption_revoke(exemption, by_user=team_admin)
    with pytest.raises(ValidationError, match="已撤销"):
        services.exemption_revoke(exemption, by_user=team_admin)


def test_certificates_count_only_certifiable_service(nodes):
    clerk = granted("clerk", roles.INFO_MANAGER, nodes["A1"])
    member = party_member(nodes["A1"])
    service = activity_on(nodes["A1"], date(2026, 3, 1), title="义诊")
    meeting = activity_on(nodes["A1"], date(2026, 3, 2), ledger="party", title="党课")
    record(service, member, date(2026, 3, 1), "120")
    record(meeting, member, date(2026, 3, 2), "200")
    assert selectors.certifiable_hours(member) == Decimal(120)
    assert selectors.star_level(Decimal(120)) == 1
    assert selectors.star_level(Decimal(1500)) == 5
    with pytest.raises(ValidationError, match="没有可出具证明"):
        services.certificate_issue(
            member,
            by_user=clerk,
            served_from=date(2026, 3, 2),
            served_to=date(2026, 3, 2),
            issuer="台山市义工联",
        )
    certificate = services.certificate_issue(
        member,
        by_user=clerk,
        served_from=date(2026, 1, 1),
        served_to=date(2026, 12, 31),
        issuer="台山市义工联",
    )
    assert certificate.number == f"ZM{certificate.issued_on.year}{certificate.pk:06d}"
    assert certificate.total_hours == Decimal(120)
    assert certificate.periods == [
        {"period": "2026-03-01", "content": "义诊", "hours": "120.00"}
    ]
    assert Certificate.objects.count() == 1


def test_the_izhiyuan_export_needs_the_reveal_right_and_is_logged(client, nodes):
    clerk = granted("clerk", roles.INFO_MANAGER, nodes["A1"])
    viewer = granted("viewer", roles.VIEWER, nodes["A1"])
    member = party_member(nodes["A1"])
    day = timezone.localdate() - timedelta(days=3)
    record(activity_on(nodes["A1"], day), member, day, "2")
    record(
        activity_on(nodes["A1"], day, ledger="party", title="党课"), member, day, "1"
    )
    client.force_login(viewer)
    assert client.get(reverse("activities:izhiyuan")).status_code == 302  # denied
    client.force_login(clerk)
    data = {
        "node": nodes["A1"].pk,
        "served_from": (day - timedelta(days=1)).isoformat(),
        "served_to": day.isoformat(),
        "reason": "",
    }
    response = client.post(reverse("activities:izhiyuan"), data)
    assert "导出完整身份证号码须填写原因" in response.content.decode()
    response = client.post(
        reverse("activities:izhiyuan"), data | {"reason": "录入i志愿"}
    )
    rows = list(load_workbook(BytesIO(response.content)).active.values)
    assert rows[0][:4] == ("姓名", "证件类型", "证件号码", "手机号码")
    assert len(rows) == 2  # the party activity is not volunteer service
    assert rows[1][2] == member.id_number and rows[1][8] == 2
    entry = RegistryLogEntry.objects.get(action="registry.bulk_export")
    assert entry.data["full_id_numbers"] and entry.data["reason"] == "录入i志愿"


def test_the_evidence_pack_states_facts_not_grades(nodes):
    member = party_member(nodes["A1"])
    record(activity_on(nodes["A1"], date(2026, 2, 2)), member, date(2026, 2, 2), "3")
    pack = evidence.EvidencePack.build(member, 2026)
    book = load_workbook(BytesIO(pack.xlsx()))
    summary = {row[0]: row[1] for row in book["年度汇总"].values if row and row[0]}
    assert summary["服务次数"].startswith("1（要求4）")
    assert summary["达标情况"] in {"未达标", "预警", "达标"}
    assert len(list(book["服务记录"].values)) == 2


def test_charts_are_self_contained_svg():
    svg = charts.bar_chart(
        "时数", ["第1季度", "第2季度"], [("志愿服务", [Decimal(3), 0])]
    )
    assert svg.startswith("<svg") and "<script" not in svg and "http://" in svg
    assert "第1季度志愿服务：3" in svg
    assert "<title>达标：2</title>" in charts.stacked_bar(
        "达标", [("达标", 2), ("预警", 0)]
    )
