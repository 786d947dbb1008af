"""The JSON shapes of monthly reports (the API's `progress` router): money as strings of 万元, months as YYYY-MM."""

from datetime import datetime

from ninja import Field, Schema

from zoneledger.core.api import RowId
from zoneledger.core.money import format_wan
from zoneledger.projects.schemas import Ref, wan_text

from .forms import STATE_LABELS


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


class ProjectBrief(Schema):
    """The project a row is about: its id, its national code (if it has one) and its name."""

    id: int
    code: str | None
    name: str


class MonthRowOut(Schema):
    """One project that must report the month, as the zone's month page shows it."""

    project: ProjectBrief
    state: str = Field(description="missing, draft, submitted, returned or approved: what the month waits for")
    state_label: str
    amount: str | None = Field(description="万元: the open report's amount, else the one that counts; null if none")
    correcting: str | None = Field(description="万元: the approved amount that counts while a correction waits")
    planned: str | None = Field(description="万元: the month's share of the year's plan; null without a plan")
    last: str | None = Field(description="万元: last month's amount as it stands; null without a report")
    physical_progress: str
    return_reason: str
    report: int | None = Field(description="the report shown (the open one, else the approved one): its id")

    @staticmethod
    def resolve_state_label(row) -> str:
        return str(STATE_LABELS[row.state])

    @staticmethod
    def resolve_amount(row) -> str | None:
        return wan_text(row.amount)

    @staticmethod
    def resolve_correcting(row) -> str | None:
        return wan_text(row.correcting)

    @staticmethod
    def resolve_planned(row) -> str | None:
        return wan_text(row.planned)

    @staticmethod
    def resolve_last(row) -> str | None:
        return wan_text(row.last)

    @staticmethod
    def resolve_report(row) -> int | None:
        shown = row.open or row.counting
        return shown.pk if shown is not None else None


class MonthOut(Schema):
    """A zone's month (本月填报): every project of the zone that must report it, by name."""

    zone: Ref
    month: str = Field(description="YYYY-MM")
    projects: list[MonthRowOut]


class ReviewOut(ReportOut):
    """A report waiting in the reviewer's queue, with the project and zone it is of."""

    project_name: str
    zone: Ref
    photos: int = Field(description="how many photos the report has")

    @staticmethod
    def resolve_project_name(version) -> str:
        return version.project.name

    @staticmethod
    def resolve_zone(version) -> dict:
        return {"id": version.project.zone_id, "name": version.project.zone.name}

    @staticmethod
    def resolve_photos(version) -> int:
        return len(version.photos.all())


class ReviewQuery(Schema):
    """The review page's filters: a zone (its id) and a month."""

    zone: RowId | None = Field(None, description="a zone's id")
    month: str | None = Field(None, description="YYYY-MM", pattern=r"^\d{4}-\d{2}$")
