"""The JSON shapes of monthly reports (the API's `progress` router): money as strings of 万元, months as YYYY-MM."""

from datetime import datetime

from ninja import Field, Schema

from zoneledger.core.money import format_wan


class ReportOut(Schema):
    """One version of a project's monthly report; `counted_until` is set on an approved amount a correction replaced."""

    id: int
    project: int
    month: str = Field(description="YYYY-MM")
    version: int
    amount: str = Field(description="万元, two decimals")
    physical_progress: str
    note: str
    state: str = Field(description="draft, submitted, approved or returned")
    state_label: str
    submitted_at: datetime | None
    submitted_by: str | None
    reviewed_at: datetime | None
    reviewed_by: str | None
    return_reason: str
    counted_until: datetime | None

    @staticmethod
    def resolve_project(version) -> int:
        return version.project_id

    @staticmethod
    def resolve_month(version) -> str:
        return f"{version.month:%Y-%m}"

    @staticmethod
    def resolve_version(version) -> int:
        return version.number

    @staticmethod
    def resolve_amount(version) -> str:
        return format_wan(version.amount)

    @staticmethod
    def resolve_state_label(version) -> str:
        return str(version.get_state_display())

    @staticmethod
    def resolve_submitted_by(version) -> str | None:
        return version.submitted_by.get_username() if version.submitted_by_id else None

    @staticmethod
    def resolve_reviewed_by(version) -> str | None:
        return version.reviewed_by.get_username() if version.reviewed_by_id else None


class ReportSubmit(Schema):
    """A month's report as a client sends it; `draft` keeps it unsubmitted."""

    month: str = Field(description="YYYY-MM", pattern=r"^\d{4}-\d{2}$")
    amount: str = Field(description="万元, at most two decimals")
    physical_progress: str = ""
    note: str = ""
    draft: bool = False


class ReportReturn(Schema):
    reason: str = Field(description="why the report goes back to its zone", min_length=1, max_length=500)
