"""Fostering households, in-house homes and block contracts: lists, details with history, forms."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import FormView

from sufficiency.authorities.permissions import (
    CAPACITY_EDIT_ROLES,
    HOUSEHOLD_IMPORT_ROLES,
    OPERATIONAL_READ_ROLES,
    SUPPLY_READ_ROLES,
)
from sufficiency.core.formatting import money_pence
from sufficiency.core.views import AuthorityMixin

from ...as_at import as_at_for_request
from ...models import BlockContract, FosteringHousehold, InHouseHome
from .. import forms, selectors, services
from .base import (
    RecordDetailView,
    RecordFormView,
    RecordListView,
    RecordMixin,
    fmt_date,
    link,
)

# --- Fostering households -----------------------------------------------------------------------------------------


class HouseholdMixin(RecordMixin):
    model = FosteringHousehold
    noun = "fostering household"
    url_prefix = "household"
    allowed_roles = OPERATIONAL_READ_ROLES

    def records(self) -> Any:
        return self.scoped(FosteringHousehold.objects.select_related("agency"))


class HouseholdListView(HouseholdMixin, RecordListView):
    intro = "Approved fostering households: places, ages and availability. Households are known by reference only."
    headers = ["Reference", "Route", "Approved places", "Ages", "Status", "Approved"]

    def row(self, h: FosteringHousehold) -> list[Any]:
        return [
            link(self.url("detail", h), h.reference),
            h.get_route_display(),
            h.approved_places,
            f"{h.age_min} to {h.age_max}",
            h.get_status_display(),
            fmt_date(h.approval_date),
        ]

    def extra_links(self) -> list[dict[str, str]]:
        if self.holds(HOUSEHOLD_IMPORT_ROLES):
            return [{"text": "Import households from CSV", "href": self.url("import")}]
        return []


class HouseholdDetailView(HouseholdMixin, RecordDetailView):
    def summary(self, h: FosteringHousehold) -> list[dict[str, Any]]:
        return [
            {"key": "Reference", "value": h.reference},
            {"key": "Route", "value": h.get_route_display()},
            {"key": "Agency", "value": str(h.agency) if h.agency else ""},
            {"key": "Approved", "value": fmt_date(h.approval_date)},
            {"key": "Approved places", "value": h.approved_places},
            {"key": "Ages", "value": f"{h.age_min} to {h.age_max}"},
            {"key": "Status", "value": h.get_status_display()},
            {
                "key": "Deregistered",
                "value": fmt_date(h.deregistration_date) if h.deregistration_date else "",
            },
            {"key": "Postcode district", "value": h.postcode_district},
        ]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        h = self.object
        code = self.authority.dfe_code
        can_edit = self.holds(CAPACITY_EDIT_ROLES)
        context["related_caption"] = "Places not available"
        context["related_headers"] = [{"text": "Places", "numeric": True}, "Why", "From", "To", ""]
        context["related_rows"] = [
            [
                p.places,
                p.get_reason_display(),
                fmt_date(p.start_date),
                fmt_date(p.end_date) if p.end_date else "Not known",
                link(reverse("placements:unavailable-end", kwargs={"code": code, "pk": p.pk}), "End")
                if can_edit and p.end_date is None
                else "",
            ]
            for p in h.places_unavailable.order_by("-start_date")
        ]
        if can_edit:
            context["related_action"] = link(
                reverse("placements:unavailable-create", kwargs={"code": code, "pk": h.pk}),
                "Record places not available",
            )
        return context


class HouseholdFormView(HouseholdMixin, RecordFormView):
    form_class = forms.HouseholdForm
    create_service = staticmethod(services.household_create)
    update_service = staticmethod(services.household_update)
    update_kwarg = "household"


class HouseholdImportView(AuthorityMixin, FormView):
    """Upload a CSV of fostering households: validated, all or nothing, with every error listed."""

    allowed_roles = HOUSEHOLD_IMPORT_ROLES
    template_name = "placements/supply/record_form.html"
    form_class = forms.HouseholdImportForm
    extra_context = {
        "title": "Import fostering households",
        "intro": "Households are matched by reference: new ones are added and existing ones updated, with "
        "history. Households not in the file are left as they are. If any row is invalid nothing changes.",
        "submit": "Import",
    }

    def form_valid(self, form: forms.HouseholdImportForm) -> Any:
        upload = form.cleaned_data["file"]
        outcome = services.households_import(
            authority=self.authority,
            name=upload.name,
            content=upload.read(),
            acting_user=self.request.user,
            request=self.request,
        )
        if not outcome.ok:
            form.add_error("file", f"The file has {len(outcome.errors)} error(s). Nothing was imported.")
            context = self.get_context_data(form=form)
            context["import_error_headers"] = ["Row", "Column", "Value", "Problem"]
            context["import_errors"] = [[e.row, e.column, e.value, e.message] for e in outcome.errors[:200]]
            return self.render_to_response(context)
        counts = outcome.counts
        messages.success(
            self.request,
            f"{counts['households_created']} households added and {counts['households_updated']} updated.",
        )
        return redirect("placements:household-list", code=self.authority.dfe_code)


# --- In-house homes --------------------------------------------------------------------------------------------------


class HomeMixin(RecordMixin):
    model = InHouseHome
    noun = "in-house home"
    url_prefix = "home"
    allowed_roles = SUPPLY_READ_ROLES

    def records(self) -> Any:
        return self.scoped(InHouseHome.objects.select_related("setting"))


class HomeListView(HomeMixin, RecordListView):
    intro = (
        "The authority's own children's homes. Occupancy is counted from the register: children in care today "
        "whose placement is at the home's URN, including children other authorities placed there."
    )
    headers = [
        "Home",
        "URN",
        "Status",
        {"text": "Registered places", "numeric": True},
        {"text": "Usable places", "numeric": True},
        {"text": "Our children", "numeric": True},
        {"text": "Other authorities' children", "numeric": True},
        {"text": "Free", "numeric": True},
    ]

    def rows(self, objects: list[Any]) -> list[list[Any]]:
        occupancy = selectors.inhouse_home_rows(
            authority=self.authority,
            on=as_at_for_request(self.request, authority=self.authority).on,
            homes=objects,
        )
        return [
            [
                link(self.url("detail", r["home"]), r["home"].name),
                r["home"].setting.urn,
                r["home"].get_status_display(),
                r["registered_places"],
                r["usable_places"],
                r["own_children"],
                r["other_children"],
                r["free"],
            ]
            for r in occupancy
        ]


class HomeDetailView(HomeMixin, RecordDetailView):
    def summary(self, home: InHouseHome) -> list[dict[str, Any]]:
        on = as_at_for_request(self.request, authority=self.authority).on
        row = selectors.inhouse_home_rows(authority=self.authority, on=on, homes=[home])[0]
        return [
            {"key": "Name", "value": home.name},
            {"key": "Ofsted URN", "value": home.setting.urn},
            {"key": "Status", "value": home.get_status_display()},
            {"key": "Registered places", "value": row["registered_places"]},
            {"key": "Places out of use", "value": home.places_out_of_use},
            {"key": "Ages", "value": f"{home.age_min} to {home.age_max}"},
            {"key": "Short-break home", "value": "Yes" if home.short_breaks else "No"},
            {
                "key": f"Occupied on {fmt_date(on)}",
                "value": f"{row['occupied']} ({row['own_children']} ours, {row['other_children']} other authorities')",
            },
            {"key": "Free places", "value": row["free"]},
            {"key": "Latest Ofsted judgement", "value": home.setting.get_latest_judgement_display()},
            {"key": "Notes", "value": home.notes},
        ]


class HomeFormView(HomeMixin, RecordFormView):
    form_class = forms.InHouseHomeForm
    create_service = staticmethod(services.inhouse_home_create)
    update_service = staticmethod(services.inhouse_home_update)
    update_kwarg = "home"


# --- Block contracts ----------------------------------------------------------------------------------------------


class ContractMixin(RecordMixin):
    model = BlockContract
    noun = "block contract"
    url_prefix = "contract"
    allowed_roles = SUPPLY_READ_ROLES


class ContractListView(ContractMixin, RecordListView):
    intro = "Beds bought in advance. Beds count as supply only between the contract's start and end dates."
    headers = [
        "Reference",
        "Provider",
        "Category",
        {"text": "Beds", "numeric": True},
        "From",
        "To",
        {"text": "Weekly cost per bed", "numeric": True},
    ]

    def row(self, c: BlockContract) -> list[Any]:
        return [
            link(self.url("detail", c), c.reference),
            c.provider_name,
            c.get_category_display(),
            c.beds,
            fmt_date(c.start_date),
            fmt_date(c.end_date),
            money_pence(c.weekly_cost_per_bed),
        ]


class ContractDetailView(ContractMixin, RecordDetailView):
    def summary(self, c: BlockContract) -> list[dict[str, Any]]:
        return [
            {"key": "Reference", "value": c.reference},
            {"key": "Provider", "value": c.provider_name},
            {"key": "Setting", "value": str(c.setting) if c.setting else ""},
            {"key": "Placement category", "value": c.get_category_display()},
            {"key": "Beds", "value": c.beds},
            {"key": "Period", "value": f"{fmt_date(c.start_date)} to {fmt_date(c.end_date)}"},
            {"key": "Weekly cost per bed", "value": money_pence(c.weekly_cost_per_bed)},
            {"key": "Notes", "value": c.notes},
        ]


class ContractFormView(ContractMixin, RecordFormView):
    form_class = forms.BlockContractForm
    create_service = staticmethod(services.block_contract_create)
    update_service = staticmethod(services.block_contract_update)
    update_kwarg = "contract"
