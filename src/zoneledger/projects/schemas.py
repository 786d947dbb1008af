"""The JSON shapes of projects and their stage events (the API's `projects` router).

Money is a string of 万元 with two decimals ("10550.00"), dates are ISO 8601, a stage is its stored value with
its label beside it. What a client sends is checked by the same form the pages use (`ProjectForm`), so the API
refuses exactly what the edit page refuses.
"""

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ninja import Field, Schema
from pydantic import ModelWrapValidatorHandler, ValidationInfo, model_validator

from zoneledger.core.money import format_wan

from .choices import Stage
from .models import Project
from .selectors import project_values


class Ref(Schema):
    """Another object named by its id and name."""

    id: int
    name: str


class EnterpriseRef(Schema):
    """The enterprise (建设单位): its name and unified social credit code."""

    name: str
    uscc: str | None


def wan_text(amount: Decimal | None) -> str | None:
    """An amount of 万元 as the API writes it ("10550.00"), or None for none."""
    return None if amount is None else format_wan(amount)


def _ref(row: Mapping[str, Any], name: str) -> dict[str, Any] | None:
    return None if row[f"{name}_id"] is None else {"id": row[f"{name}_id"], "name": row[f"{name}__name"]}


def project_document(row: Mapping[str, Any]) -> dict[str, Any]:
    """A project in `ProjectOut`'s shape, its members in its order, from its `selectors.PROJECT_COLUMNS` values.

    The one place a project becomes JSON: `ProjectOut` builds on it, and the ledger's list writes its pages with it
    straight from the rows' values, without pydantic building and checking each (schema tests keep them equal)."""
    return {
        "id": row["id"],
        "code": row["code"],
        "name": row["name"],
        "zone": {"id": row["zone_id"], "name": row["zone__name"]},
        # The enterprise by the name this project's user gave it, never the shared row's (issue 20, C2).
        "enterprise": None
        if row["enterprise_id"] is None
        else {"name": row["enterprise_name"], "uscc": row["enterprise__uscc"]},
        "industry_code": row["industry_code"],
        "chain": _ref(row, "chain"),
        "chain_link": _ref(row, "chain_link"),
        "total_investment": format_wan(row["total_investment"]),
        "land_mu": wan_text(row["land_mu"]),
        "expected_output": wan_text(row["expected_output"]),
        "expected_tax": wan_text(row["expected_tax"]),
        "actual_output": wan_text(row["actual_output"]),
        "construction_content": row["construction_content"],
        "leader_in_charge": row["leader_in_charge"],
        "task_force": row["task_force"],
        "key_level": row["key_level"],
        "stage": row["stage"],
        "stage_label": str(Stage(row["stage"]).label) if row["stage"] else "",
        "version": row["version"],
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
    }


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

    # In place of ninja's own validator of that name, which reads each field off the object through a getter: a
    # project becomes its `project_document`, the dict the list writes, and pydantic checks that.
    @model_validator(mode="wrap")
    @classmethod
    def _run_root_validator(cls, value: Any, handler: ModelWrapValidatorHandler, info: ValidationInfo) -> Any:
        return handler(project_document(project_values(value)) if isinstance(value, Project) else value)


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
