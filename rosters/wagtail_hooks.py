"""Admin menu, URLs and audit-log actions of roster import and export."""

from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.log_actions import LogFormatter

from registry import roles, selectors
from registry.models import ROSTER_IMPORT_ACTION

from . import urls


class RosterMenuItem(MenuItem):
    def is_shown(self, request):
        return selectors.user_has_perm_anywhere(request.user, roles.VIEW_REGISTRY)


@hooks.register("register_admin_urls")
def register_roster_urls():
    return [path("rosters/", include(urls, namespace="rosters"))]


@hooks.register("register_admin_menu_item")
def register_roster_menu_item():
    return RosterMenuItem(
        "名册导入导出",
        reverse("rosters:index"),
        name="rosters",
        icon_name="table",
        order=310,
    )


class ImportFormatter(LogFormatter):
    label = "导入名册"

    def format_message(self, log_entry):
        data = log_entry.data
        counts = data.get("counts", {})
        return (
            f"导入名册“{data.get('file', '')}”：新增{counts.get('new', 0)}人，"
            f"更新{counts.get('updated', 0)}人"
        )


@hooks.register("register_log_actions")
def register_roster_log_actions(actions):
    actions.register_action(ROSTER_IMPORT_ACTION)(ImportFormatter)
