"""The admin's 审核 screens (附件1): applications (附件2) and registrations (附件3).

Every view finds its record in the user's review scope (registry.policy): an
application under a node the user does not manage, or a registration of a team
they are not 管理员 of, is a 404 like any id that does not exist. Decisions go
through forms_pages.services / registry.services, which check the right again,
write the audit entries and tell the applicant.
"""

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Q, Value, When
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views import View
from django.views.generic import FormView, TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from registry import policy, privacy, selectors
from registry import services as registry_services
from registry.downloads import attachment_disposition
from registry.models import OrgApplication, Volunteer
from registry.models.applications import PERSON_FIELDS, UNIT_FIELDS

from . import services
from .admin_forms import ReasonForm
from .printing import application_pdf

PAGE_SIZE = 50
ATTACHMENTS = ("party_org_profile", "license_copy", "id_copies", "roster")
# The fields a reviewer reads, in the paper form's order, with their labels.
APPLICATION_FIELDS = (
    *UNIT_FIELDS,
    "org_type",
    "proposed_name",
    "registered_count",
    "target_groups_other",
    "expected_services_other",
    "experience",
)
PERSON_LABELS = dict(PERSON_FIELDS)


def _label(field):
    return OrgApplication._meta.get_field(field).verbose_name


def _value(application, field):
    display = getattr(application, f"get_{field}_display", None)
    return display() if display else getattr(application, field)


def _never_cached(response):
    response["Cache-Control"] = "private, no-store"
    return response


def review_scope(user):
    return policy.applications_where(user, "review").select_related(
        "parent", "created_node", "decided_by"
    )


def registration_scope(user):
    return (
        policy.volunteers_where(user, "approve_registration")
        .filter(status=Volunteer.Status.PENDING)
        .select_related("org_node")
    )


class ReviewPageMixin(WagtailAdminTemplateMixin):
    header_icon = "tasks"
    # The listing a record's page belongs to: (URL name, label), None on a listing.
    listing = None

    def get_breadcrumbs_items(self):
        items = [*super().get_breadcrumbs_items(), {"url": "", "label": "审核"}]
        if self.listing:
            name, label = self.listing
            items.append({"url": reverse(name), "label": label})
        return [*items, {"url": "", "label": self.get_page_title()}]


# --- Applications ---------------------------------------------------------------------


