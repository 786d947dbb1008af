"""`/healthz` (public, no secrets) and `/metrics` (a bearer token: ZONELEDGER_METRICS_TOKEN)."""

import hmac

from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .health import health
from .metrics import exposition


@never_cache
@require_GET
def healthz(request):
    """200 when the database answers, a worker is alive and the data folder has room; else 503 naming what is
    wrong. For load balancers and monitoring: it reads no session and shows no host, path or setting."""
    checks = health()
    failing = [check.name for check in checks if not check.ok]
    body = {
        "status": "fail" if failing else "ok",
        "failing": failing,
        "checks": {
            check.name: {
                "ok": check.ok,
                **({"problem": check.problem} if check.problem else {}),
                **(check.figures or {}),
            }
            for check in checks
        },
    }
    return JsonResponse(body, status=503 if failing else 200)


@never_cache
@require_GET
def metrics(request):
    """The metrics for a Prometheus scraper holding ZONELEDGER_METRICS_TOKEN; 404 while no token is configured."""
    token = settings.ZONELEDGER_METRICS_TOKEN
    if not token:
        raise Http404
    scheme, _, offered = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(offered.strip().encode(), token.encode()):
        response = HttpResponse("a bearer token is required\n", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(exposition(), content_type="text/plain; version=0.0.4; charset=utf-8")
