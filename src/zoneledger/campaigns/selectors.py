"""Reads of the rounds that serve a user: each takes `user=`.

Rounds are a province's, and every business user of the province (and of the nation) reads them; the round pages, the
bulletin, the commands and (next) the API find them here, so a round that does not exist is `NotFound` alike.
"""

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from zoneledger.core.errors import NotFound

from .models import Round

if TYPE_CHECKING:
    from zoneledger.accounts.models import User


def round_list(*, user: "User") -> QuerySet[Round]:
    """The rounds of the user's province (every province's for the nation), newest first (none for a user who reads
    no business data)."""
    return Round.objects.visible_to(user).select_related("province").order_by("-year", "-sequence", "province_id")


def round_get(*, user: "User", province: str, year: int, sequence: int) -> Round:
    """The round `year`-`sequence` of `province` (a code) among the user's rounds; `NotFound` when there is none."""
    try:
        return round_list(user=user).get(province_id=province, year=year, sequence=sequence)
    except Round.DoesNotExist:
        raise NotFound from None


def round_by_id(*, user: "User", pk: int) -> Round:
    """The round `pk` among the user's rounds (the API names rounds by id: a nation's user sees several 2024-1);
    `NotFound` when there is none."""
    try:
        return round_list(user=user).get(pk=pk)
    except Round.DoesNotExist:
        raise NotFound from None
