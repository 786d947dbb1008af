"""The JSON shapes of projects and their stage events (the API's `projects` router).

Money is a string of 万元 with two decimals ("10550.00"), dates are ISO 8601, a stage is its stored value with
its label beside it. What a client sends is checked by the same form the pages use (`ProjectForm`), so the API
refuses exactly what the edit page refuses.
"""

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema

from zoneledger.core.money import format_wan

from .choices import Stage


class Ref(Schema):
    """Another object named by its id and name."""

    id: int
    name: str


class EnterpriseRef(Schema):
    """The enterprise (建设单位): its name and unified social credit code."""

    name: str
    uscc: str | None


def _wan(amount: Decimal | None) -> str | None:
    return None if amount is None else format_wan(amount)


class ProjectOut(Schema):
    """A project as the ledger holds it. `version` is what an update must send back."""

    id: int
    code: str | None
    name: str
    zone: Ref
    enterprise: EnterpriseRef | None
    industry_code: str
    chain: Ref | None
    chain_link: Ref | None
    total_investment: str = Field(description="万元, two decimals")
    land_mu: str | None = Field(description="亩, two decimals")
    expected_output: str | None = Field(description="万元 a year, two decimals")
    expected_tax: str | None = Field(description="万元 a year, two decimals")
    actual_output: str | None = Field(description="万元 a year, two decimals")
    construction_content: str
    leader_in_charge: str
    task_force: str
    key_level: str
    stage: str
    stage_label: str
    version: int
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_enterprise(project) -> dict | None:
        """The enterprise by the name this project's user gave it, never the shared row's (issue 20, C2)."""
        if project.enterprise_id is None:
            return None
        return {"name": project.enterprise_name, "uscc": project.enterprise.uscc}

    @staticmethod
    def resolve_total_investment(project) -> str:
        return format_wan(project.total_investment)

    @staticmethod
    def resolve_land_mu(project) -> str | None:
        return _wan(project.land_mu)

    @staticmethod
    def resolve_expected_output(project) -> str | None:
        return _wan(project.expected_output)

    @staticmethod
    def resolve_expected_tax(project) -> str | None:
        return _wan(project.expected_tax)

    @staticmethod
    def resolve_actual_output(project) -> str | None:
        return _wan(project.actual_output)

    @staticmethod
    def resolve_stage_label(project) -> str:
        # Stage's own label: get_stage_display() builds the field's choices anew for every row of a list.
        return str(Stage(project.stage).label) if project.stage else ""


class ProjectFilters(Schema):
    """The ledger page's filters (`ProjectFilter`), by the same names and values as its query string."""

    q: str | None = Field(None, description="name, project code or enterprise containing this text")
    zone: int | None = None
    city: str | None = Field(None, description="a city's division code")
    stage: str | None = None
    round: int | None = Field(None, description="a round's id: projects with a live event in it")
    chain: int | None = None
    industry: str | None = Field(None, description="industry code starting with this")
    key_level: str | None = None
    leader: str | None = None
    approvals: str | None = Field(None, description="pending: 手续未齐, an approval item not yet done")
    sort: str | None = Field(None, description="code, name, zone, enterprise, stage, investment, leader; -x reversed")


class ProjectFacts(Schema):
    """A project's facts as a client writes them; money as strings of 万元 ("10550.00")."""

    code: str | None = None
    name: str | None = None
    zone: int | None = Field(None, description="a zone's id the user may write in")
    enterprise_name: str | None = None
    enterprise_uscc: str | None = None
    industry_code: str | None = None
    chain: int | None = None
    chain_link: int | None = None
    total_investment: str | None = None
    land_mu: str | None = None
    expected_output: str | None = None
    expected_tax: str | None = None
    actual_output: str | None = None
    construction_content: str | None = None
    leader_in_charge: str | None = None
    task_force: str | None = None
    key_level: str | None = None


class ProjectCreate(ProjectFacts):
    """A new project: its name, zone and total investment at least."""

    name: str
    zone: int
    total_investment: str


class ProjectUpdate(ProjectFacts):
    """The facts to change (the others stay) and the `version` the client read: a stale one is refused (409)."""

    version: int


class EventOut(Schema):
    """A stage event; a voided one stays, with its reason."""

    id: int
    stage: str
    stage_label: str
    happened_on: date
    round: str | None = Field(description="the round's label, e.g. 2024-1")
    note: str
    recorded_at: datetime
    recorded_by: str | None
    voided: bool
    void_reason: str
    voided_at: datetime | None

    @staticmethod
    def resolve_stage_label(event) -> str:
        return str(event.get_stage_display())

    @staticmethod
    def resolve_round(event) -> str | None:
        return event.round.label if event.round_id else None

    @staticmethod
    def resolve_recorded_by(event) -> str | None:
        return str(event.recorded_by) if event.recorded_by_id else None


class EventCreate(Schema):
    """Record that the project reached a stage on a date (at a round of its province, optionally)."""

    stage: str
    happened_on: date
    round: int | None = Field(None, description="a round's id")
    note: str = ""


class EventVoid(Schema):
    """Void a wrong event: the reason is kept with it."""

    reason: str
