"""年度达标: where the user's teams and party volunteers stand, evidence packs, exemptions."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin import messages

from registry import policy
from registry.models import OrgNode
from registry.pks import parse_pk

from .. import compliance, evidence, services
from ..admin_forms import ExemptionForm
from ..models import Exemption
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


def chosen_node(request):
    """The ?org= node among those the user may view, or None (all of them)."""
    pk = parse_pk(request.GET.get("org", ""))
    if pk is None:
        return None
    return policy.nodes_where(request.user, "view").filter(pk=pk).first()


def scope(request):
    volunteers = policy.volunteers_where(request.user, "view")
    nodes = policy.nodes_where(request.user, "view")
    node = chosen_node(request)
    if node is not None:
        volunteers = volunteers.filter(org_node__path__startswith=node.path)
        nodes = nodes.filter(path__startswith=node.path)
    return node, volunteers, nodes


class ComplianceView(RequiresAnywhere, AdminPageMixin, TemplateView):
    template_name = "activities/admin/compliance.html"
    page_title = "年度达标情况"

    def get_context_data(self, **kwargs):
        request = self.request
        today = timezone.localdate()
        year = year_param(request, today.year)
        period = compliance.Period.of(year, today)
        node, volunteers, nodes = scope(request)
        status = request.GET.get("status", "")
        members = compliance.member_standings(volunteers, period)
        teams = compliance.team_standings(nodes, period)
        people = {
            v.pk: v
            for v in compliance.party_volunteers(volunteers).select_related("org_node")
        }
        rows = sorted(
            ((people[pk], standing) for pk, standing in members.items()),
            key=lambda row: (
                row[0].org_node.path if row[0].org_node else "",
                row[0].pinyin,
            ),
        )
        if status in compliance.Status.values:
            rows = [row for row in rows if row[1].status == status]
        team_nodes = {n.pk: n for n in OrgNode.objects.filter(pk__in=list(teams))}
        team_rows = sorted(
            ((team_nodes[pk], standing) for pk, standing in teams.items()),
            key=lambda row: row[0].path,
        )
        return {
            **super().get_context_data(**kwargs),
            "year": year,
            "period": period,
            "node": node,
            "nodes": policy.nodes_where(request.user, "view")
            .exclude(status=OrgNode.Status.DISSOLVED)
            .order_by("path"),
            "status": status,
            "statuses": compliance.Status.choices,
            "member_counts": compliance.labelled(compliance.summary(members.values())),
            "team_counts": compliance.labelled(compliance.summary(teams.values())),
            "team_rows": team_rows,
            "page": page_of(request, rows),
        }


class EvidenceView(View):
    """民主评议 evidence pack of one party volunteer for a year (xlsx or PDF)."""

    def get(self, request, pk, fmt):
        if fmt not in ("xlsx", "pdf"):
            raise Http404
        volunteer = scoped(policy.volunteers_where(request.user, "view"), pk)
        year = year_param(request, timezone.localdate().year)
        pack = evidence.EvidencePack.build(volunteer, year)
        name = f"{volunteer.name}-{year}年度党员义工服务情况"
        if fmt == "pdf":
            return download(pack.pdf(), f"{name}.pdf", "application/pdf")
        return download(pack.xlsx(), f"{name}.xlsx", XLSX)


class ExemptionGrantView(View):
    def post(self, request, pk):
        volunteer = scoped(policy.volunteers_where(request.user, "grant_exemption"), pk)
        form = ExemptionForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
        else:
            try:
                services.exemption_grant(
                    volunteer, by_user=request.user, **form.cleaned_data
                )
            except (ValidationError, PermissionDenied) as error:
                show_error(request, error)
            else:
                messages.success(request, f"已批准{volunteer.name}的达标免除")
        return redirect("activities:volunteer", volunteer.pk)


class ExemptionRevokeView(View):
    def post(self, request, pk):
        exemption = scoped(
            Exemption.objects.filter(
                volunteer__in=policy.volunteers_where(request.user, "grant_exemption")
            ).select_related("volunteer"),
            pk,
        )
        try:
            services.exemption_revoke(exemption, by_user=request.user)
        except (ValidationError, PermissionDenied) as error:
            show_error(request, error)
        else:
            messages.success(request, "已撤销该免除")
        return redirect("activities:volunteer", exemption.volunteer_id)
