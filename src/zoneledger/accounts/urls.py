from django.urls import path

from . import api_tokens, console_views, views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("two-factor/", views.second_factor, name="second_factor"),
    path("two-factor/set-up/", views.second_factor_enrol, name="second_factor_enrol"),
    path("password/", views.password_change, name="password_change"),
    path("tokens/", api_tokens.token_list, name="api_tokens"),
    path("tokens/<int:pk>/revoke/", api_tokens.token_revoke, name="api_token_revoke"),
    path("users/", console_views.user_list, name="user_list"),
    path("users/new/", console_views.user_create, name="user_create"),
    path("users/<int:pk>/", console_views.user_edit, name="user_edit"),
    path("users/<int:pk>/password/", console_views.user_password, name="user_password"),
    path("confirmations/", console_views.confirmations, name="confirmations"),
    path("confirmations/<int:pk>/", console_views.user_confirm, name="user_confirm"),
    path("security/", console_views.security, name="security"),
    path("security/unlock/", console_views.lockout_release, name="lockout_release"),
    path("accounts/<int:pk>/unlock/", console_views.account_unlock, name="account_unlock"),
    path("security/sessions/<int:pk>/end/", console_views.session_end, name="session_end"),
    path("security/two-factor/<int:pk>/reset/", console_views.second_factor_reset, name="second_factor_reset"),
]
