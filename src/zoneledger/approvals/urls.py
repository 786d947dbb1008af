from django.urls import path

from . import views

app_name = "approvals"
urlpatterns = [
    path("", views.approval_list, name="approval_list"),
    path("new/", views.approval_create, name="approval_create"),
    path("match/", views.approvals_match, name="approvals_match"),
]
