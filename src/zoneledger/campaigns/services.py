"""Writes to the province's rounds: only a province-level business admin may define them."""

from datetime import date
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zoneledger.accounts.choices import OrgKind
from zoneledger.audit import services as audit
from zoneledger.audit.actions import Action

from .models import Round, parse_round_label

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
