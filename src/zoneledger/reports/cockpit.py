"""The cockpit's parts beside the figures: what the user should do now, and how the parts of their scope rank.

Read side only. Each to-do count is the count of the list it links to, read through the selector of the app that
owns the list (monthly reports, the review queue, problems, milestones, warnings, the leader's projects), so a
number on the dashboard and the list it opens cannot disagree. Rankings rank the rows of `figures.breakdown` and,
for 完成率 against the plan, the parts' sums of `progress.selectors.plan_rows`: nothing is counted twice.
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Count
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from zoneledger.accounts.scope import Scope, ScopeKind
from zoneledger.core.money import format_yi, percent_text, rate
from zoneledger.milestones.selectors import overdue_count
from zoneledger.problems.choices import OPEN_STATES, Colour
from zoneledger.problems.selectors import my_projects, problem_rows
from zoneledger.progress.choices import ReportState
from zoneledger.progress.selectors import (
    PlanRow,
    behind_plan,
    late_reports,
    month_rows,
    plan_rows,
    plan_totals,
    review_count,
    warning_month,
)
from zoneledger.progress.workflow import month_start
from zoneledger.projects.selectors import project_list
from zoneledger.zones.choices import ZoneKind
from zoneledger.zones.models import Division, Zone

from . import figures

if TYPE_CHECKING:
    from zoneledger.accounts.models import User


@dataclass(frozen=True)
class Todo:
    """One thing waiting for the user: how many, where the list of them is, and how urgent (a colour, or "")."""

    label: str | Promise
    count: int
    url: str
    colour: str = ""


# The ledger's filter 手续未齐: its count on the dashboard is the count of the list it opens.
PENDING_APPROVALS = {"approvals": "pending"}


def _link(name: str, **query: str) -> str:
    return f"{reverse(name)}?{urlencode(query)}" if query else reverse(name)


def todos(*, user: "User", scope: Scope, as_of: date, warnings: dict[str, int]) -> list[Todo]:
    """What the user should look at first: for an editor this month's reports still to fill and those returned, for
    a reviewer the reports waiting for review; for everyone their scope's overdue and due problems, overdue
    milestones, projects whose approvals are incomplete (手续未齐), 签约未开工 (`warnings`:
    `figures.warning_counts` of the scope, which the page shows anyway), 低于序时进度 and 未按时填报 (the warnings
    page's lists, counted), and the projects they lead or push in a task force. Zero counts stay, as reassurance."""
    items = []
    if user.can_edit:
        month = month_start(as_of)
        states = Counter(row.state for row in month_rows(user=user, month=month))
        month_list = _link("progress:month", month=f"{month:%Y-%m}")
        to_fill = states["missing"] + states[ReportState.DRAFT]
        items.append(Todo(_("Reports to fill this month"), to_fill, month_list, "yellow"))
        items.append(Todo(_("Reports returned"), states[ReportState.RETURNED], month_list, "red"))
    if user.can_review:
        items.append(Todo(_("Reports waiting for review"), review_count(user=user), _link("progress:queue"), "yellow"))
    by_colour = dict(
        problem_rows(user=user, as_of=as_of)
        .filter(state__in=OPEN_STATES)
        .values("colour")
        .annotate(count=Count("pk"))
        .values_list("colour", "count")
    )
    items += [
        Todo(_("Problems overdue"), by_colour.get(Colour.RED, 0), _link("problems:problem_list", colour="red"), "red"),
        Todo(
            _("Problems due within a working day"),
            by_colour.get(Colour.YELLOW, 0),
            _link("problems:problem_list", colour="yellow"),
            "yellow",
        ),
        Todo(
            _("Milestones overdue"),
            overdue_count(user=user, scope=scope, as_of=as_of),
            _link("milestones:milestone_list", light="red"),
            "red",
        ),
        Todo(
            _("Projects with approvals incomplete (手续未齐)"),
            project_list(user=user, filters=PENDING_APPROVALS).count(),
            _link("projects:project_list", **PENDING_APPROVALS),
            "yellow",
        ),
        Todo(_("Signed, not started: alarm"), warnings["red"], _link("reports:warnings", level="red"), "red"),
        Todo(
            _("Behind schedule (低于序时进度)"),
            len(behind_plan(user=user, month=warning_month(as_of), scope=scope)),
            f"{reverse('reports:warnings')}#behind-plan",
            "yellow",
        ),
        Todo(
            _("Reports late (未按时填报)"),
            len(late_reports(user=user, month=warning_month(as_of), today=as_of, scope=scope)),
            f"{reverse('reports:warnings')}#late-reports",
            "red",
        ),
        Todo(
            _("Signed, not started: warning"), warnings["yellow"], _link("reports:warnings", level="yellow"), "yellow"
        ),
    ]
    mine = my_projects(user=user).count()
    if mine:
        items.append(Todo(_("Projects I lead or push"), mine, _link("problems:leaders")))
    return items


# -- rankings ---------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PartFigures:
    """What a part is ranked by: its batches (a row of `figures.breakdown`) and its 完成率 against the annual plans
    (a percentage; None: no plan to date)."""

    row: figures.BreakdownRow
    plan_rate: Decimal | None


@dataclass(frozen=True)
class Metric:
    """A figure parts are ranked by: its name, how a part's figures give it, and how it is shown."""

    key: str
    label: Promise
    value: Callable[[PartFigures], Decimal | None]
    text: Callable[[Decimal | None], str]


def _yi(value: Decimal | None) -> str:
    return "—" if value is None else format_yi(value)


METRICS = [
    Metric("start_rate", _("Start rate"), lambda part: part.row.signed.start_rate, percent_text),
    Metric("commission_rate", _("Commissioning rate"), lambda part: part.row.started.commission_rate, percent_text),
    Metric("completed", _("Completed investment (100 million yuan)"), lambda part: part.row.started.completed, _yi),
    Metric("plan_rate", _("Completion against plan (完成率)"), lambda part: part.plan_rate, percent_text),
]
METRIC_KEYS = [metric.key for metric in METRICS]

# The province compares zones with their own kind: 经开区, 高新区, and the others together.
KIND_GROUPS = {ZoneKind.ETDZ: ZoneKind.ETDZ.label, ZoneKind.HTZ: ZoneKind.HTZ.label}
OTHER_ZONES = _("Other development zones")


@dataclass(frozen=True)
class Standing:
    """A part's place by one metric: the value shown, its rank (None: no value to rank) and the places it moved
    since the previous round (positive: up; None: not ranked then, or no previous round)."""

    text: str
    rank: int | None
    moved: int | None


@dataclass(frozen=True)
class RankedPart:
    """A city, zone or province of the scope (`key`: its code, or the zone's id) with its standing by each metric,
    in the order of METRICS."""

    key: object
    name: str
    group: str
    standings: list[Standing]


@dataclass(frozen=True)
class Ranking:
    """The parts of one level (cities, zones or provinces) ranked, ordered by the chosen metric within each group."""

    level: str
    title: Promise
    parts: list[RankedPart]


def _ranks(values: dict[object, Decimal | None]) -> dict[object, int]:
    """Standard competition ranks ("1224"), highest value first; parts without a value are not ranked."""
    first_place: dict[Decimal, int] = {}
    for position, value in enumerate(sorted((v for v in values.values() if v is not None), reverse=True), start=1):
        first_place.setdefault(value, position)
    return {key: first_place[value] for key, value in values.items() if value is not None}


def _grouped_ranks(parts: list[PartFigures], groups: dict[object, str], metric: Metric) -> dict[object, int]:
    ranks: dict[object, int] = {}
    for group in set(groups.values()):
        ranks |= _ranks({part.row.key: metric.value(part) for part in parts if groups[part.row.key] == group})
    return ranks


def plan_month(year: int, day: date) -> int | None:
    """The month of `year` whose 序时进度 a plan is measured against on `day`: its own month in the year, December
    after it, none before it."""
    if day.year < year:
        return None
    return 12 if day.year > year else day.month


def _plans(*, user: "User", scope: Scope, year: int, day: date) -> list[PlanRow]:
    """The plans of `year` in `scope` measured on `day` (none before the year); 2 queries, none before the year."""
    month = plan_month(year, day)
    return [] if month is None else plan_rows(user=user, year=year, month=month, scope=scope)


def _part_figures(
    *, user: "User", scope: Scope, period: figures.Period, by: str, as_of: date, plans: list[PlanRow]
) -> list[PartFigures]:
    """The parts' batch figures as of `as_of` beside their 完成率 against `plans` (measured on that day)."""
    totals = plan_totals(plans, by=by)
    rows = figures.breakdown(user=user, scope=scope, period=period, by=by, as_of=as_of)
    return [PartFigures(row, _plan_rate(totals.get(row.key))) for row in rows]


def _plan_rate(totals: tuple[Decimal, Decimal] | None) -> Decimal | None:
    """完成率 as a percentage: approved cumulative ÷ planned cumulative (None: no plan, or nothing planned yet)."""
    if totals is None:
        return None
    planned, approved = totals
    return rate(approved, planned)


LEVELS = {
    ScopeKind.NATION: [("province", _("Provinces"))],
    ScopeKind.PROVINCE: [("city", _("Cities")), ("zone", _("Zones, each with its own kind"))],
    ScopeKind.CITY: [("zone", _("Zones, each with its own kind"))],
}


def _groups(level: str, keys: set[object]) -> dict[object, str]:
    """Each part's group: its kind's for a zone (one query), none ("") for a city or province."""
    if level != "zone":
        return dict.fromkeys(keys, "")
    kinds = dict(Zone.objects.filter(pk__in=keys).values_list("pk", "kind"))
    return {key: str(KIND_GROUPS.get(kinds.get(key), OTHER_ZONES)) for key in keys}


def rankings(
    *, user: "User", scope: Scope, period: figures.Period, as_of: date, since: date | None, order_by: str
) -> list[Ranking]:
    """The parts of `scope` ranked by each metric for `period` as of `as_of`, with the places each moved since the
    day `since` (the previous round's; None: no previous round). 完成率 is measured against the plans of the
    period's year to the as-of month (`plan_month`). A zone has no parts: no rankings. Two queries per level (one
    without `since`), one for the zones' kinds, and the plans: two queries for each day (none without plans)."""
    levels = LEVELS.get(scope.kind, [])
    if not levels:
        return []
    order = METRIC_KEYS.index(order_by) if order_by in METRIC_KEYS else 0
    plans_now = _plans(user=user, scope=scope, year=period.year, day=as_of)
    plans_then = _plans(user=user, scope=scope, year=period.year, day=since) if since else []
    result = []
    for level, title in levels:
        now_parts = _part_figures(user=user, scope=scope, period=period, by=level, as_of=as_of, plans=plans_now)
        before = (
            _part_figures(user=user, scope=scope, period=period, by=level, as_of=since, plans=plans_then)
            if since
            else []
        )
        groups = _groups(level, {part.row.key for part in [*now_parts, *before]})
        now = {metric.key: _grouped_ranks(now_parts, groups, metric) for metric in METRICS}
        then = {metric.key: _grouped_ranks(before, groups, metric) for metric in METRICS}
        parts = [
            RankedPart(
                key=part.row.key,
                name=part.row.name,
                group=groups[part.row.key],
                standings=[
                    Standing(
                        text=metric.text(metric.value(part)),
                        rank=now[metric.key].get(part.row.key),
                        moved=_moved(now[metric.key].get(part.row.key), then[metric.key].get(part.row.key))
                        if since
                        else None,
                    )
                    for metric in METRICS
                ],
            )
            for part in now_parts
        ]
        parts.sort(key=lambda part: (part.group, part.standings[order].rank or len(parts) + 1, part.name))
        result.append(Ranking(level=level, title=title, parts=parts))
    return result


def _moved(rank: int | None, earlier: int | None) -> int | None:
    return earlier - rank if rank is not None and earlier is not None else None


# -- the cities on a map of tiles ---------------------------------------------------------------------------------
# A province's cities (GB/T 2260) in their geographic places, north at the top: (row, column) of a grid of three
# columns. Drawn from the map by hand; no boundary data or map tiles are needed.
CITY_TILES = {
    "140000": {  # 山西
        "140600": (1, 2),  # 朔州
        "140200": (1, 3),  # 大同
        "140900": (2, 2),  # 忻州
        "141100": (3, 1),  # 吕梁
        "140100": (3, 2),  # 太原
        "140300": (3, 3),  # 阳泉
        "140700": (4, 2),  # 晋中
        "141000": (5, 1),  # 临汾
        "140400": (5, 3),  # 长治
        "140800": (6, 1),  # 运城
        "140500": (6, 3),  # 晋城
    },
}


@dataclass(frozen=True)
class ZonePoint:
    """A zone as a point in its city's tile: its short name, the figure of the chosen metric with its rank among the
    zones of its kind (None: no batches), and a link to the ledger filtered to it."""

    key: int
    name: str
    short_name: str
    standing: Standing | None
    url: str


@dataclass(frozen=True)
class CityTile:
    """One city on the tile map: its place, the figure of the chosen metric with its rank, its own figures' link,
    and its zones as points."""

    code: str
    name: str
    row: int
    column: int
    standing: Standing | None
    url: str
    zones: list[ZonePoint]


def _standings(ranking: Ranking | None, order: int) -> dict[object, Standing]:
    return {part.key: part.standings[order] for part in (ranking.parts if ranking else [])}


def city_tiles(
    *,
    user: "User",
    scope: Scope,
    cities: Ranking | None,
    zones: Ranking | None,
    order_by: str,
    year: int,
    as_of: date,
) -> list[CityTile]:
    """The province's cities on their tiles, each with its standing by `order_by` in the cities' ranking (None: no
    batches) and a link to its year summary, and its zones inside it as points with their standing in `zones`
    and a link to their ledger. There is no coordinate data: a zone's place is its city's tile. Empty for a province
    without a layout. Two queries (the cities' names, the zones)."""
    layout = CITY_TILES.get(scope.code) if scope.kind == ScopeKind.PROVINCE else None
    if not layout:
        return []
    order = METRIC_KEYS.index(order_by) if order_by in METRIC_KEYS else 0
    city_standings, zone_standings = _standings(cities, order), _standings(zones, order)
    names = dict(Division.objects.filter(code__in=layout).values_list("code", "name"))
    ledger = reverse("projects:project_list")
    points: dict[str, list[ZonePoint]] = {}
    for pk, name, short_name, city in (
        Zone.objects.visible_to(user)
        .filter(city_id__in=layout)
        .order_by("name")
        .values_list("pk", "name", "short_name", "city_id")
    ):
        point = ZonePoint(pk, name, short_name or name, zone_standings.get(pk), f"{ledger}?{urlencode({'zone': pk})}")
        points.setdefault(city, []).append(point)
    query = {"year": str(year), "as_of": as_of.isoformat()}
    return [
        CityTile(
            code,
            names.get(code, code),
            row,
            column,
            city_standings.get(code),
            _link("reports:year_summary", scope=code, **query),
            points.get(code, []),
        )
        for code, (row, column) in layout.items()
    ]
