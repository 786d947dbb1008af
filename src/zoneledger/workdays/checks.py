"""System checks: a year the working-day calendar does not know is said at start-up, before anyone asks for it.

This year is checked, and next year from November on, against the chinese-calendar package and against what each
province using the system (a province org unit) has entered itself. The State Council's notice for next year comes
out in November: before that a warning about next year could not be acted on, and one printed by every command
for ten months would teach people to ignore it.

They are warnings, not errors, on purpose: an error would stop the server on 1 January, and with it the page where
a province enters the year itself. `check --deploy` makes the current year an error when unknown days are errors
(ZONELEDGER_CALENDAR_UNKNOWN_YEAR = "error"), so a deployment that would fail every deadline is not shipped.
"""

from datetime import date

from django.conf import settings
from django.core import checks
from django.db import DatabaseError
from django.utils import timezone

from zoneledger.accounts.choices import OrgKind
from zoneledger.accounts.models import OrgUnit
from zoneledger.core.calendar import PACKAGE_VERSION, PACKAGE_YEARS, UNKNOWN_YEAR_CHOICES, package_knows
from zoneledger.core.models import WorkdayYear

# The month from which next year's notice can be had (DOMAIN.md §9: it comes out each November).
NOTICE_MONTH = 11
HINT = (
    "Upgrade chinese-calendar (uv lock --upgrade-package chinesecalendar) once a release has the State Council's "
    "notice for {year}, or let each province's business administrator enter {year} on the working days page "
    "(/workdays/{year}/). Until then ZONELEDGER_CALENDAR_UNKNOWN_YEAR={policy} makes the days of {year} {effect}."
)
EFFECTS = {"error": "an error", "weekends": "count Monday to Friday (a guess that misses its holidays)"}


def _who_lacks(year: int) -> str | None:
    """Who is missing `year`: the provinces using the system that have not entered it themselves; None when every
    one of them has, or when the database is not set up yet (the check speaks once it is: before that nothing
    counts a deadline, and `migrate`, `demo` and a first `check` stay quiet)."""
    try:
        provinces = set(OrgUnit.objects.filter(kind=OrgKind.PROVINCE).values_list("division_id", flat=True))
        entered = set(WorkdayYear.objects.filter(year=year).values_list("province_code", flat=True))
    except DatabaseError:
        return None
    if not provinces:
        return "no province is set up yet to enter it"
    missing = sorted(provinces - entered)
    return f"these provinces have not entered it themselves: {', '.join(missing)}" if missing else None


def unknown_years(today: date) -> list[tuple[int, str]]:
    """This year (and next, from November) where the package does not know it and some province lacks it."""
    found = []
    for year in (today.year, today.year + 1) if today.month >= NOTICE_MONTH else (today.year,):
        if not package_knows(year) and (who := _who_lacks(year)) is not None:
            found.append((year, who))
    return found


def _message(year: int, who: str) -> str:
    return (
        f"The working-day calendar does not know {year}: chinese-calendar {PACKAGE_VERSION} covers "
        f"{PACKAGE_YEARS[0]}–{PACKAGE_YEARS[-1]}, and {who}."
    )


@checks.register()
def calendar_years(app_configs=None, *, today: date | None = None, **kwargs) -> list[checks.CheckMessage]:
    """Warn about this year (W001), or next year from November (W002), when the calendar does not know it; the
    setting's value must be one the calendar knows (E001)."""
    policy = settings.ZONELEDGER_CALENDAR_UNKNOWN_YEAR
    if policy not in UNKNOWN_YEAR_CHOICES:
        return [
            checks.Error(
                f"ZONELEDGER_CALENDAR_UNKNOWN_YEAR is {policy!r}; it must be one of {', '.join(UNKNOWN_YEAR_CHOICES)}.",
                id="zoneledger.E001",
            )
        ]
    today = today or timezone.localdate()
    return [
        checks.Warning(
            _message(year, who),
            hint=HINT.format(year=year, policy=policy, effect=EFFECTS[policy]),
            id="zoneledger.W001" if year == today.year else "zoneledger.W002",
        )
        for year, who in unknown_years(today)
    ]


@checks.register(deploy=True)
def calendar_this_year_for_deploy(app_configs=None, *, today: date | None = None, **kwargs):
    """Before a deployment: this year unknown while unknown days are errors is an error (E002)."""
    if settings.ZONELEDGER_CALENDAR_UNKNOWN_YEAR != "error":
        return []
    today = today or timezone.localdate()
    return [
        checks.Error(
            _message(year, who),
            hint=HINT.format(year=year, policy="error", effect=EFFECTS["error"]),
            id="zoneledger.E002",
        )
        for year, who in unknown_years(today)
        if year == today.year
    ]
