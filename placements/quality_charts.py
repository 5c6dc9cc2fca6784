"""The data quality page's chart: each import's totals as lines, with the same figures as a table."""

from __future__ import annotations

import json
from typing import Any

import plotly.graph_objects as go

from sufficiency.core.charts import chart_layout

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
    fig.update_layout(**chart_layout(y_title="Rows or children", x_title="Import"))
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
