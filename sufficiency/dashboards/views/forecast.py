"""Forecast: fan charts (80% and 95% intervals) for the total and each category, the backtest beside it,
scenarios compared (children and costs), and projected spend per financial year against actual spend."""

from __future__ import annotations

from typing import Any

from forecasting.choices import BASELINE
from placements.categories import AGE_BAND_LABELS, PLANNING_CATEGORIES
from sufficiency.core.formatting import money_short_change, whole_change

from .. import charts
from .base import DashboardView, Page, category_label, chart, fmt_date, fmt_int, fmt_money, table


def _fan_rows(
    series: dict[str, Any], *, every: int = 3, actual: list[tuple[str, float]] = ()
) -> list[list[Any]]:
    """The fan's table: the actual figures before the forecast, then the forecast; every third month end
    (quarters, counted back from the as-at date and on from it) and the last month. The CSV has every
    month."""
    rows = [
        [fmt_date(m), fmt_int(v), "", "", ""]
        for i, (m, v) in enumerate(actual)
        if every == 1 or (len(actual) - 1 - i) % every == 0
    ]
    last = len(series["months"]) - 1
    rows += [
        [fmt_date(m), "", fmt_int(series["mean"][i]), f"{fmt_int(series['p10'][i])} to {fmt_int(series['p90'][i])}",
         f"{fmt_int(series['p2_5'][i])} to {fmt_int(series['p97_5'][i])}"]
        for i, m in enumerate(series["months"])
        if every == 1 or (i + 1) % every == 0 or i == last
    ]  # fmt: skip
    return rows


FAN_HEADERS = ["Month end", "Actual", "Forecast (mean)", "80% interval", "95% interval"]


def _actual_total(page: Page) -> list[tuple[str, float]]:
    return [(m, v) for m, v in page.rollup.forecast.get("actual_recent", [])]


def _actual_for(page: Page, key: str) -> list[tuple[str, float]]:
    """The recent actual figures of a fan: the total's from the overview's monthly counts, a category's
    or age band's counted as the forecast counts them."""
    if key == "total":
        return _actual_total(page)
    dimension, _, name = key.partition("-")
    history = page.rollup.forecast.get("actual_history", {})
    return [(m, v) for m, v in history.get(f"{'age_band' if dimension == 'age' else dimension}|{name}", [])]


