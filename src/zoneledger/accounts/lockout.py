"""How django-axes counts failed log-ins: per client address and per account, each on its own.

- An address: after each failure from it, its next try waits twice as long as the one before (1, 2, 4, 8 s by
  default, `ZONELEDGER_LOGIN_DELAY_SECONDS`); a try that comes sooner is refused unchecked. Five failures
  (`AXES_FAILURE_LIMIT`) lock the address for the lockout period.
- An account: ten failures (`ZONELEDGER_LOCKOUT_ACCOUNT_FAILURES`) lock it, from whatever addresses. Since one
  address is locked at five, locking an account takes two addresses at least: naming an administrator from one
  address no longer locks them out (issue 20), and guessing one account's password from many addresses is still
  stopped at ten tries per lockout period.

A try refused while locked or too early is not a failure (its password is never checked): it neither extends a
lock nor counts against the account (`AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False`).
"""

import math
from datetime import timedelta

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Sum
from django.utils import timezone

from .services import own_failures_clear


class AccountLockoutHandler(AxesDatabaseHandler):
    """Axes' database handler with the two limits above, the delays, and a success that clears only the failures
    against the account that logged in.

    Axes' own reset deletes every attempt matching any lockout parameter, the address included: so logging in to
    one's own account from an address wiped the failures made from it against someone else's, and guessing could
    go on for ever, four tries at a time (issue 20). Here the victim's failures stay until their lockout period
    ends or an administrator lifts it.
    """

    def reset_user_attempts(self, request, credentials=None):
        return own_failures_clear(username=get_client_username(request, credentials) or "")

    def get_failures(self, request, credentials=None):
        """The failures axes compares with `AXES_FAILURE_LIMIT` (once, for both parameters): the address's own,
        or that limit itself once the account's failures reach the account's limit."""
        recent = AccessAttempt.objects.filter(attempt_time__gte=get_cool_off_threshold(request))
        address = _failures(recent.filter(ip_address=request.axes_ip_address))
        username = get_client_username(request, credentials)
        if username and _failures(recent.filter(username=username)) >= settings.ZONELEDGER_LOCKOUT_ACCOUNT_FAILURES:
            return max(address, settings.AXES_FAILURE_LIMIT)
        return address

    def is_locked(self, request, credentials=None):
        return super().is_locked(request, credentials) or self._too_early(request)

    def _too_early(self, request):
        """Whether the address must still wait after its failures; the seconds left go on the request for the page."""
        recent = AccessAttempt.objects.filter(
            ip_address=request.axes_ip_address, attempt_time__gte=get_cool_off_threshold(request)
        ).aggregate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        wait = login_delay(recent["failures"] or 0)
        if not wait:
            return False
        left = (recent["last"] + wait - request.axes_attempt_time).total_seconds()
        if left <= 0:
            return False
        request.login_wait_seconds = math.ceil(left)
        return True


def locked_usernames(usernames):
    """Those of `usernames` whose account is locked out now (its failures reached the account's limit)."""
    recent = AccessAttempt.objects.filter(
        username__in=usernames, attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME
    )
    failures = recent.values("username").annotate(failures=Sum("failures_since_start"))
    limit = settings.ZONELEDGER_LOCKOUT_ACCOUNT_FAILURES
    return {row["username"] for row in failures.order_by() if row["failures"] >= limit}


def _failures(attempts):
    return attempts.aggregate(failures=Sum("failures_since_start"))["failures"] or 0


def login_delay(failures: int) -> timedelta:
    """How long an address waits after its `failures`-th failure before its next try: none before the first."""
    if failures < 1:
        return timedelta(0)
    return timedelta(seconds=settings.ZONELEDGER_LOGIN_DELAY_SECONDS * 2 ** (failures - 1))
