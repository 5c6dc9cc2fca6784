"""Overview: children in care now and their rate against the region and England, the monthly trend, the
placement mix, ages, distance, Ofsted quality, stability and spend."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.html import format_html

from placements.categories import AGE_BAND_LABELS, AGE_BANDS, PLACE_CODES, PLANNING_CATEGORIES
from placements.national.selectors import england_figures_published
from placements.selectors import population_provenance_text

from .. import charts
from ..rollups import QUALITY_BELOW, QUALITY_GOOD, QUALITY_LABELS, history_too_short, overview_on, year_before
from ..selectors import region_headlines, region_totals
from .base import (
    DashboardView,
    Page,
    category_label,
    chart,
    definition_url,
    fmt_date,
    fmt_int,
    fmt_money,
    fmt_num,
    fmt_pct,
    pct,
    table,
)


def england_figures(on: dt.date | None = None) -> dict[str, Any]:
    """England's published figures (children looked after and rate per 10,000) for the latest year up to
    the date, from the DfE's tables as imported; none held in the code."""
    return england_figures_published(on)


def _as_date(key: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(key)[:10]) if key else None
    except ValueError:
        return None


def snapshot_cells(page: Page, date_key: str) -> list[dict[str, Any]]:
    """The snapshot's cells at a date, filtered by the page's age band and category."""
    overview = page.rollup.overview
    snap = overview["snapshots"].get(date_key)
    if not snap:
        return []
    columns = overview["cell_columns"]
    age, category = page.filters["age_band"], page.filters["category"]
    return [
        cell
        for cell in (dict(zip(columns, row, strict=True)) for row in snap["cells"])
        if (not age or cell["age_band"] == age) and (not category or cell["category"] == category)
    ]


def _sum(cells: list[dict[str, Any]], key: str, **where: str) -> int:
    return sum(c[key] for c in cells if all(c[k] == v for k, v in where.items()))


def year_earlier(overview: dict[str, Any], date_key: str) -> str | None:
    earlier = year_before(dt.date.fromisoformat(date_key)).isoformat()
    return earlier if earlier in overview["snapshots"] else None


