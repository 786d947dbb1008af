from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("two-factor/", views.second_factor, name="second_factor"),
    path("two-factor/set-up/", views.second_factor_enrol, name="second_factor_enrol"),
    path("password/", views.password_change, name="password_change"),
]
