"""What the progress and plan commands share: the month option (the user and the project: projects.commands)."""

from datetime import date

from django.core.management.base import CommandError
from django.utils.translation import gettext as _


def option_month(text: str) -> date:
    try:
        year, number = (int(part) for part in text.split("-"))
        return date(year, number, 1)
    except ValueError:
        raise CommandError(_("--month: give the month as YYYY-MM.")) from None
