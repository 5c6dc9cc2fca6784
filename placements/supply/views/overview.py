"""Supply overview, Ofsted settings and the Ofsted upload."""

from __future__ import annotations

from typing import Any

import pandas as pd
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from django.views.generic import DetailView, FormView, ListView, TemplateView

from sufficiency.authorities.permissions import IMPORT_ROLES, OPERATIONAL_READ_ROLES, SUPPLY_READ_ROLES
from sufficiency.core.downloads import TableDownloadMixin
from sufficiency.core.suppression import suppress_other_count
from sufficiency.core.views import AuthorityMixin

from ...as_at import as_at_for_request
from ...categories import PLANNING_CATEGORY_LABELS
from ...choices import ImportKindChoices, JudgementChoices
from ...counting import NOT_YET_INSPECTED, judgements_on
from ...models import InHouseHome
from ...selectors import judgement_history_for_urns
from ...services import ImportRejected, import_job_create
from .. import forms, selectors
from ..capacity import fostering_capacity_for_authority
from ..funnel import funnel_by_route, funnel_months_for_authority, twelve_months_to
from .base import (
    fmt_date,
    link,
    page_range,
)

# --- Overview and Ofsted settings -------------------------------------------------------------------------------


class SupplyOverviewView(TableDownloadMixin, AuthorityMixin, TemplateView):
    """The authority's capacity on one page: fostering, in-house homes, block beds, vacancies."""

    allowed_roles = SUPPLY_READ_ROLES
    template_name = "placements/supply/overview.html"
    download_name = "supply"
    download_tables = {
        "block_beds": ("Block-contracted beds in force", "category_headers", "block_rows"),
        "vacancies": ("Vacant places by category they can take", "vacancy_headers", "vacancy_rows"),
    }

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        on = as_at_for_request(self.request, authority=self.authority).on
        summary = selectors.capacity_summary_for_authority(authority=self.authority, on=on)
        fostering, residential = summary["fostering"], summary["residential"]
        inhouse = fostering_capacity_for_authority(authority=self.authority, on=on)["in_house"]
        # The in-house recruitment funnel over the 12 months to the date, as the recruitment page counts it.
        start, end = twelve_months_to(on)
        funnel = funnel_by_route(funnel_months_for_authority(authority=self.authority, start=start, end=end))
        recruited = funnel.get("in_house")
        context.update(
            on=on,
            recruitment_start=start,
            recruitment_rows=[
                {"key": "Enquiries", "value": f"{recruited['enquiries']:,}"},
                {"key": "Households approved", "value": f"{recruited['approvals']:,}"},
                {"key": "Net change in households", "value": f"{recruited['net_households']:+,}"},
            ]
            if recruited
            else [],
            summary=summary,
            block_rows=[
                [PLANNING_CATEGORY_LABELS.get(category, category), beds]
                for category, beds in sorted(summary["block_beds"].items())
            ],
            vacancy_rows=[
                [PLANNING_CATEGORY_LABELS.get(category, category), places]
                for category, places in sorted(summary["vacancies"]["fresh_by_category"].items())
            ],
            can_see_operational=self.holds(OPERATIONAL_READ_ROLES),
            can_import_ofsted=self.holds(IMPORT_ROLES),
            stale_days=settings.VACANCY_STALE_DAYS,
            numeric=[1],
            category_headers=["Placement category", {"text": "Beds", "numeric": True}],
            vacancy_headers=["Placement category", {"text": "Places", "numeric": True}],
            fostering_rows=[
                {"key": "In-house places available", "value": fostering["inhouse_available_places"]},
                {"key": "In-house households available", "value": fostering["inhouse_available_households"]},
                {"key": "In-house places on hold", "value": fostering["inhouse_on_hold_places"]},
                {"key": "In-house usable places", "value": inhouse["usable_places"]},
                {"key": "In-house usable vacancies", "value": inhouse["usable_vacancies"]},
                {
                    "key": "In-house occupancy of usable places",
                    "value": "–" if inhouse["occupancy_pct"] is None else f"{inhouse['occupancy_pct']:.1f}%",
                },
                {"key": "Agency households' places available", "value": fostering["agency_available_places"]},
            ],
            residential_rows=[
                {"key": "Open homes", "value": residential["homes"]},
                {"key": "Registered places", "value": residential["registered_places"]},
                {"key": "Usable places", "value": residential["usable_places"]},
                {
                    "key": "Occupied",
                    "value": f"{residential['occupied']} ({residential['own_children']} ours, "
                    f"{residential['other_children']} other authorities')",
                },
                {"key": "Free places", "value": residential["free_places"]},
                *(
                    [
                        {
                            "key": "Short-break homes (counted apart)",
                            "value": f"{residential['short_break_homes']} "
                            f"({residential['short_break_places']} usable places)",
                        }
                    ]
                    if residential["short_break_homes"]
                    else []
                ),
            ]
            + (
                [
                    {
                        "key": "Over-occupied places",
                        "value": f"{residential['over_occupied']} (children beyond a home's usable places)",
                    }
                ]
                if residential["over_occupied"]
                else []
            ),
        )
        return context


