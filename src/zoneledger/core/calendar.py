"""Working days of the Chinese calendar (DOMAIN.md §9): the one calendar of the 13710 clock and of 倒排工期.

Where a day's answer comes from, first match wins:
1. the province's own correction of that day (`core.models.WorkdayOverride`);
2. the State Council's notice for the year as the `chinese-calendar` package has it: holidays are rest days, the
   调休 weekends that make up for them are working days, other days follow the week (Monday–Friday work);
3. a year the package does not know but the province has entered itself (`core.models.WorkdayYear`, after it has
   entered that year's holidays as corrections): Monday–Friday;
4. any other year is unknown. Setting ZONELEDGER_CALENDAR_UNKNOWN_YEAR chooses: "error" (the default) raises
   `CalendarYearUnknown`, a domain error with a message for the user; "weekends" counts Monday–Friday, a guess
   the operator chose.

Counting: `add_working_days(start, n)` is the nth working day after `start`, and `start` itself never counts,
whatever the hour: a deadline "within 1 working day" of a problem raised at 16:00 on Friday 26 September 2025 is
the end of Sunday 28 September (a 调休 working day before 国庆); one raised on Tuesday 30 September 2025 is due on
Thursday 9 October, the first working day after the eight days of 国庆 and 中秋. A raised moment counts on its local
date (TIME_ZONE): 01:00 in Beijing is still that day, although in UTC it is the day before. A deadline is a date:
the whole of that day is on time.

`subtract_working_days(target, n)` is the nth working day before `target` (for scheduling backwards) and
`working_days_between(a, b)` counts the working days after `a` up to and including `b`, so that on working days
`add_working_days(a, working_days_between(a, b)) == b` and `add_working_days(subtract_working_days(t, n), n) == t`.

A calendar holds its province's corrections in memory: `WorkingCalendar(code)` reads them once (one query), and
a caller keeps that calendar for the whole request, command or batch instead of asking per day.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

import chinese_calendar
from django.conf import settings
from django.db.models import DateField, IntegerField, Value
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .errors import DomainError

UnknownYear = Literal["error", "weekends"]
UNKNOWN_YEAR_CHOICES: tuple[UnknownYear, ...] = ("error", "weekends")

PACKAGE_VERSION: str = chinese_calendar.__version__
# The package's special days: a holiday is a rest day (even one falling on a weekend), a 调休 day a working day.
_PACKAGE_DAYS: dict[date, bool] = dict.fromkeys(chinese_calendar.holidays, False) | dict.fromkeys(
    chinese_calendar.workdays, True
)
_PACKAGE_NAMES: dict[date, str] = chinese_calendar.holidays | chinese_calendar.workdays
PACKAGE_YEARS = range(min(_PACKAGE_DAYS).year, max(_PACKAGE_DAYS).year + 1)

_ONE_DAY = timedelta(days=1)
# The package names its holidays in English; these are the names people read.
HOLIDAY_NAMES: dict[str, Promise] = {
    chinese_calendar.Holiday.new_years_day.value: _("New Year's Day"),
    chinese_calendar.Holiday.spring_festival.value: _("Spring Festival"),
    chinese_calendar.Holiday.tomb_sweeping_day.value: _("Tomb-sweeping Day"),
    chinese_calendar.Holiday.labour_day.value: _("Labour Day"),
    chinese_calendar.Holiday.dragon_boat_festival.value: _("Dragon Boat Festival"),
    chinese_calendar.Holiday.national_day.value: _("National Day"),
    chinese_calendar.Holiday.mid_autumn_festival.value: _("Mid-autumn Festival"),
    chinese_calendar.Holiday.anti_fascist_70th_day.value: _("70th anniversary of the victory over fascism"),
}


class CalendarYearUnknown(DomainError):
    """A day was asked of a year that neither the package nor the province has entered, and guessing is off.

    Pages answer 400 with the message, commands print it (core/errors.py); `year` says which year.
    """

    def __init__(self, year: int):
        self.year = year
        super().__init__(
            _(
                "The working-day calendar does not know %(year)s yet: the installed chinese-calendar package "
                "%(version)s covers %(first)s–%(last)s. Ask the province administrator to enter %(year)s's "
                "holidays on the working days page, or the operator to upgrade the package."
            )
            % {"year": year, "version": PACKAGE_VERSION, "first": PACKAGE_YEARS[0], "last": PACKAGE_YEARS[-1]}
        )


@dataclass(frozen=True)
class PackageDay:
    """A day the State Council's notice names: a holiday (`working` False) or a 调休 working day (`working` True)."""

    day: date
    working: bool
    name: str  # the holiday it belongs to, in the user's language


def package_knows(year: int) -> bool:
    """Whether the installed chinese-calendar package has the State Council's notice for `year`."""
    return year in PACKAGE_YEARS


def package_days(year: int) -> list[PackageDay]:
    """The holidays and 调休 working days of `year` in date order, as the package has them (none if it does not
    know the year)."""
    return [
        PackageDay(day=day, working=_PACKAGE_DAYS[day], name=holiday_name(_PACKAGE_NAMES[day]))
        for day in sorted(day for day in _PACKAGE_DAYS if day.year == year)
    ]


