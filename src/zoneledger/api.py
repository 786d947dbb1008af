"""The JSON API's root, `/api/v1/`: one NinjaAPI composed of one router per app, its authentication, and the one
mapping of errors to RFC 9457 problem documents.

Routers (`<app>/api.py`) call the same selectors and services as the pages, so the API can never disagree with
them. Whoever calls is a user — a personal API token (`Authorization: Bearer zl_…`, accounts/tokens.py) or
the browser's session (CSRF for writes) — with that user's scope and role. Every
refusal is a problem document (`zoneledger.core.api.problem`), never a page or a redirect to the log-in:

| raised | answer |
|---|---|
| no or bad credentials (a token unknown, revoked, expired, of a disabled user) | 401 (``WWW-Authenticate``) |
| a read-only token writing | 403 |
| refused tokens from one address, or a token past ZONELEDGER_API_RATE_PER_MINUTE | 429 (``Retry-After``) |
| a body over ZONELEDGER_API_MAX_BODY_KB | 413 |
| `NotAllowed`, `PermissionDenied`, a failed CSRF check | 403 |
| `NotFound` (also: out of scope), an unknown URL | 404 |
| `Conflict` (`StaleEdit`: with `current`, the object as it is now) | 409 |
| bad input: a field the schema or the form refuses, a service's `ValidationError` | 422 (with `errors`) |
| a body that is not JSON; any other `DomainError` | 400 |
"""

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaError
from ninja.openapi.docs import Swagger
from ninja.renderers import JSONRenderer
from ninja.security import APIKeyCookie, HttpBearer
from ninja.throttling import SimpleRateThrottle

from zoneledger.accounts import session, tokens
from zoneledger.accounts.passwords import password_expired
from zoneledger.approvals.api import router as approvals
from zoneledger.campaigns.api import router as rounds
from zoneledger.core.api import PROBLEM_CONTENT_TYPE, body_too_big, problem
from zoneledger.core.db import is_database_busy
from zoneledger.core.errors import Conflict, DomainError, NotAllowed, NotFound
from zoneledger.core.middleware import RETRY_AFTER_SECONDS
from zoneledger.milestones.api import router as milestones
from zoneledger.milestones.models import Milestone
from zoneledger.milestones.schemas import MilestoneOut
from zoneledger.problems.api import router as problems
from zoneledger.problems.models import Problem
from zoneledger.problems.schemas import ProblemOut
from zoneledger.progress.api import router as progress
from zoneledger.projects.api import router as projects
from zoneledger.projects.models import Project
from zoneledger.projects.schemas import ProjectOut
from zoneledger.reports.api import router as figures
from zoneledger.reports.api import warnings_router as warnings
from zoneledger.zones.api import router as zones

logger = logging.getLogger(__name__)


class TokenAuth(HttpBearer):
    """A personal API token (`Authorization: Bearer zl_…`): it acts as its user; a read-only one only reads."""

    def authenticate(self, request, token):
        found = tokens.token_authenticate(request, token)
        tokens.require_writable_token(found, request.method)
        request.user = found.user  # what the services and the audit trail see acting
        request.api_token = found  # what TokenRate counts by
        return found.user


class TokenRate(SimpleRateThrottle):
    """At most ZONELEDGER_API_RATE_PER_MINUTE requests a minute per token (0: no limit), then 429 with
    Retry-After. Counted in Django's cache by the token's digest (never reused, unlike a row's id); with the default
    per-process cache each server worker counts on its own, so the limit a client meets is up to workers × the rate
    unless CACHES names a shared cache. The browser's session is not limited: it is one person at a page."""

    def __init__(self):
        super().__init__(rate="1/min")  # replaced by the setting at each request, so a changed setting holds at once

    def allow_request(self, request):
        per_minute = settings.ZONELEDGER_API_RATE_PER_MINUTE
        if not per_minute:
            return True
        self.num_requests, self.duration = per_minute, 60
        return super().allow_request(request)

    def get_cache_key(self, request):
        token = getattr(request, "api_token", None)
        return None if token is None else f"zoneledger-api-rate-{token.digest}"


