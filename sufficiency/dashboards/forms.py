"""The dashboards' filter form (GET): as-at date, age band, placement category and trend length."""

from __future__ import annotations

from typing import Any

from django import forms

from placements.categories import AGE_BAND_LABELS, PLANNING_CATEGORY_LABELS

TREND_CHOICES = [("5", "5 years"), ("3", "3 years"), ("1", "1 year"), ("all", "All years held")]


class DashboardFilterForm(forms.Form):
    """Filters every dashboard page understands; a page shows only the fields it uses."""

    as_at = forms.ChoiceField(label="As at", required=False, choices=[])
    age_band = forms.ChoiceField(
        label="Age band", required=False, choices=[("", "All ages"), *AGE_BAND_LABELS.items()]
    )
    category = forms.ChoiceField(
        label="Placement category",
        required=False,
        choices=[("", "All categories"), *PLANNING_CATEGORY_LABELS.items()],
    )
    years = forms.ChoiceField(label="Trend period", required=False, choices=TREND_CHOICES)

    def __init__(self, *args: Any, as_at_choices: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["as_at"].choices = as_at_choices or []

    def values(self) -> dict[str, str]:
        """The chosen filters (invalid or missing values fall back to the defaults)."""
        defaults = {"as_at": "", "age_band": "", "category": "", "years": "5"}
        if not self.is_bound:
            return defaults
        if self.is_valid():
            return {k: self.cleaned_data.get(k) or defaults[k] for k in defaults}
        # Keep what is valid: an out-of-date as-at in a bookmarked link should not drop the other filters.
        return {
            k: (self.data.get(k) if k not in self.errors and self.data.get(k) else defaults[k])
            for k in defaults
        }
