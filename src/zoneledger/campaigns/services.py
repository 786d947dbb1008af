"""Writes of the campaign: the province's rounds (only a province-level business admin defines them) and the year
targets each level sets for the one below."""

from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zoneledger.accounts.choices import OrgKind
from zoneledger.accounts.scope import Scope, ScopeKind
from zoneledger.audit import services as audit
from zoneledger.audit.actions import Action
from zoneledger.core.errors import Conflict

from .models import Round, YearTarget, parse_round_label

if TYPE_CHECKING:
    from zoneledger.accounts.models import User


def may_define_rounds(user: "User") -> bool:
    """Rounds are the province's: only its business administrators define them."""
    return user.is_authenticated and user.can_administer and user.org is not None and user.org.kind == OrgKind.PROVINCE


def _require_province_admin(actor: "User | None") -> None:
    """A province business admin, or None: the operator at the server's command line."""
    if actor is None:
        return
    if not may_define_rounds(actor):
        raise PermissionDenied(_("Only a province administrator may define rounds."))


def round_snapshot(round_: Round) -> dict[str, Any]:
    """What the audit keeps of a round."""
    return {"label": round_.label, "held_on": round_.held_on, "title": round_.title, "venues": round_.venues}


@transaction.atomic
def round_create(
    *,
    actor: "User | None",
    label: str,
    held_on: date,
    title: str = "",
    venues: str = "",
    province: str | None = None,
) -> Round:
    """Define a round such as '2024-1', held on `held_on`, in the actor's province.

    At the command line (no actor) the round is the province given by its code, else the home province's.
    """
    _require_province_admin(actor)
    if actor is not None and actor.org is not None:  # a province administrator, as checked above
        province = actor.org.division_id
    province = province or settings.ZONELEDGER_HOME_PROVINCE
    year, sequence = parse_round_label(label)
    if Round.objects.filter(province_id=province, year=year, sequence=sequence).exists():
        raise ValidationError({"label": _("Round %(label)s already exists.") % {"label": f"{year}-{sequence}"}})
    round_ = Round(province_id=province, year=year, sequence=sequence, held_on=held_on, title=title, venues=venues)
    round_.full_clean()
    round_.save()
    audit.record(
        actor=actor,
        actor_name="command line",
        action=Action.ROUND_CREATE,
        obj=round_,
        after=round_snapshot(round_),
    )
    return round_


@transaction.atomic
def round_update(*, actor: "User | None", round_: Round, held_on: date, title: str, venues: str) -> Round:
    """Correct a round's date, title or venues (its label is its identity and does not change); a province's
    administrator corrects only their own province's rounds."""
    _require_province_admin(actor)
    if actor is not None and actor.org is not None and actor.org.division_id != round_.province_id:
        raise PermissionDenied(_("Only a province administrator may define rounds."))
    before = round_snapshot(round_)
    round_.held_on, round_.title, round_.venues = held_on, title, venues
    round_.full_clean()
    round_.save()
    audit.record(
        actor=actor,
        actor_name="command line",
        action=Action.ROUND_UPDATE,
        obj=round_,
        before=before,
        after=round_snapshot(round_),
    )
    return round_


# -- year targets -------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TargetFigures:
    """The four figures of a year target (None: no target for that figure): projects signed, their investment (万元),
    the signed batch's 开工率 (a percentage) and the year's completed investment (万元)."""

    signed_count: int | None = None
    signed_investment: Decimal | None = None
    start_rate: Decimal | None = None
    completed: Decimal | None = None


TARGET_FIELDS = [field.name for field in fields(TargetFigures)]


def sets_targets(user: "User") -> bool:
    """Whether the user sets any scope's targets: a business administrator of the nation, a province or a city."""
    return bool(
        user.is_authenticated
        and user.can_administer
        and user.org is not None
        and user.org.kind in (OrgKind.NATION, OrgKind.PROVINCE, OrgKind.CITY)
    )


