from django.conf import settings
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.admin.urls import reports as wagtailadmin_reports_urls
from wagtail.contrib.redirects import urls as wagtailredirects_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from website import views
from website.admin_reports import safe_export_urlpatterns

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("sitemap.xml", sitemap, name="sitemap"),
    # Wagtail's exporting reports and redirects with the site's download rules
    # (registry.downloads): matched before the same paths in Wagtail's admin.
    path(
        "admin/reports/",
        include(safe_export_urlpatterns(wagtailadmin_reports_urls.urlpatterns)),
    ),
    path(
        "admin/redirects/",
        include(safe_export_urlpatterns(wagtailredirects_urls.urlpatterns)),
    ),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("search/", views.search, name="search"),
    path("verify/", include("pdf.public_urls")),
    path("forms/<slug:key>", views.generated_file, name="generated_file"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]
