"""What the admin views share: breadcrumbs, scoped look-ups, downloads."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from wagtail.admin import messages
from wagtail.admin.auth import permission_denied
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from registry import policy
from registry.downloads import attachment_disposition

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class AdminPageMixin(WagtailAdminTemplateMixin):
    """Breadcrumbs 服务活动 › listing › page; a listing is (URL name, label)."""

    header_icon = "calendar-check"
    listing = None

    def get_breadcrumbs_items(self):
        items = [*super().get_breadcrumbs_items(), {"url": "", "label": "服务活动"}]
        if self.listing:
            name, label = self.listing
            items.append({"url": reverse(name), "label": label})
        return [*items, {"url": "", "label": self.get_page_title()}]


class RequiresAnywhere:
    """A page of no one record: for users who may do ``required_action`` somewhere."""

    required_action = "view"

    def dispatch(self, request, *args, **kwargs):
        if not policy.may_anywhere(request.user, self.required_action):
            return permission_denied(request)
        return super().dispatch(request, *args, **kwargs)


def scoped(queryset, pk):
    """The record ``pk`` of ``queryset`` (the user's scope): a 404 otherwise."""
    return get_object_or_404(queryset, pk=pk)


def page_of(request, items, size=PAGE_SIZE):
    return Paginator(items, size).get_page(request.GET.get("p"))


def require(user, action, obj, message):
    policy.require(user, action, obj, message)


def error_text(error):
    """A ValidationError's messages as one Chinese sentence."""
    if isinstance(error, PermissionDenied):
        return str(error) or "您没有进行此操作的权限"
    return (
        "；".join(error.messages) if isinstance(error, ValidationError) else str(error)
    )


def show_error(request, error):
    messages.error(request, error_text(error))


def download(content, filename, content_type):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = attachment_disposition(filename)
    response["Cache-Control"] = "private, no-store"
    return response


def year_param(request, default):
    """The ?year= of the request when it is a plausible year, else ``default``."""
    value = request.GET.get("year", "")
    return int(value) if value.isdigit() and 2012 <= int(value) <= 2100 else default
