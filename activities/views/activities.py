"""Activities in the admin: announce, edit, cancel; sign-ups, attendance, hours; approvals."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.views import View
from django.views.generic import FormView, TemplateView
from wagtail.admin import messages

from pdf.cards import qr_data_url, site_root_url
from registry import policy

from .. import selectors, services
from ..admin_forms import (
    ActivityForm,
    DecisionForm,
    ReasonForm,
    RecordFormSet,
    SignUpByLeaderForm,
)
from ..models import Activity, Approval, ServiceRecord, SignUp
from .base import AdminPageMixin, RequiresAnywhere, page_of, scoped, show_error

LISTING = ("activities:index", "活动")
PHASES = Activity.Status.choices


def activity_scope(user):
    return selectors.activities_for_user(user).select_related(
        "node", "creation_action", "category"
    )


def checkin_url(activity):
    """The public check-in page of the activity (the 活动预告 page's route)."""
    page = selectors.activity_index_page()
    if page is None:
        return ""
    return f"{site_root_url()}{page.url}checkin/{activity.checkin_token}/"


class ActivityIndexView(RequiresAnywhere, AdminPageMixin, TemplateView):
    template_name = "activities/admin/activities.html"
    page_title = "活动"

    def get_context_data(self, **kwargs):
        request = self.request
        phase = request.GET.get("phase", "")
        query = request.GET.get("q", "").strip()[:50]
        activities = (
            activity_scope(request.user)
            .with_phase()
            .annotate(
                signed_up=Count(
                    "signups",
                    filter=Q(signups__cancelled_at__isnull=True),
                    distinct=True,
                ),
                recorded=Count("records", distinct=True),
            )
        )
        if phase in Activity.Status.values:
            activities = activities.filter(phase=phase)
        if request.GET.get("pending") == "1":
            activities = activities.filter(approval=Approval.PENDING)
        if query:
            activities = activities.filter(
                Q(title__icontains=query) | Q(node__name__icontains=query)
            )
        return {
            **super().get_context_data(**kwargs),
            "page": page_of(request, activities.order_by("-starts_at", "-pk")),
            "phase": phase,
            "phases": PHASES,
            "query": query,
            "may_add": policy.may_anywhere(request.user, "run_activities"),
        }


class ActivityFormView(AdminPageMixin, FormView):
    template_name = "activities/admin/activity_form.html"
    form_class = ActivityForm
    listing = LISTING
    activity = None

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "instance": self.activity or Activity(),
            "nodes": policy.nodes_where(self.request.user, "run_activities"),
        }

    def form_valid(self, form):
        try:
            activity = self.save(form)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message(activity))
        return redirect("activities:activity", activity.pk)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "activity": self.activity}


class ActivityCreateView(RequiresAnywhere, ActivityFormView):
    page_title = "新建活动"
    required_action = "run_activities"

    def save(self, form):
        return services.activity_create(
            node=form.cleaned_data["node"],
            by_user=self.request.user,
            **form.service_fields(),
        )

    def success_message(self, activity):
        if activity.announced:
            return f"活动“{activity.title}”已发布预告"
        return f"活动“{activity.title}”已补录，待上级组织审核同意后计入服务时数"


class ActivityEditView(ActivityFormView):
    page_title = "修改活动"

    def dispatch(self, request, *args, **kwargs):
        self.activity = scoped(
            selectors.activities_for_user(request.user, "run_activities"), kwargs["pk"]
        )
        return super().dispatch(request, *args, **kwargs)

    def save(self, form):
        return services.activity_update(
            self.activity, by_user=self.request.user, **form.service_fields()
        )

    def success_message(self, activity):
        return f"活动“{activity.title}”已保存"


