"""Every cell format the template accepts, and what it refuses."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from zoneledger.ingest.cells import parse_amount, parse_date, parse_month, parse_round, parse_text


@pytest.mark.parametrize(
    "value",
    [date(2024, 3, 15), datetime(2024, 3, 15, 0, 0), "2024-03-15", "2024/3/15", "2024年3月15日", " 2024-3-15 "],
)
def test_dates_as_cells_or_text(value):
    assert parse_date(value) == date(2024, 3, 15)


@pytest.mark.parametrize("value", ["2024-02-30", "15/03/2024", "三月十五", 45366.0])
def test_not_a_date(value):
    with pytest.raises(ValidationError):
        parse_date(value)


@pytest.mark.parametrize("value", [date(2024, 3, 1), datetime(2024, 3, 31, 0, 0), "2024-03", "2024年3月", "2024/3"])
def test_months_as_cells_or_text(value):
    assert parse_month(value) == date(2024, 3, 1)


@pytest.mark.parametrize("value", ["2024-13", "2024年13月", "March 2024"])
def test_not_a_month(value):
    with pytest.raises(ValidationError):
        parse_month(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-1", (2024, 1)),
        ("2024年第1次", (2024, 1)),
        ("2024年第一次", (2024, 1)),
        ("2023年第四次", (2023, 4)),
        ("2023年第十次", (2023, 10)),
        ("2023年第十二次", (2023, 12)),
    ],
)
def test_rounds(value, expected):
    assert parse_round(value) == expected


@pytest.mark.parametrize("value", ["2024", "2024年第零次", "第一次", "2024-0"])
def test_not_a_round(value):
    with pytest.raises(ValidationError):
        parse_round(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (10550.0, "10550.00"),
        (1234.56, "1234.56"),
        (7, "7.00"),
        ("1,234.50", "1234.50"),
        ("12，345", "12345.00"),
        (" 88.8 ", "88.80"),
    ],
)
def test_amounts_are_exact(value, expected):
    assert parse_amount(value) == Decimal(expected)


@pytest.mark.parametrize("value", ["abc", "1.234", True, date(2024, 1, 1)])
def test_not_an_amount(value):
    with pytest.raises(ValidationError):
        parse_amount(value)


def test_a_code_typed_as_a_number_loses_the_spreadsheet_decimal():
    assert parse_text(141121.0) == "141121"


def test_a_row_leaves_out_exactly_the_cells_is_blank_calls_blank():
    """SheetReader.rows inlines is_blank (it runs for every cell of a file): the two agree on every kind of value."""
    from zoneledger.ingest.cells import is_blank
    from zoneledger.ingest.columns import MONTHLY_COLUMNS
    from zoneledger.ingest.reader import SheetReader

    values = [None, "", " ", "\u3000\t", " x ", "0", 0, 0.0, 1.5, False, True, date(2024, 3, 1)]

    class Sheet:
        total_height = len(values) + 1

        def rows(self):
            headers = [column.header for column in MONTHLY_COLUMNS]
            yield 1, headers
            for number, value in enumerate(values, start=2):
                yield number, [value] * len(headers)

    kept = dict(SheetReader(Sheet(), MONTHLY_COLUMNS).rows())
    for number, value in enumerate(values, start=2):
        expected = None if is_blank(value) else {column.key: value for column in MONTHLY_COLUMNS}
        assert kept.get(number) == expected, value
