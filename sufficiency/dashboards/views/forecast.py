"""Forecast: fan charts (80% and 95% intervals) for the total and each category, the backtest beside it,
scenarios compared (children and costs), and projected spend per financial year against actual spend."""

from __future__ import annotations

from typing import Any

from forecasting.choices import BASELINE
from placements.categories import AGE_BAND_LABELS, PLANNING_CATEGORIES

from .. import charts
from .base import DashboardView, Page, category_label, chart, fmt_date, fmt_int, fmt_money, fmt_num, table


def _fan_rows(
    series: dict[str, Any], *, every: int = 3, actual: list[tuple[str, float]] = ()
) -> list[list[Any]]:
    """The fan's table: the actual figures before the forecast, then the forecast; every third month end
    (quarters, counted back from the as-at date and on from it) and the last month. The CSV has every
    month."""
    rows = [
        [fmt_date(m), fmt_num(v, 0), "", "", ""]
        for i, (m, v) in enumerate(actual)
        if every == 1 or (len(actual) - 1 - i) % every == 0
    ]
    last = len(series["months"]) - 1
    rows += [
        [fmt_date(m), "", fmt_num(series["mean"][i]), f"{fmt_num(series['p10'][i])} to {fmt_num(series['p90'][i])}",
         f"{fmt_num(series['p2_5'][i])} to {fmt_num(series['p97_5'][i])}"]
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

    # Scenarios: children at each financial year end and spend.
    scenarios = forecast.get("scenarios", [BASELINE])
    cost_cols = forecast.get("cost_columns", [])
    costs = [dict(zip(cost_cols, row, strict=True)) for row in forecast.get("costs", [])]
    years = sorted({c["financial_year"] for c in costs})
    scenario_rows = []
    scenario_lines = []
    for name in scenarios:
        s = series.get(f"{name}|total|total")
        if not s:
            continue
        scenario_lines.append({"name": name.capitalize() if name == BASELINE else name, "y": s["mean"]})
        year_end = {m[:7]: s["mean"][i] for i, m in enumerate(s["months"])}
        spend = {
            c["financial_year"]: c["spend_mean"]
            for c in costs
            if c["scenario"] == name and c["dimension"] == "total"
        }
        scenario_rows.append(
            [name.capitalize() if name == BASELINE else name]
            + [fmt_num(year_end.get(f"{int(y[:4]) + 1}-03"), 0) for y in years]
            + [fmt_money(spend.get(y)) for y in years]
        )
    if scenario_lines and total:
        blocks.append({"kind": "heading", "text": "Scenarios"})
        blocks.append(
            chart(
                page,
                "scenarios",
                "Children in care under each scenario (mean of the simulated futures)",
                charts.line_chart(total["months"], scenario_lines, y_title="Children in care"),
                [
                    "Scenario",
                    *[f"Children at 31 March {int(y[:4]) + 1}" for y in years],
                    *[f"Spend {y}" for y in years],
                ],
                scenario_rows,
                description="Scenarios are the authority's saved 'what ifs', each compared with the baseline.",
            )
        )

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
            fmt_num(b["total"]["actual"], 0),
            fmt_num(b["total"]["mean"]),
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
            description="The model refitted with data only up to an earlier date, then compared with the register.",
        )  # fmt: skip
    ]


class ForecastView(DashboardView):
    """An authority's forecast dashboard."""

    page_name = "forecast"
    page_title = "Forecast of children in care and costs"
    sections = ("forecast",)
    filter_fields = ("age_band", "category")
    template_name = "dashboards/page.html"
    builder = staticmethod(build_forecast)
