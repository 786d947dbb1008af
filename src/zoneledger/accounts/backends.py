"""The lockout check in front of Django's password check, and the password check's own conditions."""

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.utils import timezone


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' lockout check (5 failures per account and per address lock for 30 minutes).

    Every log-in through a page passes the request; the only callers without one are Python
    code and Django's test client, which have no address to lock, so they go straight to the
    password check instead of failing.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        try:
            return super().authenticate(request, username=username, password=password, **kwargs)
        except AxesBackendPermissionDenied:
            request.attempt_while_locked = True  # audited as a failed log-in, not as a new lockout
            raise


class AccountBackend(ModelBackend):
    """Django's password check, refusing also an account not yet confirmed by a business administrator and a
    generated initial password older than a day — with the answer of a wrong password, naming nothing."""

    def user_can_authenticate(self, user):
        return super().user_can_authenticate(user) and getattr(user, "confirmed", True)

    def authenticate(self, request, username=None, password=None, **kwargs):
        user = super().authenticate(request, username=username, password=password, **kwargs)
        expires = getattr(user, "initial_password_expires_at", None)
        if user is not None and expires is not None and expires < timezone.now():
            return None
        return user

    def get_user(self, user_id):
        """The user a session names, with their org: every signed-in page's header and scope read it."""
        user = get_user_model()._default_manager.select_related("org").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
