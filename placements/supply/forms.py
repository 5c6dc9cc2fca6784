"""Forms of the supply side: validation only. Views pass `service_data()` to a service, which writes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings

from sufficiency.core.widgets import GovUKDateField, MultipleFileField

from ..categories import PLANNING_CATEGORY_LABELS
from ..choices import (
    DeregistrationReasonChoices,
    FunnelRouteChoices,
    HouseholdStatusChoices,
    JudgementChoices,
    PlacesUnavailableReasonChoices,
    ProvisionTypeChoices,
    VacancyStatusChoices,
)
from ..models import BlockContract, FosteringHousehold, FrameworkMembership, InHouseHome, Setting
from .funnel import FunnelMonth

OFSTED_SUFFIXES = (".csv", ".xlsx", ".ods")


def _setting_by_urn(value: str, *, label: str) -> Setting:
    urn = (value or "").strip().upper()
    setting = Setting.objects.filter(urn=urn).first()
    if setting is None:
        raise forms.ValidationError(
            f"No Ofsted setting has the URN {urn}: check it, or import the Ofsted file"
        )
    return setting


class OfstedUploadForm(forms.Form):
    """Upload Ofsted's provider-level file (CSV, XLSX or ODS)."""

    files = MultipleFileField(
        label="Ofsted provider files",
        help_text="Ofsted's monthly management information, the annual 'Children's social care data in "
        "England' workbook, or the children's homes or SCP/CH provider list, as CSV, XLSX or ODS.",
        error_messages={"required": "Select an Ofsted provider file"},
    )

    def clean_files(self) -> list[Any]:
        files = self.cleaned_data["files"]
        for upload in files:
            if not upload.name.lower().endswith(OFSTED_SUFFIXES):
                raise forms.ValidationError(f"{upload.name} must be a CSV, XLSX or ODS file")
        if sum(upload.size for upload in files) > settings.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"The selected files must be smaller than {settings.MAX_UPLOAD_BYTES // (1024 * 1024)} MB in total"
            )
        return files


class HouseholdImportForm(forms.Form):
    """Upload a CSV of the authority's fostering households."""

    file = forms.FileField(
        label="Households CSV file",
        help_text="Columns: reference, route, approval_date, approved_places; optional agency_urn, age_min, "
        "age_max, status, deregistration_date, postcode_district.",
        error_messages={"required": "Select a households CSV file"},
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".txt")):
            raise forms.ValidationError("The file must be a CSV file")
        if upload.size > settings.MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The file is too large")
        return upload