def holiday_name(package_name: str) -> str:
    """The name people read for one of the package's holiday names (its own English name if it is a new one)."""
    return str(HOLIDAY_NAMES.get(package_name, package_name))


def weekday_rule(day: date) -> bool:
    """The week's own rule, without any notice: Monday to Friday are working days."""
    return day.weekday() < 5


def notice_says(day: date) -> bool:
    """Whether `day` is a working day before any province's correction: by the package's notice for its year, or
    by the week in a year the package does not know."""
    return _PACKAGE_DAYS.get(day, weekday_rule(day))


def as_day(moment: date | datetime) -> date:
    """The calendar day of a date, or of an aware moment in local time (TIME_ZONE).

    A naive datetime is refused: its day depends on a time zone nobody stated.
    """
    if isinstance(moment, datetime):
        if timezone.is_naive(moment):
            raise ValueError("A naive datetime has no calendar day: give an aware one, or a date.")
        return timezone.localtime(moment).date()
    return moment


class WorkingCalendar:
    """The working days of one province (or, with no province, of the State Council's notices alone).

    `WorkingCalendar("140000")` reads the province's corrections from the database once; tests and callers that
    hold the rows already pass `overrides` (day → working?) and `entered_years` instead, and no query is made.
    """

    def __init__(
        self,
        province_code: str | None = None,
        *,
        overrides: Mapping[date, bool] | None = None,
        entered_years: Iterable[int] | None = None,
        unknown_year: UnknownYear | None = None,
    ):
        if province_code is not None and overrides is None and entered_years is None:
            overrides, entered_years = _load_province(province_code)
        self.province_code = province_code
        self.overrides: dict[date, bool] = dict(overrides or {})
        self.entered_years: frozenset[int] = frozenset(entered_years or ())
        policy = unknown_year or settings.ZONELEDGER_CALENDAR_UNKNOWN_YEAR
        if policy not in UNKNOWN_YEAR_CHOICES:
            raise ValueError(f"ZONELEDGER_CALENDAR_UNKNOWN_YEAR must be one of {UNKNOWN_YEAR_CHOICES}")
        self.unknown_year: UnknownYear = policy

    def __repr__(self) -> str:
        return f"WorkingCalendar({self.province_code!r}, {len(self.overrides)} overrides)"

    def knows_year(self, year: int) -> bool:
        """Whether `year` is known for certain: the package has its notice, or the province has entered it."""
        return package_knows(year) or year in self.entered_years

    def is_working_day(self, day: date | datetime) -> bool:
        """Whether `day` is a working day; raises CalendarYearUnknown for an unknown year when guessing is off."""
        day = as_day(day)
        working = self.overrides.get(day)
        if working is not None:
            return working
        if not package_knows(day.year) and day.year not in self.entered_years and self.unknown_year == "error":
            raise CalendarYearUnknown(day.year)
        return notice_says(day)

    def add_working_days(self, start: date | datetime, n: int) -> date:
        """The nth working day after `start` (`start` itself never counts); with n = 0, `start` if it is a working
        day, else the first working day after it."""
        return self._step(as_day(start), _count(n), _ONE_DAY)

    def subtract_working_days(self, target: date | datetime, n: int) -> date:
        """The nth working day before `target`; with n = 0, `target` if it is a working day, else the last working
        day before it."""
        return self._step(as_day(target), _count(n), -_ONE_DAY)

    def working_days_between(self, a: date | datetime, b: date | datetime) -> int:
        """The working days after `a` up to and including `b`; negative when `b` is before `a` (then it counts
        those after `b` up to and including `a`)."""
        a, b = as_day(a), as_day(b)
        if b < a:
            return -self.working_days_between(b, a)
        count, day = 0, a + _ONE_DAY
        while day <= b:
            count += self.is_working_day(day)
            day += _ONE_DAY
        return count

    def _step(self, day: date, n: int, step: timedelta) -> date:
        if n == 0:
            while not self.is_working_day(day):
                day += step
            return day
        while n:
            day += step
            n -= self.is_working_day(day)
        return day


def _count(n: int) -> int:
    if n < 0:
        raise ValueError("Count working days with n >= 0: add_working_days forwards, subtract_working_days back.")
    return n


def _load_province(province_code: str) -> tuple[dict[date, bool], list[int]]:
    """The province's corrections and the years it has entered itself: one query (the two tables' rows in one
    list; every problem queue reads it), whatever the span asked."""
    from .models import WorkdayOverride, WorkdayYear

    no_day, no_year = Value(None, output_field=DateField()), Value(None, output_field=IntegerField())
    overrides = WorkdayOverride.objects.filter(province_code=province_code).values_list("day", "working", no_year)
    years = WorkdayYear.objects.filter(province_code=province_code).values_list(no_day, Value(False), "year")
    rows = list(overrides.order_by().union(years.order_by(), all=True).order_by())
    return {day: working for day, working, year in rows if day is not None}, [
        year for day, _, year in rows if day is None
    ]
