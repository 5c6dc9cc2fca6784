"""Charts that read right: scenarios as differences from the baseline, dual-axis trends with titled axes
and round shared ticks, and plotly.js kept from adding inline styles under the Content Security Policy.

Built from hand-made figures (no database): each test fails if the chart goes back to what was wrong.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from sufficiency.core.formatting import money_short_change, whole_change
from sufficiency.dashboards import charts
from sufficiency.dashboards.views.base import Page
from sufficiency.dashboards.views.forecast import build_forecast, scenario_differences

ROOT = Path(__file__).resolve().parents[2]


# --- plotly.js under the Content Security Policy ----------------------------------------------------------
def test_chart_scripts_keep_plotly_from_adding_style_elements():
    """plotly.js adds a <style> element unless the page holds an element with the ids it looks for: its own
    stylesheet (class no-inline-styles) and the map library's, whose id is fixed inside the bundle."""
    include = (ROOT / "templates/includes/govuk/chart_scripts.html").read_text()
    bundle = (ROOT / "static/vendor/plotly-basic.min.js").read_text()
    guards = set(re.findall(r'if\(!document\.getElementById\("([0-9a-f]{64})"\)\)', bundle))
    assert guards, "the bundle's map stylesheet guard was not found: check how it adds its <style>"
    for guard in guards:
        assert f'id="{guard}"' in include
    assert 'id="plotly.js-style-global" class="no-inline-styles"' in include
    assert re.search(r'matches\("\.no-inline-styles"\)', bundle)
    css = (ROOT / "static/css/plotly.css").read_text()
    assert ".js-plotly-plot .plotly .main-svg{position:absolute" in css
    # Every chart page loads plotly.js through that include: none loads a bundle of its own.
    for template in (ROOT / "templates").rglob("*.html"):
        if template.name != "chart_scripts.html":
            assert not re.search(r"<(script|link)[^>]*plotly", template.read_text()), template


# --- dual-axis trend --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("left", "right"), [(632.0, 41.0), (6.0, 2.0), (0.0, 0.0), (1234.0, 87.0), (98.0, 13.0), (55_000.0, 3.0)]
)
def test_aligned_axes_have_round_whole_ticks_on_one_grid(left, right):
    left_axis, right_axis = charts.aligned_axes(left, right)
    for axis, top in ((left_axis, left), (right_axis, right)):
        step = axis["dtick"]
        assert step >= 1 and float(step).is_integer()
        assert str(int(step)).rstrip("0") in {"1", "2", "25", "5"}  # 1, 2, 2.5 or 5 times a power of ten
        assert axis["range"][0] == 0 and axis["range"][1] >= top
        assert axis["tickformat"] == ",d"
    # The same number of steps on both sides: every gridline is a tick of each axis.
    assert left_axis["range"][1] / left_axis["dtick"] == right_axis["range"][1] / right_axis["dtick"]


def test_dual_axis_trend_is_titled_unclipped_with_every_legend():
    figure = charts.dual_axis_chart(
        ["2026-01-31", "2026-02-28", "2026-03-31"],
        {"name": "Children in care (month end)", "y": [630, 628, 632]},
        [{"name": "Started", "y": [21, 9, 17]}, {"name": "Ceased", "y": [20, 11, 13]}],
        line_title="Children in care at the month end",
        bar_title="Children starting or ceasing care",
    )
    layout = figure["layout"]
    assert layout["yaxis2"]["title"]["text"] == "Children in care at the month end"
    assert layout["yaxis"]["title"]["text"] == "Children starting or ceasing care"
    assert all(layout[a]["automargin"] for a in ("xaxis", "yaxis", "yaxis2"))
    assert layout["yaxis2"]["range"][1] >= 632 and layout["yaxis"]["range"][1] >= 21
    assert layout.get("showlegend", True) and len(figure["data"]) == 3
    assert all(trace["name"] and trace.get("showlegend", True) for trace in figure["data"])
    assert layout["legend"]["yref"] == "container"  # room reserved above the plot, however it wraps
    line = figure["data"][0]
    assert line["type"] == "scatter" and line["yaxis"] == "y2"  # the overlaying axis: drawn over the bars


# --- scenarios against the baseline -----------------------------------------------------------------------
def _months(n: int) -> list[str]:
    """Month ends from April 2026."""
    return [d.date().isoformat() for d in pd.date_range("2026-04-30", periods=n, freq="ME")]


