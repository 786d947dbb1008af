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
    # Loaded before versions existed, they got theirs (without a history of their own) when the demo settled them.
    assert waiting.filter(number=1).count() == waiting.count()
    queue = review_queue(user=User.objects.get(username="lvliang-reviewer"))
    assert queue.exists()
    returned = ReportVersion.objects.get(state=ReportState.RETURNED, return_reason=RETURN_REASON)
    assert returned.number == 2
    head = MonthlyProgress.objects.get(project=returned.project, month=returned.month)
    assert head.status == ProgressStatus.APPROVED
    assert head.completed_investment == returned.amount - 100  # the approved amount still counts
