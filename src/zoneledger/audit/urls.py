from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("", views.record_list, name="record_list"),
    path("export/", views.record_export, name="record_export"),
    path("verify/", views.chain_verify, name="chain_verify"),
    path("<int:pk>/", views.record_detail, name="record_detail"),
]
