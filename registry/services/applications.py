"""Applications to set up an org node (附件2) and their review (附件1).

Submitted by anyone (a member of the public, or a signed-in unit user);
reviewed by whoever manages the node the application asks to sit under.
审核通过 creates the node, lets the caller fill it (the roster import, which
the registry does not know) and appoints the leader and the contact;
审核不符合 records the reason, and the applicant revises and submits the same
application again. Every submission is kept as a revision; every step is logged.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log

from ..models import (
    Membership,
    OrgApplication,
    OrgApplicationRevision,
    OrgNode,
    Volunteer,
)
from ..models.applications import UNIT_FIELDS
from ..policy import require
from .base import require_open_node, today
from .memberships import membership_change_role, membership_open
from .nodes import org_node_create
from .registrations import clean_reason
from .volunteers import volunteer_create

SUBMIT_ACTION = "registry.application_submit"
RESUBMIT_ACTION = "registry.application_resubmit"
APPROVE_ACTION = "registry.application_approve"
REJECT_ACTION = "registry.application_reject"

# What a revision keeps of the application: its own fields, files by name.
SNAPSHOT_FIELDS = (
    "parent_id",
    "org_type",
    "proposed_name",
    "registered_count",
    *UNIT_FIELDS,
    "leader",
    "contact",
    "target_groups_other",
    "expected_services_other",
    "experience",
    "roster_rows",
)
FILE_FIELDS = ("party_org_profile", "license_copy", "id_copies", "roster")


def _snapshot(application):
    data = {field: getattr(application, field) for field in SNAPSHOT_FIELDS}
    data |= {field: getattr(application, field).name for field in FILE_FIELDS}
    data["target_groups"] = [str(group) for group in application.target_groups.all()]
    data["expected_services"] = [
        str(area) for area in application.expected_services.all()
    ]
    return data


def _check(application):
    require_open_node(application.parent)
    application.full_clean()
    if OrgNode.objects.filter(
        path__startswith=application.parent.path,
        depth=application.parent.depth + 1,
        name=application.proposed_name,
    ).exists():
        raise ValidationError(
            {
                "proposed_name": f"“{application.parent.name}”下已有名为"
                f"“{application.proposed_name}”的组织，请换一个名称"
            }
        )


def _save_submission(application, by_user, action, target_groups, expected_services):
    application.status = OrgApplication.Status.SUBMITTED
    application.submitted_at = timezone.now()
    if by_user is not None:
        application.submitted_by = by_user
    application.decided_by = None
    application.decided_at = None
    application.decision_reason = ""
    _check(application)
    application.save()
    application.target_groups.set(target_groups)
    application.expected_services.set(expected_services)
    OrgApplicationRevision.objects.create(
        application=application,
        number=application.revision,
        data=_snapshot(application),
        submitted_by=by_user,
        submitted_at=application.submitted_at,
    )
    log(
        application,
        action,
        user=by_user,
        data={"revision": application.revision, "public": by_user is None},
    )
    return application


@transaction.atomic
def application_submit(
    *, application, by_user=None, target_groups=(), expected_services=()
):
    """Save the unsaved ``application`` (files already attached) as submitted.

    ``by_user`` is the signed-in user submitting it, or None for the public:
    anyone may apply. The node asked to sit under must be open and allow the
    kind applied for there.
    """
    application.revision = 1
    return _save_submission(
        application, by_user, SUBMIT_ACTION, target_groups, expected_services
    )


@transaction.atomic
def application_resubmit(
    *, application, by_user=None, target_groups=(), expected_services=()
):
    """Submit a turned-down application again, revised: the same record, one more revision."""
    stored = OrgApplication.objects.select_for_update().get(pk=application.pk)
    if stored.status != OrgApplication.Status.REJECTED:
        raise ValidationError(
            f"只有审核不符合的申请可以修改后重新提交（现为{stored.get_status_display()}）"
        )
    application.reference = stored.reference
    application.submitted_by = stored.submitted_by
    application.revision = stored.revision + 1
    return _save_submission(
        application, by_user, RESUBMIT_ACTION, target_groups, expected_services
    )


def _lock_for_decision(application, by_user):
    application = (
        OrgApplication.objects.select_for_update()
        .select_related("parent")
        .get(pk=application.pk)
    )
    require(
        by_user,
        "review",
        application,
        f"您没有审核在“{application.parent.name}”下成立组织的申请的权限",
    )
    if application.status != OrgApplication.Status.SUBMITTED:
        raise ValidationError(
            f"申请{application.reference}不在待审核状态（现为{application.get_status_display()}）"
        )
    return application


def _record_decision(application, by_user, status, reason=""):
    now = timezone.now()
    application.status = status
    application.decided_by = by_user
    application.decided_at = now
    application.decision_reason = reason
    application.save()
    application.revisions.filter(number=application.revision).update(
        decision=status, decision_reason=reason, decided_by=by_user, decided_at=now
    )


@transaction.atomic
def application_reject(*, application, by_user, reason):
    """审核不符合: the reason is recorded and shown to the applicant."""
    reason = clean_reason(reason)
    application = _lock_for_decision(application, by_user)
    _record_decision(application, by_user, OrgApplication.Status.REJECTED, reason)
    log(
        application,
        REJECT_ACTION,
        user=by_user,
        data={"revision": application.revision, "reason": reason},
    )
    return application


def _new_node(application):
    leader, contact = application.leader, application.contact
    return OrgNode(
        name=application.proposed_name,
        kind=application.org_type,
        status=OrgNode.Status.ESTABLISHED,
        established_on=today(),
        parent_party_org=application.parent_party_org,
        unit_name=application.unit_name,
        legal_representative=application.legal_representative,
        address=application.address,
        postcode=application.postcode,
        phone=application.phone,
        website=application.website,
        fax=application.fax,
        email=application.email,
        leader_name=leader.get("name", ""),
        leader_phone=leader.get("mobile") or leader.get("phone", ""),
        contact_name=contact.get("name", ""),
        contact_phone=contact.get("mobile") or contact.get("phone", ""),
        target_groups_other=application.target_groups_other,
        expected_services_other=application.expected_services_other,
        service_experience=application.experience,
    )


def _appoint(person, id_number, node, role, by_user):
    """Make the applicant's leader or contact a member of ``node`` with ``role``."""
    existing = Volunteer.objects.filter(id_number=id_number).first()
    if existing is None:
        volunteer = Volunteer(
            name=person.get("name", ""),
            id_number=id_number,
            status=Volunteer.Status.REGISTERED,
            applied_on=today(),
            job_title=person.get("job_title", ""),
            mobile=person.get("mobile", ""),
            phone_office=person.get("phone", ""),
            email=person.get("email", ""),
            address=person.get("address", ""),
            postcode=person.get("postcode", ""),
        )
        volunteer_create(
            volunteer=volunteer,
            node=node,
            by_user=by_user,
            role=role,
            department_title=person.get("job_title", ""),
        )
        return
    membership = existing.memberships.filter(node=node, end_date__isnull=True).first()
    if membership is None:
        # A member of another team: the post here is held alongside it.
        membership_open(
            volunteer=existing,
            node=node,
            kind=Membership.Kind.POST,
            role=role,
            by_user=by_user,
            department_title=person.get("job_title", ""),
        )
    elif membership.role != role:
        membership_change_role(membership=membership, role=role, by_user=by_user)


@transaction.atomic
def application_approve(*, application, by_user, populate=None):
    """审核通过: create the node under the parent, fill it, appoint leader and contact.

    ``populate(node)`` runs right after the node is created, inside the same
    transaction (the caller's roster import); whatever it raises undoes the
    whole approval. Returns the new node.
    """
    application = _lock_for_decision(application, by_user)
    node = org_node_create(
        node=_new_node(application), parent=application.parent, by_user=by_user
    )
    node.target_groups.set(application.target_groups.all())
    node.expected_services.set(application.expected_services.all())
    if populate is not None:
        populate(node)
    _appoint(
        application.leader,
        application.leader_id_number,
        node,
        Membership.Role.HEAD,
        by_user,
    )
    if application.contact_id_number != application.leader_id_number:
        _appoint(
            application.contact,
            application.contact_id_number,
            node,
            Membership.Role.CONTACT,
            by_user,
        )
    application.created_node = node
    _record_decision(application, by_user, OrgApplication.Status.APPROVED)
    log(
        application,
        APPROVE_ACTION,
        user=by_user,
        data={"revision": application.revision, "node": node.name, "code": node.code},
    )
    return node
