"""The JSON shapes of milestones and plan templates (the API's `milestones` router). Dates are ISO 8601; a light
is `green|yellow|red|grey` with its words beside it."""

from datetime import date

from ninja import Field, Schema

from zoneledger.core.api import Day, RowId

from .choices import Light


class StepOut(Schema):
    title: str
    working_days: int
    after_previous: bool
    kind: str
    stage: str


class TemplateOut(Schema):
    """A plan template: its steps in order, with their durations in working days."""

    name: str
    province: str = Field(description="the province's code; empty for a template offered to every province")
    steps: list[StepOut]

    @staticmethod
    def resolve_province(template) -> str:
        return template.province_code


class ProjectRef(Schema):
    id: int
    name: str


class MilestoneOut(Schema):
    """A milestone with its light as of the list's date (of today for a write's answer)."""

    id: int
    project: ProjectRef
    title: str
    kind: str
    stage: str
    planned: date
    done: date | None
    owner: str
    note: str
    plan: str
    light: str | None = Field(description="green, yellow, red or grey; null for a dropped milestone")
    light_label: str | None
    version: int

    @staticmethod
    def resolve_planned(milestone) -> date:
        return milestone.planned_on

    @staticmethod
    def resolve_done(milestone) -> date | None:
        return milestone.done_on

    @staticmethod
    def resolve_light(milestone) -> str | None:
        return None if milestone.dropped else getattr(milestone, "light", None)

    @staticmethod
    def resolve_light_label(milestone) -> str | None:
        light = MilestoneOut.resolve_light(milestone)
        return None if light is None else str(Light(light).label)


class MilestoneFilters(Schema):
    as_of: Day | None = None
    light: str | None = None
    kind: str | None = None
    project: RowId | None = None


class PlanIn(Schema):
    """Plan the project's milestones backwards from `target` through the template named `template`."""

    template: str
    target: Day
    allow_late: bool = False


class PlanOut(Schema):
    milestones: list[MilestoneOut]


class CompleteIn(Schema):
    done_on: Day
    version: int | None = None
