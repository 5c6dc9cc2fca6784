"""Fostering capacity as fostering services count it: per household approved places, places filled,
places not available and why, usable vacancies; totals by route; occupancy by household type and age
range. Also the forms that record places not available on a household and end them."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.generic import FormView, TemplateView

from sufficiency.authorities.permissions import CAPACITY_EDIT_ROLES, OPERATIONAL_READ_ROLES
from sufficiency.core.downloads import TableDownloadMixin
from sufficiency.core.formatting import whole
from sufficiency.core.views import AuthorityMixin

from ...as_at import as_at_for_request
from ...choices import HouseholdTypeChoices, PlacesUnavailableReasonChoices
from ...models import FosteringHousehold, HouseholdPlacesUnavailable
from .. import forms, services
from ..capacity import ON_HOLD_REASON, fostering_capacity_for_authority
from .base import fmt_date, link

#: Why places are not available, as the pages say it (the recorded reasons and a household on hold).
REASON_LABELS: dict[str, str] = {
    **dict(PlacesUnavailableReasonChoices.choices),
    ON_HOLD_REASON: "Household on hold",
}
ROUTE_LABELS = {"in_house": "In-house carers", "agency": "Agency carers"}
NUMERIC = {"numeric": True}
#: Beside usable vacancies: the places expected to come free over the next year.
TURNOVER_HEADER = "Expected turnover in the next 12 months"


def pct_text(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}%"


def reasons_text(unavailable: dict[str, int]) -> str:
    """'2 (Carer's break 1, Staying put 1)', or '0'."""
    total = sum(unavailable.values())
    if not total:
        return "0"
    parts = ", ".join(f"{REASON_LABELS.get(k, k)} {n}" for k, n in sorted(unavailable.items()))
    return f"{total} ({parts})"


def total_headers(first: str) -> list[Any]:
    return [
        first,
        {"text": "Households", **NUMERIC},
        {"text": "Approved places", **NUMERIC},
        {"text": "Places not available", **NUMERIC},
        {"text": "Usable places", **NUMERIC},
        {"text": "Places filled", **NUMERIC},
        {"text": "Usable vacancies", **NUMERIC},
        {"text": "Occupancy of usable places", **NUMERIC},
    ]


def total_row(label: str, t: dict[str, Any]) -> list[Any]:
    return [
        label,
        whole(t["households"]),
        whole(t["approved_places"]),
        whole(t["unavailable_places"]),
        whole(t["usable_places"]),
        whole(t["filled_places"]),
        whole(t["usable_vacancies"]),
        pct_text(t["occupancy_pct"]),
    ]


class FosteringCapacityView(TableDownloadMixin, AuthorityMixin, TemplateView):
    """The authority's fostering households on the as-at date with their places, and the totals.

    Households are operational records, so the page is for the roles that read them. Totals per route count
    the children the register places with those carers (the figure the KPI page and the gap use); the
    household rows count the children matched to each household through placement finding."""

    allowed_roles = OPERATIONAL_READ_ROLES
    template_name = "placements/supply/fostering_capacity.html"
    download_name = "fostering-capacity"
    download_tables = {
        "totals": ("Fostering places by carers", "total_headers", "total_rows"),
        "reasons": ("In-house places not available, by reason", "reason_headers", "reason_rows"),
        "household_types": ("In-house occupancy by household type", "type_headers", "type_rows"),
        "ages": ("In-house occupancy by the ages households are approved for", "age_headers", "age_rows"),
        "households": ("Households", "household_headers", "household_rows"),
        "not_available": ("Places not available now or later", "period_headers", "period_rows"),
    }

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        on = as_at_for_request(self.request, authority=self.authority).on
        capacity = fostering_capacity_for_authority(authority=self.authority, on=on)
        code = self.authority.dfe_code
        households = {
            h.reference: h
            for h in self.scoped(FosteringHousehold.objects.all()).only("id", "reference", "route")
        }
        type_labels = dict(HouseholdTypeChoices.choices)
        rows = sorted(capacity["households"], key=lambda r: (r.route, r.reference))
        can_edit = self.holds(CAPACITY_EDIT_ROLES)
        periods = list(
            self.scoped(HouseholdPlacesUnavailable.objects.select_related("household"))
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
            .order_by("start_date", "household__reference")
        )
        context.update(
            on=on,
            capacity=capacity,
            total_headers=[*total_headers("Carers"), {"text": TURNOVER_HEADER, **NUMERIC}],
            total_rows=[
                [
                    *total_row(ROUTE_LABELS[route], capacity[route]),
                    whole(capacity[route]["expected_turnover"]),
                ]
                for route in ("in_house", "agency")
                if capacity[route]["households"]
            ],
            reason_headers=["Why places are not available", {"text": "Places", **NUMERIC}],
            reason_rows=[
                [REASON_LABELS.get(reason, reason), whole(places)]
                for reason, places in capacity["in_house"]["unavailable_by_reason"].items()
            ],
            household_headers=[
                "Household",
                "Carers",
                "Type",
                "Ages",
                {"text": "Approved places", **NUMERIC},
                {"text": "Places filled", **NUMERIC},
                "Places not available",
                {"text": "Usable places", **NUMERIC},
                {"text": "Usable vacancies", **NUMERIC},
            ],
            household_rows=[
                [
                    link(
                        reverse(
                            "placements:household-detail",
                            kwargs={"code": code, "pk": households[r.reference].pk},
                        ),
                        r.reference,
                    )
                    if r.reference in households
                    else r.reference,
                    ROUTE_LABELS.get(r.route, r.route),
                    type_labels.get(r.household_type, r.household_type),
                    f"{r.age_min} to {r.age_max}",
                    r.approved,
                    r.filled,
                    reasons_text(dict(r.unavailable)),
                    r.usable_places,
                    r.usable_vacancies,
                ]
                for r in rows
            ],
            type_headers=total_headers("Household type"),
            type_rows=[
                total_row(type_labels.get(t["household_type"], t["household_type"]), t)
                for t in capacity["by_household_type"]
            ],
            age_headers=total_headers("Ages approved for"),
            age_rows=[total_row(t["age_range"], t) for t in capacity["by_age_range"]],
            period_headers=["Household", {"text": "Places", **NUMERIC}, "Why", "From", "To", ""],
            period_rows=[
                [
                    p.household.reference,
                    p.places,
                    p.get_reason_display(),
                    fmt_date(p.start_date),
                    fmt_date(p.end_date) if p.end_date else "Not known",
                    link(
                        reverse("placements:unavailable-end", kwargs={"code": code, "pk": p.pk}),
                        "End",
                    )
                    if can_edit and p.end_date is None
                    else "",
                ]
                for p in periods
            ],
        )
        return context


