"""The flow of a form page: submit, thank-you, print, status lookup, resubmission.

Post/Redirect/Get: a good submission redirects to its thank-you page. What was
submitted is shown only to whoever submitted it (its pk is kept in the
session, or it names them as submitter) or may review it; anyone else gets a
404, as for a record that does not exist. Public POSTs are rate-limited per
IP (django-ratelimit) and carry a honeypot (forms.HoneypotMixin).
"""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django_ratelimit.core import is_ratelimited

from registry import policy, selectors, services
from registry.downloads import attachment_disposition
from registry.models import OrgApplication, Volunteer
from registry.pks import pk_or_404
from registry.validators import normalize_phone

from .forms import ApplicationForm, RegistrationForm, registration_teams
from .printing import application_pdf, registration_pdf

SUBMIT_RATE = "5/10m"
# Unit users file one registration per member, dozens in a sitting.
SIGNED_IN_SUBMIT_RATE = "120/h"
LOOKUP_RATE = "10/m"
REMEMBERED = 20
RATE_LIMITED = (
    "提交过于频繁，请稍后再试。为防止恶意提交，同一网络在短时间内只能提交有限次数。"
)
NOT_FOUND = "没有找到与该编号和手机号码相符的记录，请核对后重新输入"


def submit_rate(group, request):
    return SIGNED_IN_SUBMIT_RATE if request.user.is_authenticated else SUBMIT_RATE


