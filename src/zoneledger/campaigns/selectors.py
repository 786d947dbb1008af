"""Reads of the rounds that serve a user: each takes `user=`.

Rounds are the province's, and every business user of the province reads them all; the round pages, the
bulletin, the commands and (next) the API find them here, so a round that does not exist is `NotFound` alike.
"""

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from zoneledger.core.errors import NotFound

from .models import Round

if TYPE_CHECKING:
    from zoneledger.accounts.models import User


def round_list(*, user: "User") -> QuerySet[Round]:
    """The rounds the user reads, newest first (none for a user who reads no business data)."""
    if not user.is_authenticated or not user.reads_business_data:
        return Round.objects.none()
    return Round.objects.order_by("-year", "-sequence")


def round_get(*, user: "User", year: int, sequence: int) -> Round:
    """The round `year`-`sequence` among the user's rounds; `NotFound` when there is none."""
    try:
        return round_list(user=user).get(year=year, sequence=sequence)
    except Round.DoesNotExist:
        raise NotFound from None
