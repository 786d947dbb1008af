"""完成投资 counts approved amounts only; a correction counts from its approval; known-at reproduces the past."""

from contextlib import contextmanager
from datetime import date
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import ProjectFactory
from zoneledger.accounts.choices import Role
from zoneledger.accounts.scope import zone_scope
from zoneledger.progress.choices import ReportState
from zoneledger.progress.models import ReportVersion
from zoneledger.progress.services import progress_approve, progress_return, progress_submit
from zoneledger.reports.figures import completed_by_month

pytestmark = pytest.mark.django_db
MONTHS = (date(2024, 5, 1), date(2024, 6, 1))


def year_total(viewer, zone, known_at=None):
    series = completed_by_month(user=viewer, scope=zone_scope(zone), year=2024, known_at=known_at)
    return series[-1].cumulative


def test_a_correction_counts_from_its_approval_and_the_past_stays_reproducible(
    zone, project, editor, reviewer, make_user
):
    viewer = make_user("province", Role.VIEWER)
    first = progress_submit(actor=editor, project=project, month=MONTHS[0], amount=Decimal("100"))
    before_approval = timezone.now()
    progress_approve(actor=reviewer, version=first)
    approved = timezone.now()
    correction = progress_submit(actor=editor, project=project, month=MONTHS[0], amount=Decimal("130"))
    waiting = timezone.now()
    assert year_total(viewer, zone) == Decimal("100.00")
    progress_approve(actor=reviewer, version=correction)
    corrected = timezone.now()

    assert year_total(viewer, zone) == Decimal("130.00")
    assert year_total(viewer, zone, known_at=before_approval) == Decimal("0.00")
    assert year_total(viewer, zone, known_at=approved) == Decimal("100.00")
    assert year_total(viewer, zone, known_at=waiting) == Decimal("100.00")
    assert year_total(viewer, zone, known_at=corrected) == Decimal("130.00")


@contextmanager
def rolled_back():
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


steps = st.lists(
    st.tuples(
        st.sampled_from(["submit", "approve", "return"]),
        st.sampled_from([0, 1]),
        st.integers(min_value=0, max_value=10**6),
    ),
    min_size=1,
    max_size=12,
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=steps)
def test_figures_at_any_moment_equal_the_amounts_approved_then(zone, editor, reviewer, make_user, steps):
    """Random submit / approve / return / correct: what counted at each moment is what was approved by then."""
    viewer = make_user("province", Role.VIEWER)
    with rolled_back():
        project = ProjectFactory(zone=zone)
        counted = {month: Decimal(0) for month in MONTHS}
        moments = [(timezone.now(), Decimal(0))]
        for verb, which, hundredths in steps:
            month = MONTHS[which]
            pending = ReportVersion.objects.filter(project=project, month=month, state=ReportState.SUBMITTED).first()
            if verb == "submit":
                progress_submit(actor=editor, project=project, month=month, amount=Decimal(hundredths) / 100)
            elif pending is not None and verb == "approve":
                progress_approve(actor=reviewer, version=pending)
                counted[month] = pending.amount
            elif pending is not None:
                progress_return(actor=reviewer, version=pending, reason="请核实")
            moments.append((timezone.now(), sum(counted.values())))
        for moment, total in moments:
            assert year_total(viewer, zone, known_at=moment) == total
        assert year_total(viewer, zone) == sum(counted.values())
