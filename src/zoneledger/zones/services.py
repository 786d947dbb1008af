"""Reference data: the national GB/T 2260 divisions, read from python-stdnum's bundled table (`cn/loc`), and the
development zones in them.

python-stdnum ships the table of division codes (kept from the published lists, with each name's years of use) to
check the place of birth in an identity card number. It is installed with the package, so loading needs no network.
Only divisions in use today are loaded: a name whose years are closed (``[1983-2018]城区``) is history. The table's
``市辖区`` lines under a city (``140101``) are not divisions and are left out; the city-level lines that group a
municipality's districts (``110100 市辖区``) are kept, named after their province (``北京市市辖区``), so that every
county has its city.
"""

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils.translation import gettext as _
from stdnum import numdb

from zoneledger.audit import services as audit
from zoneledger.audit.actions import Action

from .choices import DivisionLevel
from .models import Division, Zone

if TYPE_CHECKING:
    from zoneledger.accounts.models import User

HISTORY_RE = re.compile(r"^\[(?P<start>\d*)-(?P<end>\d*)\](?P<name>.+)$")
PLACEHOLDER = "市辖区"


@dataclass(frozen=True)
class DivisionRow:
    code: str
    name: str
    level: str
    parent_code: str | None


def current_name(names: str) -> str | None:
    """The name in use today among a table entry's names ('[-1991]东郊区,[1992-]东丽区' → '东丽区'); None if none is."""
    current = None
    for name in names.split(","):
        match = HISTORY_RE.match(name)
        if match is None:
            current = name
        elif not match["end"]:
            current = match["name"]
    return current


def national_divisions() -> list[DivisionRow]:
    """Every province, city and county in use today, provinces first, then cities, then counties."""
    rows = []
    for _length, province_prefix, _high, province_props, children in numdb.get("cn/loc").prefixes:
        province_code = f"{province_prefix}0000"
        province_name = province_props["province"]
        rows.append(DivisionRow(province_code, province_name, DivisionLevel.PROVINCE, None))
        for _length, suffix, _high, props, _children in children:
            name = current_name(props.get("county", ""))
            code = f"{province_prefix}{suffix}"
            if name is None or code == province_code:
                continue
            if code.endswith("00"):
                if name == PLACEHOLDER or "直辖" in name or name == "县":
                    name = f"{province_name}{name}"
                rows.append(DivisionRow(code, name, DivisionLevel.CITY, province_code))
            elif name != PLACEHOLDER:
                rows.append(DivisionRow(code, name, DivisionLevel.COUNTY, f"{code[:4]}00"))
    order: dict[str, int] = {DivisionLevel.PROVINCE: 0, DivisionLevel.CITY: 1, DivisionLevel.COUNTY: 2}
    return sorted(rows, key=lambda row: (order[row.level], row.code))


@transaction.atomic
def load_divisions(division_model: type[models.Model] = Division) -> int:
    """Create the divisions missing from the database and refresh changed names; returns how many are in use.

    Idempotent: a second run writes nothing. Divisions no longer in use stay (zones may point at them).
    `division_model` lets a data migration pass its historical model.
    """
    rows = national_divisions()
    existing = {division.code: division for division in division_model.objects.all()}  # type: ignore[attr-defined]
    missing, changed = [], []
    for row in rows:
        division = existing.get(row.code)
        if division is None:
            missing.append(division_model(code=row.code, name=row.name, level=row.level, parent_id=row.parent_code))
        elif (division.name, division.level, division.parent_id) != (row.name, row.level, row.parent_code):
            division.name, division.level, division.parent_id = row.name, row.level, row.parent_code
            changed.append(division)
    # Provinces come first in `rows`, then cities, then counties: each parent is written before its children.
    division_model.objects.bulk_create(missing, batch_size=500)  # type: ignore[attr-defined]
    division_model.objects.bulk_update(changed, ["name", "level", "parent"], batch_size=500)  # type: ignore[attr-defined]
    return len(rows)


@transaction.atomic
def zone_create(
    *,
    actor: "User | None",
    name: str,
    kind: str,
    level: str,
    division: str,
    short_name: str = "",
    leading_industries: str = "",
    stats_code: str = "",
    is_illustrative: bool = False,
) -> Zone:
    """Add a development zone in the county (or city) whose GB/T 2260 code is `division`; its city and province
    follow from it.

    Zones are reference data: added by the operator at the command line (no actor) or by a user the admin site lets
    add zones (its `zones.add_zone` permission), audited either way. Refused with nothing written: PermissionDenied
    for anyone else; ValidationError for a blank or taken name, an unknown kind, level or division.
    """
    if actor is not None and not actor.has_perm("zones.add_zone"):
        raise PermissionDenied(_("You may not add development zones."))
    zone = Zone(
        name=name.strip(),
        short_name=short_name.strip(),
        kind=kind,
        level=level,
        division_id=division,
        leading_industries=leading_industries.strip(),
        stats_code=stats_code.strip(),
        is_illustrative=is_illustrative,
    )
    zone.full_clean(exclude=["city", "province"])  # derived from the division when saved
    zone.save()
    audit.record(
        actor=actor,
        actor_name="command line",
        action=Action.ZONE_CREATE,
        obj=zone,
        after={"name": zone.name, "kind": zone.kind, "level": zone.level, "division": zone.division_id},
    )
    return zone