def build_overview(page: Page) -> dict[str, Any]:
    overview = page.rollup.overview
    date_key = page.filters["as_at"]
    snap = overview["snapshots"][date_key]
    cells = snapshot_cells(page, date_key)
    earlier_key = year_earlier(overview, date_key)
    earlier = snapshot_cells(page, earlier_key) if earlier_key else []
    filtered = bool(page.filters["age_band"] or page.filters["category"])
    total = _sum(cells, "children")
    # The region's figures are stored for each authority's own month end: only those for this date count.
    headlines = [
        {**h, "headline": h["headline"] if (h["headline"] or {}).get("as_at") == date_key else None}
        for h in region_headlines(region=page.authority.region)
    ]
    region = region_totals(headlines)
    if not region["authorities"]:
        region["total"] = None
    england = england_figures(_as_date(date_key))
    population = snap.get("population")
    rate = round(snap["total"] / population * 10_000, 1) if population else None
    earlier_snap = overview["snapshots"].get(earlier_key) if earlier_key else None
    earlier_rate = (
        round(earlier_snap["total"] / earlier_snap["population"] * 10_000, 1)
        if earlier_snap and earlier_snap.get("population")
        else None
    )
    blocks: list[dict[str, Any]] = []

    # Key figures, each with the year before and comparators.
    def measure(label: str, key: str) -> Any:
        return format_html('<a class="govuk-link" href="{}">{}</a>', definition_url(key), label)

    s3 = snap.get("stability_3_plus", [0, 0])
    lt = snap.get("stability_long_term", [0, 0])
    e3 = earlier_snap.get("stability_3_plus", [0, 0]) if earlier_snap else [0, 0]
    elt = earlier_snap.get("stability_long_term", [0, 0]) if earlier_snap else [0, 0]
    key_rows = [
        [measure("Children in care", "children_in_care"), fmt_int(total),
         fmt_int(_sum(earlier, "children")) if earlier_key else "–",
         fmt_int(region["total"]), fmt_int(england["total"])],
        [measure("Children in care per 10,000 children", "cla_rate_per_10000"), fmt_num(rate),
         fmt_num(earlier_rate), fmt_num(region["rate"]), fmt_num(england["rate"], 0)],
        [measure("Started to be looked after (12 months)", "started_care_12m"), fmt_int(snap["started_12m"]),
         fmt_int(earlier_snap["started_12m"]) if earlier_snap else "–", "–", "–"],
        [measure("Ceased to be looked after (12 months)", "ceased_care_12m"), fmt_int(snap["ceased_12m"]),
         fmt_int(earlier_snap["ceased_12m"]) if earlier_snap else "–", "–", "–"],
        [measure("Placed more than 20 miles from home", "pct_placed_over_20_miles"),
         fmt_pct(_sum(cells, "over_20_miles"), _sum(cells, "distance_known")),
         fmt_pct(_sum(earlier, "over_20_miles"), _sum(earlier, "distance_known")),
         fmt_pct(region["over_20_miles"], region["distance_known"]), "–"],
        [measure("Placed outside the authority's boundary", "pct_placed_outside_la"),
         fmt_pct(_sum(cells, "outside_la"), _sum(cells, "boundary_known")),
         fmt_pct(_sum(earlier, "outside_la"), _sum(earlier, "boundary_known")),
         fmt_pct(region["outside_la"], region["boundary_known"]), "–"],
        [measure("In settings judged Good or Outstanding", "pct_good_or_outstanding"),
         fmt_pct(_sum(cells, "children", quality=QUALITY_GOOD),
                 _sum(cells, "children", quality=QUALITY_GOOD) + _sum(cells, "children", quality=QUALITY_BELOW)),
         fmt_pct(_sum(earlier, "children", quality=QUALITY_GOOD),
                 _sum(earlier, "children", quality=QUALITY_GOOD) + _sum(earlier, "children", quality=QUALITY_BELOW)),
         "–", "–"],
        [measure("3 or more placements in 12 months", "stability_3_plus_placements"), fmt_pct(*s3),
         fmt_pct(*e3), "–", "–"],
        [measure("Long-term stability (under 16s)", "stability_long_term"), fmt_pct(*lt), fmt_pct(*elt), "–", "–"],
    ]  # fmt: skip
    blocks.append(
        table(
            "key-figures",
            f"Key figures on {fmt_date(date_key)}",
            ["Measure", "This authority", "A year earlier", page.authority.region.name, "England"],
            key_rows,
            numeric_columns=[1, 2, 3, 4],
            description=(
                "Counts follow the age band and category chosen above; rates, flows, stability and comparators "
                "are for all children in care."
                if filtered
                else (
                    f"Region: the sum of the {region['authorities']} authorities with figures on this date. "
                    if region["authorities"]
                    else "Region: figures are stored for the month end each authority's register runs to, and "
                    "none is for this date. "
                )
                + "England: "
                + (f"DfE, {england['year']}." if england["year"] else "no DfE table imported.")
            )
            + _short_history_note(overview, [("this authority", date_key), ("a year earlier", earlier_key)]),
        )
    )

    # Rate per 10,000 against the region and England.
    rate_rows = [
        [page.authority.name, fmt_num(rate)],
        [page.authority.region.name, fmt_num(region["rate"])],
        ["England", fmt_num(england["rate"], 0)],
    ]
    blocks.append(
        chart(
            page,
            "rate",
            "Children in care per 10,000 children",
            charts.highlight_own(
                charts.bar_chart(
                    [r[0] for r in rate_rows],
                    [{"name": "Rate per 10,000", "values": [rate, region["rate"], england["rate"]]}],
                    y_title="Per 10,000 children",
                ),
                [r[0] for r in rate_rows],
                [True, False, False],
                comparators=[r[0] for r in rate_rows[1:]],
            ),
            ["Area", "Rate per 10,000"],
            rate_rows,
            description=f"{charts.OWN_KEY_TEXT} "
            + population_provenance_text(authority=page.authority, on=dt.date.fromisoformat(date_key)),
            definition="cla_rate_per_10000",
        )
    )

    # Monthly trend with starters and leavers.
    years = page.filters["years"]
    monthly = overview["monthly"]
    if years != "all" and monthly:
        last = dt.date.fromisoformat(monthly[-1][0])
        cutoff = dt.date(last.year - int(years), last.month, 1).isoformat()
        monthly = [m for m in monthly if m[0] >= cutoff]
    blocks.append(
        chart(
            page,
            "trend",
            "Children in care each month, with children starting and ceasing care",
            charts.dual_axis_chart(
                [m[0] for m in monthly],
                {"name": "Children in care (month end)", "y": [m[1] for m in monthly]},
                [
                    {"name": "Started care in the month", "y": [m[2] for m in monthly]},
                    {"name": "Ceased care in the month", "y": [m[3] for m in monthly]},
                ],
                line_title="Children in care at the month end",
                bar_title="Children starting or ceasing care",
            ),
            ["Month end", "Children in care", "Started", "Ceased", "Net change"],
            [
                [fmt_date(m[0]), fmt_int(m[1]), fmt_int(m[2]), fmt_int(m[3]), f"{m[2] - m[3]:+d}"]
                for m in reversed(monthly)
            ],
            description="All children in care (the filters for age and category do not apply to the trend).",
            definition="children_in_care",
        )  # fmt: skip
    )

    # Placement mix.
    by_category = {c: _sum(cells, "children", category=c) for c in PLANNING_CATEGORIES}
    shown = [c for c in PLANNING_CATEGORIES if by_category[c]]
    blocks.append(
        chart(
            page,
            "mix",
            "Where children live: placement mix",
            charts.bar_chart(
                [category_label(c) for c in shown],
                [{"name": "Children", "values": [by_category[c] for c in shown]}],
                horizontal=True,
                x_title="Children in care",
            ),
            ["Placement category", "Children", "Share"],
            [
                [
                    _drill(page, date_key, c, category_label(c)),
                    fmt_int(by_category[c]),
                    fmt_pct(by_category[c], total),
                ]
                for c in shown
            ],
            definition="pct_foster_care",
        )
    )

    # Age profile.
    by_age = {b: _sum(cells, "children", age_band=b) for b in AGE_BANDS}
    blocks.append(
        chart(
            page,
            "ages",
            "Age profile",
            charts.bar_chart(
                [AGE_BAND_LABELS[b] for b in AGE_BANDS],
                [{"name": "Children", "values": [by_age[b] for b in AGE_BANDS]}],
                y_title="Children in care",
            ),
            ["Age band (age on the date)", "Children", "Share"],
            [[AGE_BAND_LABELS[b], fmt_int(by_age[b]), fmt_pct(by_age[b], total)] for b in AGE_BANDS],
            definition="pct_aged_16_17",
        )
    )

    # Distance and boundary by category.
    distance_rows = []
    over, outside = [], []
    for c in shown:
        known, far = _sum(cells, "distance_known", category=c), _sum(cells, "over_20_miles", category=c)
        bknown, out = _sum(cells, "boundary_known", category=c), _sum(cells, "outside_la", category=c)
        over.append(pct(far, known))
        outside.append(pct(out, bknown))
        distance_rows.append(
            [category_label(c), fmt_int(by_category[c]), fmt_int(far), fmt_pct(far, known), fmt_int(out),
             fmt_pct(out, bknown)]
        )  # fmt: skip
    distance_rows.append(
        [
            "All categories",
            fmt_int(total),
            fmt_int(_sum(cells, "over_20_miles")),
            fmt_pct(_sum(cells, "over_20_miles"), _sum(cells, "distance_known")),
            fmt_int(_sum(cells, "outside_la")),
            fmt_pct(_sum(cells, "outside_la"), _sum(cells, "boundary_known")),
        ]
    )
    blocks.append(
        chart(
            page,
            "distance",
            "Placed more than 20 miles from home and outside the boundary",
            charts.bar_chart(
                [category_label(c) for c in shown],
                [
                    {"name": "% over 20 miles", "values": over},
                    {"name": "% outside the boundary", "values": outside},
                ],
                horizontal=True,
                x_title="% of children with a known placement location",
            ),
            [
                "Placement category",
                "Children",
                "Over 20 miles",
                "% over 20 miles",
                "Outside boundary",
                "% outside",
            ],
            distance_rows,
            definition="pct_placed_over_20_miles",
        )
    )

    # Ofsted quality of current placements.
    qualities = list(QUALITY_LABELS)
    by_quality = {q: _sum(cells, "children", quality=q) for q in qualities}
    blocks.append(
        chart(
            page,
            "quality",
            "Ofsted judgement of the settings children live in",
            charts.bar_chart(
                [QUALITY_LABELS[q] for q in qualities],
                [
                    {
                        "name": "Children",
                        "values": [by_quality[q] for q in qualities],
                        "color": [charts.QUALITY_COLOURS[q] for q in qualities],
                    }
                ],
                horizontal=True,
                x_title="Children in care",
            ),
            ["Latest Ofsted judgement of the setting", "Children", "Share"],
            [[QUALITY_LABELS[q], fmt_int(by_quality[q]), fmt_pct(by_quality[q], total)] for q in qualities],
            description="Foster carers, parents and kinship carers are not Ofsted-registered settings (dark grey). "
            + charts.JUDGEMENT_KEY_TEXT,
            definition="pct_good_or_outstanding",
        )
    )

    blocks.append(_stability_chart(page, overview, date_key))

    # Spend by category per financial year.
    spend = overview["spend"]
    years_held = sorted({r[0] for r in spend["by_year"]})
    spend_cats = [c for c in PLANNING_CATEGORIES if any(r[1] == c and r[3] for r in spend["by_year"])]
    if page.filters["category"]:
        spend_cats = [c for c in spend_cats if c == page.filters["category"]]
    lookup = {(r[0], r[1]): r[3] for r in spend["by_year"]}
    blocks.append(
        chart(
            page,
            "spend",
            "Spend on placements by financial year",
            charts.bar_chart(
                years_held,
                [
                    {"name": category_label(c), "values": [lookup.get((y, c), 0) for y in years_held]}
                    for c in spend_cats
                ],
                stacked=True,
                y_title="Spend (£)",
                height=400,
            ),
            [
                "Placement category",
                *[f"{y}{' (so far)' if y == spend.get('current_year') else ''}" for y in years_held],
            ],
            [[category_label(c), *[fmt_money(lookup.get((y, c))) for y in years_held]] for c in spend_cats]
            + [
                [
                    "All categories",
                    *[fmt_money(sum(lookup.get((y, c), 0) for c in spend_cats)) for y in years_held],
                ]
            ],
            description="Bed-nights in the register priced at the agreed weekly cost or the authority's unit costs.",
            definition="mean_weekly_cost_residential_external",
        )
    )

    # Outside the boundary by placement type (SSDA903 PLACE), as Sandwell's strategy reports it.
    by_place = snap.get("outside_by_place", {})
    outside_total = sum(by_place.values())
    blocks.append(
        table(
            "outside-by-place",
            "Placed outside the authority's boundary, by placement type",
            ["Placement type (SSDA903 PLACE)", "Children", "Share"],
            [
                [f"{code} – {PLACE_CODES.get(code, 'Not recorded')}", fmt_int(n), fmt_pct(n, outside_total)]
                for code, n in sorted(by_place.items(), key=lambda kv: -kv[1])
            ],
            numeric_columns=[1, 2],
            description="All children in care on the date (the filters do not apply).",
            definition_url=definition_url("pct_placed_outside_la"),
        )
    )
    return {
        "blocks": blocks,
        "as_at": date_key,
        "total": total,
        "filtered": filtered,
    }


