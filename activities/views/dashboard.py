"""统计: the user's subtree at a glance, with charts drawn on the server."""

from django.utils import timezone
from django.views.generic import TemplateView

from registry import policy
from registry.models import Volunteer

from .. import charts, compliance, selectors
from ..models import Activity
from .base import AdminPageMixin, RequiresAnywhere, year_param


def dashboard_figures(user, year, *, standings=True):
    """Everything the dashboard and the admin home panel show, for ``user``'s subtree.

    ``standings=False`` leaves out the yearly rules (a pass over every party
    volunteer in the subtree), which the admin home does not wait for.
    """
    today = timezone.localdate()
    period = compliance.Period.of(year, today)
    volunteers = policy.volunteers_where(user, "view")
    nodes = policy.nodes_where(user, "view")
    registered = volunteers.filter(status=Volunteer.Status.REGISTERED)
    hours = selectors.hours_by_quarter(user, year)
    figures = {
        "year": year,
        "registered": registered.count(),
        "party": compliance.party_volunteers(volunteers).count(),
        "hours": hours,
        "service_hours": sum(hours[Activity.Ledger.SERVICE]),
        "party_hours": sum(hours[Activity.Ledger.PARTY]),
        "overdue": selectors.overdue_reports(nodes) if year == today.year else [],
        "upcoming": selectors.upcoming_activities(user),
        "waiting": {
            key: queryset.count()
            for key, queryset in selectors.awaiting_supervision(user).items()
        },
    }
    if standings:
        members = compliance.member_standings(volunteers, period)
        teams = compliance.team_standings(nodes, period)
        figures["member_summary"] = compliance.summary(members.values())
        figures["team_summary"] = compliance.summary(teams.values())
        figures["member_counts"] = compliance.labelled(figures["member_summary"])
        figures["team_counts"] = compliance.labelled(figures["team_summary"])
    return figures


class DashboardView(RequiresAnywhere, AdminPageMixin, TemplateView):
    template_name = "activities/admin/dashboard.html"
    page_title = "统计"

    def get_context_data(self, **kwargs):
        year = year_param(self.request, timezone.localdate().year)
        figures = dashboard_figures(self.request.user, year)
        hours = figures["hours"]
        return {
            **super().get_context_data(**kwargs),
            **figures,
            "hours_chart": charts.bar_chart(
                f"{year}年各季度服务时数",
                [f"第{q}季度" for q in (1, 2, 3, 4)],
                [
                    (Activity.Ledger.SERVICE.label, hours[Activity.Ledger.SERVICE]),
                    (Activity.Ledger.PARTY.label, hours[Activity.Ledger.PARTY]),
                ],
            ),
            "member_chart": charts.stacked_bar(
                "党员义工年度达标情况", compliance.labelled(figures["member_summary"])
            ),
            "team_chart": charts.stacked_bar(
                "队伍年度达标情况", compliance.labelled(figures["team_summary"])
            ),
        }