class SessionAuth(APIKeyCookie):
    """The browser's session, once its log-in is complete (second factor checked, password not expired); a write
    needs the CSRF token in X-CSRFToken, as on the pages."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request):
        if not request.user.is_authenticated:
            return None  # no CSRF check without a session: the answer is 401
        return super()._get_key(request)

    def authenticate(self, request, key):
        user = request.user
        if not user.is_authenticated or session.second_factor_due(request.session) or password_expired(user):
            return None
        return user


class Renderer(JSONRenderer):
    """JSON in UTF-8 as it is: Chinese names stay readable (and a third shorter) instead of \\u escapes."""

    json_dumps_params = {"ensure_ascii": False}


# What a client may do next with what an answer gave it, as OpenAPI links (the stateful fuzzing follows them):
# {(operation, status): {link: (next operation, {its parameter: where the value comes from})}}, operations by their
# handlers' names. `$response.body#/id` is the answer's object; a list's first item stands for any of it.
ID, SAME = "$response.body#/id", "$request.path.pk"
FIRST, FIRST_ITEM = "$response.body#/0/id", "$response.body#/items/0/id"


def _project_links(project: str) -> dict[str, tuple[str, dict[str, str]]]:
    return {
        "read": ("project_detail", {"pk": project}),
        "change": ("project_update", {"pk": project}),
        "events": ("project_events", {"pk": project}),
        "record_stage": ("event_create", {"pk": project}),
        "reports": ("report_list", {"pk": project}),
        "report_month": ("report_submit", {"pk": project}),
        "plan_milestones": ("milestones_plan", {"pk": project}),
    }


def _review_links(report: str) -> dict[str, tuple[str, dict[str, str]]]:
    return {"approve": ("report_approve", {"pk": report}), "return": ("report_return", {"pk": report})}


def _problem_links(problem: str) -> dict[str, tuple[str, dict[str, str]]]:
    return {"read": ("problem_detail", {"pk": problem}), "act": ("problem_act", {"pk": problem})}


LINKS = {
    ("project_list", 200): _project_links(FIRST_ITEM),
    ("project_create", 201): _project_links(ID),
    ("project_detail", 200): _project_links(ID),
    ("project_update", 200): _project_links(ID),
    ("event_create", 201): {"void": ("event_void", {"pk": SAME, "event_pk": ID})},
    ("project_events", 200): {"void": ("event_void", {"pk": SAME, "event_pk": FIRST})},
    ("report_submit", 201): _review_links(ID),
    ("report_list", 200): _review_links(FIRST),
    ("review_queue", 200): _review_links(FIRST_ITEM),
    ("problem_raise", 201): _problem_links(ID),
    ("problem_list", 200): _problem_links(FIRST_ITEM),
    ("problem_act", 200): _problem_links(ID),
    ("milestone_list", 200): {"complete": ("milestone_complete", {"pk": FIRST_ITEM})},
    ("milestones_plan", 201): {"complete": ("milestone_complete", {"pk": "$response.body#/milestones/0/id"})},
    ("zone_list", 200): {"read": ("zone_detail", {"pk": FIRST}), "month": ("zone_month", {"zone": FIRST})},
    ("zone_detail", 200): {"month": ("zone_month", {"zone": ID})},
    ("round_list", 200): {"read": ("round_detail", {"pk": FIRST})},
}


class LedgerAPI(NinjaAPI):
    """The NinjaAPI whose OpenAPI document says what the API sends: a refusal as `application/problem+json`; and
    what may follow an answer (`LINKS`)."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        problem_ref = {"$ref": "#/components/schemas/Problem"}
        operations_of = {}
        for operations in schema["paths"].values():
            for operation in operations.values():
                operations_of[operation["operationId"].rpartition("_api_")[2]] = operation
                for response in operation["responses"].values():
                    content = response.get("content", {})
                    if content.get("application/json", {}).get("schema") == problem_ref:
                        response["content"] = {PROBLEM_CONTENT_TYPE: content["application/json"]}
        for (name, status), links in LINKS.items():
            operations_of[name]["responses"][status]["links"] = {
                link: {"operationId": operations_of[target]["operationId"], "parameters": parameters}
                for link, (target, parameters) in links.items()
            }
        return schema


