"""Bounds on every integer and date a caller can send: one module of guards and parsers, used by the pages
(forms and query strings), the API (filters and input serializers) and the commands.

Out-of-range input is the caller's mistake, never a server error: a page shows a GOV.UK error message (or a
404 for an id that cannot exist), the API answers 400 with the field named. Without these guards a date in
year 9999 overflows date arithmetic and a 20-digit id overflows the database's integer type (500s).

- Dates: between `EARLIEST_DATE` and `LATEST_DATE`. No record of care, supply or planning lies outside,
  and every date calculation (months ahead, financial years, pandas timestamps) stays in range.
- Record ids: between 1 and `MAX_ID` (the largest 64-bit primary key). Ids in URLs need no guard here:
  Django answers an exact lookup beyond the column's range with no rows (404).
- Other integers: each caller states its own range (`parse_int`, `BoundedIntegerFilter`).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from rest_framework import serializers

EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)
#: The largest primary key (BigAutoField): a larger id names no record.
MAX_ID = 2**63 - 1

DATE_RANGE_MESSAGE = (
    f"must be between {EARLIEST_DATE:%-d %B %Y} and {LATEST_DATE:%-d %B %Y}"  # "1 January 1900"
)
_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")
_DIGITS = re.compile(r"^\s*[+-]?\d{1,30}\s*$")


def date_in_range(value: dt.date | None) -> bool:
    """True for None or a date between EARLIEST_DATE and LATEST_DATE."""
    if value is None:
        return True
    day = value.date() if isinstance(value, dt.datetime) else value
    return EARLIEST_DATE <= day <= LATEST_DATE


def check_date(value: dt.date | None, label: str = "The date") -> dt.date | None:
    """`value` unchanged when in range, else a ValidationError in GOV.UK wording ("The date must be ...")."""
    if not date_in_range(value):
        raise ValidationError(f"{label} {DATE_RANGE_MESSAGE}", code="date_out_of_range")
    return value


def parse_month(text: str | None) -> dt.date | None:
    """'YYYY-MM' as the first of that month, or None when blank, malformed or out of range."""
    match = _MONTH.match(text or "")
    if not match:
        return None
    try:
        month = dt.date(int(match.group(1)), int(match.group(2)), 1)
    except ValueError:
        return None
    return month if date_in_range(month) else None


def parse_int(text: Any, *, minimum: int, maximum: int) -> int | None:
    """An integer between `minimum` and `maximum`, or None when blank, malformed or out of range."""
    if isinstance(text, int) and not isinstance(text, bool):
        value = text
    elif isinstance(text, str) and _DIGITS.match(text):
        value = int(text)
    else:
        return None
    return value if minimum <= value <= maximum else None


def parse_id(text: Any) -> int | None:
    """A record id (1 to MAX_ID), or None."""
    return parse_int(text, minimum=1, maximum=MAX_ID)


# --- forms (pages) ------------------------------------------------------------------------------------


class BoundedDateFormField(forms.DateField):
    """A YYYY-MM-DD form field within the bounds."""

    def to_python(self, value: Any) -> dt.date | None:
        try:
            day = super().to_python(value)
        except OverflowError:
            raise ValidationError(f"{self.label or 'The date'} must be a real date", code="invalid") from None
        return check_date(day, self.label or "The date")


# --- django-filter (one FilterSet per model, shared by pages and the API) -----------------------------


class BoundedDateFilter(django_filters.DateFilter):
    """A date filter refusing dates outside the bounds (400 on the API, a form error on pages)."""

    field_class = BoundedDateFormField


class BoundedIdField(forms.IntegerField):
    """A record id: whole number from 1 to MAX_ID (a decimal or a 20-digit number is a field error)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)


class BoundedIdFilter(django_filters.NumberFilter):
    """Filter by a record id (e.g. `?child=`, `?provider=`) within 1..MAX_ID."""

    field_class = BoundedIdField


# --- DRF (API input serializers) ----------------------------------------------------------------------


class BoundedDateField(serializers.DateField):
    """A YYYY-MM-DD API parameter within the bounds (400 naming the field otherwise)."""

    def to_internal_value(self, value: Any) -> dt.date:
        day = super().to_internal_value(value)
        if not date_in_range(day):
            raise serializers.ValidationError(
                f"Give a date between {EARLIEST_DATE.isoformat()} and {LATEST_DATE.isoformat()}."
            )
        return day
