from django.urls import path

from . import views

app_name = "progress"
urlpatterns = [
    path("", views.month_page, name="month"),
    path("submit/", views.month_submit, name="month_submit"),
    path("rows/<int:pk>/<int:year>/<int:number>/", views.month_row, name="month_row"),
    path("review/", views.review_queue, name="queue"),
    path("review/badge/", views.queue_badge, name="queue_badge"),
    path("plans/", views.plan_page, name="plans"),
    path("plans/export/", views.plan_export, name="plan_export"),
    path("photos/<int:pk>/", views.report_photo, name="report_photo"),
    path("photos/<int:pk>/remove/", views.report_photo_remove, name="report_photo_remove"),
    path("projects/<int:pk>/", views.project_reports, name="project_reports"),
    path("projects/<int:pk>/plan/<int:year>/", views.plan_edit, name="plan_edit"),
    path("projects/<int:pk>/<int:year>-<int:number>/", views.report_edit, name="report_edit"),
]
