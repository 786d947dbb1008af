"""The JSON shapes of problems (the API's `problems` router).

Dates are ISO 8601; a state, level, category and tier are their stored values with labels beside them; the colour
(`green`, `yellow`, `red`) is for the day the list was read (`as_of`), with its words in `colour_label`.
"""

from datetime import date, datetime

from ninja import Field, Schema

from zoneledger.core.api import Day, RowId

from .choices import Colour


class Ref(Schema):
    id: int
    name: str


class Deadlines(Schema):
    plan: date
    reply: date
    solve: date


class ProblemOut(Schema):
    """A problem as the queue holds it. `escalated_to` is the org level it sits at now (zone, city, province)."""

    id: int
    title: str
    description: str
    project: Ref | None
    zone: Ref
    category: str
    category_label: str
    level: str
    state: str
    state_label: str
    escalated_to: str
    escalated_on: date | None
    colour: str | None = Field(None, description="green, yellow or red on the day read")
    colour_label: str | None
    raised_by: str
    raised_at: datetime
    owner_org: Ref
    owner: str | None
    deadlines: Deadlines
    version: int

    @staticmethod
    def resolve_project(problem) -> dict | None:
        return {"id": problem.project_id, "name": problem.project.name} if problem.project_id else None

    @staticmethod
    def resolve_zone(problem) -> dict:
        return {"id": problem.zone_id, "name": problem.zone.name}

    @staticmethod
    def resolve_state_label(problem) -> str:
        return str(problem.get_state_display())

    @staticmethod
    def resolve_escalated_to(problem) -> str:
        return problem.tier

    @staticmethod
    def resolve_colour(problem) -> str | None:
        return getattr(problem, "colour", None)

    @staticmethod
    def resolve_colour_label(problem) -> str | None:
        colour = getattr(problem, "colour", None)
        return str(Colour(colour).label) if colour else None

    @staticmethod
    def resolve_raised_by(problem) -> str:
        return problem.raised_by.get_username()

    @staticmethod
    def resolve_owner_org(problem) -> dict:
        return {"id": problem.owner_org_id, "name": problem.owner_org.name}

    @staticmethod
    def resolve_owner(problem) -> str | None:
        return problem.owner.get_username() if problem.owner_id else None

    @staticmethod
    def resolve_deadlines(problem) -> dict:
        return {"plan": problem.plan_due, "reply": problem.reply_due, "solve": problem.solve_due}


class ProblemFilters(Schema):
    """The queue page's filters (`ProblemFilter`), by the same names and values as its query string."""

    q: str | None = Field(None, description="title or project name containing this text")
    status: str | None = Field(None, description="open, or a state")
    colour: str | None = Field(None, description="green, yellow or red on as_of")
    tier: str | None = Field(None, description="zone, city or province: the level's queue")
    level: str | None = None
    category: str | None = None
    zone: RowId | None = None
    city: str | None = None
    project: RowId | None = None
    sort: str | None = Field(None, description="raised, solve_due, zone, title; -x reversed")
    as_of: Day | None = Field(None, description="the day colours are computed for (default today)")


class ProblemRaise(Schema):
    """A problem of a project (or, with `zone` and no project, of a whole zone)."""

    project: RowId | None = None
    zone: RowId | None = None
    title: str
    description: str = ""
    category: str
    level: str = "ordinary"
    owner_org: RowId = Field(description="the responsible org unit's id: the zone's, its city's or its province's")
    owner: RowId | None = Field(None, description="the responsible person's user id, of that org")


class ProblemAct(Schema):
    step: str = Field(description="plan, reply, solve, close or reopen")
    note: str = ""
