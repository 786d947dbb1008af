from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from zoneledger.core.money import format_percent, format_wan, format_yi, parse_wan, rate, round_half_up


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [(1, 8, Decimal("12.50")), (2, 3, Decimal("66.67")), (3, 7, Decimal("42.86")), (82, 94, Decimal("87.23"))],
)
def test_rate_is_rounded_half_up_to_two_decimals(numerator, denominator, expected):
    assert rate(numerator, denominator) == expected


def test_rate_of_an_empty_cohort_is_undefined():
    assert rate(0, 0) is None


def test_prose_percent_rounds_half_up_not_to_even():
    assert format_percent(rate(1, 8)) == "13"
    assert format_percent(Decimal("12.5")) == "13"
    assert format_percent(Decimal("42.86")) == "43"
    assert format_percent(None) == "—"


def test_half_up_where_bankers_rounding_goes_down():
    assert round_half_up(Decimal("0.125"), 2) == Decimal("0.13")
    assert round_half_up(Decimal("2.5"), 0) == Decimal("3")


def test_money_formats_in_wan_and_yi():
    assert format_wan(Decimal("105500")) == "105500.00"
    assert format_yi(Decimal("105500")) == "10.55"
    assert format_yi(Decimal("33100")) == "3.31"
    assert format_yi(Decimal("5")) == "0.00"


@pytest.mark.parametrize("text", ["12,345.60", "12345.6", " 12，345.60 "])
def test_parse_wan_accepts_thousands_separators(text):
    assert parse_wan(text) == Decimal("12345.60")


@pytest.mark.parametrize("text", ["abc", "1.234", "NaN", "Infinity", ""])
def test_parse_wan_refuses_what_is_not_an_amount(text):
    with pytest.raises(ValidationError):
        parse_wan(text)


@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=1, max_value=10**6))
def test_rate_matches_exact_fraction_rounded_half_up(numerator, denominator):
    exact = Decimal(numerator) * 100 / Decimal(denominator)
    result = rate(numerator, denominator)
    assert abs(result - exact) <= Decimal("0.005")
    assert result == exact.quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")
