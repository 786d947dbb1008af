"""The monthly report's rules (DOMAIN.md §9) as pure functions: no database, no request.

A report of a project's month goes through versions. A version is `draft` → `submitted` → `approved`, or
`submitted` → `returned` (with a reason) → `submitted` again. An approved version is closed: correcting it is a
new version of the same month, and the approved amount keeps counting until the correction is approved.

- only `TRANSITIONS` are allowed; anything else is refused with a message saying why (`TransitionRefused`);
- the reviewer is never the person who submitted the version (四眼原则, `check_four_eyes`);
- a month is not in the future, nor before the month the project started (`check_month`).
"""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from zoneledger.core.errors import Conflict, NotAllowed

from .choices import ReportState, Verb

# (state before, verb) -> state after. `None` is "no open version": a first report or a correction.
TRANSITIONS: dict[tuple[str | None, str], str] = {
    (None, Verb.SAVE): ReportState.DRAFT,
    (None, Verb.SUBMIT): ReportState.SUBMITTED,
    (ReportState.DRAFT, Verb.SAVE): ReportState.DRAFT,
    (ReportState.DRAFT, Verb.SUBMIT): ReportState.SUBMITTED,
    # Amending a submitted version before anyone reviewed it (a typo, an import run again) re-submits it.
    (ReportState.SUBMITTED, Verb.SUBMIT): ReportState.SUBMITTED,
    (ReportState.SUBMITTED, Verb.APPROVE): ReportState.APPROVED,
    (ReportState.SUBMITTED, Verb.RETURN): ReportState.RETURNED,
    (ReportState.RETURNED, Verb.SAVE): ReportState.RETURNED,
    (ReportState.RETURNED, Verb.SUBMIT): ReportState.SUBMITTED,
}


class TransitionRefused(Conflict):
    """A verb that does not apply to the version's state; the message says what to do instead (pages: 409)."""


class OwnSubmission(NotAllowed):
    """A reviewer acting on a report they submitted themselves (四眼原则; pages: 403)."""


def next_state(state: str | None, verb: str) -> str:
    """The state `verb` leads to from `state`, or TransitionRefused with a message for the user."""
    after = TRANSITIONS.get((state, verb))
    if after is not None:
        return after
    if verb in (Verb.APPROVE, Verb.RETURN):
        if state == ReportState.APPROVED:
            message = _("This month is already approved; nothing was changed.")
        elif state == ReportState.RETURNED:
            message = _("This report was returned; it can be reviewed again only once it is submitted again.")
        else:
            message = _("This report has not been submitted; there is nothing to review.")
    elif verb == Verb.SAVE and state == ReportState.SUBMITTED:
        message = _("This report is submitted and waits for review; submit a change instead of a draft.")
    else:
        message = _("This report cannot be changed in its present state.")
    raise TransitionRefused(message)


def check_four_eyes(*, submitter_id: int | None, reviewer_id: int) -> None:
    """Refuse a review by the version's own submitter (四眼原则)."""
    if submitter_id is not None and submitter_id == reviewer_id:
        raise OwnSubmission(_("You submitted this report yourself; another reviewer must approve or return it."))


def month_start(day: date) -> date:
    """The first day of `day`'s month: a report's month is stored as its first day."""
    return day.replace(day=1)


def check_month(month: date, *, today: date, started_on: date | None) -> None:
    """Refuse a month in the future, or before the month the project started (when it has started)."""
    if month_start(month) > month_start(today):
        raise ValidationError({"month": _("The month is in the future.")}, code="future")
    if started_on is not None and month_start(month) < month_start(started_on):
        raise ValidationError(
            {
                "month": _("The project started in %(month)s; it has no report before then.")
                % {"month": f"{started_on:%Y-%m}"}
            },
            code="before_start",
        )


def check_reason(reason: str) -> str:
    """A return's reason, stripped; refused when empty."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the report is returned.")}, code="no_reason")
    return reason


# -- the annual plan (年度计划投资) and 序时进度 ---------------------------------------------------------------------

CENT = Decimal("0.01")


def spread_evenly(total: Decimal, months: int = 12) -> list[Decimal]:
    """`total` over `months` months in whole fen-hundredths, the last months taking the remainder: sums exactly."""
    hundredths = int((total / CENT).to_integral_value())
    base, extra = divmod(hundredths, months)
    return [Decimal(base + (1 if index >= months - extra else 0)) * CENT for index in range(months)]


def check_plan_months(total: Decimal, months: list[Decimal]) -> None:
    """Entered months: twelve, none negative, adding up to the year's plan exactly."""
    if len(months) != 12:
        raise ValidationError({"months": _("Give twelve monthly amounts, January to December.")}, code="twelve")
    if any(amount < 0 for amount in months):
        raise ValidationError({"months": _("A monthly amount cannot be negative.")}, code="negative")
    if sum(months, Decimal(0)) != total:
        raise ValidationError(
            {
                "months": _("The months add up to %(sum)s, not the year's %(total)s.")
                % {"sum": sum(months), "total": total}
            },
            code="sum",
        )


def schedule_share(months: list[Decimal], month: int) -> Decimal:
    """序时进度 to the end of `month` (1–12): the planned cumulative, in 万元."""
    return sum(months[:month], Decimal(0))


def completion_rate(approved: Decimal, planned: Decimal) -> Decimal | None:
    """完成率 = approved cumulative ÷ planned cumulative (None without a plan to date): an exact ratio, unrounded."""
    return None if not planned else approved / planned


def is_behind(rate: Decimal | None, threshold: Decimal) -> bool:
    """低于序时进度: the completion rate under the threshold share (a setting, 0.8 by default)."""
    return rate is not None and rate < threshold


def report_due(month: date, *, due_day: int) -> date:
    """The day a month's report is due: `due_day` of the next month (the 5th by default)."""
    return date(month.year + (month.month == 12), month.month % 12 + 1, due_day)
