"""设置 → 登录锁定: current login lockouts, and unlocking them (superusers only)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from website.login_lockout import current_lockouts, lockout_minutes, unlock


class LoginLockoutsView(WagtailAdminTemplateMixin, TemplateView):
    page_title = "登录锁定"
    header_icon = "lock"
    template_name = "website/admin/login_lockouts.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(lockouts=current_lockouts(), minutes=lockout_minutes())
        return context

    def post(self, request):
        kind = request.POST.get("kind")
        value = request.POST.get("value", "").strip()
        if kind in ("username", "ip_address") and value:
            unlock(kind, value, by=request.user)
            label = "账号" if kind == "username" else "IP地址"
            messages.success(request, f"已解除{label}“{value}”的登录锁定。")
        return redirect("login_lockouts")


login_lockouts = LoginLockoutsView.as_view()
