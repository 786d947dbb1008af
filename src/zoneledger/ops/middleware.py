"""Every request counted for the metrics and, when the logs are JSON, written as one line of the access log."""

import logging
import time

from .metrics import REQUESTS

access_log = logging.getLogger("zoneledger.requests")


class RequestMetricsMiddleware:
    """Outermost: times the whole answer (other middleware included) and records it by the URL's name."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        seconds = time.perf_counter() - started
        match = getattr(request, "resolver_match", None)
        view = match.view_name if match is not None else "unresolved"  # a 404 or a redirect before the URL map
        REQUESTS.observe(view=view, method=request.method, status=response.status_code, seconds=seconds)
        access_log.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "request_id": getattr(request, "request_id", ""),
                "view": view,
                "status_code": response.status_code,
                "duration_ms": round(seconds * 1000, 1),
            },
        )
        return response
