"""The figures the province publishes (DOMAIN.md §5), for any scope and period, as of any date.

The contract the web app, the API and the commands rely on:

- A ``Scope`` (the nation, a province, a city, a county or a zone) comes from the scope door,
  ``zoneledger.accounts.scope``: ``user_scope(user)`` or ``user_scope_in(user, "141100")``. A scope the user cannot
  see raises ``ScopeNotFound`` (a ``NotFound``) there, exactly like a missing one.
- ``Period.for_year(2024)`` / ``Period.for_round("2023-4")`` — a year is all the rounds held in it.
- ``batch_figures(*, user, scope, period, as_of=None, known_at=None) -> BatchFigures`` — the signed, started and
  commissioned batches (counts, investment, rates) and 当年开工率 for a year; two queries (the period's rounds, then
  the figures).
- ``breakdown(*, user, scope, period, by, as_of=None, known_at=None) -> list[BreakdownRow]`` — the same figures
  per ``"province"``, ``"city"``, ``"zone"`` or ``"chain"``; two queries per breakdown, rows only for groups with
  batch events.
- ``figures_json(figures, rows=None) -> dict`` — the JSON contract of ``zoneledger figures``;
  ``figures_document(*, user, scope, period, as_of=None, known_at=None, by=None)`` computes it (the command and
  the API's figures both call it), and ``period_for(*, user, province, year=None, round=None)`` finds the period
  (``NotFound`` for a round the user has not).
- ``summary_sentences(figures) -> list[str]`` — the year summary in the register of the seeds.
- ``signed_not_started(*, user, scope, as_of=None, known_at=None, level=None, sort=None) -> list[SignedNotStarted]``
  — 签约未开工 with days since signing and a level (``""``, ``"yellow"``, ``"red"``) from settings, longest waiting
  first or sorted by a key of ``WARNING_SORTS`` (``"-key"`` reversed), one level or all; one query.
  ``signed_not_started_rows(...)`` (same arguments) reads the same list lazily: a count is one query, a page
  (a slice) one more — filtered, ordered and paged in the database. ``warning_counts(...)`` counts each level; one
  query. A project with an open 开工 target (a milestone, milestones app) planned before ``as_of`` is red whatever
  its days since signing (``target_missed``); with ``known_at``, only targets entered by then count.
- ``completed_by_month(*, user, scope, year, as_of=None, known_at=None) -> list[MonthAmount]`` — approved completed
  investment per month of a year and its running total, for the dashboard's line chart; one query (two with
  ``known_at``).

As-of semantics: events dated after ``as_of`` (default today) never count, voided events never count, completed
investment is the approved monthly amounts up to the as-of month. ``known_at`` (an aware datetime) gives the
ledger as it stood then: events recorded by then count, voids made later are ignored, and only monthly amounts
approved by then count; ``as_of`` then defaults to the date of ``known_at``. A correction of an approved month
(``progress.ReportVersion``) counts from its approval; until then — and at any ``known_at`` before it — the amount
it replaced counts.

A batch is the set of stage events tagged with the period's rounds. Every figure is computed in the database,
from ``visible_to(user)``; rates are exact ratios rounded half-up once, by ``zoneledger.core.money.rate``. Whether
a batch's project had reached a later stage by a day is read from the days its row caches (``Project.started_on``
…, kept by ``projects.services``); with ``known_at``, from the events recorded by then.
"""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, Self, overload

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Aggregate, Count, Exists, F, Min, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from zoneledger.accounts.models import User
from zoneledger.accounts.scope import Scope
from zoneledger.campaigns.models import Round, parse_round_label
from zoneledger.core.errors import NotFound
from zoneledger.core.money import WanField, format_wan, format_yi, rate
from zoneledger.milestones.selectors import start_target_missed
from zoneledger.progress.choices import ReportState
from zoneledger.progress.models import ReportVersion
from zoneledger.projects.choices import ProgressStatus, Stage, stage_and_later
from zoneledger.projects.models import MonthlyProgress, Project, StageEvent, StageEventQuerySet
from zoneledger.projects.workflow import REACHED_FIELDS

