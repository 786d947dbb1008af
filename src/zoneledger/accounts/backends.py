"""The lockout check in front of Django's password check."""

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied


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
