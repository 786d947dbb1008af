"""The import's compact bookkeeping gives back exactly what was put in."""

from hypothesis import given
from hypothesis import strategies as st

from zoneledger.ingest.tally import FirstRows, ProjectIds, RowNumbers


@given(st.lists(st.integers(min_value=1, max_value=1_048_576)))
def test_row_numbers_give_back_the_numbers_in_the_order_they_came(numbers):
    kept = RowNumbers(numbers)
    assert list(kept) == numbers
    assert len(kept) == len(numbers)


def test_consecutive_row_numbers_are_one_run():
    kept = RowNumbers(range(2, 600_002))
    assert len(kept._starts) == 1
    assert len(kept) == 600_000


@given(st.sets(st.integers(min_value=1, max_value=100_000)), st.sets(st.integers(min_value=1, max_value=100_000)))
def test_project_ids_hold_exactly_the_ids_added(added, asked):
    ids = ProjectIds()
    for pk in added:
        ids.add(pk)
    assert {pk for pk in added | asked if pk in ids} == added


@given(st.lists(st.tuples(st.integers(min_value=1, max_value=10_000), st.integers(min_value=2, max_value=60_000))))
def test_first_rows_remember_the_first_row_that_named_each_project(named):
    first_rows = FirstRows()
    expected = {}
    for pk, row in named:
        first_rows.add(pk, row)
        expected.setdefault(pk, row)
    assert {pk: first_rows.row_of(pk) for pk in expected} == expected
    assert first_rows.row_of(10_001) is None
