"""Wagtail admin hooks of the site: the login-lockout screen and its log action."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.log_actions import LogFormatter

from website import help, views_lockout
from website.login_lockout import UNLOCK_ACTION


class SuperuserMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.is_superuser


@hooks.register("register_admin_urls")
def register_lockout_urls():
    return [
        path("login-lockouts/", views_lockout.login_lockouts, name="login_lockouts"),
    ]


@hooks.register("register_admin_urls")
def register_help_urls():
    return [path("help/", help.HelpView.as_view(), name="yigong_help")]


@hooks.register("register_help_menu_item")
def register_help_menu_item():
    return MenuItem("使用指南", reverse("yigong_help"), icon_name="help", order=900)


@hooks.register("construct_help_menu")
def drop_wagtail_guide_links(request, menu_items):
    """Wagtail's own entries open guide.wagtail.org (English, off-site)."""
    menu_items[:] = [
        item
        for item in menu_items
        if item.name != "editor-guide" and not item.name.startswith("whats-new")
    ]


@hooks.register("register_settings_menu_item")
def register_lockout_menu_item():
    return SuperuserMenuItem(
        "登录锁定",
        reverse("login_lockouts"),
        name="login-lockouts",
        icon_name="lock",
        order=900,
    )


class UnlockFormatter(LogFormatter):
    label = "解除登录锁定"

    def format_message(self, log_entry):
        data = log_entry.data
        what = "账号" if data.get("kind") == "username" else "IP地址"
        return f"{data.get('by', '')}解除了{what}“{data.get('value', '')}”的登录锁定"


@hooks.register("register_log_actions")
def register_lockout_log_action(actions):
    actions.register_action(UNLOCK_ACTION)(UnlockFormatter)
