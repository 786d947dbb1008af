"""The monthly report's transition table and checks, alone: no database."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from zoneledger.core.errors import Conflict, NotAllowed
from zoneledger.progress.choices import ReportState, Verb
from zoneledger.progress.workflow import (
    TRANSITIONS,
    TransitionRefused,
    check_four_eyes,
    check_month,
    check_reason,
    next_state,
)

S = ReportState


@pytest.mark.parametrize(
    ("state", "verb", "after"),
    [
        (None, Verb.SAVE, S.DRAFT),
        (None, Verb.SUBMIT, S.SUBMITTED),
        (S.DRAFT, Verb.SUBMIT, S.SUBMITTED),
        (S.SUBMITTED, Verb.APPROVE, S.APPROVED),
        (S.SUBMITTED, Verb.RETURN, S.RETURNED),
        (S.RETURNED, Verb.SUBMIT, S.SUBMITTED),
        (S.SUBMITTED, Verb.SUBMIT, S.SUBMITTED),
    ],
)
def test_the_allowed_transitions(state, verb, after):
    assert next_state(state, verb) == after


def test_an_approved_version_is_closed_to_every_verb():
    for verb in Verb:
        with pytest.raises(TransitionRefused):
            next_state(S.APPROVED, verb)
    assert not [key for key in TRANSITIONS if key[0] == S.APPROVED]


@pytest.mark.parametrize(
    ("state", "words"),
    [(S.APPROVED, "已审核通过"), (S.RETURNED, "已退回"), (S.DRAFT, "尚未提交"), (None, "尚未提交")],
)
def test_reviewing_what_is_not_submitted_is_refused_with_a_reason(state, words):
    # In the default language, stated: a test run before this one in the same worker may leave another active.
    for verb in (Verb.APPROVE, Verb.RETURN):
        with translation.override("zh-hans"):
            with pytest.raises(TransitionRefused) as refused:
                next_state(state, verb)
            assert words in str(refused.value.message)
        assert isinstance(refused.value, Conflict)


def test_four_eyes():
    check_four_eyes(submitter_id=1, reviewer_id=2)
    check_four_eyes(submitter_id=None, reviewer_id=2)
    with pytest.raises(NotAllowed):
        check_four_eyes(submitter_id=2, reviewer_id=2)


def test_months_in_the_future_or_before_the_start_are_refused():
    today = date(2025, 6, 15)
    check_month(date(2025, 6, 1), today=today, started_on=date(2025, 6, 30))
    check_month(date(2025, 1, 1), today=today, started_on=None)
    with pytest.raises(ValidationError) as future:
        check_month(date(2025, 7, 1), today=today, started_on=None)
    assert "month" in future.value.message_dict
    with pytest.raises(ValidationError) as early:
        check_month(date(2025, 4, 1), today=today, started_on=date(2025, 5, 20))
    assert "2025-05" in early.value.message_dict["month"][0]


def test_a_return_needs_a_reason():
    assert check_reason("  数据有误 ") == "数据有误"
    with pytest.raises(ValidationError):
        check_reason("   ")
