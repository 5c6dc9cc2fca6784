"""Static SVG charts for the board report (screen, print and PDF), drawn with matplotlib's Agg backend.

No browser and no network: a Celery worker or a web process can draw them. Each chart is drawn from the
numbers already in the report document (``section["data"]``), so a published report's charts always agree
with its tables. Text stays text in the SVG (``svg.fonttype = none``) in Arial-metric fonts; the SVG carries
a ``<title>`` and every ``<img>`` that shows it carries the builder's alt text. Output is deterministic
(fixed hash salt, no date metadata).
"""

from __future__ import annotations

import datetime as dt
import io
from contextvars import ContextVar
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

# GOV.UK Design System colours (AA contrast on white for the lines and text we draw).
BLUE = "#1d70b8"
DARK_BLUE = "#003078"
LIGHT_BLUE = "#d2e2f1"
MID_BLUE = "#9dc0e2"
GREEN = "#00703c"
YELLOW = "#ffdd00"
RED = "#d4351c"
GREY = "#505a5f"
LIGHT_GREY = "#b1b4b6"
TEXT = "#0b0c0c"


def _font_family() -> str:
    """Liberation Sans (Arial's metrics, Debian fonts-liberation) when installed, else matplotlib's own."""
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in ("Liberation Sans", "Arial") if name in names), "DejaVu Sans")


RC = {
    "font.family": [_font_family()],
    "font.size": 9,
    "axes.edgecolor": LIGHT_GREY,
    "axes.labelcolor": TEXT,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "xtick.color": TEXT,
    "ytick.color": TEXT,
    "svg.fonttype": "none",
    "svg.hashsalt": "sufficiency-board-report",
    "figure.dpi": 100,
}


#: True while `render_charts_png` draws: the drawers then hand back PNG bytes instead of SVG text.
_RASTER: ContextVar[bool] = ContextVar("board_chart_raster", default=False)


def _svg(fig: Any, title: str) -> Any:
    if _RASTER.get():
        png = io.BytesIO()
        fig.savefig(png, format="png", dpi=150, bbox_inches="tight", metadata={"Software": None})
        plt.close(fig)
        return png.getvalue()
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None, "Title": title})
    plt.close(fig)
    return buffer.getvalue()


def _money_axis(value: float, _pos: int) -> str:
    if abs(value) >= 1_000_000:
        return f"£{value / 1_000_000:,.0f}m"
    if abs(value) >= 1_000:
        return f"£{value / 1_000:,.0f}k"
    return f"£{value:,.0f}"


def by_category_chart(data: dict[str, Any], title: str) -> str:
    """Horizontal bars: children in care by type of placement, largest first. A published document's
    ``chart_published`` rows (label, count or None, printed text) draw a suppressed count as no bar,
    labelled with its printed text."""
    published = data.get("chart_published")
    if published is not None:
        rows = [(label, value or 0, text) for label, value, text in reversed(published)]
    else:
        rows = [(label, value, f"{value:,}") for label, value in sorted(data["chart"], key=lambda r: r[1])]
    with plt.rc_context(RC):
        fig, ax = plt.subplots(figsize=(6.8, 0.32 * len(rows) + 0.8))
        labels = [r[0] for r in rows]
        values = [r[1] for r in rows]
        bars = ax.barh(labels, values, color=BLUE, height=0.65)
        ax.bar_label(bars, labels=[r[2] for r in rows], padding=3, fontsize=8.5, color=TEXT)
        ax.set_xlabel("Children in care")
        ax.xaxis.grid(True, color="#e5e5e5")
        ax.set_axisbelow(True)
        ax.margins(x=0.12)
        return _svg(fig, title)


def fan_chart(data: dict[str, Any], title: str) -> str:
    """Actual children in care by month, then the forecast mean with 80% and 95% bands."""
    history = data["fan"]["history"]
    forecast = data["fan"]["forecast"]
    with plt.rc_context(RC):
        fig, ax = plt.subplots(figsize=(6.8, 3.1))
        if forecast:
            days = [dt.date.fromisoformat(r[0]) for r in forecast]
            ax.fill_between(days, [r[4] for r in forecast], [r[5] for r in forecast], color=LIGHT_BLUE,
                            label="95% interval", linewidth=0)  # fmt: skip
            ax.fill_between(days, [r[2] for r in forecast], [r[3] for r in forecast], color=MID_BLUE,
                            label="80% interval", linewidth=0)  # fmt: skip
            ax.plot(days, [r[1] for r in forecast], color=DARK_BLUE, linestyle="--", linewidth=1.6,
                    label="Forecast (mean)")  # fmt: skip
        if history:
            ax.plot([dt.date.fromisoformat(r[0]) for r in history], [r[1] for r in history], color=TEXT,
                    linewidth=1.8, label="Actual")  # fmt: skip
        ax.set_ylabel("Children in care")
        ax.yaxis.grid(True, color="#e5e5e5")
        ax.set_axisbelow(True)
        ax.xaxis.set_major_locator(mdates.YearLocator())
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
        ax.xaxis.set_minor_locator(mdates.MonthLocator(bymonth=(4, 7, 10)))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v:,.0f}"))
        ax.legend(loc="upper left", frameon=False, fontsize=8, ncol=4, bbox_to_anchor=(0, 1.12))
        return _svg(fig, title)


