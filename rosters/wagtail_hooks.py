"""Admin menu, URLs and audit-log actions of roster import and export."""

from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

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
