"""Figures shaped for pages: the cells of batch tables and KPI cards, the bulletin's rows, the campaign year."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zoneledger.accounts.scope import ScopeKind
from zoneledger.campaigns.models import Round
from zoneledger.core.money import format_percent, format_yi, rate
from zoneledger.core.money import percent_text as money_percent
from zoneledger.reports import figures

# A 签约未开工 warning level in words (pages, workbooks and the weekly pack).
LEVEL_TEXT = {"red": gettext_lazy("Alarm"), "yellow": gettext_lazy("Warning"), "": gettext_lazy("Watch")}


def today():
    return timezone.localdate()


def latest_round(user, as_of):
    """The last round of the user's province (of any, for the nation) held by `as_of`, or None; its year is the
    campaign's current year."""
    return Round.objects.visible_to(user).filter(held_on__lte=as_of).order_by("-held_on").first()


def next_round(user, as_of):
    """The first round of the user's province (of any, for the nation) held after `as_of`, or None: the one coming
    up."""
    return Round.objects.visible_to(user).filter(held_on__gt=as_of).order_by("held_on").first()


def previous_round(user, round_):
    """The round of the same province held last before `round_`, or None."""
    return (
        Round.objects.visible_to(user)
        .filter(province_id=round_.province_id, held_on__lt=round_.held_on)
        .order_by("-held_on")
        .first()
    )


def campaign_year(round_, as_of):
    """The year figures pages show by default: the latest round's, else the calendar year."""
    return round_.year if round_ else as_of.year


def batch_cells(batch):
    """Batch figures as the formatted cells tables and cards show: counts, 亿元, rates with one decimal."""
    signed, started, commissioned = batch.signed, batch.started, batch.commissioned
    return {
        "signed_count": signed.count,
        "signed_yi": format_yi(signed.investment),
        "signed_started": signed.started,
        "start_rate": format_percent(signed.start_rate, 1),
        "started_count": started.count,
        "started_yi": format_yi(started.investment),
        "completed_yi": format_yi(started.completed),
        "completion_rate": format_percent(started.completion_rate, 1),
        "started_commissioned": started.commissioned,
        "commission_rate": format_percent(started.commission_rate, 1),
        "commissioned_count": commissioned.count,
        "commissioned_yi": format_yi(commissioned.investment),
        "at_capacity": commissioned.at_capacity,
        "capacity_rate": format_percent(commissioned.capacity_rate, 1),
    }


def percent_text(cell):
    """A rate cell with its sign, or '—' alone when the rate is undefined."""
    return cell if cell == "—" else f"{cell}%"


@dataclass(frozen=True)
class Trend:
    """A card's change against the same day a year earlier (or the month before), in words beside its arrow (▲ up,
    ▼ down, ＝ level), so no colour has to carry it."""

    direction: str  # "up", "down" or "level"
    text: str


ARROWS = {"up": "▲", "down": "▼", "level": "＝"}


def a_year_earlier(day: date) -> date:
    """The same day a year before (28 February for a 29th)."""
    return day.replace(year=day.year - 1, day=28 if (day.month, day.day) == (2, 29) else day.day)


def _trend(now, then, shown, words=None):
    """The change from `then` to `now` (None: nothing to compare), `shown` formatting its size, `words` the sentence
    (with %(arrow)s and %(change)s) that says against what."""
    if now is None or then is None:
        return None
    change = Decimal(now) - Decimal(then)
    direction = "up" if change > 0 else "down" if change < 0 else "level"
    sign = {"up": "+", "down": "−", "level": ""}[direction]
    text = (words or _("%(arrow)s %(change)s on a year earlier")) % {
        "arrow": ARROWS[direction],
        "change": f"{sign}{shown(abs(change))}",
    }
    return Trend(direction, text)


def year_on_year(batch, earlier):
    """Each KPI card's trend (by its key) from the batches of `earlier` (the year before, as of the same day a year
    earlier) to `batch`; empty when the year before signed nothing, as there is nothing to compare with."""
    if earlier is None or not earlier.signed.count:
        return {}
    points = _("%(points)s percentage points")
    now_then = {
        "signed": (batch.signed.count, earlier.signed.count, str),
        "started": (batch.started.count, earlier.started.count, str),
        "commissioned": (batch.commissioned.count, earlier.commissioned.count, str),
        "start-rate": (
            batch.signed.start_rate,
            earlier.signed.start_rate,
            lambda change: points % {"points": format_percent(change, 1)},
        ),
        "commission-rate": (
            batch.started.commission_rate,
            earlier.started.commission_rate,
            lambda change: points % {"points": format_percent(change, 1)},
        ),
        "completed": (
            batch.started.completed,
            earlier.started.completed,
            lambda change: _("%(amount)s hundred million yuan") % {"amount": format_yi(change)},
        ),
    }
    trends = {key: _trend(now, then, shown) for key, (now, then, shown) in now_then.items()}
    return {key: trend for key, trend in trends.items() if trend is not None}


def kpi_cards(cells, trends=None):
    """The dashboard's six cards for a period: the three batches, the two rates, completed investment; each with
    its trend when `trends` (`year_on_year`) has one."""
    cards = _cards(cells)
    for card in cards:
        card["trend"] = (trends or {}).get(card["key"])
    return cards


