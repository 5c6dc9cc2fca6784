"""Charts that read right: scenarios as differences from the baseline, dual-axis trends with titled axes
and round shared ticks, and plotly.js kept from adding inline styles under the Content Security Policy.

Built from hand-made figures (no database): each test fails if the chart goes back to what was wrong.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

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
    rollup: Any = SimpleNamespace(forecast=forecast, as_at=dt.date(2026, 3, 31))
    filters = {"category": "", "age_band": "", "as_at": "2026-03-31", "years": "3"}
    authority: Any = SimpleNamespace(dfe_code="335")  # only its code is read (CSV links)
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


# --- Ofsted judgements: one order, one colour ---------------------------------------------------------------
def test_every_judgement_has_one_band_that_agrees_with_how_quality_is_counted():
    from placements.choices import BELOW_GOOD_JUDGEMENTS, GOOD_OR_BETTER_JUDGEMENTS, UNGRADED_JUDGEMENTS

    band = charts.JUDGEMENT_BAND_OF
    assert [label for _, label, _ in charts.JUDGEMENT_BANDS][:4] == [
        "Outstanding", "Good", "Requires improvement", "Inadequate",
    ]  # fmt: skip
    assert {band[j] for j in GOOD_OR_BETTER_JUDGEMENTS} == {"outstanding", "good"}
    assert {band[j] for j in BELOW_GOOD_JUDGEMENTS} == {"requires_improvement", "inadequate"}
    assert {band[j] for j in UNGRADED_JUDGEMENTS} == {"not_yet_inspected"}
    colours = [colour for _, _, colour in charts.JUDGEMENT_BANDS]
    assert len(set(colours)) == len(colours)
    # The overview's groups take the colours of the bands they gather.
    assert charts.QUALITY_COLOURS["good_or_better"] == charts.JUDGEMENT_COLOURS["good"]
    assert charts.QUALITY_COLOURS["below_good"] == charts.JUDGEMENT_COLOURS["requires_improvement"]


def _contrast_on_white(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return 1.05 / (luminance + 0.05)


def test_judgement_colours_have_3_to_1_contrast_on_white():
    for key, colour in [*charts.JUDGEMENT_COLOURS.items(), *charts.QUALITY_COLOURS.items()]:
        assert _contrast_on_white(colour) >= 3, key


@pytest.mark.django_db
def test_market_chart_stacks_settings_by_judgement_band_with_the_same_table():
    from sufficiency.dashboards.rollups import MARKET_COLUMNS
    from sufficiency.dashboards.views.market import build_market

    def home(urn, provision_type, judgement):
        values = dict.fromkeys(MARKET_COLUMNS)
        values.update(
            urn=urn,
            name=urn,
            provision_type=provision_type,
            la_name="Walsall",
            inside_area=True,
            miles=1.0,
            places=4,
            judgement=judgement,
            used_ours=1,
            used_others=0,
            ours_12m=1,
        )
        return [values[c] for c in MARKET_COLUMNS]  # fmt: skip

    market = {
        "columns": MARKET_COLUMNS,
        "rows": [
            home("SC1", "childrens_home", "good"),
            home("SC2", "childrens_home", "inadequate"),
            home("SC3", "childrens_home", "outstanding"),
            home("SC4", "childrens_home", None),
            home("SA1", "supported_accommodation", "sa_strong"),
            home("SA2", "supported_accommodation", "sa_serious"),
        ],
    }
    page = _page({})
    page.rollup.market = market
    page.name = "market"
    built = build_market(page)
    judgements = next(b for b in built["blocks"] if b.get("key") == "judgements")
    traces = judgements["figure"]["data"]
    assert [t["name"] for t in traces] == [label for _, label, _ in charts.JUDGEMENT_BANDS]
    assert [t["marker"]["color"] for t in traces] == [colour for _, _, colour in charts.JUDGEMENT_BANDS]
    headers = [h["text"] for h in judgements["table"]["headers"]]
    assert headers == ["Provision type", *[label for _, label, _ in charts.JUDGEMENT_BANDS], "All settings"]
    rows = {row[0]["text"]: [c["text"] for c in row[1:]] for row in judgements["table"]["rows"]}
    assert rows["Children's home"] == ["1", "1", "0", "1", "1", "4"]
    assert rows["Supported accommodation"] == ["0", "1", "0", "1", "0", "2"]
    assert "same order and colours on every chart" in judgements["description"]


# --- stability on a short (left-censored) history -------------------------------------------------------------
def test_history_starts_in_the_year_the_first_episode_ends():
    from sufficiency.dashboards.rollups import history_start

    episodes = pd.DataFrame(
        {
            # A child in care since 2012 whose episode was open when the register's first year began, and
            # episodes that ended in that first year (2020-21): the history starts on 1 April 2020.
            "decom": pd.to_datetime(["2012-05-01", "2019-11-20", "2020-09-01"]),
            "dec": pd.to_datetime([None, "2020-06-30", "2021-02-01"]),
        }
    )
    assert history_start(episodes) == dt.date(2020, 4, 1)
    assert history_start(episodes.assign(dec=pd.NaT)) == dt.date(2012, 4, 1)
    assert history_start(episodes.iloc[0:0]) is None


@pytest.mark.parametrize(
    ("measure", "on", "short"),
    [
        ("stability_long_term", "2021-03-31", True),
        ("stability_long_term", "2022-03-31", True),  # looks back to September 2019
        ("stability_long_term", "2023-03-31", False),
        ("stability_3_plus", "2021-03-31", False),  # the 12 months from 1 April 2020 are all held
        ("stability_3_plus", "2021-02-28", True),
    ],
)
def test_a_measure_looking_back_past_the_history_start_is_flagged(measure, on, short):
    from sufficiency.dashboards.rollups import history_too_short

    assert history_too_short(measure, on, "2020-04-01") is short
    assert history_too_short(measure, on, None) is False  # a rollup from before the start was kept


def _overview(history_start):
    snapshots = {
        f"{year}-03-31": {
            "stability_3_plus": [10, 100],
            "stability_long_term": [40, 50 if year == 2021 else 80],
        }
        for year in range(2021, 2025)
    }
    return {"snapshots": snapshots, "history_start": history_start}


def test_stability_chart_marks_the_years_counted_on_a_short_history():
    from sufficiency.dashboards.views.overview import _stability_chart

    block = _stability_chart(_page({}), _overview("2020-04-01"), "2024-03-31")
    long_term = block["figure"]["data"][1]
    assert long_term["marker"]["symbol"] == ["circle-open", "circle-open", "circle", "circle"]
    assert block["figure"]["data"][0]["marker"]["symbol"] == ["circle"] * 4
    assert "Open circle" in block["figure"]["data"][2]["name"]  # the legend explains the open circles
    notes = {row[0]["text"]: row[-1]["text"] for row in block["table"]["rows"]}
    assert (
        notes["31 March 2021"] == "Short history: long-term stability cannot count moves before 1 April 2020"
    )
    assert notes["31 March 2023"] == ""
    assert "history starts on 1 April 2020" in block["description"]


def test_stability_chart_without_a_short_history_has_no_caveat():
    from sufficiency.dashboards.views.overview import _stability_chart

    block = _stability_chart(_page({}), _overview("2015-04-01"), "2024-03-31")
    assert len(block["figure"]["data"]) == 2 and block["description"] == ""
    assert all(row[-1]["text"] == "" for row in block["table"]["rows"])


# --- whole children --------------------------------------------------------------------------------------
def test_forecast_tables_count_whole_children():
    forecast = _forecast()
    base = forecast["series"]["baseline|total|total"]
    forecast["series"]["baseline|total|total"] = {
        **base,
        "mean": [632.2] * 24,
        "p10": [598.46] * 24,
        "p90": [665.7] * 24,
        "p2_5": [580.1] * 24,
        "p97_5": [690.55] * 24,
    }
    forecast["actual_recent"] = [["2026-03-31", 630]]
    forecast["backtest_series"] = [
        {"origin": "2025-03-31", "months": ["2025-04-30"], "actual": [601.0], "mean": [611.7], "p10": [590.2],
         "p90": [630.9]}
    ]  # fmt: skip
    forecast["backtest"] = [
        {"origin": "2025-03-31", "checked_to": "2026-03-31", "total": {"actual": 630.0, "mean": 611.7, "ape": 2.9},
         "total_in_80_share": 0.75, "total_in_95_share": 1.0}
    ]  # fmt: skip
    built = build_forecast(_page(forecast))
    by_key = {b.get("key"): b for b in built["blocks"] if b.get("kind") == "chart"}
    fan = [[c["text"] for c in row] for row in by_key["fan-total"]["table"]["rows"]]
    assert ["31 March 2026", "630", "", "", ""] in fan
    assert fan[-1] == ["31 March 2028", "", "632", "598 to 666", "580 to 691"]
    # The backtest chart's table holds the chart's own points; the summary of every backtest is beside it.
    backtest = [[c["text"] for c in row] for row in by_key["backtest"]["table"]["rows"]]
    assert backtest == [["30 April 2025", "601", "612", "590 to 631"]]
    summary = next(b for b in built["blocks"] if b.get("key") == "backtests")
    assert [c["text"] for c in summary["rows"][0]][2:4] == ["630", "612"]
    # Hovering a forecast reads whole children too.
    assert by_key["fan-total"]["figure"]["layout"]["yaxis"]["hoverformat"] == ",.0f"


@pytest.mark.django_db  # the page also reads the Ofsted data's provenance
def test_gap_table_counts_whole_children():
    from sufficiency.dashboards.views.gap import build_gap

    value = {"group": "residential", "financial_year": "2026-27", "demand_mean": 41.64, "demand_p90": 47.2,
             "inhouse_places": 12, "block_beds": 4, "external_mean": 25.64, "external_share": 61.6,
             "local_places": 30, "local_used_others": 12, "local_shortfall": 7.4, "local_cover": 0.7}  # fmt: skip
    page = _page({})
    page.name = "gap"
    page.rollup.gap = {
        "as_at": "2026-03-31",
        "values": [value],
        "local": [],
        "share_local": {},
        "current": [],
    }
    page.rollup.market = {}
    built = build_gap(page)
    chart_block = next(b for b in built["blocks"] if b.get("key") == "demand-capacity")
    row = [c["text"] for c in chart_block["table"]["rows"][0]]
    assert row[1:3] == ["42", "47"] and row[5] == "26" and row[9] == "7"


def test_ledger_charts_are_titled_unclipped_with_the_legend_in_series_order():
    import plotly.graph_objects as go

    from placements.finding.charts import _figure

    figure = _figure(
        go.Figure(
            [go.Bar(name="Planned", x=["Apr 2025"], y=[3]), go.Bar(name="Emergency", x=["Apr 2025"], y=[1])]
        ),
        y_title="Requests",
        x_title="Month",
    )
    layout = figure["layout"]
    assert layout["xaxis"]["automargin"] and layout["yaxis"]["automargin"]
    assert layout["yaxis"]["title"]["text"] == "Requests" and layout["xaxis"]["title"]["text"] == "Month"
    assert layout["legend"]["yref"] == "container" and layout["legend"]["traceorder"] == "normal"


def test_data_quality_chart_keeps_its_legend_and_titles():
    from placements.quality_charts import quality_trend_chart

    reports = [SimpleNamespace(created_at=dt.datetime(2026, 3, d, 9, 0)) for d in (1, 2)]
    totals = [{"errors": 3, "warnings": 1, "repaired": 0, "held_back": 0}] * 2
    chart = quality_trend_chart({"reports": reports, "totals": totals})
    layout = chart["figure"]["layout"]
    assert layout["legend"]["yref"] == "container" and layout["yaxis"]["automargin"]
    assert layout["yaxis"]["title"]["text"] == "Rows or children"
    assert len(chart["table"]["rows"]) == 2  # the table alternative holds every point


def test_a_forecast_of_a_few_children_ticks_whole_children():
    bands = {"mean": [0.2, 0.7], "p10": [0, 0], "p90": [1, 2], "p2_5": [0, 0], "p97_5": [2, 3]}
    few = charts.fan_chart(["2026-04-30", "2026-05-31"], bands, actual_months=["2026-03-31"], actual=[1])
    assert few["layout"]["yaxis"]["dtick"] == 1 and few["layout"]["yaxis"]["tickformat"] == ",d"
    many = charts.fan_chart(["2026-04-30"], {k: [v[0] * 300] for k, v in bands.items()})
    assert "dtick" not in many["layout"]["yaxis"]  # plotly.js's own round steps (0, 200, 400...)
    stacked = charts.with_layout(
        [{"type": "bar", "y": [5, 6]}, {"type": "bar", "y": [6, 7]}],
        charts._whole_children(charts._layout()),
        barmode="stack",
    )
    assert "dtick" not in stacked["layout"]["yaxis"]  # the stacks reach 13: not one tick per child


def test_key_figures_name_stability_counted_on_a_short_history():
    from sufficiency.dashboards.views.overview import _short_history_note

    overview = _overview("2020-04-01")
    note = _short_history_note(overview, [("this authority", "2022-03-31"), ("a year earlier", "2021-03-31")])
    assert note == (
        " Counted on a short history (the register holds no move before 1 April 2020): long-term stability "
        "(this authority), long-term stability (a year earlier)."
    )
    assert _short_history_note(overview, [("this authority", "2024-03-31"), ("a year earlier", None)]) == ""
