"""Session rules on every request: idle and absolute timeouts, a due second factor, an expired password; upload size."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from zoneledger.core.api import body_too_big, is_api_request
from zoneledger.core.http import hx_redirect

from . import session
from .passwords import password_expired

# Pages a user may reach while the second factor is still due (the enrolment view itself refuses a user
# who already has a device), and while a new password is due.
OPEN_WHILE_SECOND_FACTOR_DUE = frozenset(
    {"accounts:login", "accounts:logout", "accounts:second_factor", "accounts:second_factor_enrol", "set_language"}
)
OPEN_WHILE_PASSWORD_DUE = frozenset({"accounts:login", "accounts:logout", "accounts:password_change", "set_language"})


class SessionPolicyMiddleware:
    """End sessions idle for 30 minutes or older than the absolute lifetime; hold back users with a step still due."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.user.is_authenticated:
            return self.get_response(request)
        reason = session.expiry_reason(request.session)
        if reason is not None:
            if is_api_request(request):
                # The API answers a request without a valid log-in with 401, never a redirect to the log-in page.
                logout(request)
                return self.get_response(request)
            return self.end(request, reason)
        session.touch(request.session)
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            # Pages behind the log-in hold the province's data: no copies in shared or browser caches.
            patch_cache_control(response, private=True, no_store=True)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.user.is_authenticated or is_api_request(request):
            return None  # the API's session authentication refuses a log-in with a step due itself (401)
        view_name = request.resolver_match.view_name
        if session.second_factor_due(request.session):
            if view_name in OPEN_WHILE_SECOND_FACTOR_DUE:
                return None
            return hx_redirect(request, reverse("accounts:second_factor"))
        if view_name not in OPEN_WHILE_PASSWORD_DUE and password_expired(request.user):
            return hx_redirect(request, reverse("accounts:password_change"))
        return None

    @staticmethod
    def end(request, reason):
        request.logout_reason = reason
        logout(request)
        if reason == "idle":
            text = _("You were logged out after %(minutes)d minutes without activity. Please log in again.") % {
                "minutes": settings.ZONELEDGER_SESSION_IDLE_MINUTES
            }
        else:
            text = _("Your session reached its time limit of %(hours)d hours. Please log in again.") % {
                "hours": settings.ZONELEDGER_SESSION_MAX_HOURS
            }
        messages.info(request, text)
        return hx_redirect(request, f"{reverse('accounts:login')}?{urlencode({'next': request.get_full_path()})}")


class UploadLimitMiddleware:
    """Refuse request bodies above ZONELEDGER_UPLOAD_MAX_BYTES before anything reads them; the JSON API's above
    ZONELEDGER_API_MAX_BODY_KB, with a problem document."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if is_api_request(request) and length > settings.ZONELEDGER_API_MAX_BODY_KB * 1024:
            return body_too_big()
        if length > settings.ZONELEDGER_UPLOAD_MAX_BYTES:
            text = _("The upload is too large: the limit is %(size)d MB.") % {
                "size": settings.ZONELEDGER_UPLOAD_MAX_BYTES // (1024 * 1024)
            }
            return HttpResponse(text, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
