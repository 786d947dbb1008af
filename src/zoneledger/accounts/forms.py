"""Forms of the log-in, second-factor and password pages."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.utils.translation import gettext_lazy as _

from .choices import ADMINISTRATOR_ROLES, Role
from .models import OrgUnit, User


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


def business_role_choices():
    return [(value, label) for value, label in Role.choices if value not in ADMINISTRATOR_ROLES]


class UserForm(forms.ModelForm):
    """A business account's name, org unit and role, as the system administrator sets them."""

    role = forms.ChoiceField(label=_("Role"), choices=business_role_choices)

    class Meta:
        model = User
        fields = ["display_name", "org", "role", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Every account is one person, known by name: no shared or anonymous accounts.
        self.fields["display_name"].required = True
        self.fields["org"].required = True
        self.fields["org"].queryset = OrgUnit.objects.order_by("kind", "name")


class NewUserForm(UserForm):
    """A new business account: no password is typed — the system generates one for its owner (三员分立)."""

    username = forms.CharField(label=_("User name"), max_length=150)

    class Meta(UserForm.Meta):
        fields = ["username", "display_name", "org", "role"]

    field_order = ["username", "display_name", "org", "role"]


class UnlockForm(forms.Form):
    username = forms.CharField(label=_("Account"), max_length=150, required=False)
    ip_address = forms.GenericIPAddressField(label=_("Address"), required=False)

    def clean(self):
        data = super().clean()
        if not data.get("username") and not data.get("ip_address"):
            raise forms.ValidationError(_("Name the account or the address to unlock."))
        return data
