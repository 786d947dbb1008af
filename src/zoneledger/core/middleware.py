"""Pages' one mapping of domain errors to HTTP answers (see `zoneledger.core.errors`)."""

from django.http import Http404
from django.shortcuts import render

from .errors import Conflict, DomainError, NotAllowed, NotFound


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
