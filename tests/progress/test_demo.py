"""The demo's monthly reports: most approved, many waiting in the queue, one correction returned with its reason."""

import pytest

from zoneledger.accounts.models import User
from zoneledger.demo.builder import RETURN_REASON
from zoneledger.progress.choices import ReportState
from zoneledger.progress.models import ReportVersion
from zoneledger.progress.selectors import review_queue
from zoneledger.projects.choices import ProgressStatus
from zoneledger.projects.models import MonthlyProgress

pytestmark = pytest.mark.django_db


def test_the_demo_leaves_a_realistic_mix_written_through_the_services():
    shanxi = MonthlyProgress.objects.filter(project__zone__province_id="140000")
    approved = shanxi.filter(status=ProgressStatus.APPROVED).count()
    waiting = ReportVersion.objects.filter(project__zone__province_id="140000", state=ReportState.SUBMITTED)
    assert approved > 20 * waiting.count() > 20_000
    assert waiting.filter(number=1).count() == waiting.count()
    # Each was submitted by a person, through the services: the queue says who, and the history has its row.
    assert not waiting.filter(submitted_by=None).exists()
    assert not waiting.exclude(transitions__to_state=ReportState.SUBMITTED).exists()
    submitters = dict(waiting.values_list("project__zone__name", "submitted_by__username").distinct())
    assert submitters["文水经济开发区"] == "wenshui-editor"
    assert submitters["吕梁经济技术开发区"] == "lvliang-editor"  # no editor of its own: its city's
    assert MonthlyProgress.objects.filter(status=ProgressStatus.SUBMITTED, submitted_by=None).count() == 0
    queue = review_queue(user=User.objects.get(username="lvliang-reviewer"))
    assert queue.exists()
    returned = ReportVersion.objects.get(state=ReportState.RETURNED, return_reason=RETURN_REASON)
    assert returned.number == 2
    head = MonthlyProgress.objects.get(project=returned.project, month=returned.month)
    assert head.status == ProgressStatus.APPROVED
    assert head.completed_investment == returned.amount - 100  # the approved amount still counts