def build_forecast(page: Page) -> dict[str, Any]:
    forecast = page.rollup.forecast
    if not forecast:
        return {
            "blocks": [
                {
                    "kind": "inset",
                    "text": "No forecast has been computed for this authority yet. Forecasts are computed after each "
                    "import and every night.",
                }
            ],
            "as_at": page.rollup.as_at.isoformat() if page.rollup.as_at else "",
        }
    series = forecast["series"]
    blocks: list[dict[str, Any]] = []
    total = series.get(f"{BASELINE}|total|total")
    category, age = page.filters["category"], page.filters["age_band"]
    blocks.append(
        {
            "kind": "text",
            "text": f"Projected from {fmt_date(forecast['as_at'])} for {forecast['horizon_months']} months, from "
            f"{fmt_int(forecast['paths'])} simulated futures. The shaded bands hold 80% and 95% of them.",
        }
    )
    fans: list[tuple[str, str, dict[str, Any]]] = []
    if total and not category and not age:
        fans.append(("total", "All children in care", total))
    if age:
        s = series.get(f"{BASELINE}|age_band|{age}")
        if s:
            fans.append((f"age-{age}", f"Children aged {AGE_BAND_LABELS[age].lower()}", s))
    categories = [category] if category else list(PLANNING_CATEGORIES)
    if not age:
        for c in categories:
            s = series.get(f"{BASELINE}|category|{c}")
            if s and max(s["p97_5"] or [0]) >= 1:
                fans.append((f"category-{c}", category_label(c), s))
    for i, (key, label, s) in enumerate(fans):
        actual = _actual_for(page, key)
        blocks.append(
            chart(
                page,
                f"fan-{key}",
                f"Forecast: {label}",
                charts.fan_chart(
                    s["months"], s, actual_months=[m for m, _ in actual], actual=[v for _, v in actual]
                ),
                FAN_HEADERS,
                _fan_rows(s, every=1 if page.extra.get("csv") else 3, actual=actual),
                definition="children_in_care",
            )
        )
        if i == 0:
            blocks.extend(_model_choice_blocks(page))
            blocks.extend(_backtest_blocks(page))

    costs = [
        dict(zip(forecast.get("cost_columns", []), row, strict=True)) for row in forecast.get("costs", [])
    ]
    blocks.extend(_scenario_blocks(page, costs))

    # Projected spend per financial year against actual spend.
    overview_spend = forecast.get("actual_spend", {})
    actual_years = sorted(overview_spend)
    projected = {
        c["financial_year"]: c for c in costs if c["scenario"] == BASELINE and c["dimension"] == "total"
    }
    if category:
        projected = {
            c["financial_year"]: c
            for c in costs
            if c["scenario"] == BASELINE and c["dimension"] == "category" and c["key"] == category
        }
        overview_spend = forecast.get("actual_spend_by_category", {}).get(category, {})
        actual_years = sorted(overview_spend)
    all_years = sorted(set(actual_years) | set(projected))
    blocks.append({"kind": "heading", "text": "Costs"})
    blocks.append(
        chart(
            page,
            "costs",
            "Spend per financial year: actual and projected"
            + (f" ({category_label(category)})" if category else ""),
            {
                "data": [
                    {
                        "type": "bar",
                        "name": "Actual spend",
                        "x": all_years,
                        "y": [overview_spend.get(y) for y in all_years],
                        "marker": {"color": charts.PALETTE[7]},
                    },
                    {
                        "type": "bar",
                        "name": "Projected spend (mean, 80% interval)",
                        "x": all_years,
                        "y": [projected[y]["spend_mean"] if y in projected else None for y in all_years],
                        "marker": {"color": charts.PALETTE[0]},
                        "error_y": {
                            "type": "data",
                            "symmetric": False,
                            "array": [
                                projected[y]["spend_p90"] - projected[y]["spend_mean"]
                                if y in projected
                                else None
                                for y in all_years
                            ],
                            "arrayminus": [
                                projected[y]["spend_mean"] - projected[y]["spend_p10"]
                                if y in projected
                                else None
                                for y in all_years
                            ],
                            "color": charts.TEXT,
                        },
                    },
                ],
                "layout": {
                    **charts._layout(y_title="Spend (£)", height=360),
                    "barmode": "group",
                    "hovermode": "closest",
                },
            },
            [
                "Financial year",
                "Actual spend",
                "Projected (mean)",
                "Projected 80% interval",
                "Projected months",
            ],
            [
                [
                    y,
                    fmt_money(overview_spend.get(y)),
                    fmt_money(projected[y]["spend_mean"]) if y in projected else "–",
                    f"{fmt_money(projected[y]['spend_p10'])} to {fmt_money(projected[y]['spend_p90'])}"
                    if y in projected
                    else "–",
                    projected[y]["months"] if y in projected else "–",
                ]
                for y in all_years
            ],
            description="A year that is part actual, part projected shows both: the actual months so far and the "
            "projected months to come.",
            definition="unit_cost_fostering_inhouse",
        )  # fmt: skip
    )
    unit_costs = forecast.get("unit_costs") or {}
    if unit_costs:
        blocks.append(
            table(
                "unit-costs",
                "Weekly unit costs used in the projection",
                ["Placement category", "Weekly cost"],
                [[category_label(k), fmt_money(v)] for k, v in unit_costs.items()],
                numeric_columns=[1],
            )
        )
    return {"blocks": blocks, "as_at": forecast.get("as_at") or ""}


def _scenario_label(name: str) -> str:
    return name.capitalize() if name == BASELINE else name


