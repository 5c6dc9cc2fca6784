"""The data quality page's chart: each import's totals as lines, with the same figures as a table."""

from __future__ import annotations

import json
from typing import Any

import plotly.graph_objects as go

SERIES = (
    ("errors", "Rows with an error", "#d4351c"),
    ("warnings", "Rows with a warning", "#f47738"),
    ("repaired", "Rows repaired", "#1d70b8"),
    ("held_back", "Children held back", "#4c2c92"),
)


def quality_trend_chart(quality: dict[str, Any]) -> dict[str, Any] | None:
    """A line per total across the imports shown (oldest first); None with fewer than two imports."""
    reports, totals = quality["reports"], quality["totals"]
    if len(reports) < 2:
        return None
    labels = [f"{r.created_at:%d %b %Y %H:%M}" for r in reports]
    fig = go.Figure()
    for key, name, colour in SERIES:
        fig.add_trace(
            go.Scatter(
                x=labels, y=[t[key] for t in totals], name=name, mode="lines+markers", line={"color": colour}
            )
        )
    # The dashboards' chart style: titled axes kept clear of the edges (automargin), the legend above the
    # plot (below it plotly.js reserves no room and cuts it off), in the order the series are listed.
    fig.update_layout(
        margin={"l": 16, "r": 16, "t": 16, "b": 16, "autoexpand": True},
        height=340,
        font={"family": "Arial, sans-serif", "size": 14, "color": "#0b0c0c"},
        legend={"orientation": "h", "x": 0, "xanchor": "left", "y": 1, "yanchor": "top", "yref": "container",
                "traceorder": "normal"},
        plot_bgcolor="white",
        dragmode=False,
    )  # fmt: skip
    fig.update_xaxes(automargin=True, fixedrange=True, title={"text": "Import", "standoff": 10})
    fig.update_yaxes(
        automargin=True,
        fixedrange=True,
        gridcolor="#cecece",
        rangemode="tozero",
        title={"text": "Rows or children", "standoff": 10},
    )
    return {
        "id": "quality-trend-chart",
        "title": "Problems at each import",
        "description": "Rows breaking a rule, rows repaired and children held back, import by import.",
        "figure": json.loads(fig.to_json()),
        "table": {
            "caption": "Problems at each import",
            "headers": ["Import", *({"text": name, "numeric": True} for _, name, _ in SERIES)],
            "rows": [
                [label, *(f"{t[key]:,}" for key, _, _ in SERIES)]
                for label, t in zip(labels, totals, strict=True)
            ],
            "numeric_columns": [1, 2, 3, 4],
            "first_cell_is_header": True,
        },
    }
