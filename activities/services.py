"""Every write of the activities app: rights checked, history and audit entries in one place.

Each function takes the acting user (``by_user``; None is the system itself,
as in registry.services) and raises PermissionDenied when the user's grants do
not reach the node, ValidationError with a Chinese message naming what to fix
when the input is wrong. Nothing is half-written: each write is one transaction.

Who may do what (registry.policy): a node's 信息管理员 and 管理员 run its
activities (``run_activities``); the node above approves what needs approval
(``supervise``: 补录 activities, a day over the hour limit, quarterly reports);
a team's 管理员 grants exemptions (``grant_exemption``).
"""

import uuid
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from wagtail.log_actions import log

from registry import policy
from registry.choices import PARTY_MEMBER_STATUSES
from registry.models import Volunteer

from . import selectors
from .models import (
    COUNTING_APPROVALS,
    Activity,
    Approval,
    Certificate,
    Commitment,
    Evaluation,
    Exemption,
    QuarterlyReport,
    ServiceRecord,
    ServiceRules,
    SignUp,
)

ACTIVITY_FIELDS = (
    "title",
    "creation_action",
    "category",
    "mode",
    "ledger",
    "starts_at",
    "ends_at",
    "place",
    "beneficiaries",
    "capacity",
    "description",
    "leader_name",
    "leader_phone",
)
REPORT_FIELDS = (
    "org_name",
    "sub_org_count",
    "party_member_count",
    "registered_party_volunteers",
    "activist_volunteers",
    "leader_name",
    "leader_phone",
    "contact_name",
    "contact_phone",
    "participants",
    "hours",
    "projects",
    "notes",
)
COMMITMENT_FIELDS = ("content", "beneficiary", "due_on", "public_consent")


def _require(user, action, obj, message):
    if user is not None:
        policy.require(user, action, obj, message)


def _name(user):
    if user is None:
        return "系统"
    return user.get_full_name() or user.get_username()


def _assign(instance, fields, values):
    unknown = sorted(set(values) - set(fields))
    if unknown:
        raise TypeError(f"unknown fields: {', '.join(unknown)}")
    for name, value in values.items():
        setattr(instance, name, value)


# --- Activities ------------------------------------------------------------------------


@transaction.atomic
def activity_create(*, node, by_user, **fields):
    """A new activity of ``node``: announced if it starts later, else 补录 awaiting the node above."""
    _require(by_user, "run_activities", node, "您没有在该组织开展活动的权限")
    activity = Activity(node=node, created_by=by_user)
    _assign(activity, ACTIVITY_FIELDS, fields)
    activity.announced = (
        bool(activity.starts_at) and activity.starts_at > timezone.now()
    )
    activity.approval = Approval.NOT_NEEDED if activity.announced else Approval.PENDING
    if node.is_root() and not activity.announced:
        # Nobody sits above the federation: its own 补录 stands.
        activity.approval = Approval.NOT_NEEDED
    activity.full_clean()
    activity.save()
    log(activity, "wagtail.create", user=by_user, content_changed=True)
    return activity


@transaction.atomic
def activity_update(activity, *, by_user, **fields):
    """Edit an activity; a 补录 stays one, and its records follow a change of ledger."""
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    _require(by_user, "run_activities", activity.node, "您没有修改该活动的权限")
    if activity.cancelled_at:
        raise ValidationError("活动已取消，不能再修改")
    _assign(activity, ACTIVITY_FIELDS, fields)
    activity.full_clean()
    activity.save()
    activity.records.exclude(ledger=activity.ledger).update(ledger=activity.ledger)
    log(activity, "wagtail.edit", user=by_user, content_changed=True)
    return activity


@transaction.atomic
def activity_cancel(activity, *, by_user, reason):
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    _require(by_user, "run_activities", activity.node, "您没有取消该活动的权限")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写取消原因"})
    if activity.cancelled_at:
        raise ValidationError("活动已取消")
    activity.cancelled_at = timezone.now()
    activity.cancel_reason = reason[:200]
    activity.save(update_fields=["cancelled_at", "cancel_reason", "updated_at"])
    _refresh_counted(activity)
    log(activity, "activities.cancel", user=by_user, data={"reason": reason})
    return activity


