from django.urls import path

from . import views

app_name = "campaigns"
urlpatterns = [
    path("", views.RoundListView.as_view(), name="round_list"),
    path("new/", views.RoundCreateView.as_view(), name="round_create"),
    path("<int:year>-<int:sequence>/", views.RoundDetailView.as_view(), name="round_detail"),
    path("<int:year>-<int:sequence>/edit/", views.RoundUpdateView.as_view(), name="round_update"),
    path("<int:year>-<int:sequence>/bulletin.xlsx", views.BulletinDownloadView.as_view(), name="round_bulletin"),
]