class SettingListView(AuthorityMixin, ListView):
    """Ofsted-registered settings (public data): in the authority's area by default, or all of England."""

    allowed_roles = SUPPLY_READ_ROLES
    template_name = "placements/supply/setting_list.html"
    paginate_by = 50
    context_object_name = "settings"

    def get_queryset(self) -> Any:
        self.form = forms.SettingFilterForm(self.request.GET or None)
        filters = self.form.cleaned_data if self.form.is_bound and self.form.is_valid() else {}
        return selectors.setting_list(
            local_authority=None if filters.get("area") == "all" else self.authority,
            provision_type=filters.get("provision_type", ""),
            judgement=filters.get("judgement", ""),
            search=filters.get("search", ""),
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        code = self.authority.dfe_code
        # The authority's own homes are marked on the market: they are its capacity, not a provider's.
        own = set(InHouseHome.objects.for_authority(self.authority).values_list("setting_id", flat=True))
        context.update(
            form=self.form,
            numeric=[4],
            headers=[
                "URN",
                "Name",
                "Provision type",
                "Local authority",
                {"text": "Places", "numeric": True},
                "Latest judgement",
                "Registration",
            ],
            query=query.urlencode(),
            page_range=page_range(context),
            rows=[
                [
                    link(reverse("placements:setting-detail", kwargs={"code": code, "pk": s.pk}), s.urn),
                    format_html(
                        '{} <strong class="govuk-tag govuk-tag--turquoise">In-house</strong>',
                        s.name or "Name withheld",
                    )
                    if s.pk in own
                    else s.name or "Name withheld",
                    s.get_provision_type_display(),
                    s.local_authority.name if s.local_authority else "–",
                    "–" if s.registered_places is None else s.registered_places,
                    s.get_latest_judgement_display(),
                    s.get_registration_status_display(),
                ]
                for s in context["settings"]
            ],
        )
        return context


class SettingDetailView(AuthorityMixin, DetailView):
    """One setting: Ofsted's details, its judgement history, and how many children live there now."""

    allowed_roles = SUPPLY_READ_ROLES
    template_name = "placements/supply/setting_detail.html"
    context_object_name = "setting"

    def get_queryset(self) -> Any:
        return selectors.setting_list()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        setting = self.object
        on = as_at_for_request(self.request, authority=self.authority).on
        occupancy = selectors.setting_occupancy(authority=self.authority, setting_ids=[setting.pk], on=on)[
            setting.pk
        ]
        # Other authorities' children in a named home are disclosure-controlled, unless the home is one
        # of the authority's own (it runs the home and places the children in it).
        own_home = InHouseHome.objects.for_authority(self.authority).filter(setting=setting).exists()
        other = suppress_other_count(occupancy["other"])
        others = occupancy["other"] if own_home else ("c" if other.suppressed else other.value)
        context.update(
            rows=[
                {"key": "URN", "value": setting.urn},
                {"key": "Name", "value": setting.name or "Withheld by Ofsted"},
                {"key": "Provision type", "value": setting.get_provision_type_display()},
                {"key": "Owner", "value": setting.provider.name if setting.provider else ""},
                {"key": "Sector", "value": setting.get_sector_display()},
                {
                    "key": "Local authority area",
                    "value": setting.local_authority.name if setting.local_authority else "",
                },
                {"key": "Registered places", "value": setting.registered_places},
                {
                    "key": "Registration",
                    "value": f"{setting.get_registration_status_display()} since {fmt_date(setting.registration_date)}",
                },
                {"key": "Judgement scale", "value": setting.get_judgement_scale_display()},
                {
                    "key": "Latest judgement",
                    "value": f"{setting.get_latest_judgement_display()} ({fmt_date(setting.latest_judgement_date)})",
                },
                {"key": f"Judgement on {fmt_date(on)}", "value": _judgement_label(setting.urn, on)},
                {"key": "Ofsted data", "value": setting.provenance_line},
                {
                    "key": f"Children in care living here on {fmt_date(on)}",
                    "value": f"{occupancy['own']} of ours, {others} from other authorities",
                },
            ],
            inspection_headers=["Inspection date", "Judgement"],
            inspection_rows=[
                [fmt_date(i.inspection_date), i.get_judgement_display()] for i in setting.inspections.all()
            ],
        )
        return context


def _judgement_label(urn: str, on: Any) -> str:
    """The setting's Ofsted judgement as at the page's date, by the definition the KPIs and board
    reports use (the latest inspection on or before it)."""
    history = judgement_history_for_urns(urns=[urn])
    value = judgements_on(
        pd.Series([urn]), inspections=history["inspections"], settings=history["settings"], on=on
    ).iloc[0]
    value = NOT_YET_INSPECTED if pd.isna(value) else str(value)
    return str(dict(JudgementChoices.choices).get(value, value))


class OfstedImportView(AuthorityMixin, FormView):
    """Upload Ofsted's provider file; it is imported in the background like an SSDA903 upload."""

    allowed_roles = IMPORT_ROLES
    template_name = "placements/supply/record_form.html"
    form_class = forms.OfstedUploadForm
    extra_context = {
        "title": "Upload Ofsted provider data",
        "intro": "Ofsted's register is shared by every authority: your upload is sent to a platform data steward, "
        "who reviews the changes and publishes them for everyone. Settings are updated by URN and every "
        "judgement is kept as history. Names and postcodes "
        "Ofsted publishes as REDACTED keep the values already held. Every sheet with a provider table is read; "
        "a row that cannot be read is skipped and listed in a report you can download.",
        "submit": "Upload and import",
    }

    def form_valid(self, form: forms.OfstedUploadForm) -> Any:
        files = [(upload.name, upload.read()) for upload in form.cleaned_data["files"]]
        try:
            job = import_job_create(
                authority=self.authority,
                files=files,
                acting_user=self.request.user,
                kind=ImportKindChoices.OFSTED,
                request=self.request,
            )
        except ImportRejected as exc:
            form.add_error("files", str(exc))
            return self.form_invalid(form)
        messages.success(self.request, "Your file was uploaded. The import has started.")
        return redirect("placements:import-detail", code=self.authority.dfe_code, pk=job.pk)