@transaction.atomic
def activity_decide(activity, *, by_user, approve, note=""):
    """The node above agrees (or not) that a 补录 activity's hours count."""
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    _require(by_user, "supervise", activity.node, "只有上级组织才能审核补录的活动")
    if activity.approval != Approval.PENDING:
        raise ValidationError("该活动不在待审核状态")
    note = (note or "").strip()
    if not approve and not note:
        raise ValidationError({"note": "不同意时请填写原因"})
    activity.approval = Approval.APPROVED if approve else Approval.REJECTED
    activity.approval_note = note[:200]
    activity.approved_by = by_user
    activity.approved_at = timezone.now()
    activity.save()
    _refresh_counted(activity)
    log(
        activity,
        "activities.approve" if approve else "activities.reject",
        user=by_user,
        data={"note": note},
    )
    return activity


def _refresh_counted(activity):
    """Set ``counted`` on every record of the activity from both approvals."""
    records = ServiceRecord.objects.filter(activity=activity)
    if activity.counts:
        records.filter(approval__in=COUNTING_APPROVALS).update(counted=True)
        records.exclude(approval__in=COUNTING_APPROVALS).update(counted=False)
    else:
        records.update(counted=False)


# --- Sign-up and check-in --------------------------------------------------------------


def _open_for_signup(activity):
    if not activity.announced:
        raise ValidationError("该活动未在网上预告，不能报名")
    if activity.cancelled_at:
        raise ValidationError("该活动已取消")
    if activity.ends_at < timezone.now():
        raise ValidationError("该活动已结束，不能再报名")


def _registered(volunteer):
    if volunteer.status != Volunteer.Status.REGISTERED:
        raise ValidationError("只有已注册的义工才能报名，请先完成义工注册并通过审核")


@transaction.atomic
def signup_create(activity, volunteer, *, by_user=None, source=SignUp.Source.PUBLIC):
    """Sign ``volunteer`` up, within the capacity (counted under a row lock)."""
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    if source == SignUp.Source.LEADER:
        _require(
            by_user, "run_activities", activity.node, "您没有为该活动登记报名的权限"
        )
    _open_for_signup(activity)
    _registered(volunteer)
    signup = SignUp.objects.filter(activity=activity, volunteer=volunteer).first()
    if signup and signup.cancelled_at is None:
        raise ValidationError("您已报名本活动，无需重复报名")
    taken = activity.signups.filter(cancelled_at__isnull=True).count()
    if activity.capacity is not None and taken >= activity.capacity:
        raise ValidationError(f"名额已满（共{activity.capacity}人），请关注其他活动")
    if signup:
        signup.cancelled_at = None
        signup.signed_up_at = timezone.now()
        signup.source = source
        signup.save()
    else:
        signup = SignUp.objects.create(
            activity=activity, volunteer=volunteer, source=source
        )
    log(signup, "activities.signup", user=by_user, data={"source": source})
    return signup


@transaction.atomic
def signup_cancel(signup, *, by_user=None):
    signup = SignUp.objects.select_for_update().get(pk=signup.pk)
    if by_user is not None:
        _require(
            by_user,
            "run_activities",
            signup.activity.node,
            "您没有修改该活动报名的权限",
        )
    if signup.checked_in_at:
        raise ValidationError("已签到，不能取消报名")
    signup.cancelled_at = timezone.now()
    signup.save(update_fields=["cancelled_at"])
    log(signup, "activities.signup_cancel", user=by_user)
    return signup


# Check-in by QR code is open from an hour before the start to two hours after the end.
CHECKIN_EARLY = timezone.timedelta(hours=1)
CHECKIN_LATE = timezone.timedelta(hours=2)


def checkin_open(activity, now=None):
    now = now or timezone.now()
    return (
        activity.cancelled_at is None
        and activity.starts_at - CHECKIN_EARLY <= now <= activity.ends_at + CHECKIN_LATE
    )


@transaction.atomic
def checkin(activity, volunteer, *, by_user=None):
    """Mark ``volunteer`` present: on site by QR code (by_user None) or by the leader."""
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    if by_user is not None:
        _require(by_user, "run_activities", activity.node, "您没有为该活动签到的权限")
    elif not checkin_open(activity):
        raise ValidationError(
            "不在签到时间内：签到从活动开始前1小时起，至结束后2小时止"
        )
    if activity.cancelled_at:
        raise ValidationError("该活动已取消")
    _registered(volunteer)
    signup = SignUp.objects.filter(activity=activity, volunteer=volunteer).first()
    if signup is None or signup.cancelled_at is not None:
        taken = activity.signups.filter(cancelled_at__isnull=True).count()
        if activity.capacity is not None and taken >= activity.capacity:
            raise ValidationError(
                "名额已满，未报名的义工不能现场签到，请联系活动负责人"
            )
        if signup is None:
            signup = SignUp(activity=activity, volunteer=volunteer)
        signup.source = SignUp.Source.LEADER if by_user else SignUp.Source.PUBLIC
        signup.cancelled_at = None
    if signup.checked_in_at is None:
        signup.checked_in_at = timezone.now()
        signup.checked_in_by = _name(by_user) if by_user else "本人扫码签到"
        signup.save()
        log(signup, "activities.checkin", user=by_user)
    return signup