def scenario_differences(forecast: dict[str, Any], costs: list[dict[str, Any]]) -> dict[str, Any]:
    """Each saved scenario against the baseline: children in care at each 31 March the forecast reaches
    and spend per financial year, as (baseline, scenario, scenario minus baseline). Means of the simulated
    futures; a year missing from either side is left out, never read as zero."""
    series = forecast.get("series", {})
    baseline = series.get(f"{BASELINE}|total|total")
    names = [n for n in forecast.get("scenarios", []) if n != BASELINE and series.get(f"{n}|total|total")]
    if not baseline:
        return {"scenarios": [], "year_ends": [], "children": {}, "years": [], "spend": {}}

    def at_year_end(s: dict[str, Any]) -> dict[str, float]:
        return {m: s["mean"][i] for i, m in enumerate(s["months"]) if m[5:10] == "03-31"}

    def spend_of(name: str) -> dict[str, float]:
        return {
            c["financial_year"]: c["spend_mean"]
            for c in costs
            if c["scenario"] == name and c["dimension"] == "total"
        }

    base_children, base_spend = at_year_end(baseline), spend_of(BASELINE)
    year_ends = sorted(base_children)
    years = sorted(base_spend)
    children, spend = {}, {}
    for name in names:
        theirs = at_year_end(series[f"{name}|total|total"])
        children[name] = {
            day: (base_children[day], theirs[day], theirs[day] - base_children[day])
            for day in year_ends
            if day in theirs
        }
        their_spend = spend_of(name)
        spend[name] = {
            y: (base_spend[y], their_spend[y], their_spend[y] - base_spend[y])
            for y in years
            if y in their_spend
        }
    return {"scenarios": names, "year_ends": year_ends, "children": children, "years": years, "spend": spend}


