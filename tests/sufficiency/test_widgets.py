"""GOV.UK date input: day, month and year, with the design system's error messages."""

import datetime as dt

import pytest
from django import forms

from sufficiency.core.widgets import GovUKDateField


class _Form(forms.Form):
    started = GovUKDateField(label="Date placement started")
    ended = GovUKDateField(label="Date placement ended", required=False)


def _form(**parts):
    return _Form({f"{k}": v for k, v in parts.items()})


def test_a_complete_real_date_is_accepted():
    form = _form(started_day="1", started_month="4", started_year="2025")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["started"] == dt.date(2025, 4, 1)
    assert form.cleaned_data["ended"] is None


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        ({"started_day": "1", "started_year": "2025"}, "Date placement started must include a month"),
        ({"started_month": "4"}, "Date placement started must include a day and a year"),
        (
            {"started_day": "31", "started_month": "2", "started_year": "2025"},
            "Date placement started must be a real date",
        ),
        ({}, "Enter date placement started"),
    ],
)
def test_govuk_messages(parts, message):
    form = _form(**parts)
    assert not form.is_valid()
    assert form.errors["started"] == [message]
