"""The 13710 clock (DOMAIN.md §9), pure: deadlines, their status on a day, a problem's colour, escalation.

Nothing here reads the database: a caller hands in a calendar (`core.calendar.WorkingCalendar`, or anything with
its `add_working_days` and `is_working_day`), so the rules are tested alone, with hypothesis.

- Deadlines count from the moment the problem was raised, on that moment's local day, which itself never counts:
  planned within 1 working day, first reply within 3, solved within 7 working days (ordinary) or 30 calendar days
  (major). A major problem's 30th day that is a rest day moves to the next working day, so that no deadline ever
  falls on a rest day (an office cannot be asked to act on a holiday). A deadline is a date: all of it is on time.
- A deadline is *overdue* the day after it, *due* on any day from which it lies within one working day (it is
  today or the next working day), *on time* before that; a met deadline is *met*. The colour is the worst of the
  open deadlines: red, yellow, green.
- Escalation: a problem not solved by its solve deadline moves up one tier (zone → city → province) on the day
  after that deadline, with a new solve deadline counted from that day as the first was from the raised moment.
  `escalations` returns every move up to a day, so it does not matter how often the worker ran: running it for
  the same day twice changes nothing, and running it for day 1 and then day 2 ends where running it for day 2 does.
  A year the calendar does not know raises its `CalendarYearUnknown` (or follows its configured fallback).
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol

from zoneledger.core.calendar import as_day

from .choices import OPEN_STATES, TIER_ORDER, Colour, Deadline, DeadlineStatus, Level, State

PLAN_WORKING_DAYS = 1
REPLY_WORKING_DAYS = 3
SOLVE_WORKING_DAYS = 7  # ordinary problems
MAJOR_SOLVE_CALENDAR_DAYS = 30

# Which deadlines still run in each state.
OPEN_DEADLINES: dict[str, tuple[str, ...]] = {
    State.RAISED: (Deadline.PLAN, Deadline.REPLY, Deadline.SOLVE),
    State.PLANNED: (Deadline.REPLY, Deadline.SOLVE),
    State.REPLIED: (Deadline.SOLVE,),
    State.REOPENED: (Deadline.SOLVE,),
    State.SOLVED: (),
    State.CLOSED: (),
}
SEVERITY = {DeadlineStatus.MET: 0, DeadlineStatus.ON_TIME: 0, DeadlineStatus.DUE: 1, DeadlineStatus.OVERDUE: 2}
COLOURS = (Colour.GREEN, Colour.YELLOW, Colour.RED)


class Calendar(Protocol):
    def add_working_days(self, start: date | datetime, n: int) -> date: ...

    def is_working_day(self, day: date | datetime) -> bool: ...


@dataclass(frozen=True)
class Deadlines:
    plan: date
    reply: date
    solve: date

    def of(self, name: str) -> date:
        return {Deadline.PLAN: self.plan, Deadline.REPLY: self.reply, Deadline.SOLVE: self.solve}[Deadline(name)]


def solve_deadline(start: date | datetime, level: str, calendar: Calendar) -> date:
    """The solve deadline of a problem of `level` whose clock started at `start` (raised, escalated or reopened)."""
    if level == Level.MAJOR:
        return calendar.add_working_days(as_day(start) + timedelta(days=MAJOR_SOLVE_CALENDAR_DAYS), 0)
    return calendar.add_working_days(start, SOLVE_WORKING_DAYS)


def deadlines(raised: date | datetime, level: str, calendar: Calendar) -> Deadlines:
    """The three deadlines of a problem raised at `raised`."""
    return Deadlines(
        plan=calendar.add_working_days(raised, PLAN_WORKING_DAYS),
        reply=calendar.add_working_days(raised, REPLY_WORKING_DAYS),
        solve=solve_deadline(raised, level, calendar),
    )


def due_by(as_of: date, calendar: Calendar) -> date:
    """The last day a deadline may fall on and still be *due* on `as_of`: the next working day after it."""
    return calendar.add_working_days(as_of, 1)


def deadline_status(deadline: date, as_of: date, calendar: Calendar, *, met: bool = False) -> DeadlineStatus:
    """On time, due (within one working day) or overdue on `as_of`; met once its step is done."""
    if met:
        return DeadlineStatus.MET
    if as_of > deadline:
        return DeadlineStatus.OVERDUE
    if deadline <= due_by(as_of, calendar):
        return DeadlineStatus.DUE
    return DeadlineStatus.ON_TIME


def statuses(state: str, dates: Deadlines, as_of: date, calendar: Calendar) -> dict[str, DeadlineStatus]:
    """Each deadline's status in `state` on `as_of` (those no longer running are met)."""
    running = OPEN_DEADLINES[state]
    return {
        name: deadline_status(dates.of(name), as_of, calendar, met=name not in running)
        for name in (Deadline.PLAN, Deadline.REPLY, Deadline.SOLVE)
    }


def colour(state: str, dates: Deadlines, as_of: date, calendar: Calendar) -> Colour:
    """The worst of the running deadlines: red overdue, yellow due, green otherwise (a solved problem is green)."""
    worst = max((SEVERITY[status] for status in statuses(state, dates, as_of, calendar).values()), default=0)
    return COLOURS[worst]


@dataclass(frozen=True)
class Escalation:
    """One move up: to `tier` on `on` (the day after the missed deadline), with the new `solve_due`."""

    tier: str
    on: date
    solve_due: date


def escalations(
    *, state: str, tier: str, level: str, solve_due: date, as_of: date, calendar: Calendar
) -> list[Escalation]:
    """Every escalation an open problem has gone through by `as_of` (none for a solved or closed one).

    Escalation happens on the day after the solve deadline, so a problem overdue today (as_of > solve_due) moves
    up; at the province it stays, red, with nowhere further to go.
    """
    moves: list[Escalation] = []
    if state not in OPEN_STATES:
        return moves
    position = TIER_ORDER.index(tier)
    while as_of > solve_due and position + 1 < len(TIER_ORDER):
        position += 1
        on = solve_due + timedelta(days=1)
        solve_due = solve_deadline(on, level, calendar)
        moves.append(Escalation(tier=TIER_ORDER[position], on=on, solve_due=solve_due))
    return moves