BATCH_STAGES = (Stage.SIGNED, Stage.STARTED, Stage.COMMISSIONED)
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Period:
    """A year (all its rounds) or one round such as 2023-4."""

    year: int
    sequence: int | None = None

    @classmethod
    def for_year(cls, year: int | str) -> Self:
        """The period of a year given as a number or digits; ValidationError otherwise."""
        text = str(year).strip()
        if not (text.isdigit() and 1900 <= int(text) <= 2999):
            raise ValidationError(_("“%(value)s” is not a year."), code="invalid_year", params={"value": year})
        return cls(int(text))

    @classmethod
    def for_round(cls, label: str | None) -> Self:
        """The period of round `label` ('2023-4'); ValidationError when malformed or None (the round need not
        exist)."""
        return cls(*parse_round_label(label))

    @property
    def is_year(self) -> bool:
        return self.sequence is None

    @property
    def label(self) -> str:
        return str(self.year) if self.is_year else f"{self.year}-{self.sequence}"

    def __str__(self) -> str:
        if self.is_year:
            return pgettext("period", "%(year)s") % {"year": self.year}
        return pgettext("period", "%(year)s round %(sequence)s") % {"year": self.year, "sequence": self.sequence}

    def as_json(self) -> dict[str, int | str]:
        return {"year": self.year} if self.is_year else {"round": self.label}


@dataclass(frozen=True)
class SignedFigures:
    """签约一批: how many projects, their total investment, how many had started by the as-of date."""

    count: int
    investment: Decimal
    started: int

    @property
    def start_rate(self) -> Decimal | None:
        return rate(self.started, self.count)


@dataclass(frozen=True)
class StartedFigures:
    """开工一批: how many, their total and completed investment, how many had been commissioned."""

    count: int
    investment: Decimal
    completed: Decimal
    commissioned: int

    @property
    def completion_rate(self) -> Decimal | None:
        return rate(self.completed, self.investment)

    @property
    def commission_rate(self) -> Decimal | None:
        return rate(self.commissioned, self.count)


@dataclass(frozen=True)
class CommissionedFigures:
    """投产一批: how many, their total investment, how many at capacity, and outputs where both are known."""

    count: int
    investment: Decimal
    at_capacity: int
    actual_output: Decimal
    expected_output: Decimal

    @property
    def capacity_rate(self) -> Decimal | None:
        return rate(self.at_capacity, self.count)

    @property
    def output_rate(self) -> Decimal | None:
        """达效率: actual ÷ expected annual output of the projects whose outputs are both known."""
        return rate(self.actual_output, self.expected_output)


@dataclass(frozen=True)
class SameYearFigures:
    """当年开工: projects signed in the year, and how many of them also started in that year."""

    signed: int
    started: int

    @property
    def rate(self) -> Decimal | None:
        return rate(self.started, self.signed)


@dataclass(frozen=True)
class BatchFigures:
    """The three batches of a period in a scope, as of a date (and as known at a moment, if given)."""

    scope: Scope
    period: Period
    as_of: date
    known_at: datetime | None
    signed: SignedFigures
    started: StartedFigures
    commissioned: CommissionedFigures
    same_year: SameYearFigures | None

    @property
    def same_year_start_rate(self) -> Decimal | None:
        return self.same_year.rate if self.same_year else None


@dataclass(frozen=True)
class BreakdownRow:
    """The batches of one province, city, zone or chain (`key` is the province's or city's code, the zone's or
    chain's id; None: no chain)."""

    key: object
    name: str
    city_code: str | None
    signed: SignedFigures
    started: StartedFigures
    commissioned: CommissionedFigures
    same_year: SameYearFigures | None


def resolve_moments(as_of: date | None, known_at: datetime | None) -> tuple[date, datetime | None]:
    """The as-of day every figure counts to (`as_of`, else the day of `known_at`, else today) and `known_at`."""
    if known_at is not None and timezone.is_naive(known_at):
        raise ValueError("known_at must be an aware datetime")
    if as_of is None:
        as_of = timezone.localtime(known_at).date() if known_at else timezone.localdate()
    return as_of, known_at


def _as_known(events: StageEventQuerySet, known_at: datetime | None) -> StageEventQuerySet:
    """The live events, or the events as the ledger stood at `known_at`."""
    return events.known_at(known_at) if known_at else events.live()