def _forecast() -> dict:
    months = _months(24)  # April 2026 to March 2028
    base = [600.0 + i for i in range(24)]  # 611 at 31 March 2027, 623 at 31 March 2028
    edge = [b - 0.4 * i for i, b in enumerate(base)]  # 606.6 (-4.4) and 613.8 (-9.2)
    recruit = [b + 1.26 for b in base]  # +1.26 each month
    band = {"p10": base, "p90": base, "p2_5": base, "p97_5": base}

    def series(mean):
        return {"months": months, "mean": mean, **band}

    costs = [
        ["baseline", "2026-27", 12, "total", "total", 0.0, 41_000_000.0, 0.0, 0.0],
        ["baseline", "2027-28", 12, "total", "total", 0.0, 43_500_000.0, 0.0, 0.0],
        ["Edge of care", "2026-27", 12, "total", "total", 0.0, 40_200_000.0, 0.0, 0.0],
        ["Edge of care", "2027-28", 12, "total", "total", 0.0, 41_700_000.0, 0.0, 0.0],
        ["Recruitment", "2026-27", 12, "total", "total", 0.0, 41_150_000.0, 0.0, 0.0],
        ["Recruitment", "2027-28", 12, "total", "total", 0.0, 43_400_000.0, 0.0, 0.0],
    ]
    return {
        "as_at": "2026-03-31",
        "horizon_months": 24,
        "paths": 1000,
        "scenarios": ["baseline", "Edge of care", "Recruitment"],
        "series": {
            "baseline|total|total": series(base),
            "Edge of care|total|total": series(edge),
            "Recruitment|total|total": series(recruit),
        },
        "cost_columns": ["scenario", "financial_year", "months", "dimension", "key", "bed_nights", "spend_mean",
                         "spend_p10", "spend_p90"],
        "costs": costs,
    }  # fmt: skip


def _costs(forecast):
    return [dict(zip(forecast["cost_columns"], row, strict=True)) for row in forecast["costs"]]


def test_scenario_differences_are_scenario_minus_baseline_per_year():
    forecast = _forecast()
    diff = scenario_differences(forecast, _costs(forecast))
    assert diff["scenarios"] == ["Edge of care", "Recruitment"]
    assert diff["year_ends"] == ["2027-03-31", "2028-03-31"]
    edge = diff["children"]["Edge of care"]
    assert edge["2027-03-31"] == pytest.approx((611.0, 606.6, -4.4))
    assert edge["2028-03-31"] == pytest.approx((623.0, 613.8, -9.2))
    assert diff["spend"]["Edge of care"]["2027-28"] == pytest.approx((43_500_000, 41_700_000, -1_800_000))
    assert diff["spend"]["Recruitment"]["2026-27"][2] == pytest.approx(150_000)


def _page(forecast) -> Page:
    rollup = SimpleNamespace(forecast=forecast, as_at=dt.date(2026, 3, 31))
    filters = {"category": "", "age_band": "", "as_at": "2026-03-31", "years": "3"}
    authority = SimpleNamespace(dfe_code="335")
    return Page(name="forecast", authority=authority, rollup=rollup, filters=filters, can_drill=False)


def test_forecast_page_compares_scenarios_as_differences_not_overlapping_lines():
    built = build_forecast(_page(_forecast()))
    by_key = {b.get("key"): b for b in built["blocks"] if b.get("kind") == "chart"}
    assert "scenarios" not in by_key, "the overlapping lines of every scenario are gone"
    children = by_key["scenario-children"]
    traces = children["figure"]["data"]
    assert [t["type"] for t in traces] == ["bar", "bar"]
    assert [t["name"] for t in traces] == ["Edge of care", "Recruitment"]
    assert traces[0]["y"] == pytest.approx([-4.4, -9.2])
    assert traces[0]["customdata"] == ["-4", "-9"]  # whole children in the hover text
    assert children["figure"]["layout"]["yaxis"]["zeroline"] is True
    rows = [[c["text"] for c in row] for row in children["table"]["rows"]]
    assert rows[0] == ["Edge of care", "31 March 2027", "611", "607", "-4"]
    assert rows[3] == ["Recruitment", "31 March 2028", "623", "624", "+1"]
    spend = by_key["scenario-spend"]
    spend_rows = [[c["text"] for c in row] for row in spend["table"]["rows"]]
    assert spend_rows[1] == ["Edge of care", "2027-28", "£43.5m", "£41.7m", "-£1.8m"]
    assert spend_rows[2][-1] == "+£150k"
    assert "£" in " ".join(spend["figure"]["layout"]["yaxis"]["ticktext"])


def test_forecast_page_without_scenarios_says_so():
    forecast = _forecast()
    forecast["scenarios"] = ["baseline"]
    built = build_forecast(_page(forecast))
    keys = {b.get("key") for b in built["blocks"]}
    assert "scenario-children" not in keys
    assert any("No scenarios have been saved" in b.get("text", "") for b in built["blocks"])


def test_changes_are_signed_and_round():
    assert whole_change(-4.4) == "-4" and whole_change(1.26) == "+1" and whole_change(0.3) == "0"
    assert whole_change(1234.6) == "+1,235" and whole_change(None) == "–"
    assert money_short_change(-1_800_000) == "-£1.8m" and money_short_change(150_000) == "+£150k"
    assert money_short_change(0.2) == "£0"


def test_signed_changes_download_as_numbers():
    from sufficiency.core.csv import export_table

    headers, rows = export_table(
        ["Scenario", "Difference (children)", "Difference (£)"],
        [["Edge of care", "-4", "-£1.8m"], ["Recruitment", "+1", "+£150k"]],
    )
    assert rows == [["Edge of care", -4, -1_800_000.0], ["Recruitment", 1, 150_000.0]]
