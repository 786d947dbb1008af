from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("summary/", views.YearSummaryView.as_view(), name="year_summary"),
    path("warnings/", views.WarningsView.as_view(), name="warnings"),
    path("warnings/export.xlsx", views.WarningsExportView.as_view(), name="warnings_export"),
]
