"""Tables and a chart of the fostering recruitment funnel, in the words fostering services use (every chart
has a table). ``funnel_context(months, start=..., end=...)`` turns funnel months into the context of
templates/placements/supply/includes/_funnel.html."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from typing import Any

import plotly.graph_objects as go

from sufficiency.core.charts import chart_layout

from ..choices import DeregistrationReasonChoices
from .funnel import STAGES, FunnelMonth, funnel_by_route, funnel_summary, monthly_table

ROUTE_LABELS = {"in_house": "In-house", "agency": "Agency"}
NUMERIC = {"numeric": True}
BLUE, GREEN, RED = "#1d70b8", "#00703c", "#d4351c"


def _n(value: Any) -> str:
    return "–" if value is None else f"{value:,}"


def _signed(value: int) -> str:
    return f"+{value:,}" if value > 0 else f"{value:,}"


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}%"


def funnel_context(months: Iterable[FunnelMonth], *, start: dt.date, end: dt.date) -> dict[str, Any]:
    """The period's stages by route, conversions, deregistrations by reason and the month-by-month
    table and chart (routes added together), for the months between ``start`` and ``end``."""
    months = [m for m in months if start <= m.month <= end]
    by_route = funnel_by_route(months)
    routes: list[str] = [r for r in ("in_house", "agency") if r in by_route]
    columns = [{"text": ROUTE_LABELS[r], **NUMERIC} for r in routes]
    if len(routes) > 1:
        by_route["all"] = funnel_summary(months)
        routes.append("all")
        columns.append({"text": "All", **NUMERIC})
    stage_rows = [[label, *[_n(by_route[r][key]) for r in routes]] for key, label in STAGES]
    stage_rows += [
        ["Places approved", *[_n(by_route[r]["approved_places"]) for r in routes]],
        ["De-registrations", *[_n(by_route[r]["deregistrations"]) for r in routes]],
        ["Places lost to de-registration", *[_n(by_route[r]["deregistered_places"]) for r in routes]],
        ["Net gain in households", *[_signed(by_route[r]["net_households"]) for r in routes]],
        ["Net gain in places", *[_signed(by_route[r]["net_places"]) for r in routes]],
        ["Enquiries to approvals", *[_pct(by_route[r]["enquiry_to_approval_pct"]) for r in routes]],
        [
            "Typical days from enquiry to approval",
            *[_n(by_route[r]["days_enquiry_to_approval"]) for r in routes],
        ],
    ]
    conversion_rows = []
    for index, (_, label) in enumerate(STAGES[1:]):
        previous = STAGES[index][1]
        conversion_rows.append(
            [
                f"{previous} to {label.lower()}",
                *[_pct(by_route[r]["conversions"][index]["pct"]) for r in routes],
            ]
        )
    reason_labels = dict(DeregistrationReasonChoices.choices)
    reasons = sorted({k for r in routes for k in by_route[r]["deregistration_reasons"]})
    reason_rows = [
        [reason_labels.get(k, k), *[_n(by_route[r]["deregistration_reasons"].get(k, 0)) for r in routes]]
        for k in reasons
    ]
    table = monthly_table(months)
    month_headers = [
        "Month",
        *[{"text": label, **NUMERIC} for _, label in STAGES],
        {"text": "De-registrations", **NUMERIC},
        {"text": "Net gain in households", **NUMERIC},
    ]
    month_rows = [
        [
            f"{row['month']:%b %Y}",
            *[_n(row[key]) for key, _ in STAGES],
            _n(row["deregistrations"]),
            _signed(row["net_households"]),
        ]
        for row in table
    ]
    labels = [f"{row['month']:%b %Y}" for row in table]
    fig = go.Figure(
        [
            go.Bar(name="Enquiries", x=labels, y=[r["enquiries"] for r in table], marker_color=BLUE),
            go.Scatter(
                name="Approvals",
                x=labels,
                y=[r["approvals"] for r in table],
                mode="lines+markers",
                line={"color": GREEN, "width": 3},
                yaxis="y2",
            ),
            go.Scatter(
                name="De-registrations",
                x=labels,
                y=[r["deregistrations"] for r in table],
                mode="lines+markers",
                line={"color": RED, "width": 3, "dash": "dash"},
                yaxis="y2",
            ),
        ]
    )
    fig.update_layout(
        **chart_layout(
            y_title="Enquiries",
            legend="below",
            margin={"l": 60, "r": 60, "t": 20, "b": 80},
            yaxis2={"title": "Households", "rangemode": "tozero", "overlaying": "y", "side": "right"},
        )
    )
    return {
        "has_data": bool(months),
        "summary": by_route,
        "stage_headers": ["Stage", *columns],
        "stage_rows": stage_rows,
        "conversion_headers": ["Conversion", *columns],
        "conversion_rows": conversion_rows,
        "reason_headers": ["Why households left", *columns],
        "reason_rows": reason_rows,
        "chart": {
            "id": "fostering-recruitment",
            "title": "Enquiries, approvals and de-registrations by month",
            "description": "Enquiries (bars, left scale) against households approved and de-registered "
            "(lines, right scale), all routes.",
            "figure": json.loads(fig.to_json()),
            "table": {
                "headers": month_headers,
                "rows": month_rows,
                "first_cell_is_header": True,
                "caption": "Fostering recruitment by month",
            },
            "table_open": False,
        },
    }
