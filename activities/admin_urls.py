from django.urls import path

from .views import activities, archive, commitments, compliance, dashboard, reports

app_name = "activities"
urlpatterns = [
    path("", activities.ActivityIndexView.as_view(), name="index"),
    path("new/", activities.ActivityCreateView.as_view(), name="add"),
    path("<pk:pk>/", activities.ActivityDetailView.as_view(), name="activity"),
    path("<pk:pk>/edit/", activities.ActivityEditView.as_view(), name="edit"),
    path("<pk:pk>/cancel/", activities.ActivityCancelView.as_view(), name="cancel"),
    path("<pk:pk>/decide/", activities.ActivityDecideView.as_view(), name="decide"),
    path("<pk:pk>/signups/", activities.SignUpAddView.as_view(), name="signup_add"),
    path(
        "signups/<pk:pk>/checkin/",
        activities.SignUpActionView.as_view(what="checkin"),
        name="signup_checkin",
    ),
    path(
        "signups/<pk:pk>/cancel/",
        activities.SignUpActionView.as_view(what="cancel"),
        name="signup_cancel",
    ),
    path(
        "records/<pk:pk>/<slug:what>/",
        activities.RecordActionView.as_view(),
        name="record_action",
    ),
    path("approvals/", activities.ApprovalsView.as_view(), name="approvals"),
    path("archive/", archive.ArchiveView.as_view(), name="archive"),
    path(
        "archive/export.xlsx",
        archive.ArchiveExportView.as_view(fmt="xlsx"),
        name="archive_xlsx",
    ),
    path(
        "archive/export.pdf",
        archive.ArchiveExportView.as_view(fmt="pdf"),
        name="archive_pdf",
    ),
    path("izhiyuan/", archive.IzhiyuanExportView.as_view(), name="izhiyuan"),
    path(
        "volunteers/<pk:pk>/", archive.VolunteerServiceView.as_view(), name="volunteer"
    ),
    path(
        "volunteers/<pk:pk>/certificates/",
        archive.CertificateIssueView.as_view(),
        name="certificate_issue",
    ),
    path(
        "certificates/<pk:pk>.pdf",
        archive.CertificatePDFView.as_view(),
        name="certificate_pdf",
    ),
    path("compliance/", compliance.ComplianceView.as_view(), name="compliance"),
    path(
        "volunteers/<pk:pk>/evidence.<slug:fmt>",
        compliance.EvidenceView.as_view(),
        name="evidence",
    ),
    path(
        "volunteers/<pk:pk>/exemptions/",
        compliance.ExemptionGrantView.as_view(),
        name="exemption_grant",
    ),
    path(
        "exemptions/<pk:pk>/revoke/",
        compliance.ExemptionRevokeView.as_view(),
        name="exemption_revoke",
    ),
    path("reports/", reports.ReportIndexView.as_view(), name="reports"),
    path("reports/new/", reports.ReportGenerateView.as_view(), name="report_generate"),
    path("reports/<pk:pk>/", reports.ReportDetailView.as_view(), name="report"),
    path(
        "reports/<pk:pk>/regenerate/",
        reports.ReportRegenerateView.as_view(),
        name="report_regenerate",
    ),
    path(
        "reports/<pk:pk>/submit/",
        reports.ReportSubmitView.as_view(),
        name="report_submit",
    ),
    path(
        "reports/<pk:pk>/decide/",
        reports.ReportDecideView.as_view(),
        name="report_decide",
    ),
    path(
        "reports/<pk:pk>/report.pdf", reports.ReportPDFView.as_view(), name="report_pdf"
    ),
    path("commitments/", commitments.CommitmentIndexView.as_view(), name="commitments"),
    path(
        "commitments/new/",
        commitments.CommitmentCreateView.as_view(),
        name="commitment_add",
    ),
    path(
        "commitments/<pk:pk>/",
        commitments.CommitmentEditView.as_view(),
        name="commitment",
    ),
    path("dashboard/", dashboard.DashboardView.as_view(), name="dashboard"),
]
