"""Charts and tables of the unmet-need ledger (plotly figures built in Python; every chart has a table).

`ledger_context(result)` turns `selectors.unmet_need_ledger_for_authority(...)` into the context of
templates/placements/finding/includes/_ledger_section.html, which both the ledger page and a board report
can include.
"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from sufficiency.core.charts import chart_layout
from sufficiency.core.formatting import money

from ..choices import DeclinedByChoices, DeclineReasonChoices
from .ledger import KINDS

KIND_HEADINGS = {
    "all": "All requests",
    "fostering": "Fostering preferred",
    "residential": "Residential preferred",
    "supported": "Supported accommodation preferred",
}
#: The ledger's measures as a download names them: words, with the unit where there is one.
MEASURE_HEADINGS = {
    "requests": "Requests",
    "planned": "Planned",
    "emergency": "Emergency",
    "approaches_per_request": "Providers approached per request",
    "offers_per_request": "Offers per request",
    "withdrawn": "Withdrawn",
    "not_placed": "Not placed",
    "placed": "Placed",
    "median_days_to_place": "Median days to place (days)",
    "pct_placed_to_plan": "Placed to plan (%)",
    "foster_preferred_residential_used": "Fostering preferred, residential used (children)",
    "extra_annual_cost": "Extra annual cost (£ a year)",
    "sibling_groups_placed": "Sibling groups placed",
    "sibling_groups_split": "Sibling groups split",
}
COLOURS = {"planned": "#1d70b8", "emergency": "#d4351c", "line": "#00703c", "bar": "#4c2c92"}


def _figure(fig: go.Figure, *, y_title: str, x_title: str = "") -> dict[str, Any]:
    """The figure as a plain dict, in the charts' shared style (``sufficiency.core.charts``)."""
    fig.update_layout(**chart_layout(y_title=y_title, x_title=x_title))
    return json.loads(fig.to_json())


def _fmt(value: Any, kind: str = "") -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "–"
    if kind == "money":
        return money(value)
    if kind == "pct":
        return f"{value:g}%"
    if isinstance(value, float):
        return f"{value:g}"
    return f"{value:,}"


