"""Reads of the rounds and the year targets that serve a user: each takes `user=`.

Rounds are a province's, and every business user of the province (and of the nation) reads them; the round pages, the
bulletin, the commands and (next) the API find them here, so a round that does not exist is `NotFound` alike.
"""

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from zoneledger.accounts.choices import OrgKind
from zoneledger.accounts.scope import Scope, ScopeKind, division_scope, zone_scope
from zoneledger.core.errors import NotFound
from zoneledger.zones.choices import DivisionLevel
from zoneledger.zones.models import Division, Zone

from .models import Round, YearTarget

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


def target_get(*, user: "User", scope: Scope, year: int) -> YearTarget | None:
    """`scope`'s target for `year` if one is set and the user's scope covers it; else None."""
    where = {"zone_id": scope.zone_id} if scope.kind == ScopeKind.ZONE else {"division_id": scope.code}
    return YearTarget.objects.visible_to(user).filter(year=year, **where).first()


def target_scopes(*, user: "User") -> list[Scope]:
    """The scopes whose targets the user sets (`services.may_set_target`): the province and its cities for a
    province's administrator, a city's zones for the city's; none for anyone else. One query."""
    org = user.org if user.is_authenticated else None
    if org is None or not user.can_administer:
        return []
    if org.kind == OrgKind.NATION:
        divisions = Division.objects.filter(level=DivisionLevel.PROVINCE).select_related("parent")
        return [division_scope(division) for division in divisions.order_by("code")]
    if org.kind == OrgKind.PROVINCE:
        divisions = Division.objects.filter(
            Q(code=org.division_id) | Q(level=DivisionLevel.CITY, parent_id=org.division_id)
        ).select_related("parent")
        return [division_scope(division) for division in divisions.order_by("code")]
    if org.kind == OrgKind.CITY:
        return [zone_scope(zone) for zone in Zone.objects.visible_to(user).order_by("name")]
    return []


def target_rows(*, user: "User", year: int) -> list[tuple[Scope, YearTarget | None]]:
    """The scopes the user sets targets for, each with its target of `year` (None: not set). Two queries."""
    scopes = target_scopes(user=user)
    targets = YearTarget.objects.visible_to(user).filter(year=year)
    by_key = {target.zone_id or target.division_id: target for target in targets}
    return [(scope, by_key.get(scope.zone_id if scope.kind == ScopeKind.ZONE else scope.code)) for scope in scopes]
