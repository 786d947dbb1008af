"""The lifecycle rules as properties: whatever sequence of recordings, the live events stay ordered."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from zoneledger.projects.choices import STAGE_ORDER, Stage
from zoneledger.projects.workflow import LiveEvent, check_stage_order, current_stage

TODAY = date(2025, 1, 1)
attempts = st.lists(
    st.tuples(st.sampled_from(list(Stage)), st.integers(min_value=0, max_value=800)), min_size=1, max_size=12
)


def apply(recordings):
    """Record each attempt the rules allow; return the live events."""
    live = []
    for stage, offset in recordings:
        happened_on = date(2023, 1, 1) + timedelta(days=offset)
        try:
            check_stage_order(live, stage, happened_on, today=TODAY)
        except ValidationError:
            continue
        live.append(LiveEvent(stage, happened_on))
    return live


@given(attempts)
def test_dates_never_go_backwards_along_the_order(recordings):
    live = sorted(apply(recordings), key=lambda event: STAGE_ORDER[event.stage])
    dates = [event.happened_on for event in live]
    assert dates == sorted(dates)


@given(attempts)
def test_no_stage_has_two_live_events(recordings):
    stages = [event.stage for event in apply(recordings)]
    assert len(stages) == len(set(stages))


@given(attempts)
def test_nothing_follows_termination(recordings):
    live = apply(recordings)
    stages = [event.stage for event in live]
    if Stage.TERMINATED in stages:
        assert stages[-1] == Stage.TERMINATED
        assert current_stage(stages) == Stage.TERMINATED


@given(attempts)
def test_the_current_stage_is_the_latest_event(recordings):
    live = apply(recordings)
    if live:
        latest = max(live, key=lambda event: (event.happened_on, STAGE_ORDER[event.stage]))
        assert current_stage(event.stage for event in live) == latest.stage


def test_stages_may_be_skipped():
    check_stage_order([], Stage.STARTED, date(2024, 1, 1), today=TODAY)
    check_stage_order([LiveEvent(Stage.SIGNED, date(2024, 1, 1))], Stage.COMMISSIONED, date(2024, 5, 1), today=TODAY)


def test_a_start_before_the_signing_is_refused_on_the_date_field():
    with pytest.raises(ValidationError) as error:
        check_stage_order([LiveEvent(Stage.SIGNED, date(2024, 3, 1))], Stage.STARTED, date(2024, 2, 1), today=TODAY)
    assert "happened_on" in error.value.message_dict


def test_a_future_date_is_refused():
    with pytest.raises(ValidationError):
        check_stage_order([], Stage.SIGNED, TODAY + timedelta(days=1), today=TODAY)
