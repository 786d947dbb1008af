"""The demo's monthly reports: approved by the cities' reviewers as a city would, except the one month the seeds
publish as submitted, which waits in the queue; one correction returned with its reason."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db.models import F

from zoneledger.accounts.models import User
from zoneledger.accounts.scope import user_scope
from zoneledger.demo import seeds
from zoneledger.demo.builder import RETURN_REASON
from zoneledger.progress.choices import ReportState
from zoneledger.progress.models import ReportVersion
from zoneledger.progress.selectors import review_queue
from zoneledger.projects.choices import ProgressStatus
from zoneledger.projects.models import MonthlyProgress
from zoneledger.reports.figures import completed_by_month

pytestmark = pytest.mark.django_db


def test_the_demo_leaves_a_realistic_mix_written_through_the_services():
    shanxi = MonthlyProgress.objects.filter(project__zone__province_id="140000")
    assert shanxi.filter(status=ProgressStatus.APPROVED).count() > 20_000
    # Each month reviewed was submitted by a person and approved by another, through the services: the history
    # has both rows.
    reviewed = ReportVersion.objects.filter(project__zone__province_id="140000", month=date(2025, 6, 1))
    assert reviewed.count() > 1_000
    assert not reviewed.filter(submitted_by=None).exists()
    assert not reviewed.exclude(transitions__to_state=ReportState.SUBMITTED).exists()
    submitters = dict(reviewed.values_list("project__zone__name", "submitted_by__username").distinct())
    assert submitters["吕梁经济技术开发区"] == "lvliang-editor"  # no editor of its own: its city's
    assert MonthlyProgress.objects.filter(status=ProgressStatus.SUBMITTED, submitted_by=None).count() == 0
    # The month the seeds publish as submitted still waits (文水's 2024 figures are the approved months without it).
    [(name, month, _amount)] = seeds.WENSHUI_SUBMITTED
    queue = review_queue(user=User.objects.get(username="lvliang-reviewer"))
    assert [(v.project.name, f"{v.month:%Y-%m}", v.submitted_by.username) for v in queue] == [
        (name, month, "wenshui-editor")
    ]


def test_the_demo_s_waiting_months_were_approved_by_their_city_on_the_8th_of_the_next_month():
    beijing = ZoneInfo("Asia/Shanghai")
    on_the_8th = datetime(2025, 7, 8, 10, tzinfo=beijing)
    june = ReportVersion.objects.filter(project__zone__province_id="140000", month=date(2025, 6, 1), number=1)
    assert set(june.values_list("state", flat=True)) == {ReportState.APPROVED}
    assert set(june.values_list("reviewed_at", flat=True)) == {on_the_8th}
    reviewers = dict(june.values_list("project__zone__name", "reviewed_by__username").distinct())
    assert reviewers["吕梁经济技术开发区"] == "lvliang-reviewer"  # the city's reviewer, another than who submitted
    assert not june.filter(reviewed_by=F("submitted_by")).exists()  # four eyes
    heads = MonthlyProgress.objects.filter(project__zone__province_id="140000", month=date(2025, 6, 1))
    assert set(heads.values_list("status", "reviewed_at")) == {(ProgressStatus.APPROVED, on_the_8th)}
    # Known at a moment before the 8th, the June months did not count yet; known after, they do.
    viewer = User.objects.get(username="province-viewer")
    scope = user_scope(viewer)
    months = {
        moment: {
            row.month: row.amount for row in completed_by_month(user=viewer, scope=scope, year=2025, known_at=moment)
        }
        for moment in (on_the_8th - timedelta(hours=1), on_the_8th + timedelta(hours=1))
    }
    before, after = months.values()
    june_total = sum(heads.values_list("completed_investment", flat=True), Decimal(0))
    assert after[date(2025, 6, 1)] - before.get(date(2025, 6, 1), Decimal(0)) == june_total > 0
    returned = ReportVersion.objects.get(state=ReportState.RETURNED, return_reason=RETURN_REASON)
    assert returned.number == 2
    head = MonthlyProgress.objects.get(project=returned.project, month=returned.month)
    assert head.status == ProgressStatus.APPROVED
    assert head.completed_investment == returned.amount - 100  # the approved amount still counts