def _approved(known_at: datetime | None) -> Q:
    """A Q selecting approved monthly amounts (approved by `known_at`, if given)."""
    approved = Q(status=ProgressStatus.APPROVED)
    if known_at:
        # Entries loaded in bulk carry no review time; they count from when they were submitted.
        approved &= Q(reviewed_at__lte=known_at) | Q(reviewed_at__isnull=True, submitted_at__lte=known_at)
    return approved


def _reached(stage: str, *, known_at: datetime | None, until: date, since: date | None = None) -> Q:
    """Whether the row's project had reached `stage` by `until` (and, given `since`, first reached it on or after it).

    A stage is reached on the date of its own event or of any later stage's event, whichever is first (DOMAIN §5):
    a project recorded straight to 投产 has started, so a rate never falls when a later stage is recorded.

    The live ledger's answer compares the day the project's row caches (`Project.started_on` …): a column of the
    project every figure joins already, so no subquery runs per event (docs/PERFORMANCE.md, session 12). A past
    moment (`known_at`) asks the events recorded by then.
    """
    if known_at is None:
        first = f"project__{REACHED_FIELDS[Stage(stage)]}"
        reached = Q(**{f"{first}__lte": until})
        return reached & Q(**{f"{first}__gte": since}) if since is not None else reached
    events = _as_known(StageEvent.objects.all(), known_at).filter(project=OuterRef("project"))
    stages = stage_and_later(stage)
    reached = events.filter(happened_on__lte=until).exist_in(stages)
    if since is not None:
        return reached & ~events.filter(happened_on__lt=since).exist_in(stages)
    return reached


def _completed(*, known_at: datetime | None, as_of: date) -> Subquery:
    """The row's project's approved completed investment up to the as-of month."""
    # Only the project in WHERE, the rest in the sum's FILTER: so every database reads the project's own rows
    # through the (project, month) index instead of scanning all approved months.
    counted = _approved(known_at) & Q(month__lte=as_of)
    progress = MonthlyProgress.objects.filter(project=OuterRef("project")).order_by().values("project")
    total = progress.annotate(total=Sum("completed_investment", filter=counted)).values("total")
    return Subquery(total, output_field=WanField())


def _replaced(*, known_at: datetime, as_of: date) -> Subquery:
    """The row's project's approved amounts that counted at `known_at` and a correction approved later replaced.

    `MonthlyProgress` holds each month's amount as approved last; what it held before a correction was approved is
    kept on the replaced `ReportVersion` (`counted_until`), so a past moment counts it.
    """
    counted = Q(month__lte=as_of, reviewed_at__lte=known_at, counted_until__gt=known_at)
    versions = ReportVersion.objects.filter(project=OuterRef("project"), state=ReportState.APPROVED)
    total = versions.order_by().values("project").annotate(total=Sum("amount", filter=counted)).values("total")
    return Subquery(total, output_field=WanField())


def _in_rounds(period: Period) -> Q:
    """A Q selecting the stage events tagged with the period's rounds, named by their ids (one small query).

    Named as numbers, PostgreSQL estimates how many events the rounds tag. Through a join to the rounds' year it
    expected eight times too many, and read a nation's year figures without parallel workers (at scale 1: 690 ms,
    470 ms by ids). Every province's rounds, not through `visible_to`: the ids only narrow the events, which
    `_events` reads through the user's `visible_to` and the scope, as the join to the rounds did."""
    rounds = Round.objects.filter(year=period.year)
    if period.sequence is not None:
        rounds = rounds.filter(sequence=period.sequence)
    return Q(round_id__in=list(rounds.values_list("pk", flat=True)))


