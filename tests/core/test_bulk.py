"""The bulk path converts values exactly as the model fields do, including those it lets through unconverted."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from zoneledger.core import bulk
from zoneledger.projects.models import MonthlyProgress, Project, StageEvent

VALUES = [
    None,
    "",
    "  文水经济开发区 ",
    "2023-140100-30-03-000011",
    0,
    7,
    2**40,
    True,
    False,
    Decimal("1055.50"),
    Decimal("0.01"),
    date(2024, 3, 1),
    datetime(2024, 3, 1, 9, 30, tzinfo=timezone.get_current_timezone()),
]


def _convertible(field, value):
    try:
        return True, field.get_db_prep_save(value, connection)
    except (TypeError, ValueError, ArithmeticError, ValidationError, RuntimeWarning):  # warnings are errors here
        return False, None


@pytest.mark.parametrize("model", [Project, StageEvent, MonthlyProgress], ids=lambda model: model.__name__)
def test_every_field_converts_as_the_model_field_does(model):
    for field in model._meta.concrete_fields:
        convert = bulk._converter(field, connection)
        for value in VALUES:
            accepted, expected = _convertible(field, value)
            if not accepted:
                continue
            converted = convert(value)
            assert (converted, type(converted)) == (expected, type(expected)), (field.name, value)
            assert convert(value) == expected, "remembered conversions give the same value"
