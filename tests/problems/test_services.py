"""Writing problems: raising, each step, refusals that change nothing, escalation (idempotent)."""

from datetime import date, datetime

import pytest
from django.core.exceptions import ValidationError

from tests.problems.conftest import BEIJING, RAISED
from zoneledger.audit.models import AuditRecord
from zoneledger.core.errors import Conflict, NotAllowed
from zoneledger.problems import services
from zoneledger.problems.choices import Category, Level, State, Step, Tier
from zoneledger.problems.models import Problem, ProblemStep

pytestmark = pytest.mark.django_db


def fingerprint():
    return (
        sorted(Problem.objects.values_list("pk", "state", "tier", "solve_due", "version")),
        ProblemStep.objects.count(),
        AuditRecord.objects.filter(action__startswith="problem.").count(),
    )


def test_raising_starts_the_clock_and_shows_on_the_project_history(raise_problem, problem_project):
    problem = raise_problem()

    assert problem.state == State.RAISED
    assert problem.tier == Tier.ZONE
    assert problem.province_id == "140000"
    assert (problem.plan_due, problem.reply_due, problem.solve_due) == (
        date(2025, 10, 9),
        date(2025, 10, 11),
        date(2025, 10, 16),
    )
    assert problem.steps.get().step == Step.RAISE
    record = AuditRecord.objects.get(action="problem.raise", object_id=str(problem.pk))
    assert (record.related_type, record.related_id) == ("projects.project", str(problem_project.pk))


def test_the_steps_through_to_closing(raise_problem, user):
    problem = raise_problem()
    editor = user("wenshui-editor")
    for step, note in [(Step.PLAN, ""), (Step.REPLY, "协调自然资源局调剂指标"), (Step.SOLVE, "指标已下达")]:
        problem = services.problem_act(actor=editor, problem=problem, step=step, note=note)
    assert problem.state == State.SOLVED
    assert problem.solved_at is not None

    problem = services.problem_act(actor=editor, problem=problem, step=Step.CLOSE)

    assert problem.state == State.CLOSED
    assert list(problem.steps.values_list("step", flat=True)) == ["raise", "plan", "reply", "solve", "close"]
    assert AuditRecord.objects.filter(object_type="problems.problem", object_id=str(problem.pk)).count() == 5


def test_reopening_needs_a_reason_and_starts_a_new_solve_deadline(raise_problem, user):
    editor = user("wenshui-editor")
    problem = raise_problem()
    for step, note in [(Step.PLAN, ""), (Step.REPLY, "方案"), (Step.SOLVE, "已解决")]:
        problem = services.problem_act(actor=editor, problem=problem, step=step, note=note)
    before = fingerprint()
    with pytest.raises(ValidationError):
        services.problem_act(actor=editor, problem=problem, step=Step.REOPEN, note="")
    assert fingerprint() == before

    reopened_at = datetime(2025, 11, 3, 10, 0, tzinfo=BEIJING)
    problem = services.problem_act(actor=editor, problem=problem, step=Step.REOPEN, note="仍未供地", at=reopened_at)

    assert problem.state == State.REOPENED
    assert problem.solve_due == date(2025, 11, 12)
    assert problem.solved_at is None


@pytest.mark.parametrize(
    ("who", "step", "note", "error"),
    [
        ("wenshui-viewer", Step.PLAN, "", NotAllowed),  # a viewer acting
        ("xiaoyi-editor", Step.PLAN, "", NotAllowed),  # an editor of another zone
        ("wenshui-editor", Step.REPLY, "方案", ValidationError),  # a step out of order
        ("wenshui-editor", Step.CLOSE, "", ValidationError),  # closing a problem that is not solved
        ("wenshui-editor", "delete", "", ValidationError),
    ],
)
def test_refused_steps_change_nothing(raise_problem, user, who, step, note, error):
    problem = raise_problem()
    before = fingerprint()

    with pytest.raises(error):
        services.problem_act(actor=user(who), problem=problem, step=step, note=note)

    assert fingerprint() == before


