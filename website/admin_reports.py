"""Wagtail's own exporting listings (reports, redirects) with the site's download rules.

Wagtail's reports (网站历史 among them, scoped for registry records by
RegistryLogEntryManager.viewable_by_user) and the redirects listing export
through SpreadsheetExportMixin. ``safe_export_urlpatterns`` gives the same
paths served by subclasses with registry.downloads.SafeSpreadsheetExportMixin;
website/urls.py puts them before Wagtail's admin URLs, so they are matched
first, while reverse() of Wagtail's URL names still gives the same paths.
"""

from django.urls import path
from wagtail.admin.auth import require_admin_access
from wagtail.admin.views.mixins import SpreadsheetExportMixin

from registry.downloads import SafeSpreadsheetExportMixin


def safe_export_urlpatterns(patterns):
    """The exporting class-based views of ``patterns``, with safe downloads."""
    safe = []
    for pattern in patterns:
        view_class = getattr(pattern.callback, "view_class", None)
        if view_class is None or not issubclass(view_class, SpreadsheetExportMixin):
            continue
        subclass = type(
            view_class.__name__,
            (SafeSpreadsheetExportMixin, view_class),
            {"__module__": __name__},
        )
        view = subclass.as_view(**pattern.callback.view_initkwargs)
        # The same check as every other admin URL (wagtail.admin.urls).
        safe.append(path(str(pattern.pattern), require_admin_access(view)))
    return safe