def spend_chart(data: dict[str, Any], title: str) -> str:
    """Bars of actual spend per financial year, then forecast spend with its 80% interval."""
    years = list(data["years"])
    actual = [data["actual_total"].get(y, 0.0) for y in years]
    forecast = data.get("forecast") or []
    with plt.rc_context(RC):
        fig, ax = plt.subplots(figsize=(6.8, 2.9))
        labels = [f"{y}{' (to date)' if data.get('partial_year') and i == len(years) - 1 else ''}"
                  for i, y in enumerate(years)]  # fmt: skip
        ax.bar(range(len(years)), actual, color=BLUE, label="Actual", width=0.6)
        if forecast:
            xs = list(range(len(years), len(years) + len(forecast)))
            means = [f["mean"] for f in forecast]
            errors = [[f["mean"] - f["p10"] for f in forecast], [f["p90"] - f["mean"] for f in forecast]]
            ax.bar(xs, means, color="white", edgecolor=DARK_BLUE, hatch="///", label="Forecast (mean)", width=0.6,
                   yerr=errors, error_kw={"ecolor": TEXT, "capsize": 4, "elinewidth": 1})  # fmt: skip
            labels += [f"{f['financial_year']}\n(forecast)" for f in forecast]
        ax.set_xticks(range(len(labels)), labels, fontsize=8)
        ax.set_ylabel("Spend on placements")
        ax.set_xlabel("Financial year")
        ax.yaxis.set_major_formatter(FuncFormatter(_money_axis))
        ax.yaxis.grid(True, color="#e5e5e5")
        ax.set_axisbelow(True)
        ax.legend(loc="upper left", frameon=False, fontsize=8, ncol=2, bbox_to_anchor=(0, 1.14))
        return _svg(fig, title)


def rag_chart(data: dict[str, Any], title: str) -> str:
    """One stacked bar: measures on target, within tolerance, off target, no data (labelled, not colour
    alone)."""
    counts = data["rag_counts"]
    parts = [("On target", counts.get("green", 0), GREEN, "white"),
             ("Within tolerance", counts.get("amber", 0), YELLOW, TEXT),
             ("Off target", counts.get("red", 0), RED, "white"),
             ("No data", counts.get("no_data", 0), LIGHT_GREY, TEXT)]  # fmt: skip
    with plt.rc_context(RC):
        fig, ax = plt.subplots(figsize=(6.8, 0.9))
        left = 0
        for label, n, colour, ink in parts:
            if not n:
                continue
            ax.barh([0], [n], left=left, color=colour, height=0.6, edgecolor="white")
            ax.text(left + n / 2, 0, f"{label}: {n}", ha="center", va="center", color=ink, fontsize=8.5)
            left += n
        ax.set_xlim(0, max(left, 1))
        ax.axis("off")
        return _svg(fig, title)


def bars_chart(data: dict[str, Any], title: str) -> str:
    """Horizontal bars of figures already printed in a table, in the table's order: ``rows`` of (label,
    value or None, printed text). A suppressed or withheld figure (value None) has no bar and is labelled
    with its printed text, so the chart never shows more than the table."""
    rows = list(reversed(data["rows"]))
    with plt.rc_context(RC):
        fig, ax = plt.subplots(figsize=(6.8, 0.32 * len(rows) + 0.8))
        bars = ax.barh([r[0] for r in rows], [r[1] or 0 for r in rows], color=BLUE, height=0.65)
        ax.bar_label(bars, labels=[r[2] for r in rows], padding=3, fontsize=8.5, color=TEXT)
        ax.set_xlabel(data.get("axis", ""))
        ax.xaxis.grid(True, color="#e5e5e5")
        ax.set_axisbelow(True)
        ax.margins(x=0.15)
        return _svg(fig, title)


DRAWERS = {
    "by_category": by_category_chart,
    "fan": fan_chart,
    "spend": spend_chart,
    "rag": rag_chart,
    "bars": bars_chart,
}


def _chart_data(section: dict[str, Any], chart: dict[str, Any]) -> dict[str, Any]:
    """What a chart is drawn from: a "bars" chart's own rows (``data["bars"][id]``), else the section's data."""
    if chart["kind"] == "bars":
        return section["data"]["bars"][chart["id"]]
    return section["data"]


def render_charts(document: dict[str, Any]) -> dict[str, str]:
    """Every chart the document asks for, as SVG text by chart id."""
    out: dict[str, str] = {}
    for section in document["sections"]:
        for chart in section.get("charts", []):
            out[chart["id"]] = DRAWERS[chart["kind"]](_chart_data(section, chart), chart["title"])
    return out


def render_charts_png(document: dict[str, Any]) -> dict[str, bytes]:
    """Every chart the document asks for as PNG bytes by chart id (for Word documents, which do not all
    show SVG): the same drawings as `render_charts`."""
    token = _RASTER.set(True)
    try:
        return render_charts(document)  # type: ignore[return-value]  # with _RASTER set the drawers return PNG bytes, not SVG text
    finally:
        _RASTER.reset(token)
