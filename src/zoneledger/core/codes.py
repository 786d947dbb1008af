"""Validation of the codes users know (DOMAIN.md §8): USCC, project code, industry and division codes."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.cn import uscc as stdnum_uscc
from stdnum.exceptions import ValidationError as StdnumError

PROJECT_CODE_RE = re.compile(r"^\d{4}-\d{6}-\d{2}-\d{2}-\d{5}[0-9A-Z]$")
INDUSTRY_CODE_RE = re.compile(r"^[A-T](\d{2}(\d{1,2})?)?$")
DIVISION_CODE_RE = re.compile(r"^\d{6}$")
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def normalize_uscc(value):
    """Upper-case and strip a USCC as users type it."""
    return re.sub(r"[\s-]", "", str(value)).upper()


def validate_uscc(value):
    """Check a 统一社会信用代码 by GB 32100-2015.

    stdnum's validate() also insists that the first eight characters are digits, but the
    registration-authority and type characters may be letters (e.g. N1…, Y1…); for those
    codes we check the shape here and leave the check character to stdnum.
    """
    code = normalize_uscc(value)
    message = _("“%(value)s” is not a valid unified social credit code (统一社会信用代码).")
    if len(code) != 18 or any(char not in USCC_ALPHABET for char in code):
        raise ValidationError(message, code="invalid_uscc", params={"value": value})
    if code[:8].isdigit():
        try:
            stdnum_uscc.validate(code)
        except StdnumError:
            raise ValidationError(message, code="invalid_uscc", params={"value": value}) from None
    elif not code[2:8].isdigit() or stdnum_uscc.calc_check_digit(code) != code[17]:
        raise ValidationError(message, code="invalid_uscc", params={"value": value})
    return code


def validate_project_code(value):
    """Check the shape of a national project code TTTT-RRRRRR-DD-PP-NNNNNN (GB/T 40058-2021)."""
    if not PROJECT_CODE_RE.match(value or ""):
        raise ValidationError(
            _("“%(value)s” is not a project code of the form 2024-141121-30-03-012345."),
            code="invalid_project_code",
            params={"value": value},
        )


def validate_industry_code(value):
    """Check a GB/T 4754-2017 industry code: a section letter, optionally with a 2–4 digit class."""
    if not INDUSTRY_CODE_RE.match(value or ""):
        raise ValidationError(
            _("“%(value)s” is not an industry code such as C30 (GB/T 4754-2017)."),
            code="invalid_industry_code",
            params={"value": value},
        )


def validate_division_code(value):
    """Check the shape of a six-digit GB/T 2260 division code."""
    if not DIVISION_CODE_RE.match(value or ""):
        raise ValidationError(
            _("“%(value)s” is not a six-digit division code."),
            code="invalid_division",
            params={"value": value},
        )


def province_code(division_code):
    """The code of the province a GB/T 2260 division lies in: its first two digits, then zeros ("141121" → "140000")."""
    return f"{division_code[:2]}0000"
