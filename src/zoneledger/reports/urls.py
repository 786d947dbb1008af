from django.urls import path

from .views import dashboard, warnings, year_summary

app_name = "reports"
urlpatterns = [
    path("", dashboard.DashboardView.as_view(), name="dashboard"),
    path("summary/", year_summary.YearSummaryView.as_view(), name="year_summary"),
    path("warnings/", warnings.WarningsView.as_view(), name="warnings"),
    path("warnings/export.xlsx", warnings.WarningsExportView.as_view(), name="warnings_export"),
]
