"""The JSON shapes of the figures (the API's `figures` router): the document `zoneledger figures --format json`
prints, field for field. Money is a string of 万元 with two decimals, a rate a percent string with two decimals,
null where it is 0 ÷ 0."""

from datetime import date, datetime
from typing import Literal

from ninja import Field, Schema


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