def may_set_target(user: "User", scope: Scope) -> bool:
    """Targets are set by the level above, by its business administrators: the province's for the province itself
    and its cities, a city's for its zones (the nation's for the provinces)."""
    org = user.org
    if org is None or not sets_targets(user):
        return False
    if org.kind == OrgKind.NATION:
        return scope.kind == ScopeKind.PROVINCE
    if org.kind == OrgKind.PROVINCE:
        return scope.kind in (ScopeKind.PROVINCE, ScopeKind.CITY) and scope.province == org.division_id
    if org.kind == OrgKind.CITY:
        return scope.kind == ScopeKind.ZONE and scope.city == org.division_id
    return False


def _target_of(scope: Scope, year: int) -> YearTarget:
    """The scope's target of `year` as stored (locked), or a new one with no figures (version 0: never set)."""
    anchor: dict[str, str | int | None] = (
        {"zone_id": scope.zone_id} if scope.kind == ScopeKind.ZONE else {"division_id": scope.code}
    )
    # One row by its key: no ordering (the model's would join the nullable division and zone, which FOR UPDATE refuses).
    target = YearTarget.objects.select_for_update().filter(year=year, **anchor).order_by("pk").first()
    if target is None:
        target = YearTarget(province_id=scope.province, year=year, version=0, **anchor)
    return target


def target_snapshot(target: YearTarget) -> dict[str, Any]:
    """What the audit keeps of a target: its year and figures."""
    return {"year": target.year} | {name: getattr(target, name) for name in TARGET_FIELDS}


def _check_target(target: YearTarget, scope: Scope) -> None:
    """The model's checks, each message naming the scope and the figure (a command prints it as it is)."""
    try:
        target.full_clean()
    except ValidationError as error:
        raise ValidationError(
            [
                f"{scope.name} · {_field_label(field)}: {message}"
                for field, messages in error.message_dict.items()
                for message in messages
            ]
        ) from None


def _field_label(field: str) -> str:
    return "" if field == NON_FIELD_ERRORS else str(getattr(YearTarget._meta.get_field(field), "verbose_name", field))


@transaction.atomic
def target_set(
    *, actor: "User | None", scope: Scope, year: int, figures: TargetFigures, expected_version: int
) -> YearTarget:
    """Set `scope`'s target for `year` to `figures`, the target as the actor saw it being `expected_version` (0: not
    set yet). Refused: a user who may not set it (`may_set_target`; None is the operator at the command line),
    figures out of range (negative, a rate over 100), a target changed meanwhile (`Conflict`). Unchanged figures
    write nothing."""
    if actor is not None and not may_set_target(actor, scope):
        raise PermissionDenied(_("Only the level above may set %(scope)s's targets.") % {"scope": scope.name})
    if scope.kind not in (ScopeKind.PROVINCE, ScopeKind.CITY, ScopeKind.ZONE):
        raise ValidationError(_("Targets are set for a province, a city or a zone."))
    target = _target_of(scope, year)
    if target.version != expected_version:
        raise Conflict(
            _("Someone else changed %(scope)s's target meanwhile; nothing was saved.") % {"scope": scope.name},
            current=target,
        )
    before = target_snapshot(target) if target.pk else None
    for name in TARGET_FIELDS:
        setattr(target, name, getattr(figures, name))
    if before == target_snapshot(target) or (before is None and figures == TargetFigures()):
        return target
    target.version += 1
    target.set_by, target.set_at = actor, timezone.now()
    _check_target(target, scope)
    target.save()
    audit.record(
        actor=actor,
        actor_name="command line",
        action=Action.TARGET_SET,
        obj=target,
        before=before,
        after=target_snapshot(target) | {"scope": scope.name},
    )
    return target


@transaction.atomic
def targets_set(
    *, actor: "User | None", year: int, entries: list[tuple[Scope, TargetFigures, int]]
) -> list[YearTarget]:
    """Set several scopes' targets of `year` at once (the year's form): each entry a scope, its figures and the
    version its form saw; all or nothing — the first refusal (as `target_set`'s) leaves every target as it was."""
    return [
        target_set(actor=actor, scope=scope, year=year, figures=figures, expected_version=version)
        for scope, figures, version in entries
    ]
