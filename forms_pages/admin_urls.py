from django.urls import path

from . import review

app_name = "forms_pages_review"
urlpatterns = [
    path("applications/", review.ApplicationIndexView.as_view(), name="applications"),
    path(
        "applications/<pk:pk>/",
        review.ApplicationDetailView.as_view(),
        name="application",
    ),
    path(
        "applications/<pk:pk>/files/<slug:field>/",
        review.ApplicationAttachmentView.as_view(),
        name="application_file",
    ),
    path(
        "applications/<pk:pk>/application.pdf",
        review.ApplicationPDFView.as_view(),
        name="application_pdf",
    ),
    path(
        "applications/<pk:pk>/approve/",
        review.ApplicationApproveView.as_view(),
        name="application_approve",
    ),
    path(
        "applications/<pk:pk>/reject/",
        review.ApplicationRejectView.as_view(),
        name="application_reject",
    ),
    path(
        "registrations/", review.RegistrationIndexView.as_view(), name="registrations"
    ),
    path(
        "registrations/<pk:pk>/",
        review.RegistrationDecisionView.as_view(),
        name="registration",
    ),
]
