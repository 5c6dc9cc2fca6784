"""Residential occupancy: per home (the authority's own homes and those where it holds block beds) places,
children placed, occupancy, over-occupancy and vacancy days; and the share of the authority's children in
children's homes who live in its own area."""

from __future__ import annotations

from typing import Any

from django.views.generic import TemplateView

from sufficiency.authorities.permissions import SUPPLY_READ_ROLES
from sufficiency.core.downloads import TableDownloadMixin
from sufficiency.core.formatting import date_long, whole
from sufficiency.core.views import AuthorityMixin

from ...as_at import as_at_for_request
from ..occupancy import residential_in_area_for_authority, residential_occupancy_for_authority

KIND_LABELS = {"in_house": "In-house", "short_breaks": "In-house short breaks", "block": "Block beds"}
#: The order of the kinds of home in the tables.
KIND_ORDER = {"in_house": 0, "short_breaks": 1, "block": 2}
NUMERIC = {"numeric": True}


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}%"


class ResidentialOccupancyView(TableDownloadMixin, AuthorityMixin, TemplateView):
    """Counts of places and children per home (never a child), so every member of the authority reads it."""

    allowed_roles = SUPPLY_READ_ROLES
    template_name = "placements/supply/residential_occupancy.html"
    download_name = "residential-occupancy"
    download_tables = {
        "kinds": ("Occupancy by kind of home", "total_headers", "total_rows"),
        "homes": ("Each home", "home_headers", "home_rows"),
    }

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        on = as_at_for_request(self.request, authority=self.authority).on
        result = residential_occupancy_for_authority(authority=self.authority, on=on)
        in_area = residential_in_area_for_authority(authority=self.authority, on=on)
        homes = sorted(result["homes"], key=lambda h: (KIND_ORDER.get(h.kind, 3), h.name))
        context.update(
            on=on,
            result=result,
            in_area=in_area,
            period_text=f"{date_long(result['period_start'])} to {date_long(on)}",
            home_headers=[
                "Home",
                "Kind",
                "Ofsted URN",
                {"text": "Places", **NUMERIC},
                {"text": "Children placed", **NUMERIC},
                {"text": "Occupancy", **NUMERIC},
                "Over-occupied",
                {"text": "Vacancy days in the year", **NUMERIC},
            ],
            home_rows=[
                [
                    h.name,
                    KIND_LABELS.get(h.kind, h.kind),
                    h.urn,
                    whole(h.places),
                    whole(h.children),
                    _pct(h.occupancy_pct),
                    {"text": f"Yes: {h.children - h.places} over", "classes": "govuk-!-font-weight-bold"}
                    if h.over_occupied
                    else "No",
                    whole(h.vacancy_days),
                ]
                for h in homes
            ],
            total_headers=[
                "Homes",
                {"text": "Homes", **NUMERIC},
                {"text": "Places", **NUMERIC},
                {"text": "Children placed", **NUMERIC},
                {"text": "Occupancy", **NUMERIC},
                {"text": "Over-occupied homes", **NUMERIC},
                {"text": "Vacancy days in the year", **NUMERIC},
            ],
            total_rows=[
                [
                    label,
                    whole(t["homes"]),
                    whole(t["places"]),
                    whole(t["children"]),
                    _pct(t["occupancy_pct"]),
                    whole(t["over_occupied"]),
                    whole(t["vacancy_days"]),
                ]
                for label, t in (
                    ("In-house homes", result["in_house"]),
                    ("Short-break homes", result["short_breaks"]),
                    ("Block beds", result["block"]),
                )
                if t["homes"]
            ],
            over_occupied=[h for h in homes if h.over_occupied],
        )
        return context
