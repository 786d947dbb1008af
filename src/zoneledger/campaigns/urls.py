from django.urls import path

from . import views

# A round's bulletin (/rounds/2023-4/) is a report: reports/urls.py routes it.

app_name = "campaigns"
urlpatterns = [
    path("", views.RoundListView.as_view(), name="round_list"),
    path("new/", views.RoundCreateView.as_view(), name="round_create"),
    path("targets/", views.targets_this_year, name="targets_this_year"),
    path("targets/<int:year>/", views.TargetsView.as_view(), name="targets"),
    path("<str:province>/<int:year>-<int:sequence>/edit/", views.RoundUpdateView.as_view(), name="round_update"),
]
