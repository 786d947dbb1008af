from django.urls import path, register_converter

from .views import dashboard, round_bulletin, warnings, weekly, year_summary


class DocumentKind:
    """The bulletin document's kinds, as a URL's file suffix."""

    regex = "docx|pdf"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(DocumentKind, "document")

app_name = "reports"
urlpatterns = [
    path("", dashboard.DashboardView.as_view(), name="dashboard"),
    path("summary/", year_summary.YearSummaryView.as_view(), name="year_summary"),
    path(
        "summary/bulletin.<document:kind>", year_summary.YearSummaryDocumentView.as_view(), name="year_summary_document"
    ),
    path("warnings/", warnings.WarningsView.as_view(), name="warnings"),
    path(
        "rounds/<str:province>/<int:year>-<int:sequence>/",
        round_bulletin.RoundBulletinView.as_view(),
        name="round_bulletin",
    ),
    path(
        "rounds/<str:province>/<int:year>-<int:sequence>/bulletin.xlsx",
        round_bulletin.RoundBulletinDownloadView.as_view(),
        name="round_bulletin_xlsx",
    ),
    path(
        "rounds/<str:province>/<int:year>-<int:sequence>/bulletin.<document:kind>",
        round_bulletin.RoundBulletinDocumentView.as_view(),
        name="round_bulletin_document",
    ),
    path("weekly/", weekly.weekly_page, name="weekly"),
    path("weekly/pack.xlsx", weekly.weekly_xlsx, name="weekly_xlsx"),
    path("weekly/pack.docx", weekly.weekly_docx, name="weekly_docx"),
    path("warnings/export.xlsx", warnings.WarningsExportView.as_view(), name="warnings_export"),
]
