"""The page where a user makes, lists and revokes their own API tokens; a new token is shown once, on the answer
to the POST that made it, and never again."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from . import tokens


class TokenForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100, help_text=gettext_lazy("What it is for."))
    expires_days = forms.IntegerField(
        label=gettext_lazy("Valid for (days)"), min_value=1, max_value=3650, required=False, initial=90
    )
    read_only = forms.BooleanField(label=gettext_lazy("Read-only"), required=False, initial=True)


@login_required
def token_list(request):
    """The user's tokens; a POST makes one and shows its secret this once."""
    form = TokenForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        _token, secret = tokens.token_create(
            actor=request.user,
            user=request.user,
            name=form.cleaned_data["name"],
            expires_days=form.cleaned_data["expires_days"],
            read_only=form.cleaned_data["read_only"],
        )
        form = TokenForm()
    context = {
        "form": form,
        "secret": secret,
        "tokens": tokens.token_list(user=request.user),
        "docs": reverse("api:openapi-view"),
    }
    response = render(request, "accounts/api_tokens.html", context)
    response["Cache-Control"] = "no-store"  # the secret must not stay in a cache
    return response


@login_required
@require_POST
def token_revoke(request, pk):
    """Revoke one of the user's own tokens (anyone else's is 404)."""
    token = tokens.token_revoke(actor=request.user, pk=pk)
    messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("accounts:api_tokens")
