"""Money and rates: exact amounts, one half-up rounding helper, one formatter.

Amounts are 万元 (ten thousand yuan) with two decimals, stored as whole hundredths so
that every database sums them exactly. Nothing outside this module rounds.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import ExpressionWrapper, F
from django.utils.translation import gettext_lazy as _

CENT = Decimal("0.01")
WAN_PER_YI = Decimal(10000)


def round_half_up(value, places=2):
    """Round a Decimal 四舍五入 to `places` decimals (never banker's rounding)."""
    quantum = Decimal(1).scaleb(-places)
    return Decimal(value).quantize(quantum, rounding=ROUND_HALF_UP)


def rate(numerator, denominator, places=2):
    """A percentage numerator ÷ denominator × 100, rounded half-up; None when the denominator is zero."""
    if not denominator:
        return None
    return round_half_up(Decimal(numerator) * 100 / Decimal(denominator), places)


def format_wan(amount):
    """'10550.00' — an amount of 万元 with two decimals."""
    return f"{round_half_up(amount, 2):.2f}"


def format_yi(amount_wan):
    """'1.06' — an amount of 万元 shown in 亿元 with two decimals."""
    return f"{round_half_up(Decimal(amount_wan) / WAN_PER_YI, 2):.2f}"


def format_percent(value, places=0):
    """'43' — a rate (already a percentage) shown at `places` decimals, half-up; '—' when undefined."""
    if value is None:
        return "—"
    return f"{round_half_up(value, places):.{places}f}"


def percent_text(value, places=1):
    """'43.5%' — a rate (already a percentage) with its sign, half-up; '—' when undefined."""
    return "—" if value is None else f"{format_percent(value, places)}%"


def parse_wan(value):
    """A Decimal of 万元 from user text such as '1,234.5'; ValidationError when it is not an amount."""
    if isinstance(value, Decimal):
        amount = value
    else:
        text = str(value).strip().replace(",", "").replace("，", "")
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise ValidationError(_("“%(value)s” is not an amount."), params={"value": value}) from None
    if not amount.is_finite():
        raise ValidationError(_("“%(value)s” is not an amount."), params={"value": value})
    if amount != amount.quantize(CENT):
        raise ValidationError(_("Amounts have at most two decimals (万元)."))
    return amount.quantize(CENT)


def hundredths(field_name):
    """A WanField's column as stored, whole hundredths (an int), for reading many amounts without a Decimal each.

    Python's int division is correctly rounded, so `hundredths / 100` is the float nearest the amount: the
    number a spreadsheet cell holding the amount's digits has.
    """
    return ExpressionWrapper(F(field_name), output_field=models.BigIntegerField())


class WanField(models.BigIntegerField):
    """An amount of 万元 with two decimals, kept in the database as whole hundredths (百元).

    Python sees a Decimal such as Decimal('10550.00'); SQL sees 1055000, so SUM is exact
    on SQLite and PostgreSQL alike.
    """

    description = _("Amount (万元, 2 decimals)")

    def from_db_value(self, value, expression, connection):
        return None if value is None else (Decimal(value) / 100).quantize(CENT)

    def to_python(self, value):
        if value is None or value == "":
            return None
        return parse_wan(value)

    def get_prep_value(self, value):
        if value is None or value == "":
            return None
        return int(parse_wan(value) * 100)

    def formfield(self, **kwargs):
        return forms.DecimalField(
            **{"max_digits": 16, "decimal_places": 2, "required": not self.blank, "label": self.verbose_name} | kwargs
        )