api = LedgerAPI(
    title="zoneledger",
    version="1",
    description=_("The ledger of development zones' projects: the same reads and writes as the pages."),
    urls_namespace="api",
    auth=[TokenAuth(), SessionAuth()],
    docs=Swagger(settings={"persistAuthorization": False}),
    renderer=Renderer(),
    throttle=[TokenRate()],
)
api.add_router("/projects", projects)
api.add_router("/problems", problems)
api.add_router("/rounds", rounds)
api.add_router("/figures", figures)
api.add_router("/zones", zones)
api.add_router("/progress", progress)
api.add_router("/milestones", milestones)
api.add_router("/approvals", approvals)
api.add_router("/warnings", warnings)

# The object a 409 shows as it is now, in the shape its router answers with.
CURRENT_SHAPES = {Project: ProjectOut, Problem: ProblemOut, Milestone: MilestoneOut}


def _field(location) -> str:
    """`name`, `query.page`: where a schema error is, without ninja's own framing (body, the parameter's name)."""
    parts = [str(part) for part in location]
    if parts[:1] == ["body"]:
        return ".".join(parts[2:]) or "body"
    return ".".join(parts)


@api.exception_handler(SchemaError)
def schema_error(request, error):
    errors = [{"field": _field(item["loc"]), "message": item["msg"]} for item in error.errors]
    return problem(422, _("The request has invalid fields."), errors=errors)


@api.exception_handler(ValidationError)
def invalid(request, error):
    if hasattr(error, "error_dict"):
        errors = [
            {"field": name, "message": message} for name, messages in error.message_dict.items() for message in messages
        ]
    else:
        errors = [{"field": "__all__", "message": message} for message in error.messages]
    return problem(422, _("The request has invalid fields."), errors=errors)


@api.exception_handler(tokens.TooManyFailures)
def too_many_failures(request, error):
    response = problem(429, error.message)
    response["Retry-After"] = str(error.retry_after)
    return response


@api.exception_handler(tokens.TokenRefused)
@api.exception_handler(AuthenticationError)
def unauthenticated(request, error):
    detail = error.message if isinstance(error, tokens.TokenRefused) else None
    response = problem(401, detail or _("Log in, or send a valid API token: Authorization: Bearer <token>."))
    response["WWW-Authenticate"] = 'Bearer realm="zoneledger"'
    return response


@api.exception_handler(HttpError)
def http_error(request, error):
    detail = {
        400: _("The request's body is not valid JSON."),
        403: _("The CSRF check failed: send the page's CSRF token in the X-CSRFToken header."),
        429: _("Too many requests with this API token; try again in a moment."),
    }.get(error.status_code, str(error))
    return problem(error.status_code, detail)


@api.exception_handler(RequestDataTooBig)
def too_big(request, error):
    return body_too_big()


@api.exception_handler(NotFound)
@api.exception_handler(Http404)
def not_found(request, error):
    return problem(404, error.message if isinstance(error, NotFound) else _("Not found."))


@api.exception_handler(NotAllowed)
@api.exception_handler(PermissionDenied)
def not_allowed(request, error):
    return problem(403, str(error) or _("You may not do this."))


@api.exception_handler(Conflict)
def conflict(request, error):
    shape = CURRENT_SHAPES.get(type(error.current))
    current = shape.from_orm(error.current).model_dump() if shape else None
    return problem(409, error.message, current=current)


@api.exception_handler(DomainError)
def refused(request, error):
    return problem(400, error.message)


@api.exception_handler(Exception)
def failed(request, error):
    if is_database_busy(error):
        response = problem(503, _("The database is busy. Try again in a few seconds."))
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    raise error  # Django's own handler logs and reports it


@csrf_exempt  # it changes nothing, and a write to a wrong address gets the 404, not the CSRF failure page
def unknown_url(request, path=""):
    """Anything else under /api/: a problem document, not the site's 404 page."""
    return problem(404, _("There is no such address in the API."))
