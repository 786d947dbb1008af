"""Reads of zones that serve a user: each takes `user=` and starts from `Zone.objects.visible_to(user)`."""

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from zoneledger.core.errors import NotFound

from .models import Zone

if TYPE_CHECKING:
    from zoneledger.accounts.models import User


def zone_list(*, user: "User") -> QuerySet[Zone]:
    """The zones the user's org covers, by city and name."""
    return Zone.objects.visible_to(user).select_related("division", "city", "province").order_by("city_id", "name")


def zone_get(*, user: "User", pk: int) -> Zone:
    """The zone `pk` if the user's org covers it; NotFound otherwise, the same as a zone that does not exist."""
    zone = zone_list(user=user).filter(pk=pk).first()
    if zone is None:
        raise NotFound
    return zone
