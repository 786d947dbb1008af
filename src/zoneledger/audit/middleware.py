import uuid

from zoneledger.core.addresses import client_address

from .context import RequestContext, current_request


class RequestContextMiddleware:
    """Give every request an id (echoed in X-Request-ID) and remember its source address for the audit trail."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = str(uuid.uuid4())
        token = current_request.set(
            RequestContext(source_address=client_address(request), request_id=request.request_id)
        )
        try:
            response = self.get_response(request)
        finally:
            current_request.reset(token)
        response["X-Request-ID"] = request.request_id
        return response
