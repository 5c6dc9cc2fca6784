"""Plotly figures for the dashboards, built in Python as plain figure dicts.

The dicts follow Plotly's figure schema (``{"data": [...], "layout": {...}}``) and are drawn by
static/js/charts.js from a json_script element. They are written directly, not through
``plotly.graph_objects``, to keep the JSON small and the pages fast: a GOV.UK-coloured template is
applied here once, and only what each chart needs is sent. Every chart also has a table (views).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from placements.choices import JudgementChoices
from sufficiency.core.charts import GRID, TEXT, chart_layout
from sufficiency.core.formatting import money_short_change, whole_change

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

#: Ofsted judgements on every chart: one order (best first) and one colour each, explained beside each
#: chart by `JUDGEMENT_KEY_TEXT`. Blues for Good and better, orange and dark red below it, grey for no
#: grade: a blue-orange split that colour-blind readers can tell apart, each darker towards the extremes,
#: and every colour at least 3:1 against white. Judgements on the other scales are read as the band of
#: the same standing (as `placements.choices` counts them): supported accommodation's outcome 1 as Good,
#: outcome 2 and the earlier framework's Adequate as Requires improvement, outcome 3 and standards not met
#: as Inadequate; inspected within the authority's ILACS and standards met carry no grade.
JUDGEMENT_BANDS = (
    ("outstanding", "Outstanding", "#003078"),
    ("good", "Good", "#1d70b8"),
    ("requires_improvement", "Requires improvement", "#d9480f"),
    ("inadequate", "Inadequate", "#942514"),
    ("not_yet_inspected", "Not yet inspected or not graded", "#8a8a8a"),
)
JUDGEMENT_COLOURS = {key: colour for key, _, colour in JUDGEMENT_BANDS}
JUDGEMENT_BAND_OF = {
    JudgementChoices.OUTSTANDING: "outstanding",
    JudgementChoices.GOOD: "good",
    JudgementChoices.SA_STRONG: "good",
    JudgementChoices.REQUIRES_IMPROVEMENT: "requires_improvement",
    JudgementChoices.SA_INCONSISTENT: "requires_improvement",
    JudgementChoices.ADEQUATE: "requires_improvement",
    JudgementChoices.INADEQUATE: "inadequate",
    JudgementChoices.SA_SERIOUS: "inadequate",
    JudgementChoices.NOT_MET: "inadequate",
    JudgementChoices.NOT_YET_INSPECTED: "not_yet_inspected",
    JudgementChoices.ILACS: "not_yet_inspected",
    JudgementChoices.MET: "not_yet_inspected",
}
#: Children's placements grouped by the judgement of their setting (the overview and gap pages): the same
#: colours as the bands they gather; a setting Ofsted does not register is no judgement at all.
QUALITY_COLOURS = {
    "good_or_better": JUDGEMENT_COLOURS["good"],
    "below_good": JUDGEMENT_COLOURS["requires_improvement"],
    "not_yet_judged": JUDGEMENT_COLOURS["not_yet_inspected"],
    "not_registered": "#505a5f",
}
JUDGEMENT_KEY_TEXT = (
    "Ofsted judgements are in the same order and colours on every chart: Outstanding dark blue, Good blue, "
    "Requires improvement orange, Inadequate dark red, not yet inspected or not graded grey."
)
BAND_80 = "rgba(29, 112, 184, 0.35)"
BAND_95 = "rgba(29, 112, 184, 0.15)"
MODEBAR_BUTTONS = (
    "toImage", "zoom2d", "pan2d", "select2d", "lasso2d", "zoomIn2d", "zoomOut2d", "autoScale2d", "resetScale2d",
    "hoverClosestCartesian", "hoverCompareCartesian", "toggleSpikelines", "toggleHover", "resetViews",
)  # fmt: skip


def _axis_title(text: str) -> dict[str, Any]:
    return {"text": text, "standoff": 10}


def _layout(*, y_title: str = "", x_title: str = "", height: int = 340, **extra: Any) -> dict[str, Any]:
    """The shared layout (``sufficiency.core.charts``) with the dashboards' palette, axis lines, one hover
    label per x and no mode bar. The container's width comes from CSS (charts.js sets ``autosize``)."""
    layout = chart_layout(y_title=y_title, x_title=x_title, height=height)
    layout["colorway"] = list(PALETTE)
    layout["paper_bgcolor"] = "#ffffff"
    layout["xaxis"].update(gridcolor=GRID, linecolor=TEXT)
    layout["yaxis"]["linecolor"] = TEXT
    layout["hovermode"] = "x unified"
    # Static charts: no zoom or pan (page scrolling on phones stays smooth) and no mode bar, whose
    # 24px buttons fail WCAG 2.2 target size. Every chart's data is in its table and CSV instead.
    layout["modebar"] = {"remove": list(MODEBAR_BUTTONS)}
    layout.update(extra)
    return layout


