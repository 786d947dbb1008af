"""The administrators' pages: the system administrator's accounts, the security administrator's locks and sessions."""

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import messages
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import lockout, services
from .choices import Role
from .forms import NewUserForm, UnlockForm, UserForm
from .models import LoginSession, User
from .permissions import role_required

system_admin_only = role_required(Role.SYSADMIN)
security_admin_only = role_required(Role.SECADMIN)


@system_admin_only
@require_GET
def user_list(request):
    """Every account, searchable by name, display name or org unit."""
    users = User.objects.select_related("org").order_by("org__kind", "org__name", "username")
    query = request.GET.get("q", "").strip()
    if query:
        users = users.filter(
            Q(username__icontains=query) | Q(display_name__icontains=query) | Q(org__name__icontains=query)
        )
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    context = {"page": page, "query": query, "locked_administrators": locked_administrators(request.user)}
    return render(request, "accounts/user_list.html", context)


@system_admin_only
@require_http_methods(["GET", "POST"])
def user_create(request):
    form = NewUserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.user_create(
                actor=request.user,
                username=data["username"],
                org=data["org"],
                role=data["role"],
                display_name=data["display_name"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return initial_password_page(request, user, user.initial_password)
    return render(request, "accounts/user_form.html", {"form": form, "title": _("New account")})


def initial_password_page(request, user, password):
    """The generated password, shown this once (never stored in clear, not cached by the browser)."""
    response = render(request, "accounts/initial_password.html", {"account": user, "password": password})
    response["Cache-Control"] = "no-store"
    return response


def user_page(request, user, *, form=None, status=200):
    context = {
        "form": form or UserForm(instance=user),
        "account": user,
        "title": user.username,
    }
    return render(request, "accounts/user_form.html", context, status=status)


def managed_user(request, pk):
    """The business account `pk`, or 403 when it is the manager's own or an administrator's."""
    user = get_object_or_404(User, pk=pk)
    services.check_user_manager(request.user, user=user)
    return user


@system_admin_only
@require_http_methods(["GET", "POST"])
def user_edit(request, pk):
    """Edit a business account's permissions."""
    user = managed_user(request, pk)
    # The form validates a copy, so that the service still sees the permissions as they were before.
    form = UserForm(request.POST or None, instance=User.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.user_update(
                actor=request.user,
                user=user,
                org=data["org"],
                role=data["role"],
                is_active=data["is_active"],
                display_name=data["display_name"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Account %(name)s saved.") % {"name": user.username})
            return redirect("accounts:user_list")
    return user_page(request, user, form=form, status=400 if form.errors else 200)


@system_admin_only
@require_POST
def user_password(request, pk):
    """Give a business account a new generated password, shown once; its owner must change it at the next log-in."""
    user = managed_user(request, pk)
    return initial_password_page(request, user, services.password_reset(actor=request.user, user=user))


def locked_attempts():
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    return AccessAttempt.objects.filter(
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT, attempt_time__gte=since
    ).order_by("-attempt_time")


def security_page(request, *, unlock_form=None, status=200):
    context = {
        "locked": locked_attempts(),
        "sessions": LoginSession.objects.filter(
            session_key__in=Session.objects.filter(expire_date__gt=timezone.now()).values("session_key")
        ).select_related("user", "user__org"),
        "devices": TOTPDevice.objects.filter(confirmed=True).select_related("user").order_by("user__username"),
        "unlock_form": unlock_form or UnlockForm(),
        "locked_administrators": locked_administrators(request.user),
    }
    return render(request, "accounts/security.html", context, status=status)


@security_admin_only
@require_GET
def security(request):
    """Locked accounts and addresses, signed-in sessions, accounts with two-factor on."""
    return security_page(request)


@security_admin_only
@require_POST
def lockout_release(request):
    form = UnlockForm(request.POST)
    if form.is_valid():
        services.lockout_release(
            actor=request.user, username=form.cleaned_data["username"], ip_address=form.cleaned_data["ip_address"]
        )
        messages.success(request, _("Unlocked."))
        return redirect("accounts:security")
    return security_page(request, unlock_form=form, status=400)


def locked_administrators(actor):
    """The other administrator's accounts that are locked out, which `actor` may unlock (services.UNLOCKS)."""
    others = User.objects.filter(role=services.UNLOCKS[actor.role], is_active=True).order_by("username")
    locked = lockout.locked_usernames([user.username for user in others])
    return [user for user in others if user.username in locked]


@role_required(Role.SYSADMIN, Role.SECADMIN)
@require_POST
def account_unlock(request, pk):
    """The system administrator unlocks the security administrator's account, and the reverse."""
    user = get_object_or_404(User, pk=pk)
    services.account_unlock(actor=request.user, user=user)
    messages.success(request, _("%(name)s is unlocked.") % {"name": user.username})
    return redirect("accounts:user_list" if request.user.role == Role.SYSADMIN else "accounts:security")


@security_admin_only
@require_POST
def session_end(request, pk):
    login_session = get_object_or_404(LoginSession.objects.select_related("user"), pk=pk)
    services.session_end(actor=request.user, login_session=login_session)
    messages.success(request, _("Session of %(name)s ended.") % {"name": login_session.user.username})
    return redirect("accounts:security")


@security_admin_only
@require_POST
def second_factor_reset(request, pk):
    user = get_object_or_404(User, pk=pk)
    services.second_factor_reset(actor=request.user, user=user)
    messages.success(request, _("Two-factor authentication of %(name)s was reset.") % {"name": user.username})
    return redirect("accounts:security")


business_admin_only = role_required(Role.ADMIN)


@business_admin_only
@require_GET
def confirmations(request):
    """A business administrator's list: new accounts and raised roles in their scope that wait for them."""
    return render(request, "accounts/confirmations.html", {"waiting": services.awaiting_confirmation(request.user)})


@business_admin_only
@require_POST
def user_confirm(request, pk):
    """Confirm one account or raised role; out of the administrator's scope, or nothing waiting, is a 404."""
    user = services.user_confirm(actor=request.user, user=get_object_or_404(User, pk=pk))
    messages.success(request, _("Account %(name)s confirmed.") % {"name": user.username})
    return redirect("accounts:confirmations")
