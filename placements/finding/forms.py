"""Forms of placement finding: validation only. Views pass `service_data()` to a service, which writes.

The "log a request" form is built for speed: the required fields come first (the child or a referral's
basics, the date requested, urgency, and the three suitabilities); everything else is optional and sits
in an expandable section of the same page, so a request is logged in one submit.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone

from sufficiency.core.widgets import GovUKDateField

from ..categories import LS_CODES, PLANNING_CATEGORY_LABELS
from ..choices import (
    CloseReasonChoices,
    DeclinedByChoices,
    DeclineReasonChoices,
    NeedChoices,
    RiskLevelChoices,
    RouteChoices,
    SexChoices,
    SiblingsOutcomeChoices,
    StaffingRatioChoices,
    SuitabilityChoices,
    UrgencyChoices,
)
from ..models import FosteringHousehold, PlacementRequest, Setting
from .matching import MIN_JUDGEMENT_CHOICES

RISK_FIELDS = (
    "risk_exploitation",
    "risk_missing",
    "risk_self_harm",
    "risk_sexual_behaviour",
    "risk_to_others",
)
QUICK_FIELDS = (
    "child_ref",
    "birth_month",
    "sex",
    "requested_on",
    "urgency",
    "fostering",
    "residential",
    "supported",
)
DETAIL_FIELDS = (
    "latest_start",
    "legal_status",
    "home_postcode",
    "needs",
    *RISK_FIELDS,
    "siblings",
    "max_distance_miles",
    "areas_to_avoid",
    "staffing_ratio",
    "social_worker",
    "notes",
)


class MonthYearWidget(forms.MultiWidget):
    """Month and year of birth as two numeric boxes (GOV.UK date input without the day)."""

    template_name = "django/forms/widgets/multiwidget.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        widgets = {
            "month": forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 2}),
            "year": forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 4}),
        }
        super().__init__(widgets, attrs)

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, dt.date):
            return [value.month, value.year]
        return [None, None]


class MonthYearField(forms.MultiValueField):
    """A month and year (the first of the month): a referral's month of birth; the day is never asked."""

    widget = MonthYearWidget

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            fields=(forms.CharField(required=False), forms.CharField(required=False)),
            require_all_fields=False,
            **kwargs,
        )

    def compress(self, data_list: list[str]) -> dt.date | None:
        if not data_list or not any(data_list):
            return None
        month, year = (str(part or "").strip() for part in data_list)
        if not month or not year:
            raise forms.ValidationError("Month and year of birth must include a month and a year")
        try:
            value = dt.date(int(year), int(month), 1)
        except (TypeError, ValueError):
            raise forms.ValidationError(
                "Month and year of birth must be a real month, for example 5 2012"
            ) from None
        today = timezone.localdate()
        if value > today or today.year - value.year > 25:
            raise forms.ValidationError("Month and year of birth must be in the past 25 years")
        return value


def _radios(choices: Any, label: str, *, required: bool = True, **kwargs: Any) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=list(choices),
        widget=forms.RadioSelect,
        required=required,
        error_messages={"required": f"Select {label[0].lower()}{label[1:]}"},
        **kwargs,
    )


