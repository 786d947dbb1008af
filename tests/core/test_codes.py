import pytest
from django.core.exceptions import ValidationError

from tests.factories import valid_uscc
from zoneledger.core.codes import (
    validate_industry_code,
    validate_project_code,
    validate_uscc,
)


def test_a_valid_uscc_passes_and_is_normalised():
    code = valid_uscc(123)
    assert validate_uscc(code.lower()) == code


def test_a_uscc_with_a_letter_registration_authority_passes():
    # N = agricultural bodies, Y = others: stdnum's validate() refuses these, GB 32100 allows them.
    from stdnum.cn import uscc

    body = "N2140000MA0K12345"
    assert validate_uscc(body + uscc.calc_check_digit(body)) == body + uscc.calc_check_digit(body)


@pytest.mark.parametrize(
    "code",
    ["91140000123456789X", "9114000012345678", "91140000I23456789A", "N214ABCDMA0K123450", ""],
)
def test_bad_usccs_are_refused_with_a_message_naming_the_code(code):
    with pytest.raises(ValidationError) as error:
        validate_uscc(code)
    assert "统一社会信用代码" in str(error.value)


def test_wrong_check_character_is_refused():
    good = valid_uscc(5)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    with pytest.raises(ValidationError):
        validate_uscc(bad)


@pytest.mark.parametrize("code", ["2024-141121-30-03-012345", "2208-140100-04-01-30001X"])
def test_project_codes_of_the_right_shape_pass(code):
    validate_project_code(code)


@pytest.mark.parametrize("code", ["2024-141121-30-3-012345", "2024141121300301234", "2024-1411-30-03-012345", ""])
def test_project_codes_of_the_wrong_shape_are_refused(code):
    with pytest.raises(ValidationError):
        validate_project_code(code)


@pytest.mark.parametrize("code", ["C", "C30", "C301", "D4411"])
def test_industry_codes(code):
    validate_industry_code(code)


@pytest.mark.parametrize("code", ["Z30", "30", "c30", "C3"])
def test_bad_industry_codes(code):
    with pytest.raises(ValidationError):
        validate_industry_code(code)