class ApplicationIndexView(ReviewPageMixin, TemplateView):
    template_name = "forms_pages/admin/applications.html"
    page_title = "成立组织申请"

    def get_context_data(self, **kwargs):
        status = self.request.GET.get("status", "")
        query = self.request.GET.get("q", "").strip()[:50]
        applications = review_scope(self.request.user)
        if status in OrgApplication.Status.values:
            applications = applications.filter(status=status)
        if query:
            applications = applications.filter(
                Q(reference__icontains=query)
                | Q(proposed_name__icontains=query)
                | Q(unit_name__icontains=query)
            )
        # Waiting ones first: they are the reviewer's work.
        applications = applications.annotate(
            waiting=Case(
                When(status=OrgApplication.Status.SUBMITTED, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        ).order_by("waiting", "-submitted_at", "-pk")
        page = Paginator(applications, PAGE_SIZE).get_page(self.request.GET.get("p"))
        return {
            **super().get_context_data(**kwargs),
            "page": page,
            "status": status,
            "query": query,
            "statuses": OrgApplication.Status.choices,
        }


class ApplicationMixin:
    listing = ("forms_pages_review:applications", "成立组织申请")

    def dispatch(self, request, *args, **kwargs):
        self.application = get_object_or_404(
            review_scope(request.user), pk=kwargs["pk"]
        )
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return f"{self.page_title}：{self.application.reference}"

    def detail_url(self):
        return reverse("forms_pages_review:application", args=(self.application.pk,))


def _person_rows(person, id_number):
    rows = [(PERSON_LABELS[key], person.get(key, "")) for key, _label in PERSON_FIELDS]
    rows.insert(1, ("身份证号码", privacy.mask_id_number(id_number)))
    return rows


def _changes(previous, current):
    """(label, before, after) of what a resubmission changed."""
    labels = {field.name: field.verbose_name for field in OrgApplication._meta.fields}
    labels |= {"parent_id": "拟所属上级组织", "target_groups": "拟服务人群"}
    labels |= {"expected_services": "期望参与的服务项目"}
    changed = []
    for key, after in current.items():
        before = previous.get(key)
        if before == after:
            continue
        if isinstance(after, dict):
            for part in sorted(set(after) | set(before or {})):
                if (before or {}).get(part) != after.get(part):
                    changed.append(
                        (
                            f"{labels.get(key, key)}·{PERSON_LABELS.get(part, part)}",
                            (before or {}).get(part, ""),
                            after.get(part, ""),
                        )
                    )
            continue
        changed.append((labels.get(key, key), before, after))
    return changed


class ApplicationDetailView(ApplicationMixin, ReviewPageMixin, TemplateView):
    template_name = "forms_pages/admin/application.html"
    page_title = "成立组织申请"

    def get_context_data(self, **kwargs):
        application = self.application
        revisions = list(application.revisions.select_related("decided_by"))
        history = [
            (revision, _changes(previous.data, revision.data) if previous else [])
            for previous, revision in zip([None, *revisions], revisions, strict=False)
        ]
        return {
            **super().get_context_data(**kwargs),
            "application": application,
            "fields": [
                (_label(field), _value(application, field))
                for field in APPLICATION_FIELDS
            ],
            "target_groups": application.target_groups.all(),
            "expected_services": application.expected_services.all(),
            "leader": _person_rows(application.leader, application.leader_id_number),
            "contact": _person_rows(application.contact, application.contact_id_number),
            "attachments": [
                (field, _label(field), getattr(application, field))
                for field in ATTACHMENTS
            ],
            "revisions": reversed(history),
            "log_entries": selectors.record_history(application),
            "may_decide": application.is_open_for_review,
        }


class ApplicationAttachmentView(ApplicationMixin, View):
    def get(self, request, pk, field):
        if field not in ATTACHMENTS:
            raise Http404
        attached = getattr(self.application, field)
        if not attached:
            raise Http404
        try:
            handle = attached.open("rb")
        except OSError:
            raise Http404 from None
        name = attached.name.rsplit("/", 1)[-1]
        suffix = name.rsplit(".", 1)[-1] if "." in name else "bin"
        response = FileResponse(handle)
        response["Content-Disposition"] = attachment_disposition(
            f"{self.application.reference}{_label(field)}.{suffix}"
        )
        return _never_cached(response)


class ApplicationPDFView(ApplicationMixin, View):
    def get(self, request, pk):
        response = HttpResponse(
            application_pdf(self.application), content_type="application/pdf"
        )
        response["Content-Disposition"] = attachment_disposition(
            f"{self.application.reference}成立义工组织申请表.pdf"
        )
        return _never_cached(response)


class ApplicationApproveView(ApplicationMixin, ReviewPageMixin, TemplateView):
    template_name = "forms_pages/admin/approve.html"
    page_title = "审核通过"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "application": self.application}

    def post(self, request, pk):
        try:
            node = services.approve_application(
                application=self.application, by_user=request.user
            )
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
            return redirect(self.detail_url())
        messages.success(
            request,
            f"申请{self.application.reference}审核通过：已成立“{node.name}”（{node.code}）",
            buttons=[
                messages.button(
                    reverse("registry_orgnode:inspect", args=(node.pk,)), "查看组织"
                )
            ],
        )
        return redirect(self.detail_url())


class ApplicationRejectView(ApplicationMixin, ReviewPageMixin, FormView):
    template_name = "forms_pages/admin/reject.html"
    page_title = "审核不符合"
    form_class = ReasonForm

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "record": self.application,
            "cancel_url": self.detail_url(),
            "intro": "请写明不符合之处和修改要求。申请人会收到邮件，可凭申请编号修改后重新提交同一份申请。",
        }

    def form_valid(self, form):
        try:
            services.reject_application(
                application=self.application,
                by_user=self.request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(
            self.request, f"申请{self.application.reference}已退回：审核不符合"
        )
        return redirect(self.detail_url())


# --- Registrations --------------------------------------------------------------------


class RegistrationIndexView(ReviewPageMixin, TemplateView):
    template_name = "forms_pages/admin/registrations.html"
    page_title = "待审核登记"

    def get_context_data(self, **kwargs):
        volunteers = registration_scope(self.request.user).order_by(
            "org_node__path", "applied_on", "pk"
        )
        page = Paginator(volunteers, PAGE_SIZE).get_page(self.request.GET.get("p"))
        page.object_list = [
            (volunteer, privacy.masked_id_number(volunteer)) for volunteer in page
        ]
        return {**super().get_context_data(**kwargs), "page": page}


class RegistrationDecisionView(ReviewPageMixin, FormView):
    """One pending registration: 审核通过 (a button) or 审核不符合 (the reason)."""

    template_name = "forms_pages/admin/registration.html"
    page_title = "审核登记"
    listing = ("forms_pages_review:registrations", "待审核登记")
    form_class = ReasonForm

    def dispatch(self, request, *args, **kwargs):
        self.volunteer = get_object_or_404(
            registration_scope(request.user), pk=kwargs["pk"]
        )
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return f"{self.page_title}：{self.volunteer.name}"

    def get_context_data(self, **kwargs):
        volunteer = self.volunteer
        return {
            **super().get_context_data(**kwargs),
            "volunteer": volunteer,
            "id_number": privacy.masked_id_number(volunteer),
            "birth": privacy.birth_for_user(self.request.user, volunteer),
            "mobile": privacy.phone_for_user(
                self.request.user, volunteer, volunteer.mobile
            ),
        }

    def post(self, request, *args, **kwargs):
        if "approve" in request.POST:
            return self._decide(
                registry_services.registration_approve, "审核通过，已注册"
            )
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        return self._decide(
            registry_services.registration_reject,
            "审核不符合，已退回",
            reason=form.cleaned_data["reason"],
            form=form,
        )

    def _decide(self, decide, done, form=None, **kwargs):
        try:
            volunteer = decide(
                volunteer=self.volunteer, by_user=self.request.user, **kwargs
            )
        except ValidationError as exc:
            if form is None:
                messages.error(self.request, "；".join(exc.messages))
                return redirect("forms_pages_review:registration", self.volunteer.pk)
            form.add_error(None, exc)
            return self.form_invalid(form)
        services.notify_registrant(volunteer)
        messages.success(
            self.request,
            f"“{volunteer.name}”（{volunteer.volunteer_number}）{done}",
            buttons=[
                messages.button(
                    reverse("registry_volunteer:inspect", args=(volunteer.pk,)),
                    "查看义工",
                )
            ],
        )
        return redirect("forms_pages_review:registrations")