def _scenario_blocks(page: Page, costs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The scenarios as differences from the baseline (children at each year end, spend per financial
    year): what a scenario changes is the gap between it and the baseline, which overlapping lines hide."""
    diff = scenario_differences(page.rollup.forecast, costs)
    if not diff["year_ends"] and not diff["years"]:
        return []
    blocks: list[dict[str, Any]] = [{"kind": "heading", "text": "Scenarios against the baseline"}]
    if not diff["scenarios"]:
        blocks.append(
            {
                "kind": "inset",
                "text": "No scenarios have been saved for this authority: only the baseline forecast is shown. "
                "A scenario (a 'what if', such as fewer children entering care or more in-house foster places) "
                "is compared here with the baseline once it is saved and the forecast has been run again.",
            }
        )
        return blocks
    names = diff["scenarios"]
    blocks.append(
        {
            "kind": "text",
            "text": "Each bar is a scenario minus the baseline (the mean of the simulated futures): above the line "
            "the scenario has more children or spends more, below it fewer or less.",
        }
    )
    year_ends = [d for d in diff["year_ends"] if any(d in diff["children"][n] for n in names)]
    blocks.append(
        chart(
            page,
            "scenario-children",
            "Scenarios against the baseline: children in care at 31 March",
            charts.difference_chart(
                [fmt_date(d) for d in year_ends],
                [
                    {
                        "name": _scenario_label(n),
                        "values": [diff["children"][n].get(d, (0, 0, None))[2] for d in year_ends],
                    }
                    for n in names
                ],
                y_title="Children (scenario minus baseline)",
            ),
            ["Scenario", "Date", "Baseline (children)", "Scenario (children)", "Difference (children)"],
            [
                [_scenario_label(n), fmt_date(d), fmt_int(b), fmt_int(v), whole_change(c)]
                for n in names
                for d, (b, v, c) in diff["children"][n].items()
            ],
            numeric=[2, 3, 4],
            description="Children in care at each 31 March the forecast reaches, rounded to whole children.",
            definition="children_in_care",
        )  # fmt: skip
    )
    years = [y for y in diff["years"] if any(y in diff["spend"][n] for n in names)]
    if years:
        blocks.append(
            chart(
                page,
                "scenario-spend",
                "Scenarios against the baseline: spend per financial year",
                charts.difference_chart(
                    years,
                    [
                        {
                            "name": _scenario_label(n),
                            "values": [diff["spend"][n].get(y, (0, 0, None))[2] for y in years],
                        }
                        for n in names
                    ],
                    y_title="Spend (scenario minus baseline)",
                    money=True,
                ),
                ["Scenario", "Financial year", "Baseline spend (£)", "Scenario spend (£)", "Difference (£)"],
                [
                    [_scenario_label(n), y, fmt_money(b), fmt_money(v), money_short_change(c)]
                    for n in names
                    for y, (b, v, c) in diff["spend"][n].items()
                ],
                numeric=[2, 3, 4],
                description="Projected spend on placements at the authority's unit costs; a year the forecast covers "
                "only in part counts the projected months only.",
                definition="unit_cost_fostering_inhouse",
            )  # fmt: skip
        )
    return blocks


def _model_choice_blocks(page: Page) -> list[dict[str, Any]]:
    """Which model configuration made the forecast, why, and how it did beside two naive baselines."""
    choice = page.rollup.forecast.get("model_choice") or {}
    if not choice:
        return []
    blocks: list[dict[str, Any]] = [
        {
            "kind": "text",
            "text": f"How this forecast was made: {choice['description']}. {choice['reason']}",
        }
    ]
    if choice.get("beats_baselines") is False:
        blocks.append(
            {
                "kind": "inset",
                "text": "In these backtests the model did not beat the simplest baseline. Treat the forecast "
                "as one view among others.",
            }
        )
    rows = [
        [
            ("Chosen: " if s["chosen"] else "") + s["name"],
            "Model" if s["kind"] == "candidate" else "Naive baseline",
            "–" if s["mape"] is None else f"{s['mape']:.1f}%",
            "–" if s["bias"] is None else f"{s['bias']:+.1f}%",
        ]
        for s in sorted(choice.get("scores", []), key=lambda s: (s["mape"] is None, s["mape"] or 0.0))
    ]
    if rows:
        blocks.append(
            table(
                "model-choice",
                "Configurations and baselines compared in backtests",
                ["Configuration", "Kind", "Average error of the total", "Average bias"],
                rows,
                numeric_columns=[2, 3],
            )
        )
    return blocks


def _backtest_blocks(page: Page) -> list[dict[str, Any]]:
    forecast = page.rollup.forecast
    backtests = forecast.get("backtest_series", [])
    summary = forecast.get("backtest", [])
    if not backtests:
        return [
            {"kind": "inset", "text": "There is not enough history to check the method against (a backtest)."}
        ]
    longest = backtests[-1]
    rows = [
        [
            fmt_date(b["origin"]),
            fmt_date(b["checked_to"]),
            fmt_int(b["total"]["actual"]),
            fmt_int(b["total"]["mean"]),
            "–" if b["total"]["ape"] is None else f"{b['total']['ape']:.1f}%",
            "–" if b["total_in_80_share"] is None else f"{b['total_in_80_share'] * 100:.0f}%",
            "–" if b["total_in_95_share"] is None else f"{b['total_in_95_share'] * 100:.0f}%",
        ]
        for b in summary
    ]
    return [
        chart(
            page,
            "backtest",
            f"How the method did: forecast from {fmt_date(longest['origin'])} against what happened",
            charts.backtest_chart(longest),
            ["Month end", "Actual", "Forecast then (mean)", "Forecast then: 80% interval"],
            [
                [fmt_date(m), fmt_int(a), fmt_int(mean), f"{fmt_int(lo)} to {fmt_int(hi)}"]
                for m, a, mean, lo, hi in zip(
                    longest["months"], longest["actual"], longest["mean"], longest["p10"], longest["p90"], strict=True
                )
            ],
            description="The model refitted with data only up to an earlier date, then compared with the register.",
        ),
        table(
            "backtests",
            "Every backtest: the forecast at the end of its period against what happened",
            [
                "Forecast made at",
                "Checked to",
                "Actual",
                "Forecast (mean)",
                "Error",
                "Months inside 80%",
                "Months inside 95%",
            ],
            rows,
            numeric_columns=[2, 3, 4, 5, 6],
        ),
    ]  # fmt: skip


class ForecastView(DashboardView):
    """An authority's forecast dashboard."""

    page_name = "forecast"
    page_title = "Forecast of children in care and costs"
    sections = ("forecast",)
    filter_fields = ("age_band", "category")
    template_name = "dashboards/page.html"
    builder = staticmethod(build_forecast)
