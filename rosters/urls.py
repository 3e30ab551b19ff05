from django.urls import path

from . import views

app_name = "rosters"
urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("template.xlsx", views.TemplateDownloadView.as_view(), name="template"),
    path("nodes/<int:node_id>/import/", views.UploadView.as_view(), name="upload"),
    path("nodes/<int:node_id>/export/", views.ExportView.as_view(), name="export"),
    path("imports/<int:pk>/", views.ImportView.as_view(), name="import"),
    path("imports/<int:pk>/confirm/", views.ConfirmView.as_view(), name="confirm"),
    path("imports/<int:pk>/status/", views.StatusView.as_view(), name="import_status"),
    path("imports/<int:pk>/abandon/", views.AbandonView.as_view(), name="abandon"),
    path(
        "imports/<int:pk>/failed.xlsx",
        views.FailedRowsView.as_view(),
        name="failed_rows",
    ),
]
