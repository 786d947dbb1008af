"""The one door for scope: what a user's org unit covers, and the one parser of scope references.

Org units stand at four levels, nation → province → city → zone. A nation org (the ministry) covers every zone,
a province org its province's zones, a city org its city's zones, a zone org its zone.

- `zone_filter(user, prefix=...)` is the filter every model holding zone data applies in `visible_to(user)`,
  reaching its zone by `prefix` ("zone__", "project__zone__"), and on the row's own province column where the
  table has one (`province="province_id"`: one province's rows, one shard); `province_filter` does the same for
  what belongs to a province (rounds, chains).
- `parse_scope(text)` reads a scope reference — ``nation``, ``province`` (the home province), a six-digit
  division code of a province, city or county, or a zone's name — into a `Scope`; `user_scope(user)` is the
  user's own scope, and `user_scope_in(user, text)` the scope a user asked for, refused as not found when it lies
  beyond theirs (the same answer as a scope that does not exist).

Nothing else maps an org to a filter or parses a scope reference: pages, commands, figures and exports ask here.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zoneledger.core.codes import DIVISION_CODE_RE, province_code
from zoneledger.core.errors import NotFound
from zoneledger.zones.choices import DivisionLevel
from zoneledger.zones.models import Division, Zone

from .choices import OrgKind

if TYPE_CHECKING:
    from .models import OrgUnit

NOTHING = Q(pk__in=[])
NATION = "nation"
PROVINCE = "province"


class ScopeKind(models.TextChoices):
    NATION = "nation", gettext_lazy("Nation")
    PROVINCE = "province", gettext_lazy("Province")
    CITY = "city", gettext_lazy("City")
    COUNTY = "county", gettext_lazy("County")
    ZONE = "zone", gettext_lazy("Zone")


DIVISION_SCOPES = {
    DivisionLevel.PROVINCE: ScopeKind.PROVINCE,
    DivisionLevel.CITY: ScopeKind.CITY,
    DivisionLevel.COUNTY: ScopeKind.COUNTY,
}


class ScopeNotFound(NotFound):
    """No scope of that name in the user's view (pages answer 404; commands print the message)."""


@dataclass(frozen=True)
class Scope:
    """The whole nation, a province, a city, a county (the zones in it) or one zone.

    `code` is the division code: the province's, the city's, the county's, or the zone's own division; empty for
    the nation. `city` is the city's code for a city, county or zone scope.
    """

    kind: str
    name: str
    code: str = ""
    city: str = ""
    zone_id: int | None = None

    @property
    def province(self) -> str:
        """The province's code; empty for the nation."""
        return province_code(self.code) if self.code else ""

    def q(self, prefix: str, *, province: str = "") -> Q:
        """A Q selecting rows of this scope, reaching the zone by `prefix` (e.g. "project__zone__").

        `province` names the row's own province column ("province_id") where its table has one (`_on_shard`).
        """
        if self.kind == ScopeKind.NATION:
            return Q()
        if self.kind == ScopeKind.ZONE:
            within = Q(**{f"{prefix}pk": self.zone_id})
        elif self.kind == ScopeKind.COUNTY:
            within = Q(**{f"{prefix}division_id": self.code})
        elif self.kind == ScopeKind.CITY:
            within = Q(**{f"{prefix}city_id": self.code})
        else:
            within = Q(**{f"{prefix}province_id": self.code})
        return _on_shard(within, province, self.province, whole=self.kind == ScopeKind.PROVINCE)

    def shard_q(self, province: str = "province_id") -> Q:
        """A Q on a table's own province column `province` alone: this scope's province's rows (all, for the nation).

        For rows read beside the scope's own, matched to them by key — a project's events in an `EXISTS`, a
        milestone's project in a join — whose scope the outer rows' filter (`q`) decides: the database then reads
        one province's rows through a `(province_id, …)` index instead of every province's, and under Citus the
        subquery stays on one shard (docs/SCALING.md). Every row's province is its zone's (`tests/test_scaling.py`),
        so the rows matched are the same.
        """
        return Q(**{province: self.province}) if self.province else Q()

    def covers(self, other: "Scope") -> bool:
        """Whether every zone of `other` lies in this scope."""
        if self.kind == ScopeKind.NATION:
            return True
        if self.kind == ScopeKind.PROVINCE:
            return other.kind != ScopeKind.NATION and other.province == self.code
        if self.kind == ScopeKind.CITY:
            return other.kind in (ScopeKind.CITY, ScopeKind.COUNTY, ScopeKind.ZONE) and other.city == self.code
        if self.kind == ScopeKind.COUNTY:
            return other.kind in (ScopeKind.COUNTY, ScopeKind.ZONE) and other.code == self.code
        return other.kind == ScopeKind.ZONE and other.zone_id == self.zone_id

    @property
    def reference(self) -> str:
        """How `parse_scope` names this scope again: nation, a division code, or the zone's name."""
        if self.kind == ScopeKind.NATION:
            return NATION
        return self.name if self.kind == ScopeKind.ZONE else self.code

    def as_json(self) -> dict[str, Any]:
        return {"kind": str(self.kind), "name": self.name, "code": self.code}


