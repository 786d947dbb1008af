"""The JSON shapes of approval items (the API's `approvals` router)."""

from datetime import date

from ninja import Schema

from zoneledger.core.api import Day


class ProjectRef(Schema):
    id: int
    name: str


class ApprovalOut(Schema):
    """An approval item; `project` is null while it waits for a project with its code."""

    id: int
    project_code: str
    project: ProjectRef | None
    matter: str
    matter_label: str
    authority: str
    state: str
    state_label: str
    document_number: str
    decided_on: date | None
    papers_due_on: date | None

    @staticmethod
    def resolve_matter_label(item) -> str:
        return str(item.get_matter_display())

    @staticmethod
    def resolve_state_label(item) -> str:
        return str(item.get_state_display())


class ApprovalFilters(Schema):
    unmatched: bool = False
    state: str | None = None


class ApprovalIn(Schema):
    """One item as the platform gives it: saved by (project_code, matter), created or updated."""

    project_code: str
    matter: str
    state: str
    authority: str = ""
    document_number: str = ""
    decided_on: Day | None = None
    papers_due_on: Day | None = None
