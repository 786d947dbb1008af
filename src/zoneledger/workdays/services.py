"""Writes to a province's working-day calendar (core/calendar.py reads it): single days corrected, and years the
package does not know entered by the province itself. Each write is checked, atomic and audited.

The actor is a business administrator of that province, or None: the operator at the server's command line.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from zoneledger.accounts.models import User
from zoneledger.audit import services as audit
from zoneledger.audit.actions import Action
from zoneledger.core.calendar import PACKAGE_VERSION, notice_says, package_knows
from zoneledger.core.errors import NotAllowed
from zoneledger.core.models import WorkdayOverride, WorkdayYear

from .permissions import kept_province

Actor = User | None  # None: the operator at the server's command line


def _require_keeper(actor: Actor, province_code: str) -> None:
    if actor is not None and kept_province(actor) != province_code:
        raise NotAllowed(_("Only an administrator of the province may change its working days."))


def override_snapshot(override: WorkdayOverride) -> dict[str, object]:
    return {
        "province": override.province_code,
        "day": override.day,
        "working": override.working,
        "note": override.note,
    }


def _insert(entry: WorkdayOverride | WorkdayYear, *, actor: Actor, duplicate: ValidationError) -> None:
    """Save a new entry of the province, signed by `actor`; `duplicate` when another one took its place meanwhile
    (the unique constraint, between the caller's check and this insert)."""
    entry.entered_by = actor if getattr(actor, "is_authenticated", False) else None
    entry.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:
        raise duplicate from None


def _duplicate(day: date) -> ValidationError:
    return ValidationError(
        {"day": _("%(day)s is corrected already: remove that correction first.") % {"day": day.isoformat()}}
    )


@transaction.atomic
def workday_override_set(
    *, actor: Actor, province_code: str, day: date, working: bool, note: str = ""
) -> WorkdayOverride:
    """Make `day` a working day (`working`) or a rest day for the province, whatever the notice says.

    A day holds one correction: to undo one, remove it (the notice's answer is then the other one). A correction
    that says what the notice says already is refused, since it would change nothing.
    """
    _require_keeper(actor, province_code)
    if WorkdayOverride.objects.filter(province_code=province_code, day=day).exists():
        raise _duplicate(day)
    if notice_says(day) == working:
        message = _("%(day)s is a working day already.") if working else _("%(day)s is a rest day already.")
        raise ValidationError({"working": message % {"day": day.isoformat()}})
    override = WorkdayOverride(province_code=province_code, day=day, working=working, note=note.strip())
    _insert(override, actor=actor, duplicate=_duplicate(day))
    audit.record(
        actor=actor,
        actor_name="command line",
        action=Action.WORKDAY_SET,
        obj=override,
        after=override_snapshot(override),
    )
    return override


@transaction.atomic
def workday_override_remove(*, actor: Actor, province_code: str, day: date) -> None:
    """Remove the province's correction of `day`: the notice (or the week) decides that day again."""
    _require_keeper(actor, province_code)
    override = WorkdayOverride.objects.select_for_update().filter(province_code=province_code, day=day).first()
    if override is None:
        raise ValidationError({"day": _("%(day)s has no correction to remove.") % {"day": day.isoformat()}})
    audit.record(
        actor=actor,
        actor_name="command line",
        action=Action.WORKDAY_REMOVE,
        obj=override,
        before=override_snapshot(override),
    )
    override.delete()


@transaction.atomic
def workday_year_enter(*, actor: Actor, province_code: str, year: int, note: str = "") -> WorkdayYear:
    """Declare that the province has entered `year` itself (a year the package does not know yet): its holidays
    and 调休 days are the province's corrections, every other day goes by the week. Until then the year is
    unknown, and its days are an error or a guess (ZONELEDGER_CALENDAR_UNKNOWN_YEAR)."""
    _require_keeper(actor, province_code)
    if package_knows(year):
        raise ValidationError(
            _("The chinese-calendar package %(version)s has %(year)s already: correct single days instead.")
            % {"version": PACKAGE_VERSION, "year": year}
        )
    duplicate = ValidationError(_("%(year)s is entered already.") % {"year": year})
    if WorkdayYear.objects.filter(province_code=province_code, year=year).exists():
        raise duplicate
    holidays = WorkdayOverride.objects.filter(province_code=province_code, day__year=year, working=False)
    if not holidays.exists():
        raise ValidationError(
            _("Enter %(year)s's holidays first: no day of %(year)s is a rest day by a correction yet.") % {"year": year}
        )
    entered = WorkdayYear(province_code=province_code, year=year, note=note.strip())
    _insert(entered, actor=actor, duplicate=duplicate)
    audit.record(
        actor=actor,
        actor_name="command line",
        action=Action.WORKDAY_YEAR_ENTER,
        obj=entered,
        after={"province": province_code, "year": year, "note": entered.note},
    )
    return entered


@transaction.atomic
def workday_year_withdraw(*, actor: Actor, province_code: str, year: int) -> None:
    """Take back the declaration that the province entered `year`: the year is unknown again (its corrections
    stay)."""
    _require_keeper(actor, province_code)
    entered = WorkdayYear.objects.select_for_update().filter(province_code=province_code, year=year).first()
    if entered is None:
        raise ValidationError(_("%(year)s was not entered by the province.") % {"year": year})
    audit.record(
        actor=actor,
        actor_name="command line",
        action=Action.WORKDAY_YEAR_WITHDRAW,
        obj=entered,
        before={"province": province_code, "year": year, "note": entered.note},
    )
    entered.delete()
