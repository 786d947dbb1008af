"""The JSON shapes of the figures (the API's `figures` router): the document `zoneledger figures --format json`
prints, field for field. Money is a string of 万元 with two decimals, a rate a percent string with two decimals,
null where it is 0 ÷ 0."""

from datetime import date, datetime
from typing import Literal

from ninja import Field, Schema

from zoneledger.core.api import Day, RowId
from zoneledger.core.money import format_wan, round_half_up

from .presenters import LEVEL_TEXT


class FiguresQuery(Schema):
    """Which figures: a scope, a year or a round, as of a day, as the ledger stood at a moment."""

    scope: str | None = Field(
        None, description="nation, province, a division code, or a zone's name (default: the user's own scope)"
    )
    year: str | None = Field(None, description="a year: all its rounds (give a year or a round)")
    round: str | None = Field(None, description="one round, e.g. 2023-4")
    as_of: str | None = Field(None, description="YYYY-MM-DD: count events dated up to this day (default: today)")
    known_at: str | None = Field(None, description="ISO 8601: the ledger as it stood at this moment")
    by: Literal["province", "city", "zone", "chain"] | None = Field(None, description="add a breakdown")


class ScopeOut(Schema):
    kind: str
    name: str
    code: str


class PeriodOut(Schema):
    year: int | None = None
    round: str | None = None


class SignedOut(Schema):
    count: int
    investment_wan: str
    started: int
    start_rate: str | None


class StartedOut(Schema):
    count: int
    investment_wan: str
    completed_wan: str
    completion_rate: str | None
    commissioned: int
    commission_rate: str | None


class CommissionedOut(Schema):
    count: int
    investment_wan: str
    at_capacity: int
    capacity_rate: str | None
    output_rate: str | None


class BreakdownRowOut(Schema):
    key: int | str | None
    name: str
    city_code: str | None = None
    signed: SignedOut
    started: StartedOut
    commissioned: CommissionedOut
    same_year_start_rate: str | None


class BreakdownOut(Schema):
    by: str
    rows: list[BreakdownRowOut]


class FiguresOut(Schema):
    """The three batches of a period in a scope (and a breakdown, when asked)."""

    scope: ScopeOut
    period: PeriodOut
    as_of: date
    known_at: datetime | None
    signed: SignedOut
    started: StartedOut
    commissioned: CommissionedOut
    same_year_start_rate: str | None
    breakdown: BreakdownOut | None = None


# -- warnings (the API's `warnings` router) ----------------------------------------------------------------------


class SignedNotStartedQuery(Schema):
    """The /warnings/ page's filters, by the same names and values as its query string."""

    level: Literal["yellow", "red"] | None = Field(None, description="red (alarm) or yellow (warning); all when out")
    sort: str | None = Field(None, description="days, name, zone, investment; -x reversed (default: -days)")
    as_of: str | None = Field(None, description="YYYY-MM-DD: days since signing counted to this day (default: today)")
    known_at: str | None = Field(None, description="ISO 8601: the ledger as it stood at this moment")


class SignedNotStartedOut(Schema):
    """签约未开工: a project signed and not started, the days since its signing and its level."""

    project: int
    name: str
    zone: str
    city: str
    investment_wan: str = Field(description="万元, two decimals")
    signed_on: date
    days: int
    level: str = Field(description="red (alarm), yellow (warning) or empty (watch)")
    level_label: str
    target_missed: bool = Field(description="its 开工 target passed without a start: red whatever its days")

    @staticmethod
    def resolve_project(row) -> int:
        return row.project_id

    @staticmethod
    def resolve_investment_wan(row) -> str:
        return format_wan(row.investment)

    @staticmethod
    def resolve_level_label(row) -> str:
        return str(LEVEL_TEXT[row.level])


class PlanQuery(Schema):
    """The plan page's filters: a year, a month of it, a zone; neither year nor month: the warnings page's month."""

    year: int | None = Field(
        None, ge=2000, le=2999, description="default: the year of the latest month whose reports were due"
    )
    month: int | None = Field(
        None,
        ge=1,
        le=12,
        description="default: the latest month whose reports were due; with a year alone, this month "
        "(December for another year)",
    )
    zone: RowId | None = Field(None, description="a zone's id")


class ProjectRowOut(Schema):
    """A row of a list about projects (`row.project`): the project's id, name and zone's name."""

    project: int
    name: str
    zone: str

    @staticmethod
    def resolve_project(row) -> int:
        return row.project.pk

    @staticmethod
    def resolve_name(row) -> str:
        return row.project.name

    @staticmethod
    def resolve_zone(row) -> str:
        return row.project.zone.name


class BehindPlanOut(ProjectRowOut):
    """低于序时进度: a project whose approved investment of the year is under the threshold share of its plan."""

    plan_wan: str = Field(description="the year's planned investment, 万元")
    planned_wan: str = Field(description="序时进度: planned cumulative to the month, 万元")
    approved_wan: str = Field(description="approved cumulative of the year to the month, 万元")
    completion_rate: str | None = Field(description="完成率, percent with two decimals")

    @staticmethod
    def resolve_plan_wan(row) -> str:
        return format_wan(row.plan.amount)

    @staticmethod
    def resolve_planned_wan(row) -> str:
        return format_wan(row.planned)

    @staticmethod
    def resolve_approved_wan(row) -> str:
        return format_wan(row.approved)

    @staticmethod
    def resolve_completion_rate(row) -> str | None:
        return None if row.rate is None else f"{round_half_up(row.rate * 100):.2f}"


class LateReportOut(ProjectRowOut):
    """未按时填报: a project that had to report the month asked and has not submitted it by its due day."""

    state: str = Field(description="missing (nothing written) or draft")

    @staticmethod
    def resolve_state(row) -> str:
        return str(row.state)


class OverdueQuery(Schema):
    as_of: Day | None = Field(None, description="default: today")
