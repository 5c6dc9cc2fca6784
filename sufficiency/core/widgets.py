"""Form widgets and fields following GOV.UK Design System patterns."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from .bounds import check_date


class DayMonthYearWidget(forms.MultiWidget):
    """GOV.UK date input: day, month and year as three text boxes (templates/includes/govuk/date_input.html)."""

    template_name = "django/forms/widgets/multiwidget.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        widgets = {
            "day": forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 2}),
            "month": forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 2}),
            "year": forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 4}),
        }
        super().__init__(widgets, attrs)

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, dt.date):
            return [value.day, value.month, value.year]
        return [None, None, None]


class GovUKDateField(forms.MultiValueField):
    """A date typed as day, month and year, with the GOV.UK error messages."""

    widget = DayMonthYearWidget

    def __init__(self, **kwargs: Any) -> None:
        fields = (
            forms.CharField(required=False),
            forms.CharField(required=False),
            forms.CharField(required=False),
        )
        super().__init__(fields=fields, require_all_fields=False, **kwargs)
        if "required" not in kwargs.get("error_messages", {}):
            self.error_messages["required"] = f"Enter {(self.label or 'the date').lower()}"

    def compress(self, data_list: list[str]) -> dt.date | None:
        if not data_list or not any(data_list):
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return None
        day, month, year = (str(part or "").strip() for part in data_list)
        label = (self.label or "The date").capitalize()
        missing = [name for name, value in (("day", day), ("month", month), ("year", year)) if not value]
        if missing:
            raise ValidationError(f"{label} must include a {' and a '.join(missing)}")
        try:
            value = dt.date(int(year), int(month), int(day))
        except (TypeError, ValueError, OverflowError):
            raise ValidationError(f"{label} must be a real date") from None
        # Year 9999 is a real date but no record's: it would overflow the date arithmetic downstream.
        check_date(value, label)
        return value


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern)."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple) and data:
            return [single(item, initial) for item in data]
        if isinstance(data, list | tuple):
            data = None
        cleaned = single(data, initial)  # raises "required" when nothing was selected
        return [cleaned] if cleaned else []
