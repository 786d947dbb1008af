"""Pages' one mapping of domain errors to HTTP answers (see `zoneledger.core.errors`), and of a busy database.

A busy database (SQLite's write lock held longer than a writer waits, `core/db.py`) is answered with a 503
"busy, try again" page in the user's language, never with a 500. A view's error is caught on its way out
(`process_exception`). An error raised by another middleware after the view (saving the session, above all)
reaches Django's own handler instead, which turns it into a 500 and sends `got_request_exception`: the receiver
marks the request, and `DatabaseBusyMiddleware`, outside the others, answers the busy page in place of the 500.
"""

import sys

from django.core.signals import got_request_exception
from django.dispatch import receiver
from django.http import Http404
from django.shortcuts import render
from django.template.response import TemplateResponse

from .db import is_database_busy
from .errors import Conflict, DomainError, NotAllowed, NotFound
from .http import is_partial

RETRY_AFTER_SECONDS = 5
_BUSY = "_zoneledger_database_busy"


class DomainErrorMiddleware:
    """NotFound → Django's 404; NotAllowed → Django's 403 (it is a PermissionDenied); Conflict → 409; else 400.

    Views let these errors rise from services and selectors instead of each catching them: a view catches one
    only when it has something better to show (the edit form keeps the user's input on a Conflict).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DomainError) or isinstance(exception, NotAllowed):
            return None  # Django answers it (a NotAllowed through handler403, which audits the refusal)
        if isinstance(exception, NotFound):
            raise Http404(exception.message) from exception
        status = 409 if isinstance(exception, Conflict) else 400
        return render(request, "core/refused.html", {"message": exception.message}, status=status)


def busy_response(request):
    """The "busy, try again" page (just its message for an htmx request), 503 with Retry-After.

    With the database away altogether (a restart), the page's navigation cannot be read either (who is signed in
    comes from the session): the page is then one that reads nothing from the database."""
    template = "busy.html#message" if is_partial(request) else "busy.html"
    try:
        return _busy_page(request, template)
    except Exception as error:
        if not is_database_busy(error):
            raise
        return _busy_page(request, "busy.html#message" if is_partial(request) else "busy_away.html")


def _busy_page(request, template):
    response = TemplateResponse(request, template, {"retry_after": RETRY_AFTER_SECONDS}, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response.render()


class DatabaseBusyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, _BUSY, False):
            return busy_response(request)
        return response

    def process_exception(self, request, exception):
        if is_database_busy(exception):
            return busy_response(request)
        return None


@receiver(got_request_exception)
def _mark_busy(sender, request=None, **kwargs):
    if request is not None and is_database_busy(sys.exc_info()[1]):
        setattr(request, _BUSY, True)