# --- The archive (档案) -----------------------------------------------------------------


def _day_limit_exceeded(volunteer, day, hours, rules, exclude_pks):
    others = ServiceRecord.objects.filter(volunteer=volunteer, served_on=day).exclude(
        pk__in=exclude_pks
    ).exclude(approval=Approval.REJECTED).aggregate(total=Sum("hours"))[
        "total"
    ] or Decimal(0)
    return others + hours > rules.daily_hours_limit


@transaction.atomic
def record_service(activity, entries, *, by_user):
    """Write the archive lines of an activity: all of ``entries`` or none.

    ``entries``: dicts of ``volunteer``, ``served_on``, ``hours`` (Decimal),
    ``content``, ``evaluation`` (an Evaluation or None). A line for a volunteer
    and day already in the archive replaces it. A day over the hour limit waits
    for the node above. Raises ValidationError with one message per bad line.
    """
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    _require(
        by_user, "run_activities", activity.node, "您没有为该活动记录服务时数的权限"
    )
    if activity.cancelled_at:
        raise ValidationError("活动已取消，不能记录服务时数")
    if activity.starts_at > timezone.now():
        raise ValidationError("活动尚未开始，不能记录服务时数")
    if not entries:
        raise ValidationError("请至少填写一名义工的服务记录")
    rules = ServiceRules.load()
    first_day = timezone.localdate(activity.starts_at)
    last_day = timezone.localdate(activity.ends_at)
    errors, records, seen = [], [], set()
    for line, entry in enumerate(entries, start=1):
        volunteer, day = entry["volunteer"], entry["served_on"]
        where = f"第{line}行（{volunteer.name}）"
        if (volunteer.pk, day) in seen:
            errors.append(f"{where}：同一天重复填写")
            continue
        seen.add((volunteer.pk, day))
        if not first_day <= day <= last_day:
            errors.append(
                f"{where}：服务日期应在活动日期 {first_day:%Y-%m-%d} 至 {last_day:%Y-%m-%d} 之间"
            )
            continue
        if day > timezone.localdate():
            errors.append(f"{where}：服务日期不能晚于今天")
            continue
        hours = entry["hours"]
        if hours is None or hours <= 0:
            errors.append(f"{where}：服务时数须大于0")
            continue
        if hours > 24:
            errors.append(f"{where}：一天的服务时数不能超过24小时")
            continue
        content = (entry.get("content") or "").strip() or activity.title
        record = ServiceRecord.objects.filter(
            activity=activity, volunteer=volunteer, served_on=day
        ).first() or ServiceRecord(
            activity=activity, volunteer=volunteer, served_on=day
        )
        record.hours = hours
        record.content = content[:200]
        record.evaluation = entry.get("evaluation")
        record.ledger = activity.ledger
        record.recorder = by_user
        record.recorder_name = _name(by_user)
        over = _day_limit_exceeded(
            volunteer, day, hours, rules, [record.pk] if record.pk else []
        )
        if over:
            record.approval = Approval.PENDING
        elif record.approval == Approval.PENDING or record.pk is None:
            record.approval = Approval.NOT_NEEDED
        record.counted = activity.counts and record.approval in COUNTING_APPROVALS
        records.append(record)
    if errors:
        raise ValidationError(errors)
    for record in records:
        record.save()
    log(
        activity,
        "activities.record",
        user=by_user,
        data={"count": len(records), "hours": str(sum(r.hours for r in records))},
    )
    return records


@transaction.atomic
def record_remove(record, *, by_user):
    record = ServiceRecord.objects.select_for_update().get(pk=record.pk)
    _require(
        by_user, "run_activities", record.activity.node, "您没有删除该服务记录的权限"
    )
    log(
        record.activity,
        "activities.record_remove",
        user=by_user,
        data={
            "volunteer": record.volunteer.volunteer_number,
            "day": str(record.served_on),
        },
    )
    record.delete()


