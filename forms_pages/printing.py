"""The filled 附件2 and 附件3 of a submission, through the pdf app."""

from pdf.documents import application_form, registration_form


def application_fields(application):
    """附件2's fields (pdf.documents.APPLICATION_KEYS) from a saved application."""
    return {
        "applied_on": application.submitted_at.date(),
        "registration_number": (
            application.created_node.code if application.created_node else ""
        ),
        "unit_name": application.unit_name,
        "legal_representative": application.legal_representative,
        "address": application.address,
        "postcode": application.postcode,
        "phone": application.phone,
        "website": application.website,
        "fax": application.fax,
        "email": application.email,
        "parent_party_org": application.parent_party_org,
        "org_type": application.get_org_type_display(),
        "proposed_name": application.proposed_name,
        "registered_count": application.registered_count,
        "leader": dict(application.leader),
        "contact": dict(application.contact),
        "target_groups": [str(group) for group in application.target_groups.all()],
        "target_groups_other": application.target_groups_other,
        "expected_services": [
            str(area) for area in application.expected_services.all()
        ],
        "expected_services_other": application.expected_services_other,
        "experience": application.experience,
    }


def application_pdf(application):
    return application_form(application_fields(application))


def registration_pdf(volunteer, *, user):
    """附件3 of a registration as ``user`` may see it (the ID number masked)."""
    return registration_form(volunteer, user=user)
