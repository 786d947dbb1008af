"""Out-of-scope probes: a signed-in user's 404s on the product's pages are audited and, past a limit, held back.

A page answers 404 alike for a record that does not exist and for one out of the user's scope, so a zone user
learns nothing of another zone's ids; trying them is still a security event, recorded (`access.not_found`) as a
refused request (403) is. More than ZONELEDGER_PROBE_LIMIT of them within ZONELEDGER_PROBE_WINDOW_MINUTES and
the user is held back for that many minutes: every page whose address names a record (an id in the path)
answers 429 in their language, the rest of the product works, and the moment is recorded once
(`access.probes_limited`), not each held-back request. The count is the user's records in the audit trail, so
logging in again does not reset it.

Not recorded: addresses that match no page (a typo, /favicon.ico, a missing static file, a scanner's
/wp-login.php), which say nothing of another zone; the admin site's (reference data, not scoped); and anonymous
requests (every page that takes an id sends them to the log-in first).
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from zoneledger.audit.actions import Action
from zoneledger.audit.models import AuditRecord
from zoneledger.audit.services import record as audit_record
from zoneledger.core.http import is_partial

HELD_BACK_UNTIL = "zl_probes_held_back_until"


def _on_a_product_page(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    match = request.resolver_match
    return bool(user and user.is_authenticated) and match is not None and match.app_name != "admin"


def _held_back_until(request: HttpRequest) -> datetime | None:
    value = request.session.get(HELD_BACK_UNTIL)
    until = parse_datetime(value) if value else None
    return until if until is not None and until > timezone.now() else None


def held_back(request: HttpRequest, until: datetime) -> HttpResponse:
    """The 429 page (its message alone for htmx), saying for how many minutes more, with Retry-After."""
    seconds = max(1, int((until - timezone.now()).total_seconds()))
    minutes = -(-seconds // 60)
    template = "accounts/probes_held_back.html#message" if is_partial(request) else "accounts/probes_held_back.html"
    response = TemplateResponse(request, template, {"minutes": minutes}, status=429)
    response["Retry-After"] = str(seconds)
    return response.render()


def not_found(request: HttpRequest) -> HttpResponse | None:
    """For a 404 on one of the product's pages to a signed-in user: audit the probe and answer None (the 404 page),
    or, over the limit, hold the user back and answer the 429 page. None for every other 404."""
    if not _on_a_product_page(request):
        return None
    until = _held_back_until(request)
    if until is not None:
        return held_back(request, until)
    user, now = request.user, timezone.now()
    window = timedelta(minutes=settings.ZONELEDGER_PROBE_WINDOW_MINUTES)
    recent = AuditRecord.objects.of_actor_since(user, Action.ACCESS_NOT_FOUND, now - window).count()
    where = f"{request.method} {request.path}"[:500]
    if recent < settings.ZONELEDGER_PROBE_LIMIT:
        audit_record(actor=user, action=Action.ACCESS_NOT_FOUND, success=False, message=where)
        return None
    until = now + window
    request.session[HELD_BACK_UNTIL] = until.isoformat()
    if not AuditRecord.objects.of_actor_since(user, Action.ACCESS_PROBES_LIMITED, now - window).exists():
        audit_record(
            actor=user,
            action=Action.ACCESS_PROBES_LIMITED,
            success=False,
            message=where,
            after={"not_found": recent, "minutes": settings.ZONELEDGER_PROBE_WINDOW_MINUTES, "until": until},
        )
    return held_back(request, until)


class ProbeLimitMiddleware:
    """While a user is held back, answer 429 to their requests for pages that name a record, before the view."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not (view_args or view_kwargs) or not _on_a_product_page(request):
            return None
        until = _held_back_until(request)
        return held_back(request, until) if until is not None else None
