"""The dates the product takes as input — a page's as-of, a filter's period, a stage's day, a round's day, a
command's option — lie between EARLIEST and LATEST.

Python's dates reach year 1 and 9999, but the figures' periods, time zone conversions and the databases' own
ranges do not all reach so far: a date outside the range is a form error (or a command's error), never a 500.
"""

from datetime import date, datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

EARLIEST = date(1900, 1, 1)
LATEST = date(2999, 12, 31)


def validate_date_in_range(value: date | datetime) -> None:
    day = value.date() if isinstance(value, datetime) else value
    if not EARLIEST <= day <= LATEST:
        raise ValidationError(
            _("Enter a date between %(earliest)s and %(latest)s.")
            % {"earliest": EARLIEST.isoformat(), "latest": LATEST.isoformat()},
            code="date_out_of_range",
        )


class DateField(forms.DateField):
    """A form's date: YYYY-MM-DD (a date picker), within the range."""

    default_validators = [validate_date_in_range]
    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def parse_date(text: str) -> date:
    """A date from YYYY-MM-DD within the range; ValueError (its message for the user) otherwise."""
    try:
        value = date.fromisoformat(text)
    except ValueError:
        raise ValueError(_("“%(value)s” is not a date of the form YYYY-MM-DD.") % {"value": text}) from None
    _check(value)
    return value


def parse_moment(text: str) -> datetime:
    """An aware datetime from ISO text (local time when no offset is given) within the range; ValueError otherwise."""
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(
            _("“%(value)s” is not a moment of the form YYYY-MM-DDTHH:MM[:SS][+08:00].") % {"value": text}
        ) from None
    _check(value)
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _check(value):
    try:
        validate_date_in_range(value)
    except ValidationError as error:
        raise ValueError(error.messages[0]) from None