class LookupForm(forms.Form):
    reference = forms.CharField(label="编号", max_length=20)
    mobile = forms.CharField(
        label="手机号码", max_length=20, widget=forms.TextInput({"inputmode": "tel"})
    )

    def __init__(self, *args, reference_label, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reference"].label = reference_label


class FormFlow:
    """One page's views. Subclasses say which record, form and service:
    ``make_form``, ``save`` (the registry service), ``reference`` (the number
    the applicant keeps), ``find`` (by that number and the mobile), ``may_review``,
    ``pdf_bytes`` and ``outcome`` ((reason, number) shown with the status).
    """

    model = None
    kind = ""  # "registration" or "application": template and session names
    reference_label = ""

    def __init__(self, page):
        self.page = page

    # --- shared ---------------------------------------------------------------

    @property
    def session_key(self):
        return f"forms_pages:{self.kind}"

    def url(self, route, *args):
        return self.page.url + self.page.reverse_subpage(route, args=args)

    def render(self, request, template, context=None, status=200):
        context = {
            **self.page.get_context(request),
            "flow": self,
            "status_url": self.url("status_lookup_view"),
            **(context or {}),
        }
        return render(request, f"forms_pages/{template}.html", context, status=status)

    def message(self, request, title, text, status):
        return self.render(
            request, "message", {"title": title, "text": text}, status=status
        )

    def remember(self, request, record):
        known = request.session.get(self.session_key, [])
        known = [pk for pk in known if pk != record.pk][-(REMEMBERED - 1) :]
        request.session[self.session_key] = [*known, record.pk]

    def accessible(self, request, pk):
        pk = pk_or_404(pk)
        record = self.model.objects.filter(pk=pk).first()
        if record is None:
            raise Http404
        user = request.user
        if pk in request.session.get(self.session_key, []) or (
            user.is_authenticated
            and (
                getattr(record, "submitted_by_id", None) == user.pk
                or self.may_review(user, record)
            )
        ):
            return record
        raise Http404

    def submit(self, request, pk=None):
        record = self.accessible(request, pk) if pk is not None else None
        if record is not None and record.status != self.model.Status.REJECTED:
            return HttpResponseRedirect(self.url("status_view", record.pk))
        # A rejected submission was made in time: revising it stays open.
        if record is None and self.page.is_closed:
            deadline = timezone.localtime(self.page.deadline)
            return self.message(
                request,
                "已截止",
                f"本表已于{deadline:%Y年%m月%d日 %H:%M}截止，不再接受提交。",
                403 if request.method == "POST" else 200,
            )
        if request.method != "POST":
            form = self.make_form(request, instance=record)
            return self.render_form(request, form, record)
        if is_ratelimited(
            request,
            group=f"forms_pages:{self.kind}:submit",
            key="user_or_ip",
            rate=submit_rate,
            increment=True,
        ):
            return self.message(request, "提交过于频繁", RATE_LIMITED, 429)
        form = self.make_form(request, request.POST, request.FILES, instance=record)
        if form.is_valid():
            try:
                saved = self.save(request, form)
            except (ValidationError, PermissionDenied) as error:
                form.add_service_error(error)
            else:
                self.remember(request, saved)
                return HttpResponseRedirect(self.url("done_view", saved.pk))
        return self.render_form(request, form, record)

    def render_form(self, request, form, record=None):
        return self.render(
            request, f"{self.kind}_form", {"form": form, "record": record}
        )

    def done(self, request, pk):
        record = self.accessible(request, pk)
        return self.render(
            request, "done", {"record": record, "reference": self.reference(record)}
        )

    def pdf(self, request, pk):
        record = self.accessible(request, pk)
        response = HttpResponse(
            self.pdf_bytes(request, record), content_type="application/pdf"
        )
        response["Content-Disposition"] = attachment_disposition(
            f"{self.page.title}-{self.reference(record)}.pdf"
        )
        return response

    def lookup(self, request):
        form = LookupForm(
            request.POST if request.method == "POST" else None,
            reference_label=self.reference_label,
        )
        if request.method == "POST":
            if is_ratelimited(
                request,
                group=f"forms_pages:{self.kind}:status",
                key="ip",
                rate=LOOKUP_RATE,
                increment=True,
            ):
                return self.message(
                    request, "查询过于频繁", "查询过于频繁，请一分钟后再试。", 429
                )
            if form.is_valid():
                record = self.find(
                    form.cleaned_data["reference"].strip().upper(),
                    normalize_phone(form.cleaned_data["mobile"]),
                )
                if record is not None:
                    self.remember(request, record)
                    return HttpResponseRedirect(self.url("status_view", record.pk))
                form.add_error(None, NOT_FOUND)
        return self.render(request, "status_lookup", {"form": form})

    def status(self, request, pk):
        record = self.accessible(request, pk)
        reason, number = self.outcome(record)
        return self.render(
            request,
            "status",
            {
                "record": record,
                "reference": self.reference(record),
                "reason": reason,
                "number": number,
                "rejected": record.status == self.model.Status.REJECTED,
            },
        )

    def preview(self, request, mode_name):
        if mode_name == "landing":
            return self.render(request, "done", {"record": None})
        return self.render_form(request, self.make_form(request, preview=True))


class RegistrationFlow(FormFlow):
    model = Volunteer
    kind = "registration"
    reference_label = "注册义工号"

    def make_form(self, request, data=None, files=None, instance=None, preview=False):
        teams, _by_user = registration_teams(None if preview else request.user)
        return RegistrationForm(data, files, instance=instance, teams=teams)

    def save(self, request, form):
        _teams, by_user = registration_teams(request.user)
        submit = (
            services.registration_resubmit
            if form.instance.pk
            else services.registration_submit
        )
        return submit(
            volunteer=form.instance,
            node=form.cleaned_data["node"],
            by_user=by_user,
            service_items=form.cleaned_data["service_items"],
        )

    def reference(self, record):
        return record.volunteer_number

    def find(self, reference, mobile):
        return Volunteer.objects.filter(
            volunteer_number=reference, mobile=mobile
        ).first()

    def may_review(self, user, record):
        return policy.may(user, "view", record)

    def pdf_bytes(self, request, record):
        return registration_pdf(record, user=request.user)

    def outcome(self, record):
        if record.status == Volunteer.Status.REJECTED:
            return selectors.registration_reject_reason(record), ""
        if record.status == Volunteer.Status.PENDING:
            return "", ""
        return "", record.volunteer_number


class ApplicationFlow(FormFlow):
    model = OrgApplication
    kind = "application"
    reference_label = "申请编号"

    def make_form(self, request, data=None, files=None, instance=None, preview=False):
        return ApplicationForm(data, files, instance=instance, user=request.user)

    def save(self, request, form):
        application = form.instance
        application.roster_rows = form.roster_rows
        submit = (
            services.application_resubmit
            if application.pk
            else services.application_submit
        )
        return submit(
            application=application,
            by_user=request.user if request.user.is_authenticated else None,
            target_groups=form.cleaned_data["target_groups"],
            expected_services=form.cleaned_data["expected_services"],
        )

    def reference(self, record):
        return record.reference

    def find(self, reference, mobile):
        application = OrgApplication.objects.filter(reference=reference).first()
        if application and normalize_phone(application.contact.get("mobile")) == mobile:
            return application
        return None

    def may_review(self, user, record):
        return policy.may(user, "review", record)

    def pdf_bytes(self, request, record):
        return application_pdf(record)

    def outcome(self, record):
        if record.status == OrgApplication.Status.REJECTED:
            return record.decision_reason, ""
        if record.status == OrgApplication.Status.APPROVED and record.created_node:
            return "", record.created_node.code
        return "", ""
