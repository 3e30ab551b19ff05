from django.urls import path

from . import views

app_name = "rosters"
urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("template.xlsx", views.TemplateDownloadView.as_view(), name="template"),
    path("nodes/<pk:node_id>/import/", views.UploadView.as_view(), name="upload"),
    path("nodes/<pk:node_id>/export/", views.ExportView.as_view(), name="export"),
    path("imports/<pk:pk>/", views.ImportView.as_view(), name="import"),
    path("imports/<pk:pk>/confirm/", views.ConfirmView.as_view(), name="confirm"),
    path("imports/<pk:pk>/status/", views.StatusView.as_view(), name="import_status"),
    path("imports/<pk:pk>/abandon/", views.AbandonView.as_view(), name="abandon"),
    path(
        "imports/<pk:pk>/failed.xlsx",
        views.FailedRowsView.as_view(),
        name="failed_rows",
    ),
]
