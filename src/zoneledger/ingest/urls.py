from django.urls import path

from . import views

app_name = "ingest"
urlpatterns = [
    path("", views.UploadView.as_view(), name="upload"),
    path("ledger.xlsx", views.ledger_export, name="ledger_export"),
    path("template.xlsx", views.TemplateDownloadView.as_view(), name="template"),
    path("approvals/", views.ApprovalsImportView.as_view(), name="approvals_import"),
    path("approvals/template.xlsx", views.ApprovalsTemplateView.as_view(), name="approvals_template"),
    path("<uuid:pk>/", views.JobView.as_view(), name="job"),
    path("<uuid:pk>/confirm/", views.ConfirmView.as_view(), name="confirm"),
]
