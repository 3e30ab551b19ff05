"""Registrations (附件3 台山市义工注册登记表): submitted, reviewed, revised.

A registration is a volunteer in 待审核 whose primary membership in the chosen
team is the request to join it; the team's 管理员 approves it (已注册) or turns
it down (审核不符合, with the reason), after which the applicant may revise and
submit it again. The 注册义工号 is reserved when the registration is made and
becomes valid with the approval.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from wagtail.log_actions import log

from .. import roles
from ..models import Membership, OrgNode, Volunteer
from .base import (
    require_node_perm,
    require_open_node,
    require_volunteer_perm,
    stored_home,
    today,
)

# Where a person may ask to join: the teams that have members of their own.
REGISTRATION_KINDS = frozenset(
    {OrgNode.Kind.TEAM, OrgNode.Kind.SUBTEAM, OrgNode.Kind.STATION}
)
SUBMIT_ACTION = "registry.registration_submit"
RESUBMIT_ACTION = "registry.registration_resubmit"
APPROVE_ACTION = "registry.registration_approve"
REJECT_ACTION = "registry.registration_reject"
REASON_MAX_LENGTH = 500


def duplicate_registration_message(id_number, *, exclude_pk=None):
    """What to tell someone whose ID number is already registered; "" if it is not.

    Names the team that holds the record and how to move: a transfer (调动)
    through that team, never a second record.
    """
    existing = (
        Volunteer.objects.filter(id_number=id_number)
        .exclude(pk=exclude_pk)
        .select_related("org_node")
        .first()
        if id_number
        else None
    )
    if existing is None:
        return ""
    if existing.status == Volunteer.Status.REJECTED:
        return (
            "该身份证号码此前提交的登记未通过审核：请在“查询审核进度”页面凭注册义工号"
            f"（{existing.volunteer_number}）和手机号码查看原因，修改后重新提交，不要重新登记"
        )
    home = existing.org_node
    if home is None:
        return "该身份证号码已登记为义工，不能重复登记：请联系市义工联办理"
    return (
        f"该身份证号码已在“{home.name}”登记为义工（{existing.get_status_display()}），"
        f"不能重复登记。如需转到其他队伍，请联系“{home.name}”的负责人或信息管理员，"
        "由新旧队伍办理调动"
    )


def _check_registration(volunteer, node, *, exclude_pk=None):
    """Full record check of a registration into ``node``; ValidationError by field."""
    if node.kind not in REGISTRATION_KINDS:
        raise ValidationError(
            {
                "org_node": f"“{node.name}”是{node.get_kind_display()}，"
                "请选择具体的义工服务队、服务分队或社区义工服务站"
            }
        )
    require_open_node(node)
    volunteer.org_node = node
    volunteer.status = Volunteer.Status.PENDING
    # The unique ID constraint is checked below with a message naming the team.
    volunteer.full_clean(validate_constraints=False)
    message = duplicate_registration_message(volunteer.id_number, exclude_pk=exclude_pk)
    if message:
        raise ValidationError({"id_number": message})
    volunteer.validate_constraints()


def _require_register_right(by_user, node):
    # None: a member of the public, who may always ask to join.
    if by_user is not None:
        require_node_perm(
            by_user,
            roles.EDIT_VOLUNTEERS,
            node,
            f"您没有为“{node.name}”登记义工的权限",
        )


def _save(volunteer):
    try:
        with transaction.atomic():
            volunteer.save()
    except IntegrityError:
        # Registered by someone else between the check and the save.
        message = duplicate_registration_message(
            volunteer.id_number, exclude_pk=volunteer.pk
        )
        raise ValidationError(
            {"id_number": message or "登记未能保存，请重试"}
        ) from None


@transaction.atomic
def registration_submit(*, volunteer, node, by_user=None, service_items=()):
    """Save the unsaved ``volunteer`` as a registration (待审核) into ``node``.

    ``by_user`` is the signed-in unit user filling the form for a member, who
    needs the right to register volunteers in ``node``; None is a member of the
    public registering themselves, which anyone may do.
    """
    _require_register_right(by_user, node)
    volunteer.applied_on = volunteer.applied_on or today()
    _check_registration(volunteer, node)
    _save(volunteer)
    volunteer.service_items.set(service_items)
    Membership.objects.create(
        volunteer=volunteer,
        node=node,
        kind=Membership.Kind.PRIMARY,
        start_date=today(),
    )
    log(
        volunteer,
        SUBMIT_ACTION,
        user=by_user,
        data={"node": node.name, "public": by_user is None},
    )
    return volunteer


@transaction.atomic
def registration_resubmit(*, volunteer, node, by_user=None, service_items=()):
    """Submit a turned-down registration again, revised (possibly to another team)."""
    stored = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    if stored.status != Volunteer.Status.REJECTED:
        raise ValidationError(
            f"只有审核不符合的登记可以修改后重新提交（现为{stored.get_status_display()}）"
        )
    _require_register_right(by_user, node)
    volunteer.volunteer_number = stored.volunteer_number
    _check_registration(volunteer, node, exclude_pk=stored.pk)
    _save(volunteer)
    volunteer.service_items.set(service_items)
    if stored.org_node_id != node.pk:
        volunteer.memberships.filter(
            kind=Membership.Kind.PRIMARY, end_date__isnull=True
        ).update(end_date=today(), end_reason="重新提交登记时改选队伍")
        Membership.objects.create(
            volunteer=volunteer,
            node=node,
            kind=Membership.Kind.PRIMARY,
            start_date=today(),
        )
    log(
        volunteer,
        RESUBMIT_ACTION,
        user=by_user,
        data={"node": node.name, "public": by_user is None},
    )
    return volunteer


def _pending_for_decision(volunteer, by_user):
    volunteer = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    home = stored_home(volunteer)
    volunteer.org_node = home
    require_volunteer_perm(
        by_user,
        roles.MANAGE_NODE,
        home,
        f"您没有审核“{volunteer.name}”的登记的权限：须由所在队伍的管理员审核",
    )
    if volunteer.status != Volunteer.Status.PENDING:
        raise ValidationError(
            f"“{volunteer.name}”的登记不在待审核状态（现为{volunteer.get_status_display()}）"
        )
    return volunteer


@transaction.atomic
def registration_approve(*, volunteer, by_user):
    """审核通过: the registration becomes 已注册 with its 注册义工号."""
    volunteer = _pending_for_decision(volunteer, by_user)
    volunteer.status = Volunteer.Status.REGISTERED
    # 已注册 needs a valid ID number, among the rest.
    volunteer.full_clean()
    volunteer.save()
    log(
        volunteer,
        APPROVE_ACTION,
        user=by_user,
        data={
            "node": volunteer.org_node.name if volunteer.org_node else "",
            "volunteer_number": volunteer.volunteer_number,
        },
    )
    return volunteer


def clean_reason(reason):
    """The reason of a 审核不符合 decision, required: the applicant reads it."""
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise ValidationError(
            {"reason": "请填写审核不符合的原因（至少2个字），申请人会看到"}
        )
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            {"reason": f"原因最多{REASON_MAX_LENGTH}个字，现为{len(reason)}个字"}
        )
    return reason


@transaction.atomic
def registration_reject(*, volunteer, by_user, reason):
    """审核不符合: the applicant is told why and may revise and resubmit."""
    reason = clean_reason(reason)
    volunteer = _pending_for_decision(volunteer, by_user)
    volunteer.status = Volunteer.Status.REJECTED
    volunteer.save(update_fields=["status", "updated_at"])
    log(volunteer, REJECT_ACTION, user=by_user, data={"reason": reason})
    return volunteer
