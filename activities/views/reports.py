"""Quarterly reports (附件4): generate, edit, submit up the tree, approve or return, print."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin import messages

from pdf.documents import quarterly_report
from registry import policy

from .. import selectors, services
from ..admin_forms import DecisionForm, GenerateReportForm, ReportForm
from ..models import QuarterlyReport
from .base import (
    AdminPageMixin,
    RequiresAnywhere,
    download,
    page_of,
    scoped,
    show_error,
    year_param,
)

LISTING = ("activities:reports", "季报表")
# Longest 活动方案及开展情况 text kept per project.
PROJECT_TEXT_MAX = 1000


def report_scope(user, action="view"):
    return selectors.reports_for_user(user, action).select_related("node", "decided_by")


class ReportIndexView(RequiresAnywhere, AdminPageMixin, TemplateView):
    template_name = "activities/admin/reports.html"
    page_title = "季报表"

    def get_context_data(self, **kwargs):
        request = self.request
        today = timezone.localdate()
        year = year_param(request, today.year)
        status = request.GET.get("status", "")
        reports = report_scope(request.user).filter(year=year)
        if status in QuarterlyReport.Status.values:
            reports = reports.filter(status=status)
        nodes = policy.nodes_where(request.user, "run_activities")
        return {
            **super().get_context_data(**kwargs),
            "page": page_of(request, reports.order_by("-quarter", "node__path")),
            "year": year,
            "status": status,
            "statuses": QuarterlyReport.Status.choices,
            "overdue": selectors.overdue_reports(
                policy.nodes_where(request.user, "view")
            )
            if year == today.year
            else [],
            "generate_form": GenerateReportForm(nodes=nodes)
            if nodes.exists()
            else None,
        }


class ReportGenerateView(RequiresAnywhere, View):
    """POST: the report of a node and quarter, new or recomputed while editable."""

    required_action = "run_activities"

    def post(self, request):
        form = GenerateReportForm(
            request.POST, nodes=policy.nodes_where(request.user, "run_activities")
        )
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect("activities:reports")
        try:
            report = services.report_generate(
                form.cleaned_data["node"],
                year=form.cleaned_data["year"],
                quarter=form.cleaned_data["quarter"],
                by_user=request.user,
            )
        except (ValidationError, PermissionDenied) as error:
            show_error(request, error)
            return redirect("activities:reports")
        messages.success(request, f"已根据服务档案生成{report}，请核对后上报")
        return redirect("activities:report", report.pk)


class ReportMixin:
    listing = LISTING
    # What the user must be allowed on the report's node: the report is a 404 otherwise.
    action = "view"

    def dispatch(self, request, *args, **kwargs):
        self.report = scoped(report_scope(request.user, self.action), kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)


def project_texts(post, projects):
    """The projects with the 开展情况 texts edited in the form."""
    edited = []
    for index, project in enumerate(projects):
        text = post.get(f"project-{index}", project.get("content", ""))
        edited.append({**project, "content": text.strip()[:PROJECT_TEXT_MAX]})
    return edited


class ReportDetailView(ReportMixin, AdminPageMixin, TemplateView):
    template_name = "activities/admin/report.html"

    def get_page_title(self):
        return str(self.report)

    def post(self, request, *args, **kwargs):
        report = self.report
        if not policy.may(request.user, "run_activities", report.node):
            raise Http404
        form = ReportForm(request.POST, instance=QuarterlyReport(pk=report.pk))
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        try:
            services.report_update(
                report,
                by_user=request.user,
                projects=project_texts(request.POST, report.projects),
                **form.cleaned_data,
            )
        except (ValidationError, PermissionDenied) as error:
            show_error(request, error)
            return self.render_to_response(self.get_context_data(form=form))
        messages.success(request, "季报表已保存")
        return redirect("activities:report", report.pk)

    def get_context_data(self, **kwargs):
        report = self.report
        user = self.request.user
        may_run = policy.may(user, "run_activities", report.node)
        context = super().get_context_data(**kwargs)
        if may_run and report.is_editable and "form" not in context:
            context["form"] = ReportForm(instance=report)
        context.update(
            report=report,
            may_run=may_run,
            may_supervise=policy.may(user, "supervise", report.node),
            due_on=selectors.report_due_on(report.year, report.quarter),
            log_entries=selectors.history(report),
            decision_form=DecisionForm(),
        )
        return context


class ReportActionView(ReportMixin, View):
    action = "run_activities"

    def post(self, request, *args, **kwargs):
        try:
            text = self.act(request)
        except (ValidationError, PermissionDenied) as error:
            show_error(request, error)
        else:
            messages.success(request, text)
        return redirect("activities:report", self.report.pk)


class ReportRegenerateView(ReportActionView):
    def act(self, request):
        report = services.report_generate(
            self.report.node,
            year=self.report.year,
            quarter=self.report.quarter,
            by_user=request.user,
        )
        return f"已按最新的服务档案重新生成{report}（手工修改的内容已被替换）"


class ReportSubmitView(ReportActionView):
    def act(self, request):
        services.report_submit(self.report, by_user=request.user)
        return "季报表已上报上级组织，审核前不能修改"


class ReportDecideView(ReportActionView):
    action = "supervise"

    def act(self, request):
        form = DecisionForm(request.POST)
        if not form.is_valid():
            raise ValidationError(
                [e for errors in form.errors.values() for e in errors]
            )
        services.report_decide(
            self.report,
            by_user=request.user,
            approve=form.approve,
            reason=form.cleaned_data["note"],
        )
        if form.approve:
            return "季报表已审核通过并锁定"
        return "季报表已退回，填报单位修改后可重新上报"


class ReportPDFView(ReportMixin, View):
    def get(self, request, *args, **kwargs):
        report = self.report
        try:
            content = quarterly_report(selectors.report_pdf_figures(report))
        except ValueError as error:
            show_error(request, error)
            return redirect("activities:report", report.pk)
        return download(
            content,
            f"{report.org_name}-{report.year}年第{report.quarter}季度季报表.pdf",
            "application/pdf",
        )
