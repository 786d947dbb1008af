"""The request a write happens in (source address, request id), for the audit trail."""

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    source_address: str | None = None
    request_id: str = ""


NO_REQUEST = RequestContext()
current_request: ContextVar[RequestContext | None] = ContextVar("current_request", default=None)


def request_context():
    """The context of the request being served, or an empty one outside requests (commands, tests)."""
    return current_request.get() or NO_REQUEST
