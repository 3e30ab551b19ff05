"""公开承诺 in the admin: a team's 实事 and a member's 好事, and their fulfilment."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.utils import timezone
from django.views.generic import FormView, TemplateView
from wagtail.admin import messages

from registry import policy

from .. import selectors, services
from ..admin_forms import CommitmentForm, FulfilForm
from ..models import Activity, Commitment
from .base import AdminPageMixin, RequiresAnywhere, page_of, scoped, year_param

LISTING = ("activities:commitments", "公开承诺")


def form_errors(form, error):
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class CommitmentIndexView(RequiresAnywhere, AdminPageMixin, TemplateView):
    template_name = "activities/admin/commitments.html"
    page_title = "公开承诺"

    def get_context_data(self, **kwargs):
        year = year_param(self.request, timezone.localdate().year)
        commitments = (
            selectors.commitments_for_user(self.request.user)
            .filter(year=year)
            .select_related("node", "volunteer")
            .order_by("node__path", "kind", "due_on", "pk")
        )
        return {
            **super().get_context_data(**kwargs),
            "year": year,
            "page": page_of(self.request, commitments),
            "may_add": policy.may_anywhere(self.request.user, "run_activities"),
            "today": timezone.localdate(),
        }


class CommitmentFormView(AdminPageMixin, FormView):
    template_name = "activities/admin/commitment_form.html"
    form_class = CommitmentForm
    listing = LISTING
    commitment = None

    def get_form_kwargs(self):
        user = self.request.user
        return {
            **super().get_form_kwargs(),
            "instance": self.commitment or Commitment(),
            "nodes": policy.nodes_where(user, "run_activities"),
            "volunteers": policy.volunteers_where(user, "change"),
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.commitment:
            context["fulfil_form"] = kwargs.get("fulfil_form") or FulfilForm(
                activities=self.fulfil_activities()
            )
        return {**context, "commitment": self.commitment}

    def fulfil_activities(self):
        return Activity.objects.filter(node=self.commitment.node).order_by("-starts_at")

    def form_valid(self, form):
        user = self.request.user
        try:
            if self.commitment:
                services.commitment_update(
                    self.commitment, by_user=user, **form.service_fields()
                )
            else:
                self.commitment = services.commitment_create(
                    node=form.cleaned_data["node"],
                    year=form.cleaned_data["year"],
                    volunteer=form.volunteer,
                    by_user=user,
                    **form.service_fields(),
                )
        except (ValidationError, PermissionDenied) as error:
            form_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"承诺“{self.commitment.content}”已保存")
        return redirect("activities:commitment", self.commitment.pk)


class CommitmentCreateView(RequiresAnywhere, CommitmentFormView):
    page_title = "登记承诺"
    required_action = "run_activities"


class CommitmentEditView(CommitmentFormView):
    page_title = "承诺"

    def dispatch(self, request, *args, **kwargs):
        self.commitment = scoped(
            selectors.commitments_for_user(request.user).filter(
                node__in=policy.nodes_where(request.user, "run_activities").values("pk")
            ),
            kwargs["pk"],
        )
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if "fulfil" not in request.POST:
            return super().post(request, *args, **kwargs)
        fulfil = FulfilForm(request.POST, activities=self.fulfil_activities())
        if fulfil.is_valid():
            try:
                services.commitment_fulfil(
                    self.commitment, by_user=request.user, **fulfil.cleaned_data
                )
            except (ValidationError, PermissionDenied) as error:
                form_errors(fulfil, error)
            else:
                messages.success(request, "已登记践诺情况")
                return redirect("activities:commitment", self.commitment.pk)
        return self.render_to_response(
            self.get_context_data(form=self.get_form(), fulfil_form=fulfil)
        )
