"""The 附件1 flow across apps: an application's roster, its approval, the applicant told.

The registry owns every write (registry.services); this module only joins it
with the roster importer (rosters) and the applicant's email, so that an
approval creates the node, imports the attached 注册义工名册 and appoints the
leader and contact in one transaction, or does nothing at all.
"""

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.template.loader import render_to_string

from registry import selectors, services
from registry.models import OrgApplication, OrgNode, Volunteer
from rosters.reading import FileRejected
from rosters.services import import_stream

logger = logging.getLogger(__name__)


def check_roster(upload, *, application, user=None):
    """The roster importer's check of an application's 注册义工名册, nothing written.

    Rows are matched as for a node still to be created under the chosen
    parent: a known ID number is someone of another node (a transfer first).
    Returns the ImportResult; raises FileRejected if the file cannot be read.
    """
    node = OrgNode(
        name=application.proposed_name or "拟成立组织", kind=application.org_type
    )
    upload.seek(0)
    try:
        return import_stream(upload, node=node, user=user, dry_run=True)
    finally:
        upload.seek(0)


def _import_roster(application, by_user):
    def populate(node):
        if not application.roster:
            return
        with application.roster.open("rb") as handle:
            try:
                result = import_stream(
                    handle,
                    node=node,
                    user=by_user,
                    source_name=f"申请{application.reference}的注册义工名册",
                )
            except FileRejected as exc:
                raise ValidationError(f"所附名册无法读取：{exc}") from None
        if not result.written:
            first = "；".join(
                f"第{error['row']}行{error['column']}：{error['message']}"
                for error in result.errors[:3]
            )
            raise ValidationError(
                f"所附名册未能导入，本次审核没有生效：{result.message}"
                + (f"（{first}）" if first else "")
            )

    return populate


def approve_application(*, application, by_user):
    """审核通过 with the roster imported; the applicant is told. Returns the node."""
    node = services.application_approve(
        application=application,
        by_user=by_user,
        populate=_import_roster(application, by_user),
    )
    application.refresh_from_db()
    notify_applicant(application)
    return node


def reject_application(*, application, by_user, reason):
    application = services.application_reject(
        application=application, by_user=by_user, reason=reason
    )
    notify_applicant(application)
    return application


def applicant_emails(application):
    """Where the applicant hears of a decision: the contact, the leader, the submitter."""
    emails = [
        application.contact.get("email", ""),
        application.leader.get("email", ""),
        application.email,
        application.submitted_by.email if application.submitted_by else "",
    ]
    return list(dict.fromkeys(email for email in emails if email))


def _send(subject, template, context, recipients, what):
    """Send one decision mail; a failing mail server does not undo the decision."""
    if not recipients:
        return 0
    try:
        return send_mail(subject, render_to_string(template, context), None, recipients)
    except OSError:
        logger.exception("could not email the decision on %s", what)
        return 0


def notify_registrant(volunteer):
    """Email the decision on a registration (附件3) when the registrant gave an address."""
    approved = volunteer.status == Volunteer.Status.REGISTERED
    return _send(
        f"【台山市义工联】义工注册登记{volunteer.get_status_display()}",
        "forms_pages/email/registration_decision.txt",
        {
            "volunteer": volunteer,
            "approved": approved,
            "reason": ""
            if approved
            else selectors.registration_reject_reason(volunteer),
            "site_url": getattr(settings, "WAGTAILADMIN_BASE_URL", ""),
        },
        [volunteer.email] if volunteer.email else [],
        volunteer.volunteer_number,
    )


def notify_applicant(application):
    """Email the decision on ``application`` to the applicant's addresses."""
    return _send(
        f"【台山市义工联】成立义工组织申请{application.reference}"
        f"{application.get_status_display()}",
        "forms_pages/email/application_decision.txt",
        {
            "application": application,
            "approved": application.status == OrgApplication.Status.APPROVED,
            "site_url": getattr(settings, "WAGTAILADMIN_BASE_URL", ""),
        },
        applicant_emails(application),
        application.reference,
    )
