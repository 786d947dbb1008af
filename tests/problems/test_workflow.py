"""The problem's transition table and who may take each step, alone."""

import pytest
from django.core.exceptions import ValidationError

from zoneledger.problems import workflow
from zoneledger.problems.choices import State, Step


@pytest.mark.parametrize(
    ("state", "step", "target"),
    [
        (State.RAISED, Step.PLAN, State.PLANNED),
        (State.PLANNED, Step.REPLY, State.REPLIED),
        (State.REPLIED, Step.SOLVE, State.SOLVED),
        (State.SOLVED, Step.CLOSE, State.CLOSED),
        (State.SOLVED, Step.REOPEN, State.REOPENED),
        (State.CLOSED, Step.REOPEN, State.REOPENED),
        (State.REOPENED, Step.SOLVE, State.SOLVED),
    ],
)
def test_the_steps_in_order(state, step, target):
    assert workflow.next_state(state, step) == target


@pytest.mark.parametrize(
    ("state", "step"),
    [
        (State.RAISED, Step.REPLY),  # not planned yet
        (State.RAISED, Step.SOLVE),
        (State.REPLIED, Step.CLOSE),  # closing a problem that is not solved
        (State.CLOSED, Step.CLOSE),
        (State.RAISED, Step.REOPEN),
        (State.PLANNED, Step.PLAN),
    ],
)
def test_a_step_out_of_order_is_refused(state, step):
    with pytest.raises(ValidationError) as refused:
        workflow.next_state(state, step)
    assert refused.value.error_dict["step"][0].code == "out_of_order"


def test_a_reply_a_solution_and_a_reopening_need_words():
    for step in (Step.REPLY, Step.SOLVE, Step.REOPEN):
        with pytest.raises(ValidationError):
            workflow.check_note(step, "   ")
    assert workflow.check_note(Step.PLAN, "") == ""
    assert workflow.check_note(Step.REPLY, " 协调自然资源局 ") == "协调自然资源局"


def test_the_actions_each_state_offers():
    assert workflow.steps_from(State.RAISED) == [Step.PLAN]
    assert workflow.steps_from(State.SOLVED) == [Step.CLOSE, Step.REOPEN]
    assert workflow.steps_from(State.CLOSED) == [Step.REOPEN]


def actor(kind, *, org_id=1, edit=True, review=False, writes=True):
    return workflow.Actor(org_id=org_id, org_kind=kind, can_edit=edit, can_review=review, writes_zone=writes)


def test_who_may_close_the_raising_side_or_a_reviewer_above_it():
    raised = {"raised_by_org_id": 1, "raised_by_org_kind": "zone"}
    assert workflow.may_take(Step.CLOSE, actor("zone"), **raised)
    assert not workflow.may_take(Step.CLOSE, actor("zone", org_id=2, review=True), **raised)  # another zone's
    assert workflow.may_take(Step.CLOSE, actor("city", org_id=9, review=True), **raised)
    assert not workflow.may_take(Step.CLOSE, actor("city", org_id=9), **raised)  # an editor above: no
    assert not workflow.may_take(Step.CLOSE, actor("zone", edit=False), **raised)  # a viewer of the raising side
    assert not workflow.may_take(Step.PLAN, actor("zone", writes=False), **raised)
    assert workflow.may_take(Step.PLAN, actor("city", org_id=9), **raised)
