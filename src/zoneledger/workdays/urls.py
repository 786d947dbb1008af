from django.urls import path

from . import views

app_name = "workdays"
urlpatterns = [
    path("", views.WorkdayIndexView.as_view(), name="index"),
    path("<int:year>/", views.WorkdayYearView.as_view(), name="year"),
    path("<int:year>/remove/", views.OverrideRemoveView.as_view(), name="override_remove"),
    path("<int:year>/entered/", views.YearEnterView.as_view(), name="year_enter"),
]