@transaction.atomic
def record_decide(record, *, by_user, approve, note=""):
    """The node above on a day over the hour limit."""
    record = ServiceRecord.objects.select_for_update().get(pk=record.pk)
    _require(
        by_user, "supervise", record.activity.node, "只有上级组织才能审核超时的服务记录"
    )
    if record.approval != Approval.PENDING:
        raise ValidationError("该服务记录不在待审核状态")
    note = (note or "").strip()
    if not approve and not note:
        raise ValidationError({"note": "不同意时请填写原因"})
    record.approval = Approval.APPROVED if approve else Approval.REJECTED
    record.approval_note = note[:200]
    record.approved_by = by_user
    record.counted = record.activity.counts and approve
    record.save()
    log(
        record,
        "activities.approve" if approve else "activities.reject",
        user=by_user,
        data={"note": note},
    )
    return record


# --- Exemptions ------------------------------------------------------------------------


@transaction.atomic
def exemption_grant(volunteer, *, by_user, starts_on, ends_on, reason):
    _require(by_user, "grant_exemption", volunteer, "只有本队管理员才能批准达标免除")
    if volunteer.political_status not in PARTY_MEMBER_STATUSES:
        raise ValidationError("只有党员义工才有年度达标要求，无需免除")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写免除原因"})
    exemption = Exemption(
        volunteer=volunteer,
        starts_on=starts_on,
        ends_on=ends_on,
        reason=reason[:200],
        granted_by=by_user,
        granted_by_name=_name(by_user),
    )
    exemption.full_clean()
    exemption.save()
    log(exemption, "wagtail.create", user=by_user, content_changed=True)
    return exemption


@transaction.atomic
def exemption_revoke(exemption, *, by_user):
    _require(
        by_user,
        "grant_exemption",
        exemption.volunteer,
        "只有本队管理员才能撤销达标免除",
    )
    if exemption.revoked_at:
        raise ValidationError("该免除已撤销")
    exemption.revoked_at = timezone.now()
    exemption.save(update_fields=["revoked_at"])
    log(exemption, "activities.revoke", user=by_user)
    return exemption


# --- Commitments (承诺) -----------------------------------------------------------------


@transaction.atomic
def commitment_create(*, node, by_user, year, volunteer=None, **fields):
    _require(by_user, "run_activities", node, "您没有为该组织登记承诺的权限")
    kind = Commitment.Kind.MEMBER if volunteer else Commitment.Kind.TEAM
    if volunteer is not None:
        if volunteer.org_node_id != node.pk:
            raise ValidationError({"volunteer": f"{volunteer.name}不是本组织的成员"})
        if volunteer.political_status not in PARTY_MEMBER_STATUSES:
            raise ValidationError({"volunteer": "好事承诺由党员义工作出"})
    commitment = Commitment(
        kind=kind, node=node, volunteer=volunteer, year=year, created_by=by_user
    )
    _assign(commitment, COMMITMENT_FIELDS, fields)
    commitment.full_clean()
    commitment.save()
    log(commitment, "wagtail.create", user=by_user, content_changed=True)
    return commitment


@transaction.atomic
def commitment_update(commitment, *, by_user, **fields):
    _require(by_user, "run_activities", commitment.node, "您没有修改该承诺的权限")
    _assign(commitment, COMMITMENT_FIELDS, fields)
    commitment.full_clean()
    commitment.save()
    log(commitment, "wagtail.edit", user=by_user, content_changed=True)
    return commitment


@transaction.atomic
def commitment_fulfil(commitment, *, by_user, fulfilled_on, evidence, activity=None):
    _require(by_user, "run_activities", commitment.node, "您没有登记践诺情况的权限")
    evidence = (evidence or "").strip()
    if not evidence:
        raise ValidationError(
            {"evidence": "请填写践诺情况（做了什么、帮扶对象的反馈）"}
        )
    if fulfilled_on > timezone.localdate():
        raise ValidationError({"fulfilled_on": "践诺日期不能晚于今天"})
    if activity is not None and activity.node_id != commitment.node_id:
        raise ValidationError({"activity": "践诺活动须是本组织的活动"})
    commitment.fulfilled_on = fulfilled_on
    commitment.evidence = evidence
    commitment.activity = activity
    commitment.save()
    log(commitment, "activities.fulfil", user=by_user)
    return commitment


# --- Quarterly reports (附件4) ---------------------------------------------------------


