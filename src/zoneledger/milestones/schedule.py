"""倒排工期: planned dates computed backwards from a target date through a template of steps (DOMAIN.md §9).

Pure rules, no database: `plan_backwards(steps, target=..., calendar=..., today=...)` and `light(...)`.

A template is an ordered list of steps, the last one usually the target itself (开工). Each step takes
`working_days` to do and is due on its planned date. Scheduling walks from the last step back to the first,
keeping a deadline that starts at the target:

- a step is due on the deadline, or on the last working day before it when the deadline is a rest day;
- it starts `working_days` working days before its due date;
- when it depends on the previous step (`after_previous`, the usual case), the previous step must be done by the
  day it starts: that day becomes the previous step's deadline. When it does not (环评 and 节能审查 can run beside
  the planning permits), the previous step shares its deadline.

So every step is due on or before the next one, the last one meets the target (or the working day before it),
and a holiday inside a step's span pushes every earlier step back. The plan begins on the earliest start; when
that is before `today` the target cannot be met, and `Infeasible` says so with the first step's dates.

All dates are Chinese working days of the province's calendar (`core.calendar.WorkingCalendar`), the same calendar
as the 13710 clock; a year the calendar does not know raises its own `CalendarYearUnknown`.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from django.utils.translation import gettext as _

from zoneledger.core.errors import DomainError

from .choices import LIGHT_SEVERITY, Light


class Calendar(Protocol):
    def subtract_working_days(self, target: date, n: int) -> date: ...


@dataclass(frozen=True)
class Step:
    """One step of a template: what is done, how long it takes in working days, and whether it waits for the
    previous step. `kind` and `stage` are carried to the milestones it becomes."""

    title: str
    working_days: int
    after_previous: bool = True
    kind: str = "approval"
    stage: str = ""

    def as_json(self) -> dict:
        return {
            "title": self.title,
            "working_days": self.working_days,
            "after_previous": self.after_previous,
            "kind": self.kind,
            "stage": self.stage,
        }

    @classmethod
    def from_json(cls, data: dict) -> "Step":
        return cls(
            title=str(data["title"]),
            working_days=int(data["working_days"]),
            after_previous=bool(data.get("after_previous", True)),
            kind=str(data.get("kind", "approval")),
            stage=str(data.get("stage", "")),
        )


@dataclass(frozen=True)
class PlannedStep:
    """A step with its dates: it starts on `starts_on` and is due on `planned_on` (both working days)."""

    step: Step
    starts_on: date
    planned_on: date

    @property
    def title(self) -> str:
        return self.step.title


class Infeasible(DomainError):
    """The target cannot be met: the plan would have had to begin before today. `plan` holds the dates anyway."""

    def __init__(self, *, target: date, plan: list[PlannedStep], today: date):
        self.target, self.plan, self.today = target, plan, today
        first = plan[0]
        begins = min(step.starts_on for step in plan)
        super().__init__(
            _(
                "The target %(target)s cannot be met: working back from it, the plan would have begun on "
                "%(begins)s, before today (%(today)s); its first step, “%(first)s”, would be due on %(due)s. "
                "Choose a later target, or shorten the steps."
            )
            % {
                "target": target.isoformat(),
                "begins": begins.isoformat(),
                "today": today.isoformat(),
                "first": first.title,
                "due": first.planned_on.isoformat(),
            }
        )


def check_steps(steps: Sequence[Step]) -> None:
    """Refuse a template that cannot be scheduled: no steps, an empty title, a negative duration."""
    if not steps:
        raise ValueError("a plan needs at least one step")
    for step in steps:
        if not step.title.strip():
            raise ValueError("every step needs a title")
        if step.working_days < 0:
            raise ValueError(f"step {step.title!r}: working days must be 0 or more")


def plan_backwards(
    steps: Sequence[Step], *, target: date, calendar: Calendar, today: date | None = None
) -> list[PlannedStep]:
    """The steps with their dates, worked back from `target` (module doc); in the template's order.

    With `today`, a plan that would begin before it raises `Infeasible` (carrying the plan).
    """
    check_steps(steps)
    planned: list[PlannedStep] = []
    deadline = target
    for step in reversed(steps):
        due = calendar.subtract_working_days(deadline, 0)
        starts = calendar.subtract_working_days(due, step.working_days)
        planned.append(PlannedStep(step=step, starts_on=starts, planned_on=due))
        deadline = starts if step.after_previous else deadline
    planned.reverse()
    if today is not None and min(step.starts_on for step in planned) < today:
        raise Infeasible(target=target, plan=planned, today=today)
    return planned


def light(*, planned_on: date, done_on: date | None, as_of: date, yellow_days: int) -> Light:
    """A milestone's light as of a date: grey when done, red past its planned date (the whole planned day is on
    time), yellow when due within `yellow_days` calendar days, else green."""
    if done_on is not None and done_on <= as_of:
        return Light.GREY
    if planned_on < as_of:
        return Light.RED
    if (planned_on - as_of).days <= yellow_days:
        return Light.YELLOW
    return Light.GREEN


def worst_light(lights: Iterable[Light]) -> Light | None:
    """A project's light: its worst open milestone's; grey when all are done; None without milestones."""
    worst: Light | None = None
    for one in lights:
        if worst is None or LIGHT_SEVERITY[one] > LIGHT_SEVERITY[worst]:
            worst = one
    return worst