def nation_scope() -> Scope:
    return Scope(ScopeKind.NATION, _("The whole country"))


def division_scope(division: Division) -> Scope:
    city = division.city
    return Scope(DIVISION_SCOPES[division.level], division.name, division.code, city.code if city else "")


def zone_scope(zone: Zone) -> Scope:
    return Scope(ScopeKind.ZONE, zone.name, zone.division_id, zone.city_id, zone.pk)


def not_found(text: str) -> ScopeNotFound:
    return ScopeNotFound(
        _("No scope “%(value)s”: give nation, province, a division code or a zone's name.") % {"value": text}
    )


def parse_scope(text: str, *, province: str | None = None) -> Scope:
    """The scope `text` names, whoever asks; ScopeNotFound when it names none.

    ``province`` means `province` (a code) when given, else the home province (`ZONELEDGER_HOME_PROVINCE`).
    """
    text = (text or "").strip()
    if text == NATION:
        return nation_scope()
    code = (province or settings.ZONELEDGER_HOME_PROVINCE) if text == PROVINCE else text
    if DIVISION_CODE_RE.match(code):
        division = Division.objects.select_related("parent").filter(code=code).first()
        if division is None:
            raise not_found(text)
        return division_scope(division)
    zone = Zone.objects.filter(name=text).first()
    if zone is None and text:
        by_short_name = list(Zone.objects.filter(short_name=text)[:2])
        zone = by_short_name[0] if len(by_short_name) == 1 else None
    if zone is None:
        raise not_found(text)
    return zone_scope(zone)


def _reads(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.reads_business_data)


def org_scope(org: "OrgUnit") -> Scope:
    """The scope an org unit covers."""
    if org.kind == OrgKind.NATION:
        return nation_scope()
    if org.kind == OrgKind.ZONE:
        return zone_scope(org.zone)
    return division_scope(org.division)


def user_scope(user: Any) -> Scope:
    """The scope of the user's own org unit; ScopeNotFound for a user who reads no business data."""
    if not _reads(user):
        raise not_found("")
    return org_scope(user.org)


def user_scope_in(user: Any, text: str) -> Scope:
    """The scope `text` names if it lies within the user's own; ScopeNotFound otherwise (as if it did not exist).

    For a user, ``province`` is their own province (the home province for the nation).
    """
    own = user_scope(user)
    wanted = parse_scope(text, province=own.province or None)
    if not own.covers(wanted):
        raise not_found(text)
    return wanted


def org_province(org: "OrgUnit") -> str | None:
    """The code of the province an org unit lies in; None for the nation."""
    if org.kind == OrgKind.NATION:
        return None
    if org.kind == OrgKind.ZONE:
        return org.zone.province_id
    return province_code(org.division_id)


