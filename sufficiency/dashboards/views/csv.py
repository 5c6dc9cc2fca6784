"""CSV downloads: any chart's or table's data, built by the same page builder with the same filters and
scoping as the page, so a download always matches what the page shows."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse

from sufficiency.core.downloads import table_download

from .base import DashboardView, find_table
from .forecast import ForecastView
from .gap import GapView
from .market import MarketView
from .overview import OverviewView
from .region import RegionView

PAGE_VIEWS: dict[str, type[DashboardView]] = {
    "overview": OverviewView,
    "forecast": ForecastView,
    "gap": GapView,
    "market": MarketView,
}


def csv_response(data: dict[str, Any], filename: str, *, request: HttpRequest | None = None) -> HttpResponse:
    """The table as data (numbers, units in the headers, ISO dates, no HTML): CSV, or XLSX when the
    request asks for `?format=xlsx`. Cells can hold names from the shared Ofsted register: both writers
    make formula-like text inert."""
    fmt = "xlsx" if request is not None and request.GET.get("format") == "xlsx" else "csv"
    return table_download(filename, fmt, data.get("title", ""), data["headers"], data["rows"])


class DashboardCsvView(DashboardView):
    """/authorities/<code>/dashboards/<page>/csv/<key>/: one table of one page as CSV."""

    page_extra = {"csv": True}

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        view = PAGE_VIEWS.get(kwargs.get("page", ""))
        if view is None:
            raise Http404("No such dashboard")
        self.page_view = view
        self.page_name = view.page_name
        self.sections = view.sections
        self.filter_fields = view.filter_fields
        self.follows_chosen_date = view.follows_chosen_date
        return super().dispatch(request, *args, **kwargs)

    def as_at_choices(self, rollup: Any) -> list[tuple[str, str]]:
        return self.page_view.as_at_choices(self, rollup)

    def figures_on(self, rollup: Any, on: Any) -> None:
        self.page_view.figures_on(self, rollup, on)

    def get_builder(self) -> Any:
        return self.page_view.builder

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        page, context = self.build_page()
        if page is None:
            raise Http404("No figures yet")
        data = find_table(context, kwargs["key"])
        return csv_response(
            data, f"{self.authority.dfe_code}-{self.page_name}-{kwargs['key']}.csv", request=request
        )


class RegionCsvView(RegionView):
    """/regions/<code>/dashboards/csv/<key>/: one table of the region page as CSV (suppressed as shown)."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        data = find_table(self.build(), kwargs["key"])
        return csv_response(data, f"{self.region.code}-{kwargs['key']}.csv", request=request)
