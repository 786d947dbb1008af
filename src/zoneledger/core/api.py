"""What every router of the JSON API shares: problem documents (RFC 9457) and pages of a list.

Every refusal the API gives is a problem document, `application/problem+json`: `type` (``about:blank``: the
status says it all), `title` (the status's phrase), `status`, `detail` (a sentence for the user, in their
language), and, where they help, `errors` (one per field: where and what) and `current` (the object as it is now,
for a 409). The API's root (`zoneledger/api.py`) maps each domain error to one once; routers only raise.
"""

import json
from collections.abc import Callable, Sequence
from datetime import date
from functools import wraps
from http import HTTPStatus
from math import ceil
from typing import Annotated, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Schema
from ninja.responses import Status
from ninja.utils import contribute_operation_callback
from pydantic import Field

from .dates import EARLIEST, LATEST
from .errors import Conflict
from .models import IdempotentRequest

PROBLEM_CONTENT_TYPE = "application/problem+json"
MAX_ID = 2**63 - 1  # the databases' largest key: a larger number is no row, and SQLite cannot even compare it
JSON_CONTENT_TYPE = "application/json; charset=utf-8"
API_PREFIX = "/api/"
PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
MAX_KEY_LENGTH = 200


# What a schema takes as a day or a row's id: a day in the product's range (core/dates.py), an id a database can hold.
# Outside them the answer is 422 on that field, never a 500 from date arithmetic or the database driver.
Day = Annotated[date, Field(ge=EARLIEST, le=LATEST)]
RowId = Annotated[int, Field(ge=1, le=MAX_ID)]


def idempotent(shape: type[Schema]) -> Callable:
    """A write handler made idempotent for clients that send an `Idempotency-Key` header: the first answer
    (`shape` of what the handler returns) is stored with the write, in its transaction; the same user sending the
    key again gets that answer and nothing is written. A refused request stores nothing (it wrote nothing), and a
    key reused for another method or address is 409."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def handler(request, *args: Any, **kwargs: Any) -> Any:
            key = request.headers.get("Idempotency-Key")
            if key is None:
                return view(request, *args, **kwargs)
            if not 0 < len(key) <= MAX_KEY_LENGTH:
                raise ValidationError({"Idempotency-Key": _("Give a key of 1 to 200 characters.")})
            earlier = IdempotentRequest.objects.filter(user=request.auth, key=key).first()
            if earlier is None:
                try:
                    with transaction.atomic():
                        result = view(request, *args, **kwargs)
                        status, value = (
                            (result.status_code, result.value) if isinstance(result, Status) else (200, result)
                        )
                        body = json.loads(json_text(shape.from_orm(value).model_dump()))
                        IdempotentRequest.objects.create(
                            user=request.auth,
                            key=key,
                            method=request.method,
                            path=request.path,
                            status=status,
                            body=body,
                        )
                    return result
                except IntegrityError:  # the same key sent twice at once: the other one wrote
                    earlier = IdempotentRequest.objects.filter(user=request.auth, key=key).first()
                    if earlier is None:
                        raise
            if (earlier.method, earlier.path) != (request.method, request.path):
                raise Conflict(_("This Idempotency-Key was used for another request."))
            return HttpResponse(json_text(earlier.body), status=earlier.status, content_type=JSON_CONTENT_TYPE)

        contribute_operation_callback(handler, _describe_idempotency_key)
        return handler

    return decorate


IDEMPOTENCY_KEY_PARAMETER = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "Any text of 1 to 200 characters: sent again with the same request, the first answer comes back "
    "and nothing is written again.",
    "schema": {"type": "string", "minLength": 1, "maxLength": MAX_KEY_LENGTH},
}


def _describe_idempotency_key(operation: Any) -> None:
    """The OpenAPI description of an idempotent write: it takes the header (ninja calls this per operation)."""
    extra = dict(operation.openapi_extra or {})
    extra["parameters"] = [*extra.get("parameters", []), IDEMPOTENCY_KEY_PARAMETER]
    operation.openapi_extra = extra


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
    return HttpResponse(json_text(document), status=status, content_type=PROBLEM_CONTENT_TYPE)


def body_too_big() -> HttpResponse:
    """413: a request's body over the API's limit (ZONELEDGER_API_MAX_BODY_KB; the upload middleware checks its
    announced length, Django's DATA_UPLOAD_MAX_MEMORY_SIZE a body sent without one)."""
    limit = settings.ZONELEDGER_API_MAX_BODY_KB
    return problem(413, _("The request's body is too large: the API takes at most %(size)d KB.") % {"size": limit})


def json_answer(text: str) -> HttpResponse:
    """200 with `text`: `json_text` of a value already in its operation's response schema.

    For a long list whose handler builds each item's JSON shape itself (e.g. `projects.schemas.project_document`):
    ninja would have pydantic build and check every item again, most of the time a page of 100 took. The text, not
    the value, is what a handler keeps in the cache: an answer from it is not encoded again."""
    return HttpResponse(text, content_type=JSON_CONTENT_TYPE)


def json_text(value: Any) -> str:
    """JSON as the API writes it (the encoder ninja's renderer builds on: times to the millisecond), in UTF-8."""
    return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)


# The refusals an operation may answer, for its OpenAPI description: reads, and writes besides.
READ_PROBLEMS = {401: Problem, 403: Problem, 404: Problem, 422: Problem, 429: Problem}
WRITE_PROBLEMS = READ_PROBLEMS | {400: Problem, 409: Problem, 413: Problem}


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


def paginate(rows: QuerySet | Sequence, query: PageQuery) -> dict[str, Any]:
    """The page `query` asks for of `rows` (already in a stable order: a queryset, a list, or a lazy sequence that
    counts with `count()`, as reports.figures' lists do); a page past the end holds no items."""
    count = len(rows) if isinstance(rows, list) else rows.count()
    start = (query.page - 1) * query.page_size
    items = list(rows[start : start + query.page_size]) if start < count else []
    return {
        "count": count,
        "page": query.page,
        "page_size": query.page_size,
        "pages": ceil(count / query.page_size),
        "items": items,
    }