def ledger_context(result: dict[str, Any], *, csv_url: str = "", definition_url: str = "") -> dict[str, Any]:
    """Summary rows, four charts (with tables) and the month-by-kind table of the ledger."""
    monthly: pd.DataFrame = result["monthly"]
    totals = result["totals"]
    everything = monthly.loc[monthly["kind"] == "all"]
    months = [f"{m:%b %Y}" for m in everything["month"]]

    summary = [
        {
            "key": "Requests",
            "value": f"{totals['requests']} ({totals['planned']} planned, {totals['emergency']} emergency)",
        },
        {"key": "Placed", "value": _fmt(totals["placed"])},
        {"key": "Median days to place", "value": _fmt(totals["median_days_to_place"])},
        {"key": "Placed to plan", "value": _fmt(totals["pct_placed_to_plan"], "pct")},
        {
            "key": "Fostering preferred but residential used",
            "value": f"{totals['foster_preferred_residential_used']} children, extra {_fmt(totals['extra_annual_cost'], 'money')} a year",
        },
        {
            "key": "Sibling groups split",
            "value": f"{totals['sibling_groups_split']} of {totals['sibling_groups_placed']} placed",
        },
        {"key": "Providers approached per request", "value": _fmt(totals["approaches_per_request"])},
        {"key": "Offers per request", "value": _fmt(totals["offers_per_request"])},
        {"key": "Not placed", "value": _fmt(totals["not_placed"])},
        {"key": "Withdrawn", "value": _fmt(totals["withdrawn"])},
    ]

    requests_fig = go.Figure(
        [
            go.Bar(
                name="Planned", x=months, y=everything["planned"].tolist(), marker_color=COLOURS["planned"]
            ),
            go.Bar(
                name="Emergency",
                x=months,
                y=everything["emergency"].tolist(),
                marker_color=COLOURS["emergency"],
            ),
        ]
    )
    requests_fig.update_layout(barmode="stack")

    def line(name: str, column: str, colour: str) -> go.Figure:
        return go.Figure(
            [
                go.Scatter(
                    name=name,
                    x=months,
                    y=everything[column].tolist(),
                    mode="lines+markers",
                    line_color=colour,
                )
            ]
        )

    days_fig = line("Median days to place", "median_days_to_place", COLOURS["line"])
    plan_fig = line("% placed to plan", "pct_placed_to_plan", COLOURS["planned"])
    fpru_fig = go.Figure(
        [
            go.Bar(
                name="Fostering preferred, residential used",
                x=months,
                y=everything["foster_preferred_residential_used"].tolist(),
                marker_color=COLOURS["bar"],
            )
        ]
    )
    declines: pd.DataFrame = result["declines"]
    by_reason = (
        declines.groupby("decline_reason")["declines"].sum().sort_values()
        if not declines.empty
        else pd.Series(dtype=int)
    )
    decline_fig = go.Figure(
        [
            go.Bar(
                x=by_reason.tolist(),
                y=[DeclineReasonChoices(r).label for r in by_reason.index],
                orientation="h",
                marker_color=COLOURS["emergency"],
            )
        ]
    )

    def chart(
        chart_id: str,
        title: str,
        fig: go.Figure,
        y_title: str,
        headers: list[Any],
        rows: list[list[Any]],
        description: str,
        x_title: str = "",
    ) -> dict[str, Any]:
        return {
            "id": chart_id,
            "title": title,
            "description": description,
            "figure": _figure(fig, y_title=y_title, x_title=x_title),
            "table": {
                "headers": headers,
                "rows": rows,
                "numeric_columns": list(range(1, len(headers))),
                "first_cell_is_header": True,
            },
            "csv_url": csv_url,
            "definition_url": definition_url,
            "heading_level": 3,
        }

    charts = [
        chart(
            "finding-requests",
            "Placement requests by month",
            requests_fig,
            "Requests",
            ["Month", "Planned", "Emergency", "All"],
            [
                [m, p, e, p + e]
                for m, p, e in zip(months, everything["planned"], everything["emergency"], strict=True)
            ],
            "Requests by the month they were made; emergency includes same-day searches.",
        ),
        chart(
            "finding-days",
            "Median days to place",
            days_fig,
            "Days",
            ["Month", "Placed", "Median days to place"],
            [
                [m, p, _fmt(d)]
                for m, p, d in zip(
                    months, everything["placed"], everything["median_days_to_place"], strict=True
                )
            ],
            "From the request to the placement starting, by the month the child was placed.",
        ),
        chart(
            "finding-plan",
            "Children placed to plan",
            plan_fig,
            "Per cent",
            ["Month", "Placed", "% placed to plan"],
            [
                [m, p, _fmt(v, "pct")]
                for m, p, v in zip(
                    months, everything["placed"], everything["pct_placed_to_plan"], strict=True
                )
            ],
            "The kind of placement made was one the request marked preferred.",
        ),
        chart(
            "finding-fpru",
            "Fostering preferred but residential used",
            fpru_fig,
            "Children",
            ["Month", "Children", "Extra annual cost"],
            [
                [m, n, _fmt(c, "money")]
                for m, n, c in zip(
                    months,
                    everything["foster_preferred_residential_used"],
                    everything["extra_annual_cost"],
                    strict=True,
                )
            ],
            "Extra annual cost at the authority's unit costs: residential less external fostering, times 52.18 weeks.",
        ),
        chart(
            "finding-declines",
            "Why referrals and offers were declined",
            decline_fig,
            "",
            ["Reason", "Declined by", "Declines"],
            [
                [
                    DeclineReasonChoices(r.decline_reason).label,
                    DeclinedByChoices(r.declined_by).label,
                    int(r.declines),
                ]
                for r in declines.itertuples()
            ],
            "Declines recorded in the period, by coded reason and who declined.",
            x_title="Declines",
        ),
    ]
    charts[-1]["table"]["numeric_columns"] = [2]

    table_headers = [
        "Month",
        "Kind",
        {"text": "Requests", "numeric": True},
        {"text": "Planned", "numeric": True},
        {"text": "Emergency", "numeric": True},
        {"text": "Approached per request", "numeric": True},
        {"text": "Offers per request", "numeric": True},
        {"text": "Placed", "numeric": True},
        {"text": "Median days", "numeric": True, "unit": "days"},
        {"text": "Placed to plan", "numeric": True, "unit": "%"},
        {"text": "Fostering preferred, residential used", "numeric": True},
        {"text": "Extra annual cost", "numeric": True, "unit": "£ a year"},
        {"text": "Sibling groups split", "numeric": True},
        {"text": "Not placed", "numeric": True},
    ]
    table_rows = [
        [
            f"{row.month:%b %Y}",
            KIND_HEADINGS[row.kind],
            row.requests,
            row.planned,
            row.emergency,
            _fmt(row.approaches_per_request),
            _fmt(row.offers_per_request),
            row.placed,
            _fmt(row.median_days_to_place),
            _fmt(row.pct_placed_to_plan, "pct"),
            row.foster_preferred_residential_used,
            _fmt(row.extra_annual_cost, "money"),
            f"{row.sibling_groups_split} of {row.sibling_groups_placed}",
            row.not_placed,
        ]
        for row in monthly.itertuples()
        if row.kind in ("all", *KINDS) and (row.kind == "all" or row.requests or row.placed)
    ]
    return {
        "ledger_summary": summary,
        "ledger_charts": charts,
        "ledger_table_headers": table_headers,
        "ledger_table_rows": table_rows,
        "ledger_start": result["start"],
        "ledger_end": result["end"],
        "ledger_csv_url": csv_url,
    }