@transaction.atomic
def report_generate(node, *, year, quarter, by_user):
    """The node's report for the quarter, (re)computed from the registry while editable."""
    _require(by_user, "run_activities", node, "您没有为该组织填报季报表的权限")
    if quarter not in (1, 2, 3, 4):
        raise ValidationError("季度只能是1至4")
    start, _end = selectors.quarter_dates(year, quarter)
    if start > timezone.localdate():
        raise ValidationError("该季度尚未开始，不能生成季报表")
    report = (
        QuarterlyReport.objects.select_for_update()
        .filter(node=node, year=year, quarter=quarter)
        .first()
    )
    if report and not report.is_editable:
        raise ValidationError(f"该季报表{report.get_status_display()}，不能重新生成")
    created = report is None
    report = report or QuarterlyReport(node=node, year=year, quarter=quarter)
    for name, value in selectors.quarterly_figures(node, year, quarter).items():
        setattr(report, name, value)
    report.generated_at = timezone.now()
    report.save()
    log(report, "wagtail.create" if created else "activities.regenerate", user=by_user)
    return report


@transaction.atomic
def report_update(report, *, by_user, **fields):
    report = QuarterlyReport.objects.select_for_update().get(pk=report.pk)
    _require(by_user, "run_activities", report.node, "您没有修改该季报表的权限")
    if not report.is_editable:
        raise ValidationError(f"该季报表{report.get_status_display()}，不能修改")
    _assign(report, REPORT_FIELDS, fields)
    report.full_clean()
    report.save()
    log(report, "wagtail.edit", user=by_user, content_changed=True)
    return report


@transaction.atomic
def report_submit(report, *, by_user):
    report = QuarterlyReport.objects.select_for_update().get(pk=report.pk)
    _require(by_user, "run_activities", report.node, "您没有上报该季报表的权限")
    if not report.is_editable:
        raise ValidationError(f"该季报表{report.get_status_display()}，不能再上报")
    report.status = QuarterlyReport.Status.SUBMITTED
    report.submitted_at = timezone.now()
    report.submitted_by = by_user
    report.save()
    log(report, "activities.submit", user=by_user)
    return report


@transaction.atomic
def report_decide(report, *, by_user, approve, reason=""):
    """The node above approves (locking it) or returns the report with a reason."""
    report = QuarterlyReport.objects.select_for_update().get(pk=report.pk)
    _require(by_user, "supervise", report.node, "只有上级组织才能审核季报表")
    if report.status != QuarterlyReport.Status.SUBMITTED:
        raise ValidationError("该季报表不在待审核状态")
    reason = (reason or "").strip()
    if not approve and not reason:
        raise ValidationError({"reason": "退回时请填写原因，说明需要修改什么"})
    report.status = (
        QuarterlyReport.Status.APPROVED if approve else QuarterlyReport.Status.RETURNED
    )
    report.return_reason = "" if approve else reason[:300]
    report.decided_at = timezone.now()
    report.decided_by = by_user
    report.save()
    log(
        report,
        "activities.approve" if approve else "activities.return",
        user=by_user,
        data={"reason": reason},
    )
    return report


# --- Certificates (志愿服务记录证明) ------------------------------------------------------


@transaction.atomic
def certificate_issue(volunteer, *, by_user, served_from, served_to, issuer):
    """Record a certificate of the certifiable hours in the period, numbered ZM<year><6 digits>."""
    _require(by_user, "export", volunteer.org_node, "您没有为该义工出具证明的权限")
    if served_from > served_to:
        raise ValidationError("服务起始日期不能晚于截止日期")
    periods = selectors.certificate_periods(volunteer, served_from, served_to)
    if not periods:
        raise ValidationError("该期间没有可出具证明的志愿服务记录（党员活动不计入）")
    total = sum((Decimal(row["hours"]) for row in periods), Decimal(0))
    certificate = Certificate.objects.create(
        number=f"-{uuid.uuid4().hex[:18]}",
        volunteer=volunteer,
        issuer=issuer,
        served_from=served_from,
        served_to=served_to,
        total_hours=total,
        periods=periods,
        issued_by=by_user,
        issued_by_name=_name(by_user),
    )
    certificate.number = f"ZM{certificate.issued_on.year}{certificate.pk:06d}"
    certificate.save(update_fields=["number"])
    log(certificate, "wagtail.create", user=by_user, content_changed=True)
    return certificate


def evaluation_default():
    """合格 when it exists (the usual mark), else the first level."""
    return Evaluation.objects.filter(name="合格").first() or Evaluation.objects.first()
