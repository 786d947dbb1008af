"""The lifecycle rules (DOMAIN.md §4) as pure functions over a project's live events.

- stages may be skipped, but dates never go backwards along the order;
- a stage has at most one live event;
- `terminated` is final: nothing may be recorded after it;
- events are not dated in the future.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .choices import STAGE_ORDER, Stage, stage_and_later

# The stages whose first day a project caches (`Project.started_on` …): those the figures ask "reached by a day".
REACHED_FIELDS: dict[Stage, str] = {
    Stage.STARTED: "started_on",
    Stage.COMMISSIONED: "commissioned_on",
    Stage.AT_CAPACITY: "at_capacity_on",
}


@dataclass(frozen=True)
class LiveEvent:
    stage: str
    happened_on: date


def check_stage_order(live_events: Iterable[LiveEvent], stage: str, happened_on: date, *, today: date) -> None:
    """Raise ValidationError (naming the field) if `stage` on `happened_on` breaks a lifecycle rule."""
    if happened_on > today:
        raise ValidationError({"happened_on": _("The date is in the future.")}, code="future")
    for event in live_events:
        if event.stage == Stage.TERMINATED:
            raise ValidationError(
                {"stage": _("The project was terminated on %(date)s; nothing can follow.") % _described(event)},
                code="terminated",
            )
        if event.stage == stage:
            raise ValidationError(
                {
                    "stage": _("The project already has a “%(stage)s” event (%(date)s); void it first.")
                    % _described(event)
                },
                code="duplicate_stage",
            )
        earlier = STAGE_ORDER[event.stage] < STAGE_ORDER[stage]
        if earlier and event.happened_on > happened_on:
            raise ValidationError(
                {"happened_on": _("The date is before the “%(stage)s” date %(date)s.") % _described(event)},
                code="out_of_order",
            )
        if not earlier and event.happened_on < happened_on:
            raise ValidationError(
                {"happened_on": _("The date is after the later “%(stage)s” date %(date)s.") % _described(event)},
                code="out_of_order",
            )


def _described(event: LiveEvent) -> dict[str, str]:
    """An event's stage and date for a message; only on the way to one: formatting a date costs."""
    return {"stage": str(Stage(event.stage).label), "date": date_format(event.happened_on, "Y-m-d")}


def current_stage(live_stages: Iterable[str]) -> str:
    """The stage of the latest live event ('' for none): dates are ordered with stages, so the furthest stage."""
    return max(live_stages, key=STAGE_ORDER.__getitem__, default="")


def reached_on(live_events: Sequence[LiveEvent]) -> dict[str, date | None]:
    """The day each stage of `REACHED_FIELDS` was first reached, by field name (None: not reached): the date of its
    own live event or of a later stage's, whichever is first (DOMAIN §5)."""
    return {
        field: min((event.happened_on for event in live_events if event.stage in stage_and_later(stage)), default=None)
        for stage, field in REACHED_FIELDS.items()
    }