def _cards(cells):
    yi = _("%(amount)s hundred million yuan")
    return [
        {
            "key": "signed",
            "label": _("Signed"),
            "value": cells["signed_count"],
            "detail": yi % {"amount": cells["signed_yi"]},
        },
        {
            "key": "started",
            "label": _("Started"),
            "value": cells["started_count"],
            "detail": yi % {"amount": cells["started_yi"]},
        },
        {
            "key": "commissioned",
            "label": _("Commissioned"),
            "value": cells["commissioned_count"],
            "detail": yi % {"amount": cells["commissioned_yi"]},
        },
        {
            "key": "start-rate",
            "label": _("Start rate"),
            "value": percent_text(cells["start_rate"]),
            "detail": _("%(started)s of %(signed)s signed have started")
            % {"started": cells["signed_started"], "signed": cells["signed_count"]},
        },
        {
            "key": "commission-rate",
            "label": _("Commissioning rate"),
            "value": percent_text(cells["commission_rate"]),
            "detail": _("%(commissioned)s of %(started)s started are in production")
            % {"commissioned": cells["started_commissioned"], "started": cells["started_count"]},
        },
        {
            "key": "completed",
            "label": _("Completed investment"),
            "value": cells["completed_yi"],
            "detail": _("hundred million yuan · %(rate)s of the started batch")
            % {"rate": percent_text(cells["completion_rate"])},
        },
    ]


def batch_row(kind, name, batch):
    """One row of a batch table: its kind (city, zone, chain, total) for styling, its name and its cells."""
    return {"kind": kind, "name": name, "cells": batch_cells(batch)}


def bulletin_rows(*, user, scope, period, as_of, known_at=None):
    """The bulletin table in two breakdown queries: each city (in a province's or the nation's scope) with its zones
    beneath.

    Returns the table's rows and the top level's (name, figures) pairs, which the bulletin's chart draws.
    """
    zones = figures.breakdown(user=user, scope=scope, period=period, by="zone", as_of=as_of, known_at=known_at)
    if scope.kind not in (ScopeKind.NATION, ScopeKind.PROVINCE):
        return [batch_row("zone", row.name, row) for row in zones], [(row.name, row) for row in zones]
    zones_by_city = {}
    for row in zones:
        zones_by_city.setdefault(row.city_code, []).append(batch_row("zone", row.name, row))
    cities = figures.breakdown(user=user, scope=scope, period=period, by="city", as_of=as_of, known_at=known_at)
    rows = []
    for city in cities:
        rows.append(batch_row("city", city.name, city))
        rows.extend(zones_by_city.get(city.key, []))
    return rows, [(city.name, city) for city in cities]


BREAKDOWN_LABELS = {
    "province": gettext_lazy("Province"),
    "city": gettext_lazy("City"),
    "zone": gettext_lazy("Zone"),
    "chain": gettext_lazy("Industry chain"),
}


BREAKDOWN_OF = {
    ScopeKind.NATION: "province",
    ScopeKind.PROVINCE: "city",
    ScopeKind.CITY: "zone",
    ScopeKind.COUNTY: "zone",
    ScopeKind.ZONE: "chain",
}
"""What a scope's table and bars break its figures down by: the parts one level down (a zone's chains)."""


def _yi_words(amount):
    return _("%(amount)s hundred million yuan") % {"amount": format_yi(amount)}


def month_on_month(months, month_before=None):
    """完成投资 of the last month of `months` (`figures.completed_by_month`: approved amounts, up to the as-of month)
    against the month before it — `month_before` (a MonthAmount) when the series holds only January — as a card;
    None when there is no month yet."""
    if not months:
        return None
    this, before = months[-1], months[-2] if len(months) > 1 else month_before
    return {
        "key": "month",
        "label": _("Completed investment in %(month)s") % {"month": f"{this.month:%Y-%m}"},
        "value": format_yi(this.amount),
        "detail": _("hundred million yuan · approved monthly reports")
        if before is None
        else _("hundred million yuan · %(month)s: %(amount)s")
        % {"month": f"{before.month:%Y-%m}", "amount": format_yi(before.amount)},
        "trend": before
        and _trend(this.amount, before.amount, format_yi, _("%(arrow)s %(change)s on the month before")),
    }


@dataclass(frozen=True)
class TargetLine:
    """One figure of a year target beside what the scope has reached: both as shown, and the progress (actual ÷
    target, a percentage rounded half up; None when the target is zero) with the width of its bar (0–100)."""

    key: str
    label: str
    actual: str
    target: str
    progress: str
    bar: str


def target_progress(target, batch, completed):
    """The lines of a year target (a `campaigns.YearTarget`; None: no lines) against the year's batches `batch` and
    `completed`, the year's approved completed investment to the as-of month (万元). Figures without a target are
    left out."""
    if target is None:
        return []
    figures_of = [
        ("signed_count", _("Projects signed"), batch.signed.count, target.signed_count, str),
        ("signed_investment", _("Investment signed"), batch.signed.investment, target.signed_investment, _yi_words),
        ("start_rate", _("Start rate"), batch.signed.start_rate, target.start_rate, money_percent),
        ("completed", _("Completed investment this year"), completed, target.completed, _yi_words),
    ]
    lines = []
    for key, label, actual, goal, shown in figures_of:
        if goal is None:
            continue
        progress = rate(actual or 0, goal)
        lines.append(
            TargetLine(
                key,
                label,
                shown(actual) if actual is not None else "—",
                shown(goal),
                money_percent(progress),
                format_percent(min(progress, Decimal(100)), 0) if progress is not None else "0",
            )
        )
    return lines