def _aggregates(period: Period, rounds: Q, *, as_of: date, known_at: datetime | None) -> dict[str, Aggregate]:
    """The conditional aggregates over stage events that make every figure of a period (`rounds`: `_in_rounds`)."""
    signed, started, commissioned = (Q(stage=stage) & rounds for stage in BATCH_STAGES)
    outputs_known = Q(project__actual_output__isnull=False, project__expected_output__isnull=False)
    investment = "project__total_investment"
    aggregates = {
        "signed_count": Count("pk", filter=signed),
        "signed_investment": Sum(investment, filter=signed),
        "signed_started": Count("pk", filter=signed & _reached(Stage.STARTED, known_at=known_at, until=as_of)),
        "started_count": Count("pk", filter=started),
        "started_investment": Sum(investment, filter=started),
        "started_completed": Sum(_completed(known_at=known_at, as_of=as_of), filter=started),
        **(
            {"started_completed_replaced": Sum(_replaced(known_at=known_at, as_of=as_of), filter=started)}
            if known_at
            else {}
        ),
        "started_commissioned": Count(
            "pk", filter=started & _reached(Stage.COMMISSIONED, known_at=known_at, until=as_of)
        ),
        "commissioned_count": Count("pk", filter=commissioned),
        "commissioned_investment": Sum(investment, filter=commissioned),
        "commissioned_at_capacity": Count(
            "pk", filter=commissioned & _reached(Stage.AT_CAPACITY, known_at=known_at, until=as_of)
        ),
        "commissioned_actual_output": Sum("project__actual_output", filter=commissioned & outputs_known),
        "commissioned_expected_output": Sum("project__expected_output", filter=commissioned & outputs_known),
    }
    if period.is_year:
        in_year = Q(stage=Stage.SIGNED, happened_on__year=period.year)
        started_in_year = _reached(
            Stage.STARTED, known_at=known_at, until=min(as_of, date(period.year, 12, 31)), since=date(period.year, 1, 1)
        )
        aggregates["same_year_signed"] = Count("pk", filter=in_year)
        aggregates["same_year_started"] = Count("pk", filter=in_year & started_in_year)
    return aggregates


def _events(
    *, user: User, scope: Scope, period: Period, rounds: Q, as_of: date, known_at: datetime | None
) -> StageEventQuerySet:
    """The stage events any figure of the period reads: the batches (in `rounds`), and for a year every signing in
    it."""
    wanted = Q(stage__in=BATCH_STAGES) & rounds
    if period.is_year:
        wanted |= Q(stage=Stage.SIGNED, happened_on__year=period.year)
    return (
        _as_known(StageEvent.objects.visible_to(user), known_at)
        .filter(scope.q("project__zone__", province="province_id"), wanted, happened_on__lte=as_of)
        .order_by()
    )


def _families(
    values: dict[str, Any], period: Period
) -> tuple[SignedFigures, StartedFigures, CommissionedFigures, SameYearFigures | None]:
    """(signed, started, commissioned, same_year) from one row of `_aggregates`."""

    def money(key: str) -> Decimal:
        return values[key] if values[key] is not None else ZERO

    return (
        SignedFigures(values["signed_count"], money("signed_investment"), values["signed_started"]),
        StartedFigures(
            values["started_count"],
            money("started_investment"),
            money("started_completed") + (values.get("started_completed_replaced") or ZERO),
            values["started_commissioned"],
        ),
        CommissionedFigures(
            values["commissioned_count"],
            money("commissioned_investment"),
            values["commissioned_at_capacity"],
            money("commissioned_actual_output"),
            money("commissioned_expected_output"),
        ),
        SameYearFigures(values["same_year_signed"], values["same_year_started"]) if period.is_year else None,
    )


def batch_figures(
    *, user: User, scope: Scope, period: Period, as_of: date | None = None, known_at: datetime | None = None
) -> BatchFigures:
    """The signed, started and commissioned batches of `period` in `scope`, as of a date; two queries (the period's
    rounds, then the figures)."""
    as_of, known_at = resolve_moments(as_of, known_at)
    rounds = _in_rounds(period)
    events = _events(user=user, scope=scope, period=period, rounds=rounds, as_of=as_of, known_at=known_at)
    values = events.aggregate(**_aggregates(period, rounds, as_of=as_of, known_at=known_at))
    return BatchFigures(scope, period, as_of, known_at, *_families(values, period))


BREAKDOWN_KEYS = {
    "province": ("project__zone__province_id", "project__zone__province__name", None),
    "city": ("project__zone__city_id", "project__zone__city__name", "project__zone__city_id"),
    "zone": ("project__zone_id", "project__zone__name", "project__zone__city_id"),
    "chain": ("project__chain_id", "project__chain__name", None),
}


