"""Forms for strategies and the KPI page (GOV.UK patterns: day/month/year dates, plain labels)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from placements.national.measures import MEASURES
from placements.national.selectors import COMPARATOR_SETS
from sufficiency.core.widgets import GovUKDateField

from .choices import ActionStatusChoices, DirectionChoices
from .kpis import registry
from .kpis.base import Direction
from .kpis.context import PERIODS
from .models import Objective


class KpiDateForm(forms.Form):
    """Which date (and which previous period) the KPI page shows."""

    on = GovUKDateField(label="KPIs on", required=False, help_text="For example, 31 3 2026")
    period = forms.ChoiceField(
        label="Compare with",
        required=False,
        choices=[("quarter", "Three months earlier"), ("year", "One year earlier")],
    )

    def clean_period(self) -> str:
        return self.cleaned_data.get("period") or "quarter"

    def resolved(self, today: dt.date) -> tuple[dt.date, str]:
        """The date and period to show: the form's values if valid, else today and a quarter."""
        if self.is_bound and self.is_valid():
            period = self.cleaned_data["period"]
            return self.cleaned_data["on"] or today, period if period in PERIODS else "quarter"
        return today, "quarter"


class StrategyForm(forms.Form):
    title = forms.CharField(
        label="Title", max_length=200, help_text="For example, Placement Sufficiency Strategy"
    )
    start_year = forms.IntegerField(
        label="First year of the period",
        min_value=2000,
        max_value=2100,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    end_year = forms.IntegerField(
        label="Last year of the period",
        min_value=2000,
        max_value=2100,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    summary = forms.CharField(label="Summary", required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("start_year") and data.get("end_year") and data["start_year"] > data["end_year"]:
            self.add_error("end_year", "The last year must be the same as or after the first year")
        return data


class ObjectiveForm(forms.Form):
    number = forms.IntegerField(
        label="Number", min_value=1, max_value=99, widget=forms.TextInput(attrs={"inputmode": "numeric"})
    )
    title = forms.CharField(
        label="Objective",
        max_length=300,
        help_text="For example, 90% of fostered children placed within 20 miles of home by 2024",
    )
    description = forms.CharField(
        label="Description and baseline", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class MeasureForm(forms.Form):
    kpi_key = forms.ChoiceField(label="KPI", help_text="The measure comes from the KPI catalogue")
    baseline_value = forms.DecimalField(
        label="Baseline value", required=False, max_digits=12, decimal_places=2
    )
    baseline_date = GovUKDateField(label="Baseline date", required=False)
    target_value = forms.DecimalField(
        label="Target value",
        max_digits=12,
        decimal_places=2,
        error_messages={"required": "Enter the target value"},
    )
    target_date = GovUKDateField(label="Target date", error_messages={"required": "Enter the target date"})
    direction = forms.ChoiceField(
        label="Direction of good",
        choices=[("", "Use the KPI's direction"), *DirectionChoices.choices],
        required=False,
    )
    tolerance = forms.DecimalField(
        label="Tolerance for amber",
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        help_text="How far short of the target still counts as amber, in the KPI's units (e.g. 5 percentage points)",
    )
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kpi_key"].choices = [("", "Choose a KPI"), *registry.choices()]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        kpi = registry.get(data.get("kpi_key") or "")
        if kpi is not None and not data.get("direction"):
            if kpi.direction == Direction.NEUTRAL:
                self.add_error("direction", "Choose whether higher or lower is better for this KPI")
            else:
                data["direction"] = str(kpi.direction)
        data["tolerance"] = data.get("tolerance") or 0
        return data


class ActionForm(forms.Form):
    activity = forms.CharField(label="Activity", max_length=200)
    description = forms.CharField(
        label="Brief description", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    objective = forms.ModelChoiceField(
        label="Objective",
        queryset=Objective.objects.none(),
        required=False,
        empty_label="Not tied to one objective",
    )
    timescale = forms.CharField(
        label="Timescale",
        max_length=120,
        required=False,
        help_text="As the plan words it, for example Ongoing or January - March 2026",
    )
    due_date = GovUKDateField(label="Due date", required=False)
    childrens_services_lead = forms.CharField(
        label="Children's services lead", max_length=120, required=False
    )
    commissioning_lead = forms.CharField(label="Commissioning lead", max_length=120, required=False)
    status = forms.ChoiceField(label="Status", choices=ActionStatusChoices.choices, widget=forms.RadioSelect)
    update_notes = forms.CharField(
        label="Update",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Progress since the last update. Do not describe individual children",
    )

    def __init__(self, *args: Any, strategy: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["objective"].queryset = Objective.objects.filter(strategy=strategy)


class BenchmarkForm(forms.Form):
    """Which date, comparator set (and custom group) and measure the benchmarking page shows."""

    on = GovUKDateField(label="Figures on", required=False, help_text="For example, 31 3 2026")
    comparator_set = forms.ChoiceField(label="Compare with", required=False, widget=forms.RadioSelect)
    group = forms.ChoiceField(label="Custom group", required=False)
    measure = forms.ChoiceField(label="Measure to chart", required=False)

    def __init__(self, *args: Any, groups: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.groups = {str(g.pk): g for g in groups}
        self.fields["comparator_set"].choices = list(COMPARATOR_SETS.items())
        self.fields["group"].choices = [("", "Choose a group")] + [
            (k, g.name) for k, g in self.groups.items()
        ]
        self.fields["measure"].choices = [(k, registry[k].name) for k in MEASURES if k in registry]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        data["comparator_set"] = data.get("comparator_set") or "statistical_neighbours"
        data["measure"] = data.get("measure") or "cla_rate_per_10000"
        if data["comparator_set"] == "custom":
            if not self.groups:
                self.add_error(
                    "group",
                    "Your authority has no custom comparator groups yet: an administrator can add one",
                )
            elif not data.get("group"):
                self.add_error("group", "Choose a custom group")
        data["group_obj"] = (
            self.groups.get(data.get("group") or "") if data["comparator_set"] == "custom" else None
        )
        return data


class ComparatorGroupForm(forms.Form):
    """An authority's own group of comparator authorities (for example its commissioning consortium)."""

    name = forms.CharField(label="Name of the group", max_length=100, help_text="For example, Black Country")
    members: forms.ModelMultipleChoiceField[Any] = forms.ModelMultipleChoiceField(
        label="Authorities in the group",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one authority"},
    )

    def __init__(self, *args: Any, authority: Any, taken: set[str], **kwargs: Any) -> None:
        from sufficiency.authorities.models import LocalAuthority

        super().__init__(*args, **kwargs)
        self.taken = taken
        members = self.fields["members"]
        assert isinstance(members, forms.ModelMultipleChoiceField)
        members.queryset = LocalAuthority.objects.exclude(pk=authority.pk).order_by("name")

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if name.lower() in self.taken:
            raise forms.ValidationError("Your authority already has a group with this name")
        return name