def _short_history_note(overview: dict[str, Any], dates: list[tuple[str, str | None]]) -> str:
    """A sentence naming the stability figures of the key figures that are counted on a short history."""
    start = overview.get("history_start")
    parts = [
        f"{label} ({column})"
        for column, day in dates
        if day
        for measure, _, label in STABILITY_SERIES
        if history_too_short(measure, day, start)
    ]
    if not parts:
        return ""
    return (
        f" Counted on a short history (the register holds no move before {fmt_date(start)}): "
        + ", ".join(parts)
        + "."
    )


STABILITY_SERIES = (
    ("stability_3_plus", "3 or more placements in 12 months (%)", "3 or more placements"),
    ("stability_long_term", "Long-term stability of under 16s (%)", "long-term stability"),
)


def _stability_chart(page: Page, overview: dict[str, Any], date_key: str) -> dict[str, Any]:
    """Stability at each 31 March held and the chosen date. A figure whose look-back reaches before the
    register's history starts cannot count the moves before it (left-censored): its point is an open
    circle, its table row says so, and the note under the chart says why."""
    dates = sorted(k for k in overview["snapshots"] if k.endswith("-03-31") or k == date_key)
    start = overview.get("history_start")
    short = {
        (measure, key): history_too_short(measure, key, start)
        for measure, _, _ in STABILITY_SERIES
        for key in dates
    }
    rows, series = [], []
    for measure, name, _ in STABILITY_SERIES:
        values = [pct(*overview["snapshots"][k].get(measure, [0, 0])) for k in dates]
        series.append({"name": name, "y": values, "mode": "lines+markers"})
    for key in dates:
        data = overview["snapshots"][key]
        a, b = data.get("stability_3_plus", [0, 0]), data.get("stability_long_term", [0, 0])
        notes = [label for measure, _, label in STABILITY_SERIES if short[measure, key]]
        note = (
            f"Short history: {' and '.join(notes)} cannot count moves before {fmt_date(start)}"
            if notes
            else ""
        )
        rows.append([fmt_date(key), fmt_pct(*a), f"{a[0]} of {a[1]}", fmt_pct(*b), f"{b[0]} of {b[1]}", note])
    figure = charts.line_chart([fmt_date(k) for k in dates], series, y_title="% of children")
    for trace, (measure, _, _) in zip(figure["data"], STABILITY_SERIES, strict=True):
        trace["marker"] = {
            "size": 9,
            "color": trace["line"]["color"],
            "symbol": ["circle-open" if short[measure, k] else "circle" for k in dates],
        }
    any_short = any(short.values())
    if any_short:
        figure["data"].append(
            {"type": "scatter", "mode": "markers", "x": [None], "y": [None], "hoverinfo": "skip",
             "name": "Open circle: counted on a short history (see the note)",
             "marker": {"symbol": "circle-open", "size": 9, "color": charts.TEXT}}
        )  # fmt: skip
    description = ""
    if any_short:
        description = (
            f"The register's history starts on {fmt_date(start)}: it holds no move before then. 3 or more "
            "placements looks back 12 months from each date and long-term stability two and a half years, so a "
            "figure whose look-back reaches before that start is counted on a short history and is not "
            "comparable with later years (open circles; the table says which)."
        )
    return chart(
        page,
        "stability",
        "Placement stability",
        figure,
        ["Date", "3+ placements", "Children", "Long-term stability", "Children", "Note"],
        list(reversed(rows)),
        numeric=[1, 2, 3, 4],
        description=description,
        definition="stability_3_plus_placements",
    )


def _drill(page: Page, on: str, category: str, text: str) -> Any:
    url = page.drill_url(on, category)
    return {"text": text, "href": url} if url else text


class OverviewView(DashboardView):
    """An authority's overview dashboard."""

    page_name = "overview"
    page_title = "Children in care: overview"
    sections = ("overview",)
    filter_fields = ("as_at", "age_band", "category", "years")
    template_name = "dashboards/page.html"
    builder = staticmethod(build_overview)
    follows_chosen_date = True

    def figures_on(self, rollup: Any, on: dt.date) -> None:
        rollup.overview = overview_on(authority=self.authority, stored=rollup.overview, on=on)

    def as_at_choices(self, rollup: Any) -> list[tuple[str, str]]:
        return [(key, fmt_date(key)) for key in sorted(rollup.overview.get("snapshots", {}), reverse=True)]