def _whole_children(layout: dict[str, Any], data: Sequence[dict[str, Any]] = ()) -> dict[str, Any]:
    """Counts of children read in whole numbers: a forecast mean of 632.2 is shown as 632 when hovered
    (the tables round the same way), and an axis of a few children ticks 0, 1, 2, never 0.5 (plotly.js's
    own steps for a small range)."""
    layout["yaxis"]["hoverformat"] = ",.0f"
    values = [v for trace in data for v in (trace.get("y") or []) if isinstance(v, int | float)]
    if layout.get("barmode") == "stack":  # stacked bars reach the sum of their parts
        bars = [t.get("y") or [] for t in data if t.get("type") == "bar"]
        values += [sum(v or 0 for v in column) for column in zip(*bars, strict=False)]
    if values and max(values) < 8:
        layout["yaxis"].update(tickmode="linear", tick0=0, dtick=1, tickformat=",d")
    return layout


def with_layout(data: list[dict[str, Any]], layout: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """A figure of these traces on a layout from `_layout`, with whole-children ticks fitted to the data
    when the layout counts children (see `_whole_children`)."""
    layout = {**layout, **extra}
    if layout["yaxis"].get("hoverformat") == ",.0f":
        _whole_children(layout, data)
    return {"data": data, "layout": layout}


def _nice_at_least(value: float) -> float:
    """The smallest round step (1, 2, 2.5 or 5 times a power of ten; 2.5 only from 25, so counts keep whole
    ticks; never below 1) that is at least `value`."""
    if value <= 1:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for factor in (1, 2, 2.5, 5, 10):
        step = factor * power
        if step >= value and (factor != 2.5 or power >= 10):
            return float(step)
    return float(10 * power)  # pragma: no cover - the loop always returns


def nice_step(span: float, intervals: int = 5) -> float:
    """A round tick step giving at most about `intervals` steps over `span`."""
    return _nice_at_least(span / intervals) if span > 0 else 1.0


def aligned_axes(left_top: float, right_top: float) -> tuple[dict[str, Any], dict[str, Any]]:
    """Tick settings for two y axes from zero that share their grid: each axis gets round whole-number
    steps and both the same number of steps (3 to 8, whichever wastes least room above the data), so
    every gridline lines up with a tick of each axis."""
    left_top, right_top = left_top * 1.04, right_top * 1.04  # a little room above the highest value
    best: tuple[float, int, float, float] | None = None
    for steps in range(3, 9):
        left, right = _nice_at_least(left_top / steps), _nice_at_least(right_top / steps)
        waste = steps * left / max(left_top, 1) + steps * right / max(right_top, 1)
        if best is None or waste < best[0] - 1e-9:
            best = (waste, steps, left, right)
    assert best is not None
    _, steps, left, right = best
    return (
        {"tickmode": "linear", "tick0": 0, "dtick": left, "range": [0, steps * left], "tickformat": ",d"},
        {"tickmode": "linear", "tick0": 0, "dtick": right, "range": [0, steps * right], "tickformat": ",d"},
    )


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
    return {"data": data, "layout": _whole_children(_layout(y_title=y_title, height=height), data)}


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
    return {"data": data, "layout": _whole_children(_layout(y_title="Children in care", height=height), data)}


def difference_chart(
    labels: Sequence[str],
    series: Sequence[dict[str, Any]],
    *,
    y_title: str,
    money: bool = False,
    x_title: str = "",
    height: int = 360,
) -> dict[str, Any]:
    """Bars of a difference from a reference (scenario minus baseline) per label: ``series`` is a list of
    {"name", "values"}. Zero is drawn as a firm line: bars above it are more than the reference, below
    it less. Ticks and hover text are signed and round: whole children (+12, -8) or spend (+£1.2m)."""
    label = money_short_change if money else whole_change
    figure = bar_chart(labels, series, x_title=x_title, y_title=y_title, height=height)
    for trace in figure["data"]:
        trace["customdata"] = [label(v) for v in trace["y"]]
        trace["hovertemplate"] = "%{customdata}"
    values = [v for s in series for v in s["values"] if v is not None]
    low, high = min([0.0, *values]), max([0.0, *values])
    step = nice_step(high - low, 4)
    first, last = math.floor(low / step), math.ceil(high / step)
    ticks = [i * step for i in range(first, max(last, first + 1) + 1)]
    layout = figure["layout"]
    layout["showlegend"] = True
    layout["hovermode"] = "x unified"
    layout["yaxis"].update(
        rangemode="normal",
        range=[ticks[0], ticks[-1]],
        tickmode="array",
        tickvals=ticks,
        ticktext=[label(t) for t in ticks],
        zeroline=True,
        zerolinecolor=TEXT,
        zerolinewidth=2,
    )
    return figure


def dual_axis_chart(
    x: Sequence[Any],
    line: dict[str, Any],
    bars: Sequence[dict[str, Any]],
    *,
    line_title: str,
    bar_title: str,
    height: int = 400,
) -> dict[str, Any]:
    """A line on the left axis over grouped bars on the right axis (a stock and its monthly flows): each
    axis titled, both with whole round ticks on one shared grid (`aligned_axes`), both kept clear of the
    edges (automargin). The line's axis overlays the bars' axis, so the line is drawn on top of them.
    ``line`` is {"name", "y"}; ``bars`` a list of {"name", "y"}."""
    left_top = max([v for v in line["y"] if v is not None] or [0])
    right_top = max([v for b in bars for v in b["y"] if v is not None] or [0])
    left, right = aligned_axes(left_top, right_top)
    data: list[dict[str, Any]] = [
        {
            "type": "scatter",
            "mode": "lines",
            "name": line["name"],
            "x": list(x),
            "y": list(line["y"]),
            "yaxis": "y2",
            "line": {"color": PALETTE[0], "width": 3},
        }
    ]
    colours = (PALETTE[2], PALETTE[1], *PALETTE[3:])
    for i, b in enumerate(bars):
        data.append(
            {"type": "bar", "name": b["name"], "x": list(x), "y": list(b["y"]),
             "marker": {"color": colours[i % len(colours)]}}
        )  # fmt: skip
    layout = _layout(height=height)
    layout["barmode"] = "group"
    # The bars' axis (the base, on the right) draws the grid, beneath everything; the line's axis (left)
    # overlays it with the same number of steps, so its ticks sit on the same gridlines.
    layout["yaxis"].update(right, side="right", title=_axis_title(bar_title), showgrid=True)
    layout["yaxis2"] = {
        **left,
        "title": _axis_title(line_title),
        "side": "left",
        "overlaying": "y",
        "showgrid": False,
        "linecolor": TEXT,
        "automargin": True,
        "fixedrange": True,
    }
    return {"data": data, "layout": layout}


#: Charts that set an authority beside others: the viewer's own authority in blue, outlined, named "(your
#: authority)"; other authorities in grey; the region's and England's figures (comparators) in dark grey.
#: (Not bold: plotly.js writes <b> in a label as a style attribute, which the Content Security Policy
#: refuses.)
OWN_COLOUR = PALETTE[0]
OTHER_COLOUR = "#8a8a8a"
COMPARATOR_COLOUR = "#505a5f"
OWN_SUFFIX = " (your authority)"
OWN_KEY_TEXT = "Your authority is in blue and outlined; other authorities are in grey, the region and England in dark grey."


def highlight_own(
    figure: dict[str, Any], labels: Sequence[str], own: Sequence[bool], *, comparators: Sequence[str] = ()
) -> dict[str, Any]:
    """Mark the viewer's own authority in a bar chart of areas (``labels``, one flag each in ``own``):
    its bars outlined and its name marked on the category axis in every series; in a single-series
    chart, bars coloured own, other authority or comparator (the labels in ``comparators``)."""
    horizontal = any(t.get("orientation") == "h" for t in figure["data"])
    axis = figure["layout"]["yaxis" if horizontal else "xaxis"]
    axis.update(
        tickmode="array",
        tickvals=list(labels),
        ticktext=[name + OWN_SUFFIX if mine else name for name, mine in zip(labels, own, strict=True)],
    )
    single = len(figure["data"]) == 1
    for trace in figure["data"]:
        marker = trace.setdefault("marker", {})
        marker["line"] = {"color": TEXT, "width": [3 if mine else 0 for mine in own]}
        if single:
            marker["color"] = [
                OWN_COLOUR if mine else COMPARATOR_COLOUR if name in comparators else OTHER_COLOUR
                for name, mine in zip(labels, own, strict=True)
            ]
    return figure
