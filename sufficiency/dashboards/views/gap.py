"""Sufficiency gap: forecast demand against in-house, block and local capacity by kind of place and year;
local capacity and who uses it; the current position; and where the authority's children live."""

from __future__ import annotations

from typing import Any

from forecasting.gap import GAP_GROUP_BY_KEY, GAP_GROUPS, GROUP_OF_CATEGORY, GROUP_OF_PROVISION
from placements.reference_data import ofsted_provenance_text
from sufficiency.core.suppression import SUPPRESSION_THRESHOLD

from .. import charts
from .base import DashboardView, Page, category_label, chart, fmt_int, fmt_num, fmt_pct, table

#: Said once at the top of the gap page: what in-house foster care capacity counts.
USABLE_PLACES_SENTENCE = (
    "In-house foster care counts usable places (places approved less those not available because of a carer's "
    "break, an investigation, the carer's own children, a young person staying put or places held for a sibling "
    "group), not approved places. Beside them is the expected turnover: the places expected to come free in the "
    "next 12 months, taken as the in-house fostering placements that ended in the last 12 months."
)


def _group_filter(page: Page) -> list[str]:
    category = page.filters["category"]
    if category and category in GROUP_OF_CATEGORY:
        return [GROUP_OF_CATEGORY[category]]
    return [g.key for g in GAP_GROUPS]


def _withheld_groups(page: Page, local: dict[str, dict[str, Any]]) -> set[str]:
    """Kinds of place whose count of other authorities' children is not shown: the sum of the named
    homes' counts (market page) is withheld whenever one of them is suppressed there (1 to 4), or would
    itself be a small count; with it go the free places and the shortfall built on it."""
    market = page.rollup.market or {}
    columns = market.get("columns", [])
    withheld = set()
    for row in market.get("rows", []):
        home = dict(zip(columns, row, strict=True))
        if 0 < (home.get("used_others") or 0) < SUPPRESSION_THRESHOLD:
            withheld.add(GROUP_OF_PROVISION.get(home.get("provision_type"), ""))
    for key, row in local.items():
        if 0 < (row.get("used_others") or 0) < SUPPRESSION_THRESHOLD:
            withheld.add(key)
    return withheld


def _c(value: Any, hidden: bool, fmt: Any = fmt_int) -> str:
    return "c" if hidden else fmt(value)


