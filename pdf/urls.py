from django.urls import path

from . import views

app_name = "pdf"
urlpatterns = [
    path("nodes/<pk:node_id>/roster/", views.RosterPrintView.as_view(), name="roster"),
    path(
        "nodes/<pk:node_id>/application.pdf",
        views.ApplicationFormView.as_view(),
        name="application",
    ),
    path(
        "volunteers/<pk:volunteer_id>/registration/",
        views.RegistrationPrintView.as_view(),
        name="registration",
    ),
    path(
        "volunteers/<pk:volunteer_id>/card.pdf", views.CardView.as_view(), name="card"
    ),
    path(
        "rosters/<uuid:uuid>/", views.RosterPrintJobView.as_view(), name="roster_print"
    ),
    path(
        "rosters/<uuid:uuid>/status/",
        views.RosterPrintStatusView.as_view(),
        name="roster_print_status",
    ),
    path(
        "rosters/<uuid:uuid>/lost/",
        views.RosterPrintLostView.as_view(),
        name="roster_print_lost",
    ),
    path(
        "rosters/<uuid:uuid>/download.pdf",
        views.RosterPrintDownloadView.as_view(),
        name="roster_print_download",
    ),
]