class PlacesUnavailableCreateView(AuthorityMixin, FormView):
    """Record places of one of the authority's households that cannot be offered for a period."""

    allowed_roles = CAPACITY_EDIT_ROLES
    template_name = "placements/supply/record_form.html"
    form_class = forms.PlacesUnavailableForm

    def household(self) -> FosteringHousehold:
        if not hasattr(self, "_household"):
            self._household = get_object_or_404(
                self.scoped(FosteringHousehold.objects.all()), pk=self.kwargs["pk"]
            )
        return self._household

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        household = self.household()
        context.update(
            title=f"Places not available: household {household.reference}",
            intro=f"The household is approved for {household.approved_places} place"
            f"{'s' if household.approved_places != 1 else ''}. Places not available are left out of usable "
            "places, and so out of the gap, for the dates given.",
            back_url=reverse(
                "placements:household-detail", kwargs={"code": self.authority.dfe_code, "pk": household.pk}
            ),
            submit="Save",
        )
        return context

    def form_valid(self, form: forms.PlacesUnavailableForm) -> Any:
        household = self.household()
        data = form.cleaned_data
        try:
            services.household_places_unavailable_record(
                household=household,
                places=data["places"],
                reason=data["reason"],
                start_date=data["start_date"],
                end_date=data.get("end_date"),
                acting_user=self.request.user,
                request=self.request,
            )
        except ValidationError as exc:
            form.add_error("places", exc.messages)
            return self.form_invalid(form)
        messages.success(self.request, "The places not available were recorded.")
        return redirect("placements:household-detail", code=self.authority.dfe_code, pk=household.pk)


class PlacesUnavailableEndView(AuthorityMixin, FormView):
    """End a period of places not available: the places can be offered again."""

    allowed_roles = CAPACITY_EDIT_ROLES
    template_name = "placements/supply/record_form.html"
    form_class = forms.PlacesUnavailableEndForm

    def record(self) -> HouseholdPlacesUnavailable:
        if not hasattr(self, "_record"):
            self._record = get_object_or_404(
                self.scoped(HouseholdPlacesUnavailable.objects.select_related("household")),
                pk=self.kwargs["pk"],
                end_date__isnull=True,
            )
        return self._record

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        record = self.record()
        context.update(
            title=f"End places not available: household {record.household.reference}",
            intro=f"{record.places} place{'s' if record.places != 1 else ''} not available since "
            f"{fmt_date(record.start_date)}: {record.get_reason_display()}.",
            back_url=reverse("placements:fostering-capacity", kwargs={"code": self.authority.dfe_code}),
            submit="End",
        )
        return context

    def form_valid(self, form: forms.PlacesUnavailableEndForm) -> Any:
        record = self.record()
        try:
            services.household_places_unavailable_end(
                record=record,
                end_date=form.cleaned_data["end_date"],
                acting_user=self.request.user,
                request=self.request,
            )
        except ValidationError as exc:
            form.add_error("end_date", exc.messages)
            return self.form_invalid(form)
        messages.success(self.request, "The places are available again.")
        return redirect("placements:fostering-capacity", code=self.authority.dfe_code)