def build_gap(page: Page) -> dict[str, Any]:
    gap = page.rollup.gap
    as_at = gap.get("as_at") or (page.rollup.as_at.isoformat() if page.rollup.as_at else "")
    if not gap:
        return {"blocks": [{"kind": "inset", "text": "The gap has not been computed yet."}], "as_at": as_at}
    groups = _group_filter(page)
    values = [v for v in gap.get("values", []) if v["group"] in groups]
    blocks: list[dict[str, Any]] = [{"kind": "inset", "text": USABLE_PLACES_SENTENCE}]
    local = {row["group"]: row for row in gap.get("local", [])}
    share_local = gap.get("share_local", {})
    withheld = _withheld_groups(page, local)

    # Headline statements, in the words strategies use (Staffordshire: "3.5x ... but used only 36%").
    statements = []
    first_year = min((v["financial_year"] for v in gap.get("values", [])), default=None)
    for key in groups:
        group = GAP_GROUP_BY_KEY[key]
        row = next((v for v in values if v["group"] == key and v["financial_year"] == first_year), None)
        used = share_local.get(key, {"children": 0, "local": 0})
        loc = local.get(key, {})
        if not used["children"] and not (row and row["demand_mean"]):
            continue
        if key == "fostering":  # foster carers are not Ofsted-registered settings: count usable places
            usable = (gap.get("capacity") or {}).get("inhouse_fostering_places")
            turnover = (gap.get("capacity") or {}).get("inhouse_fostering_turnover")
            parts = [f"{group.label}: {fmt_int(usable)} usable in-house places"]
            if turnover is not None:  # gaps computed before turnover was kept do not have it
                parts[0] += f", and an expected turnover of {fmt_int(turnover)} in the next 12 months"
        else:
            parts = [
                f"{group.label}: {fmt_int(loc.get('places'))} local places in {fmt_int(loc.get('settings'))} settings"
            ]
        if row and row["local_cover"] is not None and loc.get("places"):
            parts.append(
                f"{fmt_num(row['local_cover'])} times the {fmt_int(row['demand_mean'])} children forecast for 31 March {int(first_year[:4]) + 1}"
            )
        parts.append(
            f"other authorities' children fill {_c(loc.get('used_others'), key in withheld)}; "
            f"{fmt_pct(used['local'], used['children'])} of your {fmt_int(used['children'])} "
            f"{_children(used['children'])} in this kind of place live inside your area or within 20 miles of home"
        )
        statements.append({"key": group.label, "value": "; ".join(parts).split(": ", 1)[1]})
    if statements:
        blocks.append({"kind": "summary", "title": "Local sufficiency at a glance", "rows": [
            {"key": s["key"], "value": s["value"]} for s in statements
        ]})  # fmt: skip

    # Demand against capacity by year.
    years = sorted({v["financial_year"] for v in values})
    gap_rows = []
    for v in values:
        group = GAP_GROUP_BY_KEY[v["group"]]
        gap_rows.append(
            [
                f"{group.label}, {v['financial_year']}",
                fmt_int(v["demand_mean"]),
                fmt_int(v["demand_p90"]),
                fmt_int(v["inhouse_places"]),
                fmt_int(v["block_beds"]),
                fmt_int(v["external_mean"]),
                "–" if v["external_share"] is None else f"{v['external_share']:.1f}%",
                fmt_int(v["local_places"]),
                _c(v["local_used_others"], v["group"] in withheld),
                _c(v["local_shortfall"], v["group"] in withheld),
            ]
        )
    focus = groups[0] if len(groups) == 1 else "residential"
    focus_values = [v for v in gap.get("values", []) if v["group"] == focus]
    blocks.append({"kind": "heading", "text": "Demand against capacity"})
    blocks.append(
        chart(
            page,
            "demand-capacity",
            f"{GAP_GROUP_BY_KEY[focus].label}: forecast demand against capacity",
            charts.with_layout(
                [
                    {
                        "type": "bar",
                        "name": "In-house places",
                        "x": [v["financial_year"] for v in focus_values],
                        "y": [v["inhouse_places"] for v in focus_values],
                        "marker": {"color": charts.PALETTE[2]},
                    },
                    {
                        "type": "bar",
                        "name": "Block-contracted beds",
                        "x": [v["financial_year"] for v in focus_values],
                        "y": [v["block_beds"] for v in focus_values],
                        "marker": {"color": charts.PALETTE[5]},
                    },
                    {
                        "type": "bar",
                        "name": "To buy externally (mean)",
                        "x": [v["financial_year"] for v in focus_values],
                        "y": [v["external_mean"] for v in focus_values],
                        "marker": {"color": charts.PALETTE[1]},
                    },
                    {
                        "type": "scatter",
                        "mode": "lines+markers",
                        "name": "Demand, 90th percentile",
                        "x": [v["financial_year"] for v in focus_values],
                        "y": [v["demand_p90"] for v in focus_values],
                        "line": {"color": charts.TEXT, "dash": "dash", "width": 2},
                    },
                ],
                charts._whole_children(charts._layout(y_title="Children / places", height=360)),
                barmode="stack",
                hovermode="closest",
            ),
            [
                "Kind of place and financial year",
                "Demand (mean)",
                "Demand (90th percentile)",
                "In-house places",
                "Block beds",
                "To buy externally",
                "External share",
                "Local places",
                "Local places used by others",
                "Local shortfall",
            ],
            gap_rows,
            description="Demand is the forecast number of children at 31 March of each year. In-house capacity is "
            "today's; block beds those in force at that date. The table covers every kind of place shown.",
            definition="children_in_residential",
        )  # fmt: skip
    )
    if not years:
        blocks.append(
            {"kind": "inset", "text": "No forecast yet: demand by year appears after the first forecast."}
        )

    # Local capacity and who uses it.
    local_rows = []
    ours, others, free, labels = [], [], [], []
    for key in groups:
        row = local.get(key)
        if not row:
            continue
        used = share_local.get(key, {"children": 0, "local": 0})
        labels.append(GAP_GROUP_BY_KEY[key].label)
        ours.append(row["used_ours"])
        others.append(None if key in withheld else row["used_others"])
        free.append(None if key in withheld else row["free"])
        local_rows.append(
            [GAP_GROUP_BY_KEY[key].label, fmt_int(row["settings"]), fmt_int(row["places"]), fmt_int(row["used_ours"]),
             _c(row["used_others"], key in withheld), _c(row["free"], key in withheld), fmt_int(used["children"]),
             fmt_pct(used["local"], used["children"])]
        )  # fmt: skip
    blocks.append({"kind": "heading", "text": "Local capacity and who uses it"})
    blocks.append(
        chart(
            page,
            "local",
            "Places in settings inside the area or within 20 miles, and who fills them",
            charts.bar_chart(
                labels,
                [
                    {"name": "Your children", "values": ours},
                    {"name": "Other authorities' children", "values": others},
                    {"name": "Not filled", "values": free, "color": charts.GRID},
                ],
                horizontal=True,
                stacked=True,
                x_title="Registered places",
            ),
            [
                "Kind of place",
                "Settings",
                "Places",
                "Your children",
                "Others' children",
                "Not filled",
                "Your children in this kind of place",
                "% of them living locally",
            ],
            local_rows,
            description="Ofsted does not publish places for fostering agencies, so foster care shows children, not "
            "places. 'Locally' means inside your boundary or within 20 miles of home.",
            definition="pct_placed_outside_la",
        )  # fmt: skip
    )

    # Current position by category.
    current = [row for row in gap.get("current", []) if row["children"]]
    if page.filters["category"]:
        current = [row for row in current if row["category"] == page.filters["category"]]
    blocks.append({"kind": "heading", "text": "Where children are placed now"})
    blocks.append(
        chart(
            page,
            "current",
            "Children placed far from home, outside the boundary, or in settings below Good",
            charts.bar_chart(
                [category_label(r["category"]) for r in current],
                [
                    {
                        "name": "Over 20 miles",
                        "values": [r["over_20_miles"] for r in current],
                        "color": charts.PALETTE[3],
                    },
                    {
                        "name": "Outside the boundary",
                        "values": [r["outside_la"] for r in current],
                        "color": charts.PALETTE[5],
                    },
                    {
                        "name": "In settings judged Requires improvement or Inadequate",
                        "values": [r["below_good"] for r in current],
                        "color": charts.QUALITY_COLOURS["below_good"],
                    },
                ],
                horizontal=True,
                x_title="Children in care",
            ),
            [
                "Placement category",
                "Children",
                "Over 20 miles",
                "% over 20 miles",
                "Outside the boundary",
                "% outside",
                "In settings judged Requires improvement or Inadequate",
            ],
            [
                [
                    _drill(page, as_at, r["category"]),
                    fmt_int(r["children"]),
                    fmt_int(r["over_20_miles"]),
                    fmt_pct(r["over_20_miles"], r["distance_known"]),
                    fmt_int(r["outside_la"]),
                    fmt_pct(r["outside_la"], r["boundary_known"]),
                    fmt_int(r["below_good"]),
                ]
                for r in current
            ],
            definition="children_in_settings_below_good",
        )  # fmt: skip
    )

    # Where our children live, by placement authority (map-free).
    columns = gap.get("where_columns", [])
    where = [dict(zip(columns, row, strict=True)) for row in gap.get("where", [])]
    if page.filters["category"]:
        where = [w for w in where if w["category"] == page.filters["category"]]
    by_la: dict[tuple[str, str], dict[str, int]] = {}
    for w in where:
        entry = by_la.setdefault(
            (w["la_code"], w["la_name"]), {"children": 0, "over": 0, "fostering": 0, "residential": 0}
        )
        entry["children"] += w["children"]
        entry["over"] += w["over_20_miles"]
        group = GROUP_OF_CATEGORY.get(w["category"])
        if group in ("fostering", "residential"):
            entry[group] += w["children"]
    total = sum(e["children"] for e in by_la.values())
    ordered = sorted(by_la.items(), key=lambda kv: (-kv[1]["children"], kv[0][1]))
    blocks.append(
        table(
            "where",
            "Where your children live, by the authority area of the placement",
            [
                "Placement authority",
                "Children",
                "Share",
                "In foster care",
                "In children's homes",
                "Over 20 miles",
            ],
            [
                [
                    ("Your area: " if code == page.authority.dfe_code else "") + name,
                    fmt_int(e["children"]),
                    fmt_pct(e["children"], total),
                    fmt_int(e["fostering"]),
                    fmt_int(e["residential"]),
                    fmt_int(e["over"]),
                ]
                for (code, name), e in ordered
            ],
            numeric_columns=[1, 2, 3, 4, 5],
            description="'Not known' means the placement postcode was missing or could not be found.",
            definition_url=None,
        )  # fmt: skip
    )
    # Registered places come from the national Ofsted register: say where its values came from.
    blocks.append({"kind": "text", "key": "ofsted-provenance", "text": ofsted_provenance_text()})
    return {"blocks": blocks, "as_at": as_at}


def _children(n: float) -> str:
    return "child" if round(n) == 1 else "children"


def _drill(page: Page, on: str, category: str) -> Any:
    url = page.drill_url(on, category)
    label = category_label(category)
    return {"text": label, "href": url} if url else label


class GapView(DashboardView):
    """An authority's sufficiency gap dashboard."""

    page_name = "gap"
    page_title = "Sufficiency gap"
    sections = ("gap", "market")
    filter_fields = ("category",)
    template_name = "dashboards/page.html"
    builder = staticmethod(build_gap)
