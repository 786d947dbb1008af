"""Log in and out, the second factor, changing one's password."""

import base64
import io

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key
from django_otp.qr import write_qrcode_image

from zoneledger.audit.actions import Action
from zoneledger.audit.services import record as audit_record

from . import probes, selectors, services, session
from .choices import Role
from .forms import ChangePasswordForm, EnrolForm, LoginForm, TokenForm
from .passwords import password_expired

ENROL_KEY = "zl_totp_key"


ADMINISTRATOR_HOMES = {
    Role.SYSADMIN: "accounts:user_list",
    Role.SECADMIN: "accounts:security",
    Role.AUDITOR: "audit:record_list",
}


def home_of(user):
    """Where a user lands after logging in: the administrators on their own page, everyone else on the dashboard."""
    return resolve_url(ADMINISTRATOR_HOMES.get(user.role, settings.LOGIN_REDIRECT_URL))


def lockout_minutes():
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


class LoginView(auth_views.LoginView):
    """Django's log-in page with our form; then on to the second factor when one is due."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return super().get_context_data(lockout_minutes=lockout_minutes(), **kwargs)

    def get_success_url(self):
        target = self.get_redirect_url() or home_of(self.request.user)
        if session.second_factor_due(self.request.session):
            return f"{reverse('accounts:second_factor')}?{urlencode({'next': target})}"
        return target


def locked_out(request, response, credentials):
    """django-axes' answer to a locked account or address, or to an address that must still wait after its
    failures (accounts/lockout.py): the same page whether or not the account exists."""
    wait = getattr(request, "login_wait_seconds", None)
    context = {"lockout_minutes": lockout_minutes(), "wait_seconds": wait}
    page = render(request, "accounts/locked_out.html", context, status=429)
    if wait:
        page["Retry-After"] = str(wait)
    return page


class LogoutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.info(request, _("You have logged out."))
        return response


def safe_next(request):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return home_of(request.user)


@login_required
@require_http_methods(["GET", "POST"])
def second_factor(request):
    """Ask for the code of the user's authenticator (or a recovery code) after the password."""
    if session.second_factor_due(request.session) == "enrol":
        return redirect("accounts:second_factor_enrol")
    if not session.second_factor_due(request.session):
        return redirect(safe_next(request))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = services.second_factor_verify(user=request.user, token=form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            session.second_factor_done(request.session)
            with services.renewed_session_key(request.session):  # the log-in is complete only now
                request.session.cycle_key()
            return redirect(safe_next(request))
        form.add_error("token", _("That code is not right, or it was used already."))
    return render(request, "accounts/second_factor.html", {"form": form, "next": safe_next(request)})


def qr_code_data_uri(device):
    out = io.BytesIO()
    write_qrcode_image(device.config_url, out)
    return "data:image/svg+xml;base64," + base64.b64encode(out.getvalue()).decode()


@login_required
@require_http_methods(["GET", "POST"])
def second_factor_enrol(request):
    """Set up an authenticator app: show its secret as a QR code, confirm with one code, hand out recovery codes."""
    if session.second_factor_due(request.session) == "verify":
        # Knowing the password is not enough to replace the device that is due to be checked.
        return redirect("accounts:second_factor")
    if request.method == "GET" and "replace" not in request.GET:
        device = selectors.authenticator_of(user=request.user)
        if device is not None:
            return render(request, "accounts/second_factor_enrolled.html", {"device": device})
    key = request.session.get(ENROL_KEY)
    if key is None:
        key = request.session[ENROL_KEY] = default_key()
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.second_factor_enrol(user=request.user, key=key, token=form.cleaned_data["token"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            del request.session[ENROL_KEY]
            session.second_factor_done(request.session)
            return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": safe_next(request)})
    device = TOTPDevice(user=request.user, key=key)
    context = {
        "form": form,
        "qr_code": qr_code_data_uri(device),
        "secret": base64.b32encode(device.bin_key).decode(),
        "required": request.user.is_administrator,
    }
    return render(request, "accounts/second_factor_enrol.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request):
    """Change one's own password (also where an expired or assigned password sends the user)."""
    form = ChangePasswordForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_change(user=request.user, password=form.cleaned_data["new_password1"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            with services.renewed_session_key(request.session):
                update_session_auth_hash(request, request.user)
            messages.success(request, _("Your password was changed."))
            return redirect(safe_next(request))
    return render(request, "accounts/password_change.html", {"form": form, "expired": password_expired(request.user)})


def permission_denied(request, exception):
    """Record a refused request in the audit trail (a security event), then answer with Django's 403 page."""
    user = request.user if request.user.is_authenticated else None
    audit_record(
        actor=user, action=Action.ACCESS_DENIED, success=False, message=f"{request.method} {request.path}"[:500]
    )
    return defaults.permission_denied(request, exception)


def page_not_found(request, exception):
    """Django's 404 page; for a signed-in user's 404 on one of the product's pages, a probe audited first, and the
    "held back" page (429) once they are over the limit (`probes.py`)."""
    return probes.not_found(request) or defaults.page_not_found(request, exception)
