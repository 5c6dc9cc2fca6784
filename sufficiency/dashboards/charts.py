"""Plotly figures for the dashboards, built in Python as plain figure dicts.

The dicts follow Plotly's figure schema (``{"data": [...], "layout": {...}}``) and are drawn by
static/js/charts.js from a json_script element. They are written directly, not through
``plotly.graph_objects``, to keep the JSON small and the pages fast: a GOV.UK-coloured template is
applied here once, and only what each chart needs is sent. Every chart also has a table (views).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

#: GOV.UK Design System colours, in the order a chart's series take them (distinct for colour blindness
#: as far as a palette of this size allows; every chart also has a table).
PALETTE = (
    "#1d70b8",  # blue
    "#f47738",  # orange
    "#00703c",  # green
    "#4c2c92",  # purple
    "#d4351c",  # red
    "#28a197",  # turquoise
    "#d53880",  # pink
    "#505a5f",  # dark grey
    "#b58840",  # brown
    "#6f72af",  # light purple
    "#003078",  # dark blue
    "#85994b",  # light green
)
TEXT = "#0b0c0c"
GRID = "#cecece"
BAND_80 = "rgba(29, 112, 184, 0.35)"
BAND_95 = "rgba(29, 112, 184, 0.15)"
MODEBAR_BUTTONS = (
    "toImage", "zoom2d", "pan2d", "select2d", "lasso2d", "zoomIn2d", "zoomOut2d", "autoScale2d", "resetScale2d",
    "hoverClosestCartesian", "hoverCompareCartesian", "toggleSpikelines", "toggleHover", "resetViews",
)  # fmt: skip


def _layout(*, y_title: str = "", x_title: str = "", height: int = 340, **extra: Any) -> dict[str, Any]:
    layout: dict[str, Any] = {
        "font": {"family": "Arial, sans-serif", "size": 14, "color": TEXT},
        "colorway": list(PALETTE),
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "height": height,
        "margin": {"l": 56, "r": 16, "t": 48, "b": 40},
        # Legend above the plot: below it, plotly.js does not reserve room and it is cut off.
        "legend": {"orientation": "h", "x": 0, "y": 1.02, "xanchor": "left", "yanchor": "bottom"},
        # Axis titles are left out: plotly.js misplaces rotated titles when it draws into a container sized
        # by CSS. Each chart's heading and table headers give the units.
        "xaxis": {"gridcolor": GRID, "linecolor": TEXT, "automargin": True},
        "yaxis": {
            "gridcolor": GRID,
            "linecolor": TEXT,
            "rangemode": "tozero",
            "automargin": True,
        },
        "hovermode": "x unified",
        # Static charts: no zoom or pan (page scrolling on phones stays smooth) and no mode bar, whose
        # 24px buttons fail WCAG 2.2 target size. Every chart's data is in its table and CSV instead.
        "dragmode": False,
        "modebar": {"remove": list(MODEBAR_BUTTONS)},
    }
    layout["xaxis"]["fixedrange"] = True
    layout["yaxis"]["fixedrange"] = True
    layout.update(extra)
    return layout


def line_chart(
    x: Sequence[Any], series: Sequence[dict[str, Any]], *, y_title: str = "", height: int = 340
) -> dict[str, Any]:
    """Lines over time: ``series`` is a list of {"name", "y", optional "dash", "mode", "type"}."""
    data = []
    for i, s in enumerate(series):
        trace: dict[str, Any] = {
            "type": s.get("type", "scatter"),
            "mode": s.get("mode", "lines"),
            "name": s["name"],
            "x": list(x),
            "y": list(s["y"]),
            "line": {"color": PALETTE[i % len(PALETTE)], "width": 2, "dash": s.get("dash", "solid")},
        }
        if trace["type"] == "bar":
            trace.pop("mode")
            trace.pop("line")
            trace["marker"] = {"color": PALETTE[i % len(PALETTE)]}
        data.append(trace)
    return {"data": data, "layout": _layout(y_title=y_title, height=height)}


def bar_chart(
    labels: Sequence[str],
    series: Sequence[dict[str, Any]],
    *,
    horizontal: bool = False,
    stacked: bool = False,
    x_title: str = "",
    y_title: str = "",
    height: int | None = None,
) -> dict[str, Any]:
    """Bars per label: ``series`` is a list of {"name", "values"} (one series: no legend)."""
    data = []
    for i, s in enumerate(series):
        values = list(s["values"])
        trace: dict[str, Any] = {
            "type": "bar",
            "name": s["name"],
            "marker": {"color": s.get("color", PALETTE[i % len(PALETTE)])},
        }
        if horizontal:
            trace.update(orientation="h", y=list(labels), x=values)
        else:
            trace.update(x=list(labels), y=values)
        data.append(trace)
    if height is None:
        height = max(260, 34 * len(labels) + 90) if horizontal else 340
    layout = _layout(x_title=x_title, y_title=y_title, height=height, hovermode="closest")
    layout["barmode"] = "stack" if stacked else "group"
    layout["showlegend"] = len(series) > 1
    if horizontal:
        layout["yaxis"].update(autorange="reversed", rangemode="normal")
        layout["xaxis"]["rangemode"] = "tozero"
        layout["margin"]["l"] = 16
    return {"data": data, "layout": layout}


def fan_chart(
    months: Sequence[str],
    bands: dict[str, Sequence[float]],
    *,
    actual_months: Sequence[str] = (),
    actual: Sequence[float] = (),
    y_title: str = "Children in care",
    height: int = 360,
) -> dict[str, Any]:
    """A forecast fan: the 95% and 80% intervals as shaded bands, the mean as a line, and the recent
    actual figures as a second line. ``bands`` holds mean, p10, p90, p2_5 and p97_5."""
    x = list(months)
    data: list[dict[str, Any]] = [
        {"type": "scatter", "mode": "lines", "x": x, "y": list(bands["p97_5"]), "line": {"width": 0},
         "hoverinfo": "skip", "showlegend": False, "name": "95% upper"},
        {"type": "scatter", "mode": "lines", "x": x, "y": list(bands["p2_5"]), "fill": "tonexty",
         "fillcolor": BAND_95, "line": {"width": 0}, "name": "95% interval"},
        {"type": "scatter", "mode": "lines", "x": x, "y": list(bands["p90"]), "line": {"width": 0},
         "hoverinfo": "skip", "showlegend": False, "name": "80% upper"},
        {"type": "scatter", "mode": "lines", "x": x, "y": list(bands["p10"]), "fill": "tonexty",
         "fillcolor": BAND_80, "line": {"width": 0}, "name": "80% interval"},
        {"type": "scatter", "mode": "lines", "x": x, "y": list(bands["mean"]), "name": "Forecast (mean)",
         "line": {"color": PALETTE[0], "width": 2}},
    ]  # fmt: skip
    if actual_months:
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "x": list(actual_months),
                "y": list(actual),
                "name": "Actual",
                "line": {"color": TEXT, "width": 2},
            }
        )
    return {"data": data, "layout": _layout(y_title=y_title, height=height)}


def backtest_chart(series: dict[str, Any], *, height: int = 300) -> dict[str, Any]:
    """What the method forecast from an earlier date (mean and 80% interval) against what happened."""
    x = series["months"]
    data = [
        {"type": "scatter", "mode": "lines", "x": x, "y": series["p90"], "line": {"width": 0},
         "hoverinfo": "skip", "showlegend": False, "name": "80% upper"},
        {"type": "scatter", "mode": "lines", "x": x, "y": series["p10"], "fill": "tonexty", "fillcolor": BAND_80,
         "line": {"width": 0}, "name": "80% interval"},
        {"type": "scatter", "mode": "lines", "x": x, "y": series["mean"], "name": "Forecast then (mean)",
         "line": {"color": PALETTE[0], "width": 2, "dash": "dash"}},
        {"type": "scatter", "mode": "lines+markers", "x": x, "y": series["actual"], "name": "Actual",
         "line": {"color": TEXT, "width": 2}, "marker": {"size": 5}},
    ]  # fmt: skip
    return {"data": data, "layout": _layout(y_title="Children in care", height=height)}