def breakdown(
    *,
    user: User,
    scope: Scope,
    period: Period,
    by: str,
    as_of: date | None = None,
    known_at: datetime | None = None,
) -> list[BreakdownRow]:
    """The batch figures per province, city, zone or chain (`by`), ordered by code (a zone's city's) then name;
    two queries (the period's rounds, then the figures)."""
    if by not in BREAKDOWN_KEYS:
        raise ValueError(f"breakdown by {by!r}: use one of {', '.join(BREAKDOWN_KEYS)}")
    as_of, known_at = resolve_moments(as_of, known_at)
    key, name, city = BREAKDOWN_KEYS[by]
    described = {"group_name": name} | ({"group_city": city} if city else {})
    rounds = _in_rounds(period)
    events = _events(user=user, scope=scope, period=period, rounds=rounds, as_of=as_of, known_at=known_at)
    # The grouping suits each database's planner. PostgreSQL estimates a grouping's size from its columns: grouped by
    # the key's name (and a zone's city) too, it expected a group per row and answered each stage's EXISTS by
    # hashing every event of that stage (the province's breakdowns twice as slow), so there the groups are the key
    # alone and the name and city each group's MIN (the key decides both). SQLite, grouped by the key alone, walks
    # the key's index through every project in scope instead of the period's events (three to five times as slow).
    if connection.vendor == "postgresql":
        grouped = events.values(key).annotate(**{alias: Min(column) for alias, column in described.items()})
    else:
        grouped = events.values(key, **{alias: F(column) for alias, column in described.items()})
    rows = grouped.annotate(**_aggregates(period, rounds, as_of=as_of, known_at=known_at)).order_by(
        *(["group_city"] if city else [key] if by == "province" else []), "group_name"
    )
    return [
        BreakdownRow(
            row[key], row["group_name"] or _("No chain"), row["group_city"] if city else None, *_families(row, period)
        )
        for row in rows
    ]