def _on_shard(within: Q, province: str, code: str, *, whole: bool) -> Q:
    """The zone-level filter `within` of a scope lying in province `code`, put on the row's own province column
    `province` when its table has one: the database then reads that province's rows alone (under Citus, one shard;
    the scope door is the only place this is decided, see docs/SCALING.md). Every zone-data row's province is its
    zone's (`tests/test_scaling.py`), so a province's scope (`whole`) is that column alone, with no join to the zone;
    a city's, county's or zone's keeps its exact zone filter beside it."""
    if not province:
        return within
    own = Q(**{province: code})
    return own if whole else own & within


def zone_filter(user: Any, *, prefix: str, province: str = "") -> Q:
    """A Q selecting rows whose zone (reached by `prefix`, e.g. "project__zone__") the user may read; `province`
    names the row's own province column where its table has one (`_on_shard`)."""
    if not _reads(user):
        return NOTHING
    org = user.org
    if org.kind == OrgKind.NATION:
        return Q()
    if org.kind == OrgKind.PROVINCE:
        within = Q(**{f"{prefix}province_id": org.division_id})
    elif org.kind == OrgKind.CITY:
        within = Q(**{f"{prefix}city_id": org.division_id})
    else:
        within = Q(**{f"{prefix}pk": org.zone_id})
    code = (org_province(org) or "") if province else ""  # a zone org's province is its zone's: read only if asked
    return _on_shard(within, province, code, whole=org.kind == OrgKind.PROVINCE)


def province_filter(user: Any, *, prefix: str) -> Q:
    """A Q selecting rows of a province (reached by `prefix`, e.g. "round__") the user's org lies in.

    Rounds and chains are the province's: every user of the province reads them, the nation reads all.
    """
    if not _reads(user):
        return NOTHING
    province = org_province(user.org)
    return Q() if province is None else Q(**{f"{prefix}province_id": province})


def division_filter(user: Any, *, prefix: str) -> Q:
    """A Q selecting rows about a province or a city as a whole (reached by `prefix`, e.g. "division__": its year
    targets) that the user's scope covers: a province's user reads the province's and its cities', a city's user
    its city's, a zone's user none."""
    if not _reads(user):
        return NOTHING
    org = user.org
    if org.kind == OrgKind.NATION:
        return Q()
    if org.kind == OrgKind.PROVINCE:
        return Q(**{f"{prefix}code__startswith": org.division_id[:2]})
    if org.kind == OrgKind.CITY:
        return Q(**{f"{prefix}code": org.division_id})
    return NOTHING


class ProvinceQuerySet(models.QuerySet):
    """Rows that belong to a province (rounds, chains): `visible_to(user)` keeps the user's province's."""

    def visible_to(self, user: Any) -> "ProvinceQuerySet":
        return self.filter(province_filter(user, prefix=""))


def writable_zone_filter(user: Any, *, prefix: str, province: str = "") -> Q:
    """Like zone_filter, for the zones the user may write business data in (editors and above)."""
    if not getattr(user, "is_authenticated", False) or not user.can_edit:
        return NOTHING
    return zone_filter(user, prefix=prefix, province=province)


def zone_is_visible(user: Any, zone: Zone) -> bool:
    """Whether `zone` lies in the user's scope (without a query)."""
    if not _reads(user):
        return False
    org = user.org
    if org.kind == OrgKind.NATION:
        return True
    if org.kind == OrgKind.PROVINCE:
        return zone.province_id == org.division_id
    if org.kind == OrgKind.CITY:
        return zone.city_id == org.division_id
    return zone.pk == org.zone_id


def zone_is_writable(user: Any, zone: Zone) -> bool:
    """Whether the user may write business data in `zone`."""
    return user.can_edit and zone_is_visible(user, zone)


def province_is_visible(user: Any, province: str) -> bool:
    """Whether the user reads what belongs to `province` (a code): its rounds and chains."""
    if not _reads(user):
        return False
    own = org_province(user.org)
    return own is None or own == province
