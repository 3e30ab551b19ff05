"""Admin menu, URLs and audit-log actions of roster import and export."""

from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.log_actions import LogFormatter

from registry import policy

from . import urls


class RosterMenuItem(MenuItem):
    def is_shown(self, request):
        return policy.may_anywhere(request.user, "view")


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


class ExportFormatter(LogFormatter):
    label = "导出名册"

    def format_message(self, log_entry):
        data = log_entry.data
        ids = (
            "含完整身份证号码"
            if data.get("full_id_numbers")
            else "身份证号码已隐去部分数字"
        )
        return f"导出名册{data.get('rows', 0)}人（{ids}）"


@hooks.register("register_log_actions")
def register_roster_log_actions(actions):
    actions.register_action("rosters.export")(ExportFormatter)
