"""Domain errors, and turning validation errors into lines people read.

A service or selector says *what* went wrong in the domain's words; each door maps it once:

- pages: `zoneledger.core.middleware.DomainErrorMiddleware` (NotFound → 404, NotAllowed → 403, Conflict → 409,
  any other DomainError → 400, each with its message);
- commands: `zoneledger.core.commands.BaseCommand` (one line on stderr, exit status 1, no traceback);
- the API (next): an exception handler of the ninja API.

Bad input stays Django's `ValidationError` (forms and services share it); these are for the rest.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A refusal the user can act on; `message` is written for them (translated when raised)."""

    default_message = _("The request could not be carried out.")

    def __init__(self, message=None):
        self.message = str(message if message is not None else self.default_message)
        super().__init__(self.message)

    def __str__(self):
        return self.message


class NotFound(DomainError):
    """Nothing of that name in the user's view: missing and out of scope look the same (pages answer 404)."""

    default_message = _("Not found.")


class NotAllowed(DomainError, PermissionDenied):
    """The user may see the thing but not do this to it (pages answer 403, through Django's own handler)."""

    default_message = _("You may not do this.")


class Conflict(DomainError):
    """The thing changed meanwhile, or is not in a state that allows this (pages answer 409).

    `current` is the object as it is now, when the caller can show the user what changed.
    """

    default_message = _("This was changed meanwhile; nothing was saved.")

    def __init__(self, message=None, *, current=None):
        super().__init__(message)
        self.current = current


class BulkRefused(ValidationError):
    """Some entries of a bulk call were refused; nothing was written. `errors` = {position: ValidationError}."""

    def __init__(self, errors: dict[int, ValidationError]):
        self.errors = errors
        super().__init__([message for error in errors.values() for message in error.messages])


def error_lines(error):
    """['field: message', …] for a ValidationError with or without fields."""
    if hasattr(error, "error_dict"):
        return [f"{field}: {message}" for field, messages in error.message_dict.items() for message in messages]
    return list(error.messages)


def format_errors(error):
    return "\n".join(error_lines(error))
