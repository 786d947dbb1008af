"""The audit trail of logging in and out.

Django and django-axes announce these events only by signals, and every way in (the log-in page,
the admin, the test client) passes through them, so the audit records are written here.
"""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django_otp import user_has_device

from zoneledger.audit import services as audit
from zoneledger.audit.actions import Action
from zoneledger.core.addresses import client_address

from . import session
from .models import LoginSession, User


def province_of_account(username):
    """The province of the account `username` names (None for no account): its auditor sees attempts on it."""
    user = User.objects.select_related("org__zone").filter(username=username).first() if username else None
    return user.audit_province if user is not None else None


def second_factor_step(user):
    """ "verify" when the user has a device, "enrol" when their role requires one they lack, else None."""
    if user_has_device(user):
        return "verify"
    return "enrol" if user.is_administrator else None


@receiver(user_logged_in, dispatch_uid="zoneledger.login")
def on_login(sender, request, user, **kwargs):
    session.start(request.session, second_factor=second_factor_step(user))
    if request.session.session_key is None:  # a log-in over another user's session flushed it
        request.session.save()
    LoginSession.objects.update_or_create(
        session_key=request.session.session_key,
        defaults={"user": user, "source_address": client_address(request)},
    )
    audit.record(actor=user, action=Action.LOGIN, obj=user)


@receiver(user_logged_out, dispatch_uid="zoneledger.logout")
def on_logout(sender, request, user, **kwargs):
    if user is None:
        return
    LoginSession.objects.filter(session_key=request.session.session_key).delete()
    audit.record(actor=user, action=Action.LOGOUT, obj=user, message=getattr(request, "logout_reason", ""))


@receiver(user_login_failed, dispatch_uid="zoneledger.login_failed")
def on_login_failed(sender, credentials, request=None, **kwargs):
    blocked = getattr(request, "attempt_while_locked", False)
    audit.record(
        actor=None,
        actor_name=credentials.get("username") or "",
        action=Action.LOGIN_FAILED,
        province=province_of_account(credentials.get("username")),
        success=False,
        message="locked" if blocked else "",
    )


@receiver(user_locked_out, dispatch_uid="zoneledger.lockout")
def on_lockout(sender, request, username, ip_address, **kwargs):
    if getattr(request, "attempt_while_locked", False):
        return
    audit.record(
        actor=None,
        actor_name=username or "",
        action=Action.LOGIN_LOCKOUT,
        province=province_of_account(username),
        success=False,
        message=f"locked: account “{username}”, address {ip_address}",
    )
