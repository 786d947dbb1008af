"""Cell values as spreadsheets hold them (python-calamine gives str, float, int, bool, date or datetime) → Python.

Each parser takes a non-blank cell and returns the value or raises ValidationError with a message for
the user; blank cells never reach them.
"""

import re
from datetime import date, datetime
from functools import cache

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from zoneledger.core.money import parse_wan
from zoneledger.projects.choices import KeyLevel

from .columns import AMOUNT, DATE, KEY_LEVEL, MONTH, ROUND, TEXT

_DATE_TEXT = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"),
)
_MONTH_TEXT = (re.compile(r"^(\d{4})[-/.](\d{1,2})$"), re.compile(r"^(\d{4})年(\d{1,2})月$"))
_ROUND_TEXT = (re.compile(r"^(\d{4})-(\d{1,2})$"), re.compile(r"^(\d{4})年第(\d{1,2}|[一二三四五六七八九十]{1,3})次$"))
_CHINESE_DIGITS = {char: value for value, char in enumerate("一二三四五六七八九", start=1)}


def is_blank(value):
    return value is None or value == "" or (isinstance(value, str) and not value.strip())


def parse_text(value):
    """Text as typed; a number typed into a text column (a code, say) without the spreadsheet's '.0'."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        raise ValidationError(_("Expected text, not a date."))
    return str(value).strip()


def parse_amount(value):
    """An exact Decimal: floats are read through their shortest repr, which is what the spreadsheet shows."""
    if isinstance(value, bool | datetime | date):
        raise ValidationError(_("“%(value)s” is not an amount.") % {"value": value})
    if isinstance(value, float):
        value = repr(value)
    return parse_wan(value)


def _from_parts(year, month, day, value):
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        raise ValidationError(_("“%(value)s” is not a date that exists.") % {"value": value}) from None


def parse_date(value):
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for pattern in _DATE_TEXT:
        if match := pattern.match(text):
            return _from_parts(*match.groups(), value)
    raise ValidationError(_("“%(value)s” is not a date such as 2024-03-15.") % {"value": value})


def parse_month(value):
    """The first day of the month."""
    if isinstance(value, datetime | date):
        return date(value.year, value.month, 1)
    text = str(value).strip()
    for pattern in _MONTH_TEXT:
        if match := pattern.match(text):
            return _from_parts(*match.groups(), 1, value)
    raise ValidationError(_("“%(value)s” is not a month such as 2024-03.") % {"value": value})


def _chinese_number(text):
    """1–99 from 一 … 九十九 (rounds are numbered within a year)."""
    if text.isdigit():
        return int(text)
    tens, _ten, units = text.rpartition("十")
    if not _ten:
        return _CHINESE_DIGITS.get(text, 0)
    return _CHINESE_DIGITS.get(tens, 1 if not tens else 0) * 10 + _CHINESE_DIGITS.get(units, 0)


def parse_round(value):
    """(year, sequence) from '2024-1', '2024年第1次' or '2024年第一次'."""
    text = parse_text(value)
    for pattern in _ROUND_TEXT:
        if match := pattern.match(text):
            sequence = _chinese_number(match[2])
            if sequence:
                return int(match[1]), sequence
    raise ValidationError(_("“%(value)s” is not a round such as 2024-1 or 2024年第一次.") % {"value": value})


@cache
def _key_levels():
    """Each key-project level by its code and by its name in Chinese and in English."""
    levels = {}
    for level in KeyLevel:
        if level.value:
            levels[level.value] = level.value
            for language in ("zh-hans", "en"):
                with translation.override(language):
                    levels[str(level.label)] = level.value
    return levels


def key_level_name(value):
    """The level's name as the template writes it (in Chinese, as its headers are)."""
    with translation.override("zh-hans"):
        return str(KeyLevel(value).label)


def parse_key_level(value):
    """A key-project level (重点项目级别) from its name, e.g. 省级重点项目, or its code."""
    level = _key_levels().get(parse_text(value))
    if level is None:
        names = "、".join(key_level_name(level) for level in KeyLevel.values if level)
        raise ValidationError(
            _("“%(value)s” is not a key-project level: use %(names)s.") % {"value": value, "names": names}
        )
    return level


PARSERS = {
    TEXT: parse_text,
    AMOUNT: parse_amount,
    DATE: parse_date,
    MONTH: parse_month,
    ROUND: parse_round,
    KEY_LEVEL: parse_key_level,
}
