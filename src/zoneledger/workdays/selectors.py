"""Reads for the working days page: one year of a province, the notice's days beside the province's corrections."""

from dataclasses import dataclass
from datetime import date

from django.conf import settings

from zoneledger.accounts.models import User
from zoneledger.core.calendar import PACKAGE_VERSION, PackageDay, notice_says, package_days, package_knows
from zoneledger.core.errors import NotAllowed
from zoneledger.core.models import WorkdayOverride, WorkdayYear

from .permissions import kept_province


@dataclass(frozen=True)
class WorkdayRow:
    """One day the notice names or the province corrected, and what counts for the province."""

    day: date
    notice: PackageDay | None  # the package's holiday or 调休 day; None for an ordinary day of the week
    override: WorkdayOverride | None
    working: bool  # what the province's calendar says

    @property
    def notice_working(self) -> bool:
        """What the notice (or the week, for an ordinary day) says before the province's correction."""
        return self.notice.working if self.notice else notice_says(self.day)

    @property
    def override_agrees(self) -> bool:
        """A correction that says what the notice says (the package has since caught up with the province)."""
        return self.override is not None and self.override.working == self.notice_working


@dataclass(frozen=True)
class WorkdayYearPage:
    """A province's year: whether it is known and how, and its special days in date order."""

    province_code: str
    year: int
    package_version: str
    known_by_package: bool
    entered: WorkdayYear | None  # the province's declaration that it entered a year the package does not know
    unknown_year: str  # the setting that applies while the year is unknown: "error" or "weekends"
    rows: list[WorkdayRow]

    @property
    def known(self) -> bool:
        return self.known_by_package or self.entered is not None


def workday_year(*, user: User, year: int) -> WorkdayYearPage:
    """The working days page of the province `user` keeps, for `year` (NotAllowed for anyone else)."""
    province_code = kept_province(user)
    if province_code is None:
        raise NotAllowed
    overrides = {
        override.day: override
        for override in WorkdayOverride.objects.filter(province_code=province_code, day__year=year).select_related(
            "entered_by"
        )
    }
    notice = {entry.day: entry for entry in package_days(year)}
    rows = []
    for day in sorted(notice.keys() | overrides.keys()):
        override = overrides.get(day)
        working = override.working if override else notice[day].working
        rows.append(WorkdayRow(day=day, notice=notice.get(day), override=override, working=working))
    return WorkdayYearPage(
        province_code=province_code,
        year=year,
        package_version=PACKAGE_VERSION,
        known_by_package=package_knows(year),
        entered=WorkdayYear.objects.filter(province_code=province_code, year=year).select_related("entered_by").first(),
        unknown_year=settings.ZONELEDGER_CALENDAR_UNKNOWN_YEAR,
        rows=rows,
    )
