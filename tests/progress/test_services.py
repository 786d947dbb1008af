"""Monthly reports: every transition and every refusal, each refusal leaving everything as it was."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.factories import ProjectFactory, ZoneFactory
from tests.progress.conftest import state_of_everything
from zoneledger.accounts.choices import Role
from zoneledger.audit.actions import Action
from zoneledger.audit.models import AuditRecord
from zoneledger.core.errors import Conflict, NotAllowed
from zoneledger.progress.choices import ReportState
from zoneledger.progress.models import ReportTransition, ReportVersion
from zoneledger.progress.services import (
    BulkRefused,
    MonthEntry,
    progress_approve,
    progress_return,
    progress_review_bulk,
    progress_save,
    progress_submit,
    progress_submit_bulk,
)
from zoneledger.projects.choices import ProgressStatus
from zoneledger.projects.models import MonthlyProgress

pytestmark = pytest.mark.django_db
MAY = date(2024, 5, 1)


def head(project, month=MAY):
    return MonthlyProgress.objects.get(project=project, month=month)


def test_submit_then_approve_counts_the_amount(project, editor, reviewer):
    version = progress_submit(actor=editor, project=project, month=date(2024, 5, 17), amount=Decimal("300.5"))
    assert (version.month, version.number, version.state) == (MAY, 1, ReportState.SUBMITTED)
    assert (head(project).status, head(project).completed_investment) == (ProgressStatus.SUBMITTED, Decimal("300.50"))

    progress_approve(actor=reviewer, version=version)

    version.refresh_from_db()
    assert (version.state, version.reviewed_by) == (ReportState.APPROVED, reviewer)
    assert (head(project).status, head(project).reviewed_by) == (ProgressStatus.APPROVED, reviewer)
    history = list(version.transitions.values_list("from_state", "to_state", "actor"))
    assert history == [("", "submitted", editor.pk), ("submitted", "approved", reviewer.pk)]
    actions = list(
        AuditRecord.objects.filter(object_type="progress.reportversion", object_id=str(version.pk))
        .order_by("sequence")
        .values_list("action", flat=True)
    )
    assert actions == [Action.PROGRESS_SUBMIT, Action.PROGRESS_APPROVE]


def test_a_draft_does_not_reach_the_figures_until_submitted(project, editor):
    draft = progress_save(actor=editor, project=project, month=MAY, amount=Decimal("10"))
    assert draft.state == ReportState.DRAFT
    assert not MonthlyProgress.objects.filter(project=project).exists()
    submitted = progress_submit(actor=editor, project=project, month=MAY, amount=Decimal("12"))
    assert (submitted.pk, submitted.state, submitted.amount) == (draft.pk, ReportState.SUBMITTED, Decimal("12.00"))
    assert head(project).completed_investment == Decimal("12.00")


def test_returned_with_a_reason_then_submitted_again_then_approved(project, editor, reviewer):
    version = progress_submit(actor=editor, project=project, month=MAY, amount=Decimal("100"))
    progress_return(actor=reviewer, version=version, reason="  金额与发票不符 ")
    version.refresh_from_db()
    assert (version.state, version.return_reason) == (ReportState.RETURNED, "金额与发票不符")
    assert (head(project).status, head(project).review_note) == (ProgressStatus.RETURNED, "金额与发票不符")

    again = progress_submit(actor=editor, project=project, month=MAY, amount=Decimal("90"))
    assert (again.pk, again.state) == (version.pk, ReportState.SUBMITTED)
    progress_approve(actor=reviewer, version=again)
    assert (head(project).status, head(project).completed_investment) == (ProgressStatus.APPROVED, Decimal("90.00"))
    reasons = list(version.transitions.values_list("to_state", "reason"))
    assert reasons == [("submitted", ""), ("returned", "金额与发票不符"), ("submitted", ""), ("approved", "")]


def test_approving_an_approved_month_is_refused_and_changes_nothing(project, editor, reviewer, second_reviewer):
    version = progress_submit(actor=editor, project=project, month=MAY, amount=Decimal("100"))
    progress_approve(actor=reviewer, version=version)
    before = state_of_everything()
    with pytest.raises(Conflict) as refused:
        progress_approve(actor=second_reviewer, version=version)
    assert "已审核通过" in refused.value.message
    with pytest.raises(Conflict):
        progress_return(actor=second_reviewer, version=version, reason="再看看")
    assert state_of_everything() == before


def test_approving_a_returned_month_is_refused_and_changes_nothing(project, editor, reviewer, second_reviewer):
    version = progress_submit(actor=editor, project=project, month=MAY, amount=Decimal("100"))
    progress_return(actor=reviewer, version=version, reason="缺照片")
    before = state_of_everything()
    with pytest.raises(Conflict) as refused:
        progress_approve(actor=second_reviewer, version=version)
    assert "已退回" in refused.value.message
    assert state_of_everything() == before


def test_four_eyes_the_submitter_never_reviews(project, reviewer, second_reviewer):
    version = progress_submit(actor=reviewer, project=project, month=MAY, amount=Decimal("100"))
    before = state_of_everything()
    with pytest.raises(NotAllowed):
        progress_approve(actor=reviewer, version=version)
    with pytest.raises(NotAllowed):
        progress_return(actor=reviewer, version=version, reason="自己退回")
    assert state_of_everything() == before
    progress_approve(actor=second_reviewer, version=version)


@pytest.mark.parametrize("role", [Role.VIEWER, Role.EDITOR])
def test_only_reviewers_review(project, editor, make_user, role):
    version = progress_submit(actor=editor, project=project, month=MAY, amount=Decimal("100"))
    other = make_user(project.zone.city, role)
    before = state_of_everything()
    with pytest.raises(PermissionDenied):
        progress_approve(actor=other, version=version)
    assert state_of_everything() == before


def test_a_viewer_cannot_submit_and_nobody_reports_for_another_zone(project, make_user, zone):
    viewer = make_user(zone, Role.VIEWER)
    outsider = make_user(ZoneFactory(division_id="141181"), Role.EDITOR)
    before = state_of_everything()
    for actor in (viewer, outsider):
        with pytest.raises(PermissionDenied):
            progress_submit(actor=actor, project=project, month=MAY, amount=Decimal("1"))
    assert state_of_everything() == before


def test_a_reviewer_of_another_city_cannot_review(project, editor, make_user):
    version = progress_submit(actor=editor, project=project, month=MAY, amount=Decimal("100"))
    from zoneledger.zones.models import Division

    elsewhere = make_user(Division.objects.get(code="140700"), Role.REVIEWER)
    before = state_of_everything()
    with pytest.raises(PermissionDenied):
        progress_approve(actor=elsewhere, version=version)
    assert state_of_everything() == before


@pytest.mark.parametrize(
    ("month", "amount", "field"),
    [
        (MAY, Decimal("-5"), "amount"),
        (MAY, "12.345", "amount"),
        (MAY, "abc", "amount"),
        (date(2024, 2, 1), Decimal("1"), "month"),  # before the project started (2024-03)
        ("future", Decimal("1"), "month"),
    ],
)
def test_bad_entries_are_refused_naming_the_field_and_change_nothing(project, editor, month, amount, field):
    if month == "future":
        month = (timezone.localdate().replace(day=1) + timedelta(days=40)).replace(day=1)
    before = state_of_everything()
    with pytest.raises(ValidationError) as refused:
        progress_submit(actor=editor, project=project, month=month, amount=amount)
    assert field in refused.value.message_dict
    assert state_of_everything() == before


def test_a_return_without_a_reason_is_refused(project, editor, reviewer):
    version = progress_submit(actor=editor, project=project, month=MAY, amount=Decimal("100"))
    before = state_of_everything()
    with pytest.raises(ValidationError):
        progress_return(actor=reviewer, version=version, reason="  ")
    assert state_of_everything() == before


def test_a_correction_waits_for_approval_while_the_approved_amount_counts(project, editor, reviewer):
    first = progress_submit(actor=editor, project=project, month=MAY, amount=Decimal("100"))
    progress_approve(actor=reviewer, version=first)

    correction = progress_submit(actor=editor, project=project, month=MAY, amount=Decimal("120"))
    assert (correction.number, correction.state) == (2, ReportState.SUBMITTED)
    assert (head(project).status, head(project).completed_investment) == (ProgressStatus.APPROVED, Decimal("100.00"))

    progress_return(actor=reviewer, version=correction, reason="请附说明")
    assert (head(project).status, head(project).completed_investment) == (ProgressStatus.APPROVED, Decimal("100.00"))

    progress_submit(actor=editor, project=project, month=MAY, amount=Decimal("125"))
    progress_approve(actor=reviewer, version=correction)
    first.refresh_from_db()
    correction.refresh_from_db()
    assert head(project).completed_investment == Decimal("125.00")
    assert first.counted_until == correction.reviewed_at
    assert ReportVersion.objects.filter(project=project, month=MAY, counted_until__isnull=True).get() == correction


def test_an_unchanged_entry_writes_nothing(project, editor, reviewer):
    version = progress_submit(actor=editor, project=project, month=MAY, amount=Decimal("100"))
    progress_approve(actor=reviewer, version=version)
    before = state_of_everything()
    again = progress_submit(actor=editor, project=project, month=MAY, amount=Decimal("100.00"))
    assert again.pk == version.pk
    assert state_of_everything() == before


def test_bulk_submission_is_all_or_nothing_and_one_batch(zone, project, editor):
    other = ProjectFactory(zone=zone)
    entries = [
        MonthEntry(project, MAY, Decimal("10")),
        MonthEntry(other, MAY, Decimal("-1")),
        MonthEntry(project, date(2024, 6, 1), Decimal("10")),
    ]
    before = state_of_everything()
    with pytest.raises(BulkRefused) as refused:
        progress_submit_bulk(actor=editor, entries=entries)
    assert list(refused.value.errors) == [1]
    assert state_of_everything() == before

    entries[1] = MonthEntry(other, MAY, Decimal("1"))
    result = progress_submit_bulk(actor=editor, entries=entries)
    assert result.created == [0, 1, 2]
    records = AuditRecord.objects.filter(action=Action.PROGRESS_SUBMIT, related_id__in=[project.pk, other.pk])
    assert set(records.values_list("batch", flat=True)) == {result.batch}
    assert AuditRecord.objects.filter(batch=result.batch).count() == 3


def test_a_reviewer_may_approve_in_the_same_step_and_the_audit_says_so(project, reviewer, editor):
    before = state_of_everything()
    with pytest.raises(PermissionDenied):
        progress_submit_bulk(actor=editor, entries=[MonthEntry(project, MAY, Decimal("5"))], approve=True)
    assert state_of_everything() == before

    result = progress_submit_bulk(actor=reviewer, entries=[MonthEntry(project, MAY, Decimal("5"))], approve=True)
    assert head(project).status == ProgressStatus.APPROVED
    approval = AuditRecord.objects.get(batch=result.batch, action=Action.PROGRESS_APPROVE)
    assert "一并审核" in approval.message


def test_bulk_review_refuses_all_when_one_is_refused(zone, project, editor, reviewer):
    other = ProjectFactory(zone=zone)
    first = progress_submit(actor=editor, project=project, month=MAY, amount=Decimal("1"))
    second = progress_submit(actor=editor, project=other, month=MAY, amount=Decimal("2"))
    progress_approve(actor=reviewer, version=second)
    before = state_of_everything()
    with pytest.raises(Conflict):
        progress_review_bulk(actor=reviewer, versions=[first, second], approve=True)
    assert state_of_everything() == before


def test_a_month_written_before_versions_gets_a_baseline_version(project, editor, reviewer):
    MonthlyProgress.objects.create(
        project=project, month=MAY, completed_investment=Decimal("70"), status=ProgressStatus.APPROVED
    )
    correction = progress_submit(actor=editor, project=project, month=MAY, amount=Decimal("75"))
    assert correction.number == 2
    baseline = ReportVersion.objects.get(project=project, month=MAY, number=1)
    assert (baseline.state, baseline.amount) == (ReportState.APPROVED, Decimal("70.00"))
    assert head(project).completed_investment == Decimal("70.00")
    progress_approve(actor=reviewer, version=correction)
    assert head(project).completed_investment == Decimal("75.00")
    assert ReportTransition.objects.filter(version=baseline).count() == 0


@pytest.mark.parametrize("approve", [True, False])
def test_reviewing_many_reports_runs_as_many_queries_as_reviewing_a_few(zone, make_user, reviewer, approve):
    """Approving or returning a province's month is a fixed number of statements, whatever its size: no report's
    project, zone or month is read on its own (the zones are read once each, the months as values)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from zoneledger.projects.choices import Stage
    from zoneledger.projects.models import StageEvent

    counts, heads = [], []
    for size in (2, 12):
        projects = [*ProjectFactory.create_batch(size, zone=zone), ProjectFactory(zone=ZoneFactory())]
        StageEvent.objects.bulk_create(
            StageEvent(
                project=project, province_id=project.province_id, stage=Stage.STARTED, happened_on=date(2024, 1, 5)
            )
            for project in projects
        )
        writer = make_user("province", Role.EDITOR)
        submitted = progress_submit_bulk(
            actor=writer, entries=[MonthEntry(project, MAY, Decimal("7")) for project in projects]
        ).versions
        with CaptureQueriesContext(connection) as queries:
            progress_review_bulk(actor=reviewer, versions=submitted, approve=approve, reason="再核实")
        counts.append(len(queries))
        heads.append({head(project).status for project in projects})
    assert counts[0] == counts[1]
    assert heads == [{ProgressStatus.APPROVED if approve else ProgressStatus.RETURNED}] * 2
