"""What every router of the JSON API shares: problem documents (RFC 9457) and pages of a list.

Every refusal the API gives is a problem document, `application/problem+json`: `type` (``about:blank``: the
status says it all), `title` (the status's phrase), `status`, `detail` (a sentence for the user, in their
language), and, where they help, `errors` (one per field: where and what) and `current` (the object as it is now,
for a 409). The API's root (`zoneledger/api.py`) maps each domain error to one once; routers only raise.
"""

import json
from http import HTTPStatus
from math import ceil
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.http import HttpResponse
from ninja import Schema
from pydantic import Field

PROBLEM_CONTENT_TYPE = "application/problem+json"
API_PREFIX = "/api/"
PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


def is_api_request(request) -> bool:
    """Whether the request is the JSON API's: it is answered with problem documents, never a page or a redirect."""
    return request.path_info.startswith(API_PREFIX)


class FieldError(Schema):
    """One field's refusal: where it is (`body.name`, `query.zone`, or `__all__`) and why."""

    field: str
    message: str


class Problem(Schema):
    """An RFC 9457 problem document."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    errors: list[FieldError] | None = None
    current: dict[str, Any] | None = None


def problem(status: int, detail: str, **members: Any) -> HttpResponse:
    """A problem document answering `status` with `detail` and any extension `members` (None ones left out)."""
    document = {"type": "about:blank", "title": HTTPStatus(status).phrase, "status": status, "detail": str(detail)}
    document.update({name: value for name, value in members.items() if value is not None})
    return HttpResponse(
        json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False),
        status=status,
        content_type=PROBLEM_CONTENT_TYPE,
    )


# The refusals an operation may answer, for its OpenAPI description: reads, and writes besides.
READ_PROBLEMS = {401: Problem, 403: Problem, 404: Problem, 422: Problem, 429: Problem}
WRITE_PROBLEMS = READ_PROBLEMS | {400: Problem, 409: Problem}


class PageQuery(Schema):
    """Which page of a list: pages count from 1."""

    page: int = Field(1, ge=1)
    page_size: int = Field(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)


class Page[T](Schema):
    """One page of a list and where it stands: `count` items in all, `pages` pages of `page_size`."""

    count: int
    page: int
    page_size: int
    pages: int
    items: list[T]


def paginate(rows: QuerySet, query: PageQuery) -> dict[str, Any]:
    """The page `query` asks for of `rows` (already in a stable order); a page past the end holds no items."""
    count = rows.count()
    start = (query.page - 1) * query.page_size
    items = list(rows[start : start + query.page_size]) if start < count else []
    return {
        "count": count,
        "page": query.page,
        "page_size": query.page_size,
        "pages": ceil(count / query.page_size),
        "items": items,
    }