class PlacementRequestForm(forms.Form):
    """Log (or change) a placement request. Required: the child or referral basics, date requested,
    urgency and suitabilities; the rest optional."""

    child_ref = forms.CharField(
        label="Child reference (SSDA903 CHILD)",
        required=False,
        max_length=10,
        help_text="For a child already in care. Leave blank for a new referral and give the month of birth and sex.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    birth_month = MonthYearField(
        label="Month and year of birth", required=False, help_text="For example, 5 2012"
    )
    sex = _radios(SexChoices.choices, "Sex", required=False)
    requested_on = GovUKDateField(label="Date requested")
    urgency = _radios(UrgencyChoices.choices, "Urgency")
    fostering = _radios(SuitabilityChoices.choices, "Fostering")
    residential = _radios(SuitabilityChoices.choices, "Residential care")
    supported = _radios(SuitabilityChoices.choices, "Supported accommodation (16 and 17 year olds)")
    latest_start = GovUKDateField(label="Latest start date", required=False)
    legal_status = forms.ChoiceField(
        label="Legal status",
        required=False,
        choices=[("", "Not known")] + [(k, f"{k}: {v}") for k, v in LS_CODES.items()],
    )
    home_postcode = forms.CharField(
        label="Home postcode district or sector",
        required=False,
        max_length=6,
        help_text="For example WS1 or WS1 1. Never a full postcode. For a child in care it is taken from the register if left blank.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    needs = forms.MultipleChoiceField(
        label="Needs the placement must meet",
        required=False,
        choices=NeedChoices.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    risk_exploitation = _radios(RiskLevelChoices.choices, "Risk of exploitation", required=False)
    risk_missing = _radios(RiskLevelChoices.choices, "Risk of going missing", required=False)
    risk_self_harm = _radios(RiskLevelChoices.choices, "Risk of self-harm", required=False)
    risk_sexual_behaviour = _radios(
        RiskLevelChoices.choices, "Risk of harmful sexual behaviour", required=False
    )
    risk_to_others = _radios(RiskLevelChoices.choices, "Risk to others", required=False)
    siblings = forms.IntegerField(
        label="Brothers or sisters to place with the child",
        required=False,
        min_value=0,
        max_value=9,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    max_distance_miles = forms.IntegerField(
        label="Maximum distance from home",
        required=False,
        min_value=1,
        max_value=500,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    areas_to_avoid = forms.CharField(
        label="Postcode districts to avoid",
        required=False,
        max_length=200,
        help_text="Separate them with commas, for example WS2, B70",
    )
    staffing_ratio = _radios(StaffingRatioChoices.choices, "Minimum staffing ratio", required=False)
    social_worker = forms.CharField(label="Social worker or team", required=False, max_length=120)
    notes = forms.CharField(
        label="Notes",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Never write the child's name or address",
    )

    quick_fields = QUICK_FIELDS
    detail_fields = DETAIL_FIELDS

    def __init__(self, *args: Any, instance: PlacementRequest | None = None, **kwargs: Any) -> None:
        # FormView always passes `initial` (often empty): fill it in rather than replace it.
        initial = dict(kwargs.pop("initial", None) or {})
        if instance is not None:
            initial = {name: getattr(instance, name) for name in (*QUICK_FIELDS, *DETAIL_FIELDS)} | initial
        else:
            initial.setdefault("requested_on", timezone.localdate())
        super().__init__(*args, initial=initial, **kwargs)

    def clean_child_ref(self) -> str:
        return self.cleaned_data.get("child_ref", "").strip().upper()

    def clean_home_postcode(self) -> str:
        return " ".join(self.cleaned_data.get("home_postcode", "").upper().split())

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("child_ref"):
            if not data.get("birth_month") and "birth_month" not in self.errors:
                self.add_error("birth_month", "Enter the month and year of birth, or the child's reference")
            if not data.get("sex") and "sex" not in self.errors:
                self.add_error("sex", "Select the child's sex, or give the child's reference")
        requested, latest = data.get("requested_on"), data.get("latest_start")
        if requested and latest and latest < requested:
            self.add_error("latest_start", "The latest start date must be on or after the date requested")
        if requested and requested > timezone.localdate():
            self.add_error("requested_on", "Date requested must be today or in the past")
        return data

    def service_data(self) -> dict[str, Any]:
        data = {name: self.cleaned_data.get(name) for name in (*QUICK_FIELDS, *DETAIL_FIELDS)}
        data["siblings"] = data["siblings"] or 0
        for name in (
            "sex",
            "legal_status",
            "home_postcode",
            "areas_to_avoid",
            "staffing_ratio",
            "social_worker",
            "notes",
            *RISK_FIELDS,
        ):
            data[name] = data[name] or ""
        data["needs"] = list(data["needs"] or [])
        return data


class SearchOptionsForm(forms.Form):
    """Options of the matching search (GET)."""

    min_judgement = forms.ChoiceField(
        label="Lowest Ofsted judgement", choices=list(MIN_JUDGEMENT_CHOICES.items()), required=False
    )
    include_without_vacancy = forms.BooleanField(
        label="Also list settings and carers with no vacancy recorded (shown as excluded)", required=False
    )


class OfferForm(forms.Form):
    """A provider or carer offers a place."""

    weekly_cost = forms.DecimalField(
        label="Weekly cost offered",
        required=False,
        min_value=Decimal(0),
        max_value=Decimal(99999),
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    start = GovUKDateField(label="Date the place is available from", required=False)


class DeclineForm(forms.Form):
    """A referral or an offer is declined: by whom and why (coded)."""

    declined_by = _radios(DeclinedByChoices.choices, "Who declined")
    reason = _radios(DeclineReasonChoices.choices, "Reason")
    notes = forms.CharField(
        label="Notes",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Never write the child's name",
    )


class CloseForm(forms.Form):
    """Withdraw a request, or close it as not placed."""

    reason = _radios(CloseReasonChoices.choices, "Reason")
    closed_on = GovUKDateField(
        label="Date", required=False, help_text="Leave blank for today. For example, 27 3 2026"
    )

    def clean_closed_on(self) -> dt.date | None:
        value = self.cleaned_data.get("closed_on")
        if value and value > timezone.localdate():
            raise forms.ValidationError("Date must be today or in the past")
        return value


class PlaceForm(forms.Form):
    """Record where the child was placed: an offer received, or a setting or household recorded directly."""

    approach = forms.ChoiceField(
        label="Where was the child placed?", widget=forms.RadioSelect, required=False
    )
    setting_urn = forms.CharField(
        label="Ofsted URN of the setting",
        required=False,
        help_text="If not an offer above, for example SC045099",
    )
    household_ref = forms.CharField(
        label="Or the reference of one of your fostering households", required=False
    )
    placed_on = GovUKDateField(label="Date the placement started")
    category = forms.ChoiceField(
        label="Placement category",
        required=False,
        choices=[("", "Work it out from the setting or household")] + list(PLANNING_CATEGORY_LABELS.items()),
    )
    route = _radios([("", "Work it out"), *RouteChoices.choices], "Route", required=False)
    weekly_cost = forms.DecimalField(
        label="Agreed weekly cost",
        required=False,
        min_value=Decimal(0),
        max_value=Decimal(99999),
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    siblings_outcome = _radios(
        [c for c in SiblingsOutcomeChoices.choices if c[0]],
        "Were the siblings placed together?",
        required=False,
    )

    def __init__(self, *args: Any, placement_request: PlacementRequest, **kwargs: Any) -> None:
        initial = dict(kwargs.pop("initial", None) or {})
        initial.setdefault("placed_on", timezone.localdate())
        super().__init__(*args, initial=initial, **kwargs)
        self.placement_request = placement_request
        self.approaches = {
            str(a.pk): a
            for a in placement_request.approaches.select_related("setting", "household__agency").exclude(
                status="declined"
            )
        }
        choices = [
            (key, f"{a.target_label} ({a.get_status_display().lower()}"
             + (f", £{a.offer_weekly_cost:,.2f} a week)" if a.offer_weekly_cost is not None else ")"))
            for key, a in self.approaches.items()
        ]  # fmt: skip
        self.fields["approach"].choices = [*choices, ("", "Somewhere else (give the URN or household below)")]
        if choices:
            self.initial.setdefault(
                "approach", next((k for k, a in self.approaches.items() if a.status == "offered"), "")
            )
        if not placement_request.siblings:
            del self.fields["siblings_outcome"]
        else:
            # Placed to plan depends on it (a split group is not to plan), so it is never assumed.
            self.fields["siblings_outcome"].required = True
            self.fields["siblings_outcome"].error_messages["required"] = (
                "Select whether the siblings were placed together or apart"
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        key = data.get("approach") or ""
        data["approach_obj"] = self.approaches.get(key)
        data["setting"] = data["household"] = None
        if data["approach_obj"] is None:
            urn = (data.get("setting_urn") or "").strip().upper()
            ref = (data.get("household_ref") or "").strip()
            if bool(urn) == bool(ref):
                self.add_error("setting_urn", "Give the setting's URN or a household reference (one of them)")
            elif urn:
                data["setting"] = Setting.objects.filter(urn=urn).first()
                if data["setting"] is None:
                    self.add_error("setting_urn", f"No Ofsted setting has the URN {urn}")
            else:
                data["household"] = (
                    FosteringHousehold.objects.for_authority(self.placement_request.authority_id)
                    .filter(reference=ref)
                    .first()
                )
                if data["household"] is None:
                    self.add_error("household_ref", "None of your fostering households has this reference")
        placed_on = data.get("placed_on")
        if placed_on and placed_on < self.placement_request.requested_on:
            self.add_error("placed_on", "The placement must start on or after the date requested")
        if placed_on and placed_on > timezone.localdate():
            self.add_error("placed_on", "Date the placement started must be today or in the past")
        return data

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "approach": data["approach_obj"],
            "setting": data["setting"],
            "household": data["household"],
            "placed_on": data["placed_on"],
            "category": data.get("category") or "",
            "route": data.get("route") or "",
            "weekly_cost": data.get("weekly_cost"),
            "siblings_outcome": data.get("siblings_outcome") or "",
        }