def record_lines(activity, volunteers):
    """Initial archive lines: who is recorded, then who checked in or signed up."""
    day = timezone.localdate(activity.starts_at)
    lines, seen = [], set()
    for record in activity.records.select_related("volunteer", "evaluation"):
        seen.add(record.volunteer_id)
        lines.append(
            {
                "volunteer": record.volunteer,
                "served_on": record.served_on,
                "hours": f"{record.hours.normalize():f}",
                "content": record.content,
                "evaluation": record.evaluation,
            }
        )
    default = services.evaluation_default()
    for signup in activity.signups.filter(cancelled_at__isnull=True).select_related(
        "volunteer"
    ):
        if (
            signup.volunteer_id in seen
            or not volunteers.filter(pk=signup.volunteer_id).exists()
        ):
            continue
        seen.add(signup.volunteer_id)
        lines.append(
            {
                "volunteer": signup.volunteer,
                "served_on": day,
                "hours": f"{activity.duration_hours.normalize():f}"
                if signup.checked_in_at
                else "",
                "content": activity.title,
                "evaluation": default,
            }
        )
    return lines


class ActivityDetailView(AdminPageMixin, TemplateView):
    """The activity's page: details, QR check-in, sign-ups, the hours form, approvals."""

    template_name = "activities/admin/activity.html"
    listing = LISTING

    def dispatch(self, request, *args, **kwargs):
        self.activity = scoped(activity_scope(request.user), kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return self.activity.title

    def recordable_volunteers(self):
        return policy.volunteers_where(self.request.user, "view")

    def formset(self, data=None):
        volunteers = self.recordable_volunteers()
        initial = None if data else record_lines(self.activity, volunteers)
        return RecordFormSet(
            data,
            initial=initial,
            prefix="records",
            form_kwargs={"volunteers": volunteers},
        )

    def post(self, request, *args, **kwargs):
        if not policy.may(request.user, "run_activities", self.activity.node):
            raise Http404
        formset = self.formset(request.POST)
        if not formset.is_valid():
            return self.render_to_response(self.get_context_data(formset=formset))
        try:
            records = services.record_service(
                self.activity, formset.entries(), by_user=request.user
            )
        except (ValidationError, PermissionDenied) as error:
            show_error(request, error)
            return self.render_to_response(self.get_context_data(formset=formset))
        pending = sum(1 for r in records if r.approval == Approval.PENDING)
        text = f"已记录{len(records)}人的服务时数"
        if pending:
            text += f"，其中{pending}人当天累计超过时数上限，待上级组织审核"
        messages.success(request, text)
        return redirect("activities:activity", self.activity.pk)

    def get_context_data(self, **kwargs):
        activity = self.activity
        user = self.request.user
        may_run = policy.may(user, "run_activities", activity.node)
        context = super().get_context_data(**kwargs)
        signups = activity.signups.select_related("volunteer").order_by(
            "cancelled_at", "signed_up_at"
        )
        url = checkin_url(activity) if may_run and activity.announced else ""
        context.update(
            activity=activity,
            may_run=may_run,
            may_supervise=policy.may(user, "supervise", activity.node),
            signups=signups,
            taken=sum(1 for s in signups if s.cancelled_at is None),
            records=activity.records.select_related("volunteer", "evaluation"),
            checkin_url=url,
            checkin_qr=qr_data_url(url) if url else "",
            checkin_open=services.checkin_open(activity),
            log_entries=selectors.history(activity),
            signup_form=SignUpByLeaderForm(volunteers=self.recordable_volunteers()),
            decision_form=DecisionForm(),
            cancel_form=ReasonForm(),
            recording_open=may_run
            and activity.cancelled_at is None
            and activity.starts_at <= timezone.now(),
        )
        if context["recording_open"] and "formset" not in context:
            context["formset"] = self.formset()
        return context


class ActivityActionView(View):
    """A POST on an activity the user runs; back to its page with a message."""

    action = "run_activities"

    def dispatch(self, request, *args, **kwargs):
        self.activity = scoped(
            selectors.activities_for_user(request.user, self.action), kwargs["pk"]
        )
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        try:
            text = self.act(request, **kwargs)
        except (ValidationError, PermissionDenied) as error:
            show_error(request, error)
        else:
            messages.success(request, text)
        return redirect("activities:activity", self.activity.pk)


class ActivityCancelView(ActivityActionView):
    def act(self, request, **kwargs):
        form = ReasonForm(request.POST)
        if not form.is_valid():
            raise ValidationError("请填写取消原因")
        services.activity_cancel(
            self.activity, by_user=request.user, reason=form.cleaned_data["reason"]
        )
        return "活动已取消；已报名的义工在活动页上会看到“已取消”"


class ActivityDecideView(ActivityActionView):
    action = "supervise"

    def act(self, request, **kwargs):
        form = DecisionForm(request.POST)
        if not form.is_valid():
            raise ValidationError(
                [e for errors in form.errors.values() for e in errors]
            )
        services.activity_decide(
            self.activity,
            by_user=request.user,
            approve=form.approve,
            note=form.cleaned_data["note"],
        )
        return "已同意，该活动的服务时数计入" if form.approve else "已退回补录的活动"


class SignUpAddView(ActivityActionView):
    def act(self, request, **kwargs):
        form = SignUpByLeaderForm(
            request.POST, volunteers=policy.volunteers_where(request.user, "view")
        )
        if not form.is_valid():
            raise ValidationError(form.errors["volunteer_number"])
        services.signup_create(
            self.activity,
            form.volunteer,
            by_user=request.user,
            source=SignUp.Source.LEADER,
        )
        return f"已为{form.volunteer.name}登记报名"


class SignUpActionView(ActivityActionView):
    """签到 or 取消报名 of one sign-up, by the leader."""

    what = "checkin"

    def dispatch(self, request, *args, **kwargs):
        self.signup = scoped(
            SignUp.objects.filter(
                activity__in=selectors.activities_for_user(request.user, self.action)
            ).select_related("volunteer"),
            kwargs["pk"],
        )
        kwargs["pk"] = self.signup.activity_id
        return super().dispatch(request, *args, **kwargs)

    def act(self, request, **kwargs):
        signup = self.signup
        if self.what == "checkin":
            services.checkin(self.activity, signup.volunteer, by_user=request.user)
            return f"{signup.volunteer.name}已签到"
        services.signup_cancel(signup, by_user=request.user)
        return f"已取消{signup.volunteer.name}的报名"


class RecordActionView(View):
    """The node above on a long day (decide), or the leader removing a line."""

    def post(self, request, pk, what):
        if what not in ("decide", "remove"):
            raise Http404
        action = "supervise" if what == "decide" else "run_activities"
        record = scoped(
            ServiceRecord.objects.filter(
                activity__in=selectors.activities_for_user(request.user, action)
            ).select_related("activity", "volunteer"),
            pk,
        )
        try:
            if what == "decide":
                form = DecisionForm(request.POST)
                if not form.is_valid():
                    raise ValidationError(
                        [e for errors in form.errors.values() for e in errors]
                    )
                services.record_decide(
                    record,
                    by_user=request.user,
                    approve=form.approve,
                    note=form.cleaned_data["note"],
                )
                text = (
                    "已同意，该记录计入" if form.approve else "已不同意，该记录不计入"
                )
            else:
                services.record_remove(record, by_user=request.user)
                text = f"已删除{record.volunteer.name}的服务记录"
        except (ValidationError, PermissionDenied) as error:
            show_error(request, error)
        else:
            messages.success(request, text)
        next_url = request.POST.get("next", "")
        if next_url == "approvals":
            return redirect("activities:approvals")
        return redirect("activities:activity", record.activity_id)


class ApprovalsView(RequiresAnywhere, AdminPageMixin, TemplateView):
    """What waits for the user as the node above."""

    required_action = "supervise"
    template_name = "activities/admin/approvals.html"
    page_title = "待上级审核"

    def get_context_data(self, **kwargs):
        waiting = selectors.awaiting_supervision(self.request.user)
        return {
            **super().get_context_data(**kwargs),
            **waiting,
            "decision_form": DecisionForm(),
        }