class HouseholdForm(forms.ModelForm):
    """A fostering household's approval and availability."""

    approval_date = GovUKDateField(label="Date approved")
    deregistration_date = GovUKDateField(label="Date deregistered", required=False)
    agency_urn = forms.CharField(
        label="Agency URN", required=False, help_text="For an agency's household: the agency's Ofsted URN"
    )

    class Meta:
        model = FosteringHousehold
        fields = [
            "reference",
            "route",
            "approval_date",
            "approved_places",
            "age_min",
            "age_max",
            "status",
            "deregistration_date",
            "postcode_district",
        ]
        widgets = {"route": forms.RadioSelect, "status": forms.RadioSelect}
        help_texts = {
            "reference": "The household's reference in your fostering service's records (never a carer's name)",
            "postcode_district": "The postcode district only, for example WS1",
        }

    def __init__(self, *args: Any, authority: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.agency_id:
            self.initial.setdefault("agency_urn", self.instance.agency.urn)

    def clean_agency_urn(self) -> Setting | None:
        value = self.cleaned_data.get("agency_urn", "")
        return _setting_by_urn(value, label="Agency URN") if value.strip() else None

    def clean_postcode_district(self) -> str:
        return self.cleaned_data.get("postcode_district", "").strip().upper()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("status") == HouseholdStatusChoices.DEREGISTERED and not data.get("deregistration_date"):
            self.add_error("deregistration_date", "Enter the date the household was deregistered")
        if (data.get("age_min") or 0) > (data.get("age_max") or 0):
            self.add_error("age_max", "The oldest age must not be less than the youngest age")
        return data

    def service_data(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["agency"] = self.cleaned_data.get("agency_urn")
        return data


class InHouseHomeForm(forms.ModelForm):
    """One of the authority's own children's homes."""

    setting_urn = forms.CharField(label="Ofsted URN", help_text="For example, SC045099")

    class Meta:
        model = InHouseHome
        fields = [
            "name", "registered_places", "places_out_of_use", "status", "age_min", "age_max", "short_breaks",
            "notes",
        ]  # fmt: skip
        widgets = {"status": forms.RadioSelect, "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, authority: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.setting_id:
            self.initial.setdefault("setting_urn", self.instance.setting.urn)

    def clean_setting_urn(self) -> Setting:
        return _setting_by_urn(self.cleaned_data.get("setting_urn", ""), label="Ofsted URN")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if (data.get("age_min") or 0) > (data.get("age_max") or 0):
            self.add_error("age_max", "The oldest age must not be less than the youngest age")
        return data

    def _post_clean(self) -> None:
        # The setting is chosen by URN: put it on the instance so the unique check (one home per
        # setting per authority) runs with the form's other validation.
        if isinstance(self.cleaned_data.get("setting_urn"), Setting):
            self.instance.setting = self.cleaned_data["setting_urn"]
        super()._post_clean()

    def service_data(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["setting"] = self.cleaned_data["setting_urn"]
        return data


class BlockContractForm(forms.ModelForm):
    """A block contract: beds bought in advance."""

    start_date = GovUKDateField(label="Start date")
    end_date = GovUKDateField(label="End date")
    setting_urn = forms.CharField(
        label="Ofsted URN of the setting",
        required=False,
        help_text="If the beds are in one registered setting",
    )
    category = forms.ChoiceField(label="Placement category", choices=list(PLANNING_CATEGORY_LABELS.items()))

    class Meta:
        model = BlockContract
        fields = [
            "reference",
            "provider_name",
            "category",
            "beds",
            "start_date",
            "end_date",
            "weekly_cost_per_bed",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}
        labels = {"weekly_cost_per_bed": "Weekly cost per bed (£)"}

    def __init__(self, *args: Any, authority: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.setting_id:
            self.initial.setdefault("setting_urn", self.instance.setting.urn)

    def clean_setting_urn(self) -> Setting | None:
        value = self.cleaned_data.get("setting_urn", "")
        return _setting_by_urn(value, label="Ofsted URN") if value.strip() else None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("start_date") and data.get("end_date") and data["start_date"] > data["end_date"]:
            self.add_error("end_date", "The end date must be on or after the start date")
        return data

    def service_data(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["setting"] = self.cleaned_data.get("setting_urn")
        return data


class VacancyForm(forms.Form):
    """A vacancy at a setting (by URN) or with one of the authority's fostering households."""

    setting_urn = forms.CharField(
        label="Ofsted URN of the setting", required=False, help_text="For a home or agency"
    )
    household = forms.ModelChoiceField(
        label="Fostering household",
        queryset=None,
        required=False,
        help_text="Or one of your fostering households",
    )
    places = forms.IntegerField(label="Places", min_value=1, max_value=50, initial=1)
    age_min = forms.IntegerField(label="Youngest age", min_value=0, max_value=20, initial=0)
    age_max = forms.IntegerField(label="Oldest age", min_value=0, max_value=20, initial=17)
    categories = forms.MultipleChoiceField(
        label="Placement categories it can take",
        choices=list(PLANNING_CATEGORY_LABELS.items()),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one placement category"},
    )
    notes = forms.CharField(
        label="Notes",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="About the place only. Never write about a child.",
    )

    def __init__(self, *args: Any, authority: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["household"].queryset = (
            FosteringHousehold.objects.for_authority(authority)
            .exclude(status=HouseholdStatusChoices.DEREGISTERED)
            .order_by("reference")
        )

    def clean_setting_urn(self) -> Setting | None:
        value = self.cleaned_data.get("setting_urn", "")
        return _setting_by_urn(value, label="Ofsted URN") if value.strip() else None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if (
            "setting_urn" in data
            and "household" in data
            and bool(data["setting_urn"]) == bool(data["household"])
        ):
            self.add_error("setting_urn", "Enter a setting's URN or choose a household, not both")
        if (data.get("age_min") or 0) > (data.get("age_max") or 0):
            self.add_error("age_max", "The oldest age must not be less than the youngest age")
        return data

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["setting"] = data.pop("setting_urn")
        return data


class VacancyCloseForm(forms.Form):
    status = forms.ChoiceField(
        label="Why is the vacancy closing?",
        choices=[
            (VacancyStatusChoices.FILLED, "Filled: a child has moved in"),
            (VacancyStatusChoices.WITHDRAWN, "Withdrawn: no longer offered"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select why the vacancy is closing"},
    )


class SettingFilterForm(forms.Form):
    """Filters on the list of Ofsted settings."""

    area = forms.ChoiceField(
        label="Where", required=False, choices=[("", "In our area"), ("all", "All of England")]
    )
    provision_type = forms.ChoiceField(
        label="Provision type", required=False, choices=[("", "All types"), *ProvisionTypeChoices.choices]
    )
    judgement = forms.ChoiceField(
        label="Latest judgement", required=False, choices=[("", "Any judgement"), *JudgementChoices.choices]
    )
    search = forms.CharField(label="URN or name", required=False)


class PlacesUnavailableForm(forms.Form):
    """Places of a fostering household that cannot be offered for a period, and why."""

    places = forms.IntegerField(
        label="Places not available",
        min_value=1,
        max_value=20,
        initial=1,
        error_messages={"required": "Enter how many places are not available"},
    )
    reason = forms.ChoiceField(
        label="Why are the places not available?",
        choices=PlacesUnavailableReasonChoices.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select why the places are not available"},
    )
    start_date = GovUKDateField(label="Date from")
    end_date = GovUKDateField(
        label="Date to",
        required=False,
        help_text="The last day they are not available. Leave blank if not known.",
    )

    def __init__(self, *args: Any, authority: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "The date to must be the same as or after the date from")
        return data


class FrameworkMembershipForm(forms.ModelForm):
    """One of the authority's own framework memberships: a home or fostering agency on a framework it buys
    through, and the tier it gave the provider."""

    setting_urn = forms.CharField(
        label="Ofsted URN of the home or fostering agency",
        help_text="For example, SC045099",
        error_messages={"required": "Enter the Ofsted URN of the home or fostering agency"},
    )
    framework = forms.CharField(
        label="Framework",
        max_length=120,
        help_text="The framework or contract, for example WM Residential Flexible Contracting Arrangement",
        error_messages={"required": "Enter the name of the framework"},
    )
    tier = forms.IntegerField(
        label="Tier",
        required=False,
        min_value=1,
        max_value=20,
        help_text="The provider's tier on the framework, 1 first. Leave blank if the framework has no tiers",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-2"}),
        error_messages={
            "invalid": "Enter the tier as a whole number, for example 1",
            "min_value": "The tier must be 1 or more",
            "max_value": "The tier must be 20 or less",
        },
    )

    class Meta:
        model = FrameworkMembership
        fields = ["framework", "tier"]

    def __init__(self, *args: Any, authority: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.authority = authority
        if self.instance.setting_id:
            self.initial.setdefault("setting_urn", self.instance.setting.urn)
        self.order_fields(["setting_urn", "framework", "tier"])

    def clean_setting_urn(self) -> Setting:
        setting = _setting_by_urn(self.cleaned_data.get("setting_urn", ""), label="Ofsted URN")
        held = FrameworkMembership.objects.filter(authority=self.authority, setting=setting).exclude(
            pk=self.instance.pk
        )
        if held.exists():
            raise forms.ValidationError(
                f"{setting.name or setting.urn} is already on one of your frameworks: change that membership instead"
            )
        return setting

    def clean_framework(self) -> str:
        return " ".join(self.cleaned_data.get("framework", "").split())

    def validate_unique(self) -> None:
        """The one membership per setting is checked by `clean_setting_urn` (the setting is not a form field)."""

    def service_data(self) -> dict[str, Any]:
        return {
            "setting": self.cleaned_data["setting_urn"],
            "framework": self.cleaned_data["framework"],
            "tier": self.cleaned_data.get("tier"),
        }


class FrameworkMembershipEndForm(forms.Form):
    """Confirm ending a framework membership (the hidden version guards against a change made since)."""

    def __init__(self, *args: Any, authority: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)


class PlacesUnavailableEndForm(forms.Form):
    """The last day a household's places were not available."""

    end_date = GovUKDateField(label="Last day not available")

    def __init__(self, *args: Any, authority: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)


def _count(label: str, *, required: bool = True, help_text: str = "") -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=100_000,
        required=required,
        initial=0 if required else None,
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-5"}),
        error_messages={"required": f"Enter the number of {label.lower()}, or 0"},
    )


class FunnelMonthForm(forms.Form):
    """One month of one route of the fostering recruitment funnel (counts of households, never a person)."""

    month_number = forms.IntegerField(
        label="Month",
        min_value=1,
        max_value=12,
        help_text="For example, 4 for April",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-2"}),
        error_messages={"required": "Enter the month as a number from 1 to 12"},
    )
    year = forms.IntegerField(
        label="Year",
        min_value=2000,
        max_value=2100,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-4"}),
        error_messages={"required": "Enter the year"},
    )
    route = forms.ChoiceField(
        label="Route",
        choices=FunnelRouteChoices.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select in-house or agency"},
    )
    enquiries = _count("Enquiries")
    initial_visits = _count("Initial visits")
    applications = _count("Applications")
    assessments_started = _count("Assessments started")
    approvals = _count("Approvals", help_text="Households approved at panel")
    approved_places = _count("Places approved", help_text="Places those households were approved for")
    deregistrations = _count("De-registrations", help_text="Households that stopped fostering")
    deregistered_places = _count("Places lost to de-registration")
    days_enquiry_to_approval = _count(
        "Median days from enquiry to approval",
        required=False,
        help_text="Of the month's approvals. Leave blank if not known.",
    )

    def __init__(self, *args: Any, authority: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code, label in DeregistrationReasonChoices.choices:
            self.fields[f"dereg_{code}"] = _count(
                f"De-registrations: {label}", required=False, help_text="Leave blank if none"
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        reasons = sum(data.get(f"dereg_{code}") or 0 for code in DeregistrationReasonChoices.values)
        if data.get("deregistrations") is not None and reasons > data["deregistrations"]:
            self.add_error("deregistrations", "The reasons add up to more than the de-registrations")
        return data

    def funnel_month(self) -> FunnelMonth:
        data = self.cleaned_data
        return FunnelMonth(
            month=dt.date(data["year"], data["month_number"], 1),
            route=data["route"],
            enquiries=data["enquiries"],
            initial_visits=data["initial_visits"],
            applications=data["applications"],
            assessments_started=data["assessments_started"],
            approvals=data["approvals"],
            approved_places=data["approved_places"],
            deregistrations=data["deregistrations"],
            deregistered_places=data["deregistered_places"],
            deregistration_reasons={
                code: data[f"dereg_{code}"]
                for code in DeregistrationReasonChoices.values
                if data.get(f"dereg_{code}")
            },
            days_enquiry_to_approval=data.get("days_enquiry_to_approval"),
        )


class FunnelImportForm(forms.Form):
    """Upload a CSV of fostering recruitment months."""

    file = forms.FileField(
        label="Recruitment funnel CSV file",
        help_text="One row per month and route. Columns: month (yyyy-mm), route (in-house or agency), "
        "enquiries, initial_visits, applications, assessments_started, approvals; optional approved_places, "
        "deregistrations, deregistered_places, days_enquiry_to_approval and one dereg_<reason> column per "
        "reason (" + ", ".join(DeregistrationReasonChoices.values) + ").",
        error_messages={"required": "Select a recruitment funnel CSV file"},
    )

    def __init__(self, *args: Any, authority: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".txt")):
            raise forms.ValidationError("The file must be a CSV file")
        if upload.size > settings.MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The file is too large")
        return upload
