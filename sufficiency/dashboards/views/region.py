"""Region: every authority of a region side by side on the same measures (aggregates only).

Anyone with a dashboard role in an authority of the region may open it (a regional analyst's home page).
Counts under 5 of authorities the viewer does not belong to are suppressed, and so are percentages built
on them, using `sufficiency.core.suppression`.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.cache import cache
from django.db.models import Max
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.views.generic import TemplateView

from placements.categories import AGE_BAND_LABELS, COARSE_GROUPS
from placements.disclosure import region_children_grid
from sufficiency.authorities.models import Region
from sufficiency.authorities.permissions import DASHBOARD_ROLES, authority_ids_for
from sufficiency.core.suppression import (
    REGION,
    SUPPRESSION_THRESHOLD,
    Figure,
    published_share,
    suppress_region_split,
)

from .. import charts
from ..forms import DashboardFilterForm
from ..models import DashboardRollup
from ..selectors import region_headlines, region_totals
from .base import (
    CACHE_SECONDS,
    PAGES,
    category_label,
    chart,
    definition_url,
    fmt_date,
    fmt_int,
    fmt_money,
    fmt_num,
    table,
)
from .overview import england_figures

SUPPRESSED = "c"
MIX_LABELS = {
    "FOSTERING": "Foster care",
    "RESIDENTIAL": "Residential",
    "SUPPORTED": "Supported",
    "OTHER": "Other",
}


def _text(figure: Figure | None) -> tuple[str, int | None]:
    """(text, value for charts) of a count of the disclosure grid ("–" when the authority has none)."""
    if figure is None:
        return "–", None
    return (SUPPRESSED, None) if figure.suppressed else (fmt_int(figure.value), figure.value)


def _share_text(numerator: Figure | None, denominator: Figure | None) -> tuple[str, float | None]:
    """A percentage shown only where its numerator and denominator are both published."""
    if numerator is None or denominator is None or not denominator.value and not denominator.suppressed:
        return "–", None
    value = published_share(numerator, denominator)
    return (SUPPRESSED, None) if value is None else (f"{value:.1f}%", value)


def _names(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def region_disclosure(
    headlines: list[dict[str, Any]], own_ids: set[int]
) -> tuple[dict[Any, Figure], dict[Any, Figure], dict[Any, Figure]]:
    """The region's published grid (children by authority, category and age band, with every total),
    and the distance and boundary splits, each suppressed whole for this viewer: every figure of the
    page, its filters and CSVs is read from these."""
    with_data = {h["id"]: h["headline"] for h in headlines if h["headline"]}
    grid = region_children_grid(figures=with_data, own_ids=own_ids)
    distance = suppress_region_split(
        {la: d["over_20_miles"] for la, d in with_data.items()},
        {la: d["distance_known"] for la, d in with_data.items()},
        own=own_ids,
    )
    boundary = suppress_region_split(
        {la: d["outside_la"] for la, d in with_data.items()},
        {la: d["boundary_known"] for la, d in with_data.items()},
        own=own_ids,
    )
    return grid, distance, boundary


def _selected_key(la: Any, category: str, age_band: str) -> tuple[Any, ...]:
    """The grid cell a filter selects: a category, an age band, or both."""
    if category and age_band:
        return ("cell", la, category, age_band)
    return ("category", la, category) if category else ("age_band", la, age_band)


def _selection_title(category: str, age_band: str) -> str:
    age = f"aged {AGE_BAND_LABELS[age_band].lower()}" if age_band else ""
    if category and age:
        return f"Children {age} in {category_label(category).lower()}"
    return f"Children {age}" if age else f"Children in {category_label(category).lower()}"


def build_region(
    *, region: Region, own_ids: set[int], filters: dict[str, str], csv_base: str, query: str
) -> dict[str, Any]:
    headlines = region_headlines(region=region)
    totals = region_totals(headlines)
    grid, distance, boundary = region_disclosure(headlines, own_ids)
    if any(h["headline"] for h in headlines):
        region_total_text, _ = _text(grid["total", REGION])
        region_over, _ = _share_text(distance["part", REGION], distance["base", REGION])
        region_out, _ = _share_text(boundary["part", REGION], boundary["base", REGION])
        # The region's rate is shown when its numerator is the published region total.
        all_rated = all(h["headline"].get("population") for h in headlines if h["headline"])
        if grid["total", REGION].suppressed or not all_rated:
            totals = {**totals, "rate": None}
    else:
        region_total_text, region_over, region_out = "–", "–", "–"
    england = england_figures()
    category = filters.get("category", "")
    age_band = filters.get("age_band", "")

    def csv(key: str) -> str:
        return f"{csv_base}{key}/" + (f"?{query}" if query else "")

    names, main_rows = [], []
    rates, mix_values, over, outside, spend, growth, cat_values = (
        [],
        {g: [] for g in COARSE_GROUPS},
        [],
        [],
        [],
        [],
        [],
    )
    # Authorities that have not imported a register have no figures: named once, never a row of blanks.
    without = [h["name"] for h in headlines if not h["headline"]]
    headlines = [h for h in headlines if h["headline"]]
    own = [h["id"] in own_ids for h in headlines]
    for h in headlines:
        data, la = h["headline"], h["id"]
        names.append(h["name"])
        total_fig = grid["total", la]
        total_text, _ = _text(total_fig)
        # The rate over a published population gives the count back: withheld with it.
        rate = None if total_fig.suppressed else data["rate"]
        rates.append(rate)
        mix_cells = []
        for g in COARSE_GROUPS:
            text, value = _share_text(grid["group", la, g], total_fig)
            mix_values[g].append(value)
            mix_cells.append(text)
        over_text, over_value = _share_text(distance["part", la], distance["base", la])
        out_text, out_value = _share_text(boundary["part", la], boundary["base", la])
        over.append(over_value)
        outside.append(out_value)
        spend.append(data.get("spend"))
        growth.append(data.get("forecast_growth_pct"))
        old_rollup = age_band and data.get("by_category_age") is None
        cat_text, cat_value = (
            ("–", None) if old_rollup else _text(grid.get(_selected_key(la, category, age_band)))
        )
        cat_values.append(cat_value)
        main_rows.append(
            [h["name"], total_text, "c" if rate is None and data["rate"] is not None else fmt_num(rate), *mix_cells, over_text, out_text,
             f"{fmt_money(data.get('spend'))} ({data.get('spend_year') or '–'})",
             "–" if data.get("forecast_growth_pct") is None else f"{data['forecast_growth_pct']:+.1f}%",
             fmt_date(data["as_at"])]
        )  # fmt: skip
    comparators = [region.name, "England"]

    def mine(figure: dict[str, Any]) -> dict[str, Any]:
        """The viewer's own authority marked in a chart of the region's authorities (and comparators)."""
        labels = [str(v) for v in figure["data"][0]["y"]]
        flags = [*own, *[False] * (len(labels) - len(own))]
        return charts.highlight_own(figure, labels, flags, comparators=comparators)

    blocks: list[dict[str, Any]] = [
        table(
            "authorities",
            "Authorities side by side",
            [
                "Authority",
                "Children in care",
                "Rate per 10,000",
                *[f"% {MIX_LABELS[g].lower()}" for g in COARSE_GROUPS],
                "% over 20 miles",
                "% outside boundary",
                "Spend (last full financial year)",
                "Forecast change",
                "As at",
            ],
            main_rows
            + [
                [
                    f"{region.name} (all with figures)",
                    region_total_text,
                    fmt_num(totals["rate"]),
                    "–",
                    "–",
                    "–",
                    "–",
                    region_over,
                    region_out,
                    "–",
                    "–",
                    "–",
                ],
                [
                    "England",
                    fmt_int(england["total"]),
                    fmt_num(england["rate"], 0),
                    "–",
                    "–",
                    "–",
                    "–",
                    "–",
                    "–",
                    "–",
                    "–",
                    england["year"],
                ],
            ],
            numeric_columns=list(range(1, 10)),
            description=f"{SUPPRESSED}: fewer than {SUPPRESSION_THRESHOLD} children, not shown for other authorities. "
            "Forecast change: the forecast mean at the end of the horizon against children in care now."
            + (
                f" No figures yet for {_names(without)}: not in the table or the charts until a register is imported."
                if without
                else ""
            ),
            csv_url=csv("authorities"),
            definition_url=definition_url("cla_rate_per_10000"),
        )  # fmt: skip
    ]
    blocks.append(
        chart(
            None,
            "rates",
            "Children in care per 10,000 children",
            mine(
                charts.bar_chart(
                    names + [region.name, "England"],
                    [{"name": "Rate per 10,000", "values": rates + [totals["rate"], england["rate"]]}],
                    horizontal=True,
                    x_title="Per 10,000 children",
                )
            ),
            ["Area", "Rate per 10,000"],
            [
                [n, fmt_num(r)]
                for n, r in zip(
                    names + [region.name, "England"], rates + [totals["rate"], england["rate"]], strict=True
                )
            ],
            description=charts.OWN_KEY_TEXT,
            definition="cla_rate_per_10000",
            csv_url=csv("rates"),
        )  # fmt: skip
    )
    if category or age_band:
        blocks.append(
            chart(
                None,
                "category",
                _selection_title(category, age_band),
                mine(
                    charts.bar_chart(
                        names,
                        [{"name": "Children", "values": cat_values}],
                        horizontal=True,
                        x_title="Children in care",
                    )
                ),
                ["Authority", "Children"],
                [
                    [n, SUPPRESSED if v is None and h["headline"] else fmt_int(v)]
                    for n, v, h in zip(names, cat_values, headlines, strict=True)
                ],
                description=charts.OWN_KEY_TEXT,
                definition="children_in_care",
                csv_url=csv("category"),
            )  # fmt: skip
        )
    blocks.append(
        chart(
            None,
            "mix",
            "Placement mix",
            mine(
                charts.bar_chart(
                    names,
                    [{"name": MIX_LABELS[g], "values": mix_values[g]} for g in COARSE_GROUPS],
                    horizontal=True,
                    stacked=True,
                    x_title="% of children in care",
                )
            ),
            ["Authority", *[f"% {MIX_LABELS[g].lower()}" for g in COARSE_GROUPS]],
            [[row[0], *row[3:7]] for row in main_rows],
            description=charts.OWN_KEY_TEXT,
            definition="pct_foster_care",
            csv_url=csv("mix"),
        )  # fmt: skip
    )
    blocks.append(
        chart(
            None,
            "distance",
            "Placed more than 20 miles from home and outside the boundary",
            mine(
                charts.bar_chart(
                    names,
                    [
                        {"name": "% over 20 miles", "values": over},
                        {"name": "% outside the boundary", "values": outside},
                    ],
                    horizontal=True,
                    x_title="% of children",
                )
            ),
            ["Authority", "% over 20 miles", "% outside boundary"],
            [[row[0], row[7], row[8]] for row in main_rows],
            description=charts.OWN_KEY_TEXT,
            definition="pct_placed_over_20_miles",
            csv_url=csv("distance"),
        )  # fmt: skip
    )
    blocks.append(
        chart(
            None,
            "spend",
            "Spend on placements in the last full financial year",
            mine(
                charts.bar_chart(
                    names, [{"name": "Spend (£)", "values": spend}], horizontal=True, x_title="Spend (£)"
                )
            ),
            ["Authority", "Spend"],
            [[row[0], row[9]] for row in main_rows],
            description=charts.OWN_KEY_TEXT,
            definition="mean_weekly_cost_residential_external",
            csv_url=csv("spend"),
        )  # fmt: skip
    )
    blocks.append(
        chart(
            None,
            "growth",
            "Forecast change in children in care",
            mine(
                charts.bar_chart(
                    names,
                    [{"name": "% change", "values": growth}],
                    horizontal=True,
                    x_title="% change to the end of the forecast",
                )
            ),
            ["Authority", "Forecast change"],
            [[row[0], row[10]] for row in main_rows],
            description=charts.OWN_KEY_TEXT,
            definition="children_in_care",
            csv_url=csv("growth"),
        )  # fmt: skip
    )
    return {"blocks": blocks, "totals": totals}


class RegionView(LoginRequiredMixin, TemplateView):
    """A region's authorities side by side. 404 for anyone without a dashboard role in the region."""

    template_name = "dashboards/region.html"
    filter_fields = ("category", "age_band")

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        ids = authority_ids_for(request.user, DASHBOARD_ROLES)
        region = (
            Region.objects.filter(code=kwargs.get("region", ""), authorities__id__in=ids).distinct().first()
        )
        if region is None:
            raise Http404("No such region")
        self.region = region
        self.own_ids = set(ids)
        # The viewer's own authority in the region: its navigation and dashboard tabs stay on this page
        # (not `request.authority`: the page is the region's, each authority at its own date, no banner).
        self.home_authority = region.authorities.filter(id__in=ids).order_by("name").first()
        request.nav_authority = self.home_authority  # type: ignore[attr-defined]  # for the context processor
        return super().dispatch(request, *args, **kwargs)

    def tabs(self) -> list[dict[str, Any]]:
        """The dashboard tabs of the viewer's own authority in the region, as on its dashboard pages."""
        authority = self.home_authority
        if authority is None:
            return []
        return [
            {"key": key, "label": label, "url": reverse(name, kwargs={"code": authority.dfe_code})}
            for key, label, name in PAGES
        ]

    def build(self) -> dict[str, Any]:
        form = DashboardFilterForm(self.request.GET or None)
        filters = form.values()
        query = "&".join(f"{k}={v}" for k, v in self.request.GET.items() if k in self.filter_fields and v)
        csv_base = reverse("dashboards:region", kwargs={"region": self.region.code}) + "csv/"
        context = build_region(
            region=self.region, own_ids=self.own_ids, filters=filters, csv_base=csv_base, query=query
        )
        context.update(
            form=form,
            filter_form_fields=[form[name] for name in self.filter_fields],
            region=self.region,
            page_title=f"{self.region.name}: authorities side by side",
            breadcrumbs=[{"text": "Your authorities", "href": reverse("home")}],
        )
        return context

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        """Built once per set of the region's rollups, filters and viewer's authorities, then cached."""
        context = super().get_context_data(**kwargs)
        latest = DashboardRollup.objects.filter(authority__region=self.region).aggregate(
            latest=Max("computed_at")
        )
        stamp = latest["latest"].timestamp() if latest["latest"] else 0
        query = urlencode(sorted((k, v) for k, v in self.request.GET.items() if k in self.filter_fields))
        own = ",".join(str(i) for i in sorted(self.own_ids))
        key = f"dashboards:region:{self.region.pk}:{stamp}:{own}:{query}"
        built = cache.get(key)
        if built is None:
            built = self.build()
            built.pop("form", None)
            built.pop("filter_form_fields", None)
            cache.set(key, built, timeout=CACHE_SECONDS)
        form = DashboardFilterForm(self.request.GET or None)
        context.update(built, form=form, filter_form_fields=[form[name] for name in self.filter_fields])
        context.update(
            tabs=self.tabs(),
            page_name="region",
            region_url=reverse("dashboards:region", kwargs={"region": self.region.code}),
        )
        return context
