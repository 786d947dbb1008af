"""Forms of the log-in, second-factor and password pages."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    """Django's log-in form; its one error message never says whether the user name exists."""

    error_messages = {
        "invalid_login": _("The user name or password is not right. Note that both are case-sensitive."),
        "inactive": _("The user name or password is not right. Note that both are case-sensitive."),
    }


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
        help_text=_("The 6-digit code from your authenticator app, or one of your recovery codes."),
    )


class EnrolForm(forms.Form):
    token = forms.CharField(
        label=_("Code from the app"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


class ChangePasswordForm(PasswordChangeForm):
    """Django's form (old password, new twice); saving goes through `accounts.services.password_change`."""
