"""The 服务活动 menu, its admin URLs, the home panel, buttons on registry records, log texts."""

from django.urls import include, path, reverse
from django.utils import timezone
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.widgets.button import HeaderButton
from wagtail.log_actions import LogFormatter
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from registry import policy
from registry.models import OrgNode, Volunteer

from . import admin_urls
from .models import (
    Activity,
    ActivityLogEntry,
    Certificate,
    Commitment,
    Evaluation,
    Exemption,
    QuarterlyReport,
    ServiceRecord,
    SignUp,
)
from .views.dashboard import dashboard_figures


@hooks.register("register_admin_urls")
def register_activity_urls():
    return [path("activities/", include(admin_urls, namespace="activities"))]


class ScopedMenuItem(MenuItem):
    """Shown to users who may do ``action`` somewhere in the tree."""

    def __init__(self, *args, action="view", **kwargs):
        self.action = action
        super().__init__(*args, **kwargs)

    def is_shown(self, request):
        return policy.may_anywhere(request.user, self.action)


class ActivitiesMenuItem(SubmenuMenuItem):
    def is_shown(self, request):
        return policy.may_anywhere(request.user, "view")


MENU = (
    ("统计", "activities:dashboard", "view", "table"),
    ("活动", "activities:index", "view", "date"),
    ("待上级审核", "activities:approvals", "supervise", "tasks"),
    ("服务档案", "activities:archive", "view", "doc-full"),
    ("年度达标", "activities:compliance", "view", "success"),
    ("季报表", "activities:reports", "view", "clipboard-list"),
    ("公开承诺", "activities:commitments", "view", "pick"),
    ("导出到i志愿", "activities:izhiyuan", "reveal_id_number", "download"),
)


@hooks.register("register_admin_menu_item")
def register_activities_menu():
    items = [
        ScopedMenuItem(
            label,
            reverse(name),
            action=action,
            icon_name=icon,
            name=name.split(":")[1],
            order=100 + index,
        )
        for index, (label, name, action, icon) in enumerate(MENU)
    ]
    return ActivitiesMenuItem(
        "服务活动",
        Menu(items=items),
        name="activities",
        icon_name="calendar-check",
        order=260,
    )


class DashboardPanel(Component):
    """The admin home's summary of the user's subtree this year."""

    name = "activities_summary"
    order = 90
    template_name = "activities/admin/home_panel.html"

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context=None):
        return dashboard_figures(self.user, timezone.localdate().year, standings=False)


@hooks.register("construct_homepage_panels")
def add_dashboard_panel(request, panels):
    if policy.may_anywhere(request.user, "view"):
        panels.append(DashboardPanel(request.user))


@hooks.register("register_registry_record_buttons")
def register_service_buttons(record, user):
    if not policy.may(user, "view", record):
        return []
    if isinstance(record, Volunteer):
        url = reverse("activities:volunteer", args=(record.pk,))
        return [HeaderButton("服务记录", url, icon_name="date", priority=70)]
    if isinstance(record, OrgNode):
        return [
            HeaderButton(
                "年度达标",
                f"{reverse('activities:compliance')}?org={record.pk}",
                icon_name="success",
                priority=70,
            ),
            HeaderButton(
                "服务档案",
                f"{reverse('activities:archive')}?org={record.pk}",
                icon_name="doc-full",
                priority=71,
            ),
        ]
    return []


class EvaluationViewSet(SnippetViewSet):
    """服务评价等级: the marks an archive line may carry (优秀 … 不合格 by default)."""

    model = Evaluation
    menu_label = "服务评价等级"
    icon = "list-ul"
    add_to_settings_menu = True
    sort_order_field = "sort_order"
    list_display = ["name"]


register_snippet(EvaluationViewSet)


def _formatter(text):
    return type(f"Formatter_{text}", (LogFormatter,), {"label": text})


class RecordFormatter(LogFormatter):
    label = "记录服务时数"

    def format_message(self, log_entry):
        data = log_entry.data or {}
        return f"记录服务时数：{data.get('count', 0)}人，共{data.get('hours', 0)}小时"


@hooks.register("register_log_actions")
def register_activity_log_actions(actions):
    for model in (
        Activity,
        SignUp,
        ServiceRecord,
        Exemption,
        Commitment,
        QuarterlyReport,
        Certificate,
    ):
        actions.register_model(model, ActivityLogEntry)
    actions.register_action("activities.record")(RecordFormatter)
    for action, text in (
        ("activities.cancel", "取消活动"),
        ("activities.approve", "上级审核同意"),
        ("activities.reject", "上级审核不同意"),
        ("activities.return", "退回季报表"),
        ("activities.submit", "上报季报表"),
        ("activities.regenerate", "按服务档案重新生成季报表"),
        ("activities.signup", "报名"),
        ("activities.signup_cancel", "取消报名"),
        ("activities.checkin", "签到"),
        ("activities.record_remove", "删除服务记录"),
        ("activities.revoke", "撤销达标免除"),
        ("activities.fulfil", "登记践诺情况"),
    ):
        actions.register_action(action)(_formatter(text))
