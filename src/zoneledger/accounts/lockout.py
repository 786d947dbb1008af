"""How django-axes counts failed log-ins: per account name and per client address, each on its own."""

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt


class AccountLockoutHandler(AxesDatabaseHandler):
    """Axes' database handler, but a successful log-in clears only the failures against that same account.

    Axes' own reset deletes every attempt matching any lockout parameter, the address included: so logging in to
    one's own account from an address wiped the failures made from it against someone else's, and guessing could
    go on for ever, four tries at a time (issue 20). Here the victim's failures stay until their lockout period
    ends or the security administrator lifts it.
    """

    def reset_user_attempts(self, request, credentials=None):
        username = get_client_username(request, credentials)
        if not username:
            return 0
        return AccessAttempt.objects.filter(username=username).delete()[0]
