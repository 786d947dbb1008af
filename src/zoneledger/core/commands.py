"""What every zoneledger command shares: one mapping of errors to a line on stderr, and option parsers.

A command subclasses `BaseCommand` from here and lets services' errors rise. At the console a refusal
(`CommandError`, a `DomainError`, Django's `PermissionDenied` or `ValidationError`) prints its message on
one line of stderr — no traceback, no "CommandError:" prefix — and exits with status 1 (a CommandError's own
status if it has one). Called from code (`call_command`), every refusal is raised as a `CommandError`
carrying the same message. `--traceback` still shows the traceback.
"""

import sys
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import base
from django.core.management.base import CommandError, SystemCheckError
from django.utils.translation import gettext as _

from .dates import parse_date, parse_moment
from .errors import DomainError, format_errors


def as_command_error(error: Exception) -> CommandError:
    """The CommandError a refusal becomes; its message is what the user reads."""
    if isinstance(error, CommandError):
        return error
    if isinstance(error, ValidationError):
        return CommandError(format_errors(error))
    message = str(error) or _("You may not do this.")
    return CommandError(message)


class BaseCommand(base.BaseCommand):
    """Django's command with the refusals mapped once (see the module's docstring)."""

    refusals = (CommandError, DomainError, PermissionDenied, ValidationError)

    def execute(self, *args, **options):
        try:
            return super().execute(*args, **options)
        except SystemCheckError:
            raise  # Django formats the system checks' report itself
        except self.refusals as error:
            refusal = as_command_error(error)
            if not self._called_from_command_line or options.get("traceback"):
                if refusal is error:
                    raise
                raise refusal from error
            self.stderr.write(str(refusal))
            sys.exit(refusal.returncode)


def option_date(text: str, *, option: str) -> date:
    """A date from YYYY-MM-DD given to `option`, within the product's range (core/dates.py), or a CommandError
    naming the option."""
    try:
        return parse_date(text)
    except ValueError as error:
        raise CommandError(f"{option}: {error}") from None


def option_moment(text: str, *, option: str) -> datetime:
    """An aware datetime from ISO text given to `option` (local time without an offset), within the range, or a
    CommandError."""
    try:
        return parse_moment(text)
    except ValueError as error:
        raise CommandError(f"{option}: {error}") from None


def terminal_width(text: str) -> int:
    """How many columns `text` takes in a terminal: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(character) in "WF" else 1 for character in text)


def aligned(rows: Iterable[Sequence[str]], *, gap: int = 2) -> list[str]:
    """The rows as lines whose columns line up in a terminal, Chinese text included."""
    rows = [list(row) for row in rows]
    widths = [max(terminal_width(cell) for cell in column) for column in zip(*rows, strict=True)]
    return [
        (" " * gap)
        .join(cell + " " * (width - terminal_width(cell)) for cell, width in zip(row, widths, strict=True))
        .rstrip()
        for row in rows
    ]
