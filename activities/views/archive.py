"""The archive (档案): a unit's records and exports, one volunteer's history and certificates."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, Sum
from django.shortcuts import redirect
from django.utils import timezone
from django.views import View
from django.views.generic import FormView, TemplateView
from wagtail.admin import messages

from pdf.cards import ISSUER, render_certificate
from registry import policy, privacy
from registry import services as registry_services
from registry.models import OrgNode

from .. import compliance, evidence, selectors, services
from ..admin_forms import CertificateForm, ExemptionForm, IzhiyuanForm
from ..models import Activity, Certificate, Exemption
from .base import (
    XLSX,
    AdminPageMixin,
    RequiresAnywhere,
    download,
    page_of,
    scoped,
    show_error,
    year_param,
)
from .compliance import chosen_node

LISTING = ("activities:archive", "服务档案")


def archive_scope(request):
    """The records the user sees, narrowed by ?org=, ?year=, ?ledger=, ?q=."""
    records = selectors.records_for_user(request.user)
    node = chosen_node(request)
    if node is not None:
        records = records.filter(
            Q(volunteer__org_node__path__startswith=node.path)
            | Q(activity__node__path__startswith=node.path)
        )
    year = year_param(request, timezone.localdate().year)
    records = records.filter(served_on__year=year)
    ledger = request.GET.get("ledger", "")
    if ledger in Activity.Ledger.values:
        records = records.filter(ledger=ledger)
    query = request.GET.get("q", "").strip()[:50]
    if query:
        # Names, numbers and titles only: no personal data a user may not see.
        records = records.filter(
            Q(volunteer__name__icontains=query)
            | Q(volunteer__volunteer_number__iexact=query)
            | Q(activity__title__icontains=query)
        )
    return node, year, ledger, query, records


class ArchiveView(RequiresAnywhere, AdminPageMixin, TemplateView):
    template_name = "activities/admin/archive.html"
    page_title = "服务档案"

    def get_context_data(self, **kwargs):
        node, year, ledger, query, records = archive_scope(self.request)
        totals = records.filter(counted=True).aggregate(hours=Sum("hours"))
        return {
            **super().get_context_data(**kwargs),
            "page": page_of(self.request, evidence.archive_records(records)),
            "node": node,
            "year": year,
            "ledger": ledger,
            "query": query,
            "ledgers": Activity.Ledger.choices,
            "nodes": policy.nodes_where(self.request.user, "view")
            .exclude(status=OrgNode.Status.DISSOLVED)
            .order_by("path"),
            "total_hours": totals["hours"] or 0,
            "query_string": self.request.GET.urlencode(),
        }


class ArchiveExportView(RequiresAnywhere, View):
    fmt = "xlsx"

    def get(self, request):
        fmt = self.fmt
        node, year, _ledger, _query, records = archive_scope(request)
        title = f"{node.name if node else '全部'} {year}年"
        name = f"党员义工服务活动记录档案-{node.name if node else '全部'}-{year}"
        if fmt == "pdf":
            return download(
                evidence.archive_pdf(records, title=title),
                f"{name}.pdf",
                "application/pdf",
            )
        return download(evidence.archive_xlsx(records), f"{name}.xlsx", XLSX)


class IzhiyuanExportView(RequiresAnywhere, AdminPageMixin, FormView):
    """The certifiable records for i志愿 / the national system: full ID numbers, logged."""

    template_name = "activities/admin/izhiyuan.html"
    page_title = "导出到i志愿"
    required_action = "reveal_id_number"

    def get_form(self, form_class=None):
        return IzhiyuanForm(
            self.request.POST or None,
            nodes=policy.nodes_where(self.request.user, "reveal_id_number"),
        )

    def form_valid(self, form):
        node = form.cleaned_data["node"]
        start, end = form.cleaned_data["served_from"], form.cleaned_data["served_to"]
        records = selectors.certifiable_records(node, start, end)
        try:
            registry_services.record_bulk_export(
                node=node,
                user=self.request.user,
                rows=records.count(),
                full_id_numbers=True,
                scope="subtree",
                reason=form.cleaned_data["reason"],
            )
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        return download(
            evidence.izhiyuan_xlsx(records),
            f"i志愿服务时长-{node.name}-{start:%Y%m%d}-{end:%Y%m%d}.xlsx",
            XLSX,
        )


class VolunteerServiceView(AdminPageMixin, TemplateView):
    """One volunteer's service: history, yearly standing, stars, exemptions, certificates."""

    template_name = "activities/admin/volunteer.html"
    listing = LISTING

    def dispatch(self, request, *args, **kwargs):
        self.volunteer = scoped(
            policy.volunteers_where(request.user, "view").select_related("org_node"),
            kwargs["pk"],
        )
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return f"{self.volunteer.name}的服务记录"

    def get_context_data(self, **kwargs):
        volunteer = self.volunteer
        user = self.request.user
        year = year_param(self.request, timezone.localdate().year)
        hours = selectors.certifiable_hours(volunteer)
        standing = compliance.member_standings(
            type(volunteer).objects.filter(pk=volunteer.pk), compliance.Period.of(year)
        ).get(volunteer.pk)
        return {
            **super().get_context_data(**kwargs),
            "volunteer": volunteer,
            "id_number": privacy.shown_value(user, volunteer, "id_number"),
            "year": year,
            "standing": standing,
            "records": page_of(self.request, selectors.volunteer_history(volunteer)),
            "certified_hours": hours,
            "stars": selectors.star_level(hours),
            "exemptions": Exemption.objects.filter(volunteer=volunteer),
            "may_exempt": policy.may(user, "grant_exemption", volunteer),
            "exemption_form": ExemptionForm(),
            "certificates": Certificate.objects.filter(volunteer=volunteer),
            "may_certify": policy.may(user, "export", volunteer.org_node)
            if volunteer.org_node
            else False,
            "certificate_form": CertificateForm(initial={"issuer": ISSUER}),
        }


class CertificateIssueView(View):
    def post(self, request, pk):
        volunteer = scoped(policy.volunteers_where(request.user, "view"), pk)
        form = CertificateForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect("activities:volunteer", volunteer.pk)
        try:
            certificate = services.certificate_issue(
                volunteer, by_user=request.user, **form.cleaned_data
            )
        except (ValidationError, PermissionDenied) as error:
            show_error(request, error)
            return redirect("activities:volunteer", volunteer.pk)
        messages.success(request, f"已出具志愿服务记录证明 {certificate.number}")
        return redirect("activities:volunteer", volunteer.pk)


class CertificatePDFView(View):
    def get(self, request, pk):
        certificate = scoped(
            Certificate.objects.filter(
                volunteer__in=policy.volunteers_where(request.user, "view")
            ).select_related("volunteer"),
            pk,
        )
        content = render_certificate(
            certificate.volunteer,
            **selectors.certificate_details(certificate),
        )
        return download(
            content, f"志愿服务记录证明-{certificate.number}.pdf", "application/pdf"
        )