def _rate_text(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def _families_json(
    signed: SignedFigures, started: StartedFigures, commissioned: CommissionedFigures
) -> dict[str, dict[str, Any]]:
    return {
        "signed": {
            "count": signed.count,
            "investment_wan": format_wan(signed.investment),
            "started": signed.started,
            "start_rate": _rate_text(signed.start_rate),
        },
        "started": {
            "count": started.count,
            "investment_wan": format_wan(started.investment),
            "completed_wan": format_wan(started.completed),
            "completion_rate": _rate_text(started.completion_rate),
            "commissioned": started.commissioned,
            "commission_rate": _rate_text(started.commission_rate),
        },
        "commissioned": {
            "count": commissioned.count,
            "investment_wan": format_wan(commissioned.investment),
            "at_capacity": commissioned.at_capacity,
            "capacity_rate": _rate_text(commissioned.capacity_rate),
            "output_rate": _rate_text(commissioned.output_rate),
        },
    }


def figures_json(
    figures: BatchFigures, rows: list[BreakdownRow] | None = None, *, by: str | None = None
) -> dict[str, Any]:
    """The JSON contract of `zoneledger figures` (money: 万元 strings; rates: percent strings; null for 0 ÷ 0).

    With breakdown `rows` (grouped `by` "city", "zone" or "chain"), adds a "breakdown" list of the same shape.
    """
    document = {
        "scope": figures.scope.as_json(),
        "period": figures.period.as_json(),
        "as_of": figures.as_of.isoformat(),
        "known_at": figures.known_at.isoformat() if figures.known_at else None,
        **_families_json(figures.signed, figures.started, figures.commissioned),
        "same_year_start_rate": _rate_text(figures.same_year_start_rate),
    }
    if rows is not None:
        document["breakdown"] = {
            "by": by,
            "rows": [
                {
                    "key": row.key,
                    "name": row.name,
                    **({"city_code": row.city_code} if by == "zone" else {}),
                    **_families_json(row.signed, row.started, row.commissioned),
                    "same_year_start_rate": _rate_text(row.same_year.rate if row.same_year else None),
                }
                for row in rows
            ],
        }
    return document


def period_for(*, user: User, province: str, year: str | None = None, round: str | None = None) -> Period:
    """The period of `year` or of round `round` ('2023-4'), one of the user's rounds (in `province`, when given).

    ValidationError when the year or the round's label is malformed; NotFound when the user has no such round.
    """
    if year is not None:
        return Period.for_year(year)
    period = Period.for_round(round)
    rounds = Round.objects.visible_to(user).filter(year=period.year, sequence=period.sequence)
    if not (rounds.filter(province_id=province) if province else rounds).exists():
        raise NotFound(_("There is no round %(label)s.") % {"label": period.label})
    return period


def figures_document(
    *,
    user: User,
    scope: Scope,
    period: Period,
    as_of: date | None = None,
    known_at: datetime | None = None,
    by: str | None = None,
) -> dict[str, Any]:
    """The document of `zoneledger figures --format json`, and of the API's figures: the batches, and the
    breakdown `by` province, city, zone or chain when asked; two queries, four with the breakdown."""
    figures = batch_figures(user=user, scope=scope, period=period, as_of=as_of, known_at=known_at)
    rows = None
    if by:
        rows = breakdown(user=user, scope=scope, period=period, by=by, as_of=as_of, known_at=known_at)
    return figures_json(figures, rows, by=by)


def _whole_percent(numerator: int, denominator: int) -> str:
    """Prose shows whole percent, rounded once from the exact ratio (so 1 of 8 reads 13%)."""
    return f"{rate(numerator, denominator, places=0):.0f}"


def summary_sentences(figures: BatchFigures) -> list[str]:
    """One sentence per batch, in the register of the seeds: '2024年"签约一批"项目共7个，总投资10.55亿元，…'."""
    period = str(figures.period)
    signed, started, commissioned = figures.signed, figures.started, figures.commissioned
    sentences = []
    if signed.count:
        sentences.append(
            _(
                '%(period)s "signed" batch: %(count)s projects, total investment %(investment)s 亿元, '
                "%(started)s started, start rate %(rate)s%%."
            )
            % {
                "period": period,
                "count": signed.count,
                "investment": format_yi(signed.investment),
                "started": signed.started,
                "rate": _whole_percent(signed.started, signed.count),
            }
        )
    else:
        sentences.append(_('%(period)s "signed" batch: no projects.') % {"period": period})
    if started.count:
        sentences.append(
            _(
                '%(period)s "started" batch: %(count)s projects, total investment %(investment)s 亿元, '
                "completed investment %(completed)s 亿元."
            )
            % {
                "period": period,
                "count": started.count,
                "investment": format_yi(started.investment),
                "completed": format_yi(started.completed),
            }
        )
    else:
        sentences.append(_('%(period)s "started" batch: no projects.') % {"period": period})
    if commissioned.count:
        sentences.append(
            _(
                '%(period)s "commissioned" batch: %(count)s projects, total investment %(investment)s 亿元, '
                "capacity rate %(rate)s%%."
            )
            % {
                "period": period,
                "count": commissioned.count,
                "investment": format_yi(commissioned.investment),
                "rate": _whole_percent(commissioned.at_capacity, commissioned.count),
            }
        )
    else:
        sentences.append(_('%(period)s "commissioned" batch: no projects.') % {"period": period})
    return sentences


@dataclass(frozen=True)
class SignedNotStarted:
    """A project signed but not started (签约未开工), with days since signing and its warning level."""

    project_id: int
    name: str
    zone: str
    city: str
    investment: Decimal
    signed_on: date
    days: int
    level: str  # "", "yellow" or "red"
    target_missed: bool = False  # its 开工 target passed without a start: red whatever its days


WARNING_LEVELS = ("", "yellow", "red")
# How the list may be sorted ("-key" reverses): the columns each key orders by, smallest first.
# Fewest days since signing is the latest signing first.
WARNING_SORTS: dict[str, tuple[str, ...]] = {
    "days": ("-signed_on",),
    "name": ("name",),
    "zone": ("zone__city__name", "zone__name"),
    "investment": ("total_investment",),
}
# The list's own order, and every sort's tie-break: longest waiting first; the key keeps pages stable.
WARNING_ORDER = ("signed_on", "zone__city_id", "zone__name", "name", "pk")


def warning_level(days: int) -> str:
    """'red', 'yellow' or '' for a project signed `days` ago (thresholds from settings)."""
    if days >= settings.ZONELEDGER_WARNING_RED_DAYS:
        return "red"
    if days >= settings.ZONELEDGER_WARNING_YELLOW_DAYS:
        return "yellow"
    return ""


def _level_q(level: str, as_of: date) -> Q:
    """The signing dates of a level as of a date: days since signing = as_of − signed_on, so a range of days."""
    red_since = as_of - timedelta(days=settings.ZONELEDGER_WARNING_RED_DAYS)
    yellow_since = as_of - timedelta(days=settings.ZONELEDGER_WARNING_YELLOW_DAYS)
    if level == "red":
        return Q(signed_on__lte=red_since) | Q(target_missed=True)
    if level == "yellow":
        return Q(signed_on__gt=red_since, signed_on__lte=yellow_since, target_missed=False)
    return Q(signed_on__gt=yellow_since, target_missed=False)


def _ordering(sort: str) -> list[str]:
    key = sort.removeprefix("-")
    if key not in WARNING_SORTS:
        raise ValueError(f"sort by {sort!r}: use one of {', '.join(WARNING_SORTS)}, or one with a leading '-'")
    columns = WARNING_SORTS[key]
    if sort.startswith("-"):
        columns = tuple(column.removeprefix("-") if column.startswith("-") else f"-{column}" for column in columns)
    return [*columns, *WARNING_ORDER]


class SignedNotStartedRows(Sequence[SignedNotStarted]):
    """The 签约未开工 list, filtered and ordered in the database and read only as far as it is used.

    `count()` (and `len()`) is one query, reading the list's keys in order; a slice is then one query for its rows
    by key (without a count first, one query for the slice). Iterating reads all rows in one query. So a paginator's
    page costs the list once plus its own rows: which projects are in the list, and their order, is most of the
    work (every project's latest signing), and counting the list and then reading a page in order did it twice.
    """

    def __init__(self, rows: QuerySet, as_of: date) -> None:
        self._rows = rows
        self.as_of = as_of
        self._keys: list[int] | None = None

    def _warning(self, row: tuple) -> SignedNotStarted:
        pk, name, zone, city, investment, signed_on, target_missed = row
        days = (self.as_of - signed_on).days
        level = "red" if target_missed else warning_level(days)
        return SignedNotStarted(pk, name, zone, city, investment, signed_on, days, level, target_missed)

    def count(self) -> int:  # type: ignore[override]  # Paginator asks for count(); Sequence's counts a value
        if self._keys is None:
            self._keys = list(self._rows.values_list("pk", flat=True))
        return len(self._keys)

    def __len__(self) -> int:
        return self.count()

    @overload
    def __getitem__(self, index: int) -> SignedNotStarted: ...

    @overload
    def __getitem__(self, index: slice) -> list[SignedNotStarted]: ...

    def __getitem__(self, index: int | slice) -> SignedNotStarted | list[SignedNotStarted]:
        if isinstance(index, slice) and self._keys is not None:
            keys = self._keys[index]
            found = {row[0]: row for row in self._rows.order_by().filter(pk__in=keys)}
            return [self._warning(found[pk]) for pk in keys if pk in found]  # one started since is left out
        if isinstance(index, slice):
            return [self._warning(row) for row in self._rows[index]]
        return self._warning(self._rows[index])

    def __iter__(self) -> Iterator[SignedNotStarted]:
        return (self._warning(row) for row in self._rows)


def _signed_not_started(*, user: User, scope: Scope, as_of: date, known_at: datetime | None) -> QuerySet:
    """The projects of `scope` whose latest stage as of `as_of` is `signed`, annotated with their signing date and
    whether an open 开工 target of theirs had passed by `as_of` (`target_missed`)."""
    events = _as_known(StageEvent.objects.all(), known_at).filter(
        scope.shard_q(), project=OuterRef("pk"), happened_on__lte=as_of
    )
    signings = events.filter(stage=Stage.SIGNED)
    moved_on = events.exclude(stage__in=[Stage.PIPELINE, Stage.SIGNED])
    # Which projects are in the list is decided by EXISTS and NOT EXISTS (PostgreSQL joins them as a semi- and an
    # anti-join), not by the signing date being there: so a count reads no date, and only the list's own rows get
    # their latest signing date and their target (the count and a page of a province's list took twice the hand
    # query's time when every project of the scope got its date first).
    return (
        Project.objects.visible_to(user)
        .filter(scope.q("zone__", province="province_id"))
        .filter(Exists(signings))
        .exclude(Exists(moved_on))
        .annotate(signed_on=Subquery(signings.order_by("-happened_on").values("happened_on")[:1]))
        .annotate(target_missed=start_target_missed(as_of, known_at=known_at))
    )


def signed_not_started_rows(
    *,
    user: User,
    scope: Scope,
    as_of: date | None = None,
    known_at: datetime | None = None,
    level: str | None = None,
    sort: str | None = None,
) -> SignedNotStartedRows:
    """Projects whose latest stage as of `as_of` is `signed`, longest waiting first (or as `sort` says), lazily.

    `level` ("", "yellow" or "red") keeps one level; `sort` is a key of WARNING_SORTS, "-key" reversed. Projects
    signed outside any round are here too: the warning list is about the ledger, not the batches.
    """
    as_of, known_at = resolve_moments(as_of, known_at)
    rows = _signed_not_started(user=user, scope=scope, as_of=as_of, known_at=known_at)
    if level is not None:
        if level not in WARNING_LEVELS:
            raise ValueError(f"level {level!r}: use one of {WARNING_LEVELS}")
        rows = rows.filter(_level_q(level, as_of))
    ordering = _ordering(sort) if sort else WARNING_ORDER
    rows = rows.order_by(*ordering).values_list(
        "pk", "name", "zone__name", "zone__city__name", "total_investment", "signed_on", "target_missed"
    )
    return SignedNotStartedRows(rows, as_of)


def signed_not_started(
    *,
    user: User,
    scope: Scope,
    as_of: date | None = None,
    known_at: datetime | None = None,
    level: str | None = None,
    sort: str | None = None,
) -> list[SignedNotStarted]:
    """`signed_not_started_rows` read in full: one query."""
    rows = signed_not_started_rows(user=user, scope=scope, as_of=as_of, known_at=known_at, level=level, sort=sort)
    return list(iter(rows))  # list(rows) would ask len() first: the list read once more, to count it


def warning_counts(
    *, user: User, scope: Scope, as_of: date | None = None, known_at: datetime | None = None
) -> dict[str, int]:
    """How many 签约未开工 projects are at each level ("yellow", "red"); one query."""
    as_of, known_at = resolve_moments(as_of, known_at)
    rows = _signed_not_started(user=user, scope=scope, as_of=as_of, known_at=known_at)
    return rows.aggregate(
        yellow=Count("pk", filter=_level_q("yellow", as_of)), red=Count("pk", filter=_level_q("red", as_of))
    )


@dataclass(frozen=True)
class MonthAmount:
    """Approved completed investment of one month, and the year's running total to the end of it."""

    month: date
    amount: Decimal
    cumulative: Decimal


def completed_by_month(
    *, user: User, scope: Scope, year: int, as_of: date | None = None, known_at: datetime | None = None
) -> list[MonthAmount]:
    """The approved completed investment of every project in `scope`, per month of `year` up to the as-of month."""
    as_of, known_at = resolve_moments(as_of, known_at)
    totals = dict(
        MonthlyProgress.objects.visible_to(user)
        .filter(
            _approved(known_at), scope.q("project__zone__", province="province_id"), month__year=year, month__lte=as_of
        )
        .order_by()
        .values("month")
        .annotate(total=Sum("completed_investment"))
        .values_list("month", "total")
    )
    if known_at:
        # Amounts that counted at `known_at` and a correction approved since replaced (`_replaced`).
        replaced = (
            ReportVersion.objects.visible_to(user)
            .filter(
                scope.q("project__zone__", province="province_id"),
                state=ReportState.APPROVED,
                month__year=year,
                month__lte=as_of,
            )
            .filter(reviewed_at__lte=known_at, counted_until__gt=known_at)
            .order_by()
            .values("month")
            .annotate(total=Sum("amount"))
            .values_list("month", "total")
        )
        for month, amount in replaced:
            totals[month] = totals.get(month, ZERO) + amount
    series, cumulative = [], ZERO
    for number in range(1, 13):
        month = date(year, number, 1)
        if month > as_of:
            break
        amount = totals.get(month, ZERO)
        cumulative += amount
        series.append(MonthAmount(month, amount, cumulative))
    return series