def test_an_empty_reply_is_refused(raise_problem, user):
    editor = user("wenshui-editor")
    problem = services.problem_act(actor=editor, problem=raise_problem(), step=Step.PLAN)
    before = fingerprint()
    with pytest.raises(ValidationError) as refused:
        services.problem_act(actor=editor, problem=problem, step=Step.REPLY, note="  ")
    assert "note" in refused.value.error_dict
    assert fingerprint() == before


def test_a_viewer_raising_is_refused_and_nothing_is_written(raise_problem, user):
    before = fingerprint()
    with pytest.raises(NotAllowed):
        raise_problem(actor=user("wenshui-viewer"))
    assert fingerprint() == before


def test_raising_with_bad_facts_is_refused_field_by_field(raise_problem, user):
    before = fingerprint()
    with pytest.raises(ValidationError) as refused:
        raise_problem(title=" ", category="magic", level="urgent", owner_org=user("xiaoyi-editor").org)
    assert set(refused.value.error_dict) == {"title", "category", "level", "owner_org"}
    assert fingerprint() == before


def test_a_step_that_lost_a_race_is_a_conflict(raise_problem, user):
    editor = user("wenshui-editor")
    problem = raise_problem()
    stale = Problem.objects.get(pk=problem.pk)
    services.problem_act(actor=editor, problem=problem, step=Step.PLAN)
    before = fingerprint()
    with pytest.raises(Conflict):
        services.problem_act(actor=editor, problem=stale, step=Step.PLAN)
    assert fingerprint() == before


def test_closing_is_for_the_raising_side_or_a_reviewer_above(raise_problem, user):
    editor = user("wenshui-editor")
    problem = raise_problem()
    for step, note in [(Step.PLAN, ""), (Step.REPLY, "方案"), (Step.SOLVE, "已解决")]:
        problem = services.problem_act(actor=editor, problem=problem, step=step, note=note)
    before = fingerprint()
    with pytest.raises(NotAllowed):
        services.problem_act(actor=user("lvliang-editor"), problem=problem, step=Step.CLOSE)
    assert fingerprint() == before

    closed = services.problem_act(actor=user("lvliang-reviewer"), problem=problem, step=Step.CLOSE)

    assert closed.state == State.CLOSED


def test_escalation_moves_overdue_problems_up_once_per_missed_deadline_and_is_idempotent(raise_problem, user):
    editor = user("wenshui-editor")
    overdue = raise_problem()  # solve due 2025-10-16
    solved = raise_problem(title="已解决的问题")
    for step, note in [(Step.PLAN, ""), (Step.REPLY, "方案"), (Step.SOLVE, "已解决")]:
        solved = services.problem_act(actor=editor, problem=solved, step=step, note=note)
    major = raise_problem(title="重大问题", level=Level.MAJOR, category=Category.FUNDING)  # solve due 2025-10-30

    run = services.problem_escalate(as_of=date(2025, 10, 17))

    assert run.problems == 1
    overdue.refresh_from_db()
    assert (overdue.tier, overdue.escalated_on, overdue.solve_due) == (
        Tier.CITY,
        date(2025, 10, 17),
        date(2025, 10, 28),
    )
    assert overdue.steps.filter(step=Step.ESCALATE).count() == 1
    before = fingerprint()
    assert services.problem_escalate(as_of=date(2025, 10, 17)).problems == 0
    assert fingerprint() == before

    services.problem_escalate(as_of=date(2025, 12, 31))
    overdue.refresh_from_db()
    major.refresh_from_db()
    solved.refresh_from_db()
    assert overdue.tier == Tier.PROVINCE
    assert major.tier == Tier.PROVINCE
    assert solved.tier == Tier.ZONE
    mine = [str(problem.pk) for problem in (overdue, major, solved)]
    assert AuditRecord.objects.filter(action="problem.escalate", actor__isnull=True, object_id__in=mine).count() == 3


def test_a_zone_wide_problem_has_no_project(user):
    editor = user("wenshui-editor")
    problem = services.problem_raise(
        actor=editor,
        zone=editor.org.zone,
        title="园区供水管网老化",
        category=Category.UTILITIES,
        level=Level.MAJOR,
        owner_org=editor.org,
        raised_at=RAISED,
    )
    assert problem.project is None
    assert AuditRecord.objects.get(action="problem.raise", object_id=str(problem.pk)).related_type == ""
