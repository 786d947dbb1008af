"""Small ledgers for the figures' tests, written straight to the tables the figures read (and the lifecycle caches
the services would keep: `refresh_lifecycle`).

Rounds of 2019 and 2020 are used because the demo ledger holds nothing before 2022.
"""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from tests.factories import ProjectFactory, ZoneFactory
from zoneledger.campaigns.models import Round
from zoneledger.projects.choices import ProgressStatus
from zoneledger.projects.models import MonthlyProgress, StageEvent
from zoneledger.projects.services import refresh_lifecycle
from zoneledger.zones.models import Division

SHANGHAI = ZoneInfo("Asia/Shanghai")
LOADED_AT = datetime(2021, 1, 1, 9, 0, tzinfo=SHANGHAI)


def make_rounds():
    """2019-1 … 2019-4 and 2020-1, keyed by label."""
    held = {(2019, 1): 2, (2019, 2): 5, (2019, 3): 8, (2019, 4): 11, (2020, 1): 3}
    return {
        f"{year}-{sequence}": Round.objects.create(
            province_id="140000", year=year, sequence=sequence, held_on=date(year, month, 1)
        )
        for (year, sequence), month in held.items()
    }


def make_zone(county="141121", **fields):
    """A zone in the county with division code `county` (its city follows)."""
    return ZoneFactory(division=Division.objects.get(code=county), **fields)


def add_project(zone, *, investment="10000.00", events=(), months=(), recorded_at=LOADED_AT, **fields):
    """A project with `events` [(stage, date, round or None)] and `months` [(date, amount, approved)]."""
    project = ProjectFactory(zone=zone, total_investment=Decimal(investment), **fields)
    StageEvent.objects.bulk_create(
        StageEvent(
            project=project,
            province_id=project.province_id,
            stage=stage,
            happened_on=day,
            round=round_,
            recorded_at=recorded_at,
        )
        for stage, day, round_ in events
    )
    refresh_lifecycle([project.pk])
    MonthlyProgress.objects.bulk_create(
        MonthlyProgress(
            project=project,
            province_id=project.province_id,
            month=month,
            completed_investment=Decimal(amount),
            status=ProgressStatus.APPROVED if approved else ProgressStatus.SUBMITTED,
            submitted_at=recorded_at,
            reviewed_at=recorded_at if approved else None,
        )
        for month, amount, approved in months
    )
    return project
