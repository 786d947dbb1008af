from django.urls import path

from .views import dashboard, round_bulletin, warnings, year_summary

app_name = "reports"
urlpatterns = [
    path("", dashboard.DashboardView.as_view(), name="dashboard"),
    path("summary/", year_summary.YearSummaryView.as_view(), name="year_summary"),
    path("warnings/", warnings.WarningsView.as_view(), name="warnings"),
    path("rounds/<int:year>-<int:sequence>/", round_bulletin.RoundBulletinView.as_view(), name="round_bulletin"),
    path(
        "rounds/<int:year>-<int:sequence>/bulletin.xlsx",
        round_bulletin.RoundBulletinDownloadView.as_view(),
        name="round_bulletin_xlsx",
    ),
    path("warnings/export.xlsx", warnings.WarningsExportView.as_view(), name="warnings_export"),
]
