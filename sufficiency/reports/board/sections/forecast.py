"""The demand forecast with its backtest and the sufficiency gap, and the financial section: projected against
actual spend.
"""

from __future__ import annotations

import datetime as dt
import importlib
from typing import TYPE_CHECKING, Any

import pandas as pd

from forecasting.choices import BASELINE
from forecasting.selectors import backtest_frame, backtest_summary, cost_frame, forecast_value_frame
from placements import counting
from placements.categories import COARSE_GROUPS, PLANNING_CATEGORIES, PLANNING_CATEGORY_LABELS
from placements.selectors import spend_rollup_for_authority

from ..choices import SectionChoices
from ..formatting import (
    column,
    financial_year_of,
    fmt_count,
    fmt_money,
    fmt_pct,
    long_date,
    make_section,
    make_table,
)

if TYPE_CHECKING:
    from sufficiency.authorities.models import LocalAuthority


FORECAST_HORIZONS = (12, 24, 36)


def _gap_source(authority: LocalAuthority) -> dict[str, Any] | None:
    """The persisted sufficiency gap (``forecasting.gap_services.gap_assessment_as_dict``) when the gap
    engine is installed and has assessed this authority, else None."""
    try:
        module = importlib.import_module("forecasting.gap_services")
    except ImportError:
        return None
    loader = getattr(module, "gap_assessment_as_dict", None)
    return loader(authority=authority) if loader else None


def forecast(authority: LocalAuthority, ctx: Any, run: Any) -> dict[str, Any]:
    if run is None:
        return make_section(SectionChoices.FORECAST, empty="No forecast has been run for this authority yet.")
    values = forecast_value_frame(run=run, scenario=BASELINE)
    totals = values.loc[values["dimension"] == "total"].sort_values("month_end")
    if totals.empty:
        return make_section(SectionChoices.FORECAST, empty="The latest forecast holds no projections.")
    history_start = (pd.Timestamp(run.as_at or ctx.on) - pd.DateOffset(months=35)).date()
    history_end = run.as_at or ctx.on
    episodes = ctx.data.episodes
    history = (
        counting.monthly_counts(ctx.data.prepared, ctx.data.children, history_start, history_end)
        if not episodes.empty
        else pd.DataFrame(columns=["month_end", "total"])
    )
    horizon_rows = []
    projected = []
    for months in FORECAST_HORIZONS:
        row = totals.loc[totals["months_ahead"] == months]
        if row.empty:
            continue
        r = row.iloc[0]
        projected.append({"months_ahead": months, "month_end": r["month_end"].isoformat(), "mean": float(r["mean"]),
                          "p10": float(r["p10"]), "p90": float(r["p90"]), "p2_5": float(r["p2_5"]),
                          "p97_5": float(r["p97_5"])})  # fmt: skip
        horizon_rows.append(
            [f"{months // 12} year{'s' if months > 12 else ''} ({long_date(r['month_end'])})", f"{r['mean']:,.0f}",
             f"{r['p10']:,.0f} to {r['p90']:,.0f}", f"{r['p2_5']:,.0f} to {r['p97_5']:,.0f}"]
        )  # fmt: skip
    categories = values.loc[values["dimension"] == "category"]
    current_counts = ctx.current["category"].value_counts() if len(ctx.current) else pd.Series(dtype=int)
    category_rows = []
    for category in PLANNING_CATEGORIES:
        cat = categories.loc[categories["key"] == category]
        if cat.empty:
            continue
        cells = [PLANNING_CATEGORY_LABELS[category], fmt_count(int(current_counts.get(category, 0)))]
        for months in FORECAST_HORIZONS:
            at = cat.loc[cat["months_ahead"] == months]
            cells.append("–" if at.empty else f"{at.iloc[0]['mean']:,.0f}")
        category_rows.append(cells)
    backtests = backtest_summary(backtest_frame(run=run))
    backtest_rows = [
        [long_date(b["origin"]), long_date(b["checked_to"]), fmt_count(b["total"]["actual"]),
         "–" if b["total"]["mean"] is None else f"{b['total']['mean']:,.0f}",
         "–" if b["total"]["ape"] is None else f"{b['total']['ape']:.1f}%",
         "–" if b["total_in_80_share"] is None else f"{b['total_in_80_share'] * 100:.0f}%"]
        for b in backtests
    ]  # fmt: skip
    as_at_text = long_date(run.as_at) if run.as_at else "the date the register runs to"
    facts = [
        f"The latest forecast was run on {long_date(run.finished_at.date()) if run.finished_at else 'an unknown date'} "
        f"from the register as at {as_at_text}, simulating {run.n_paths:,} possible futures from the rates at "
        f"which children entered, moved between and left placements over the previous {run.reference_years} years."
    ]
    if projected:
        last = projected[-1]
        first = projected[0]
        facts.append(
            f"On current trends we expect about {first['mean']:,.0f} children in care by {long_date(first['month_end'])} "
            f"(80% likely between {first['p10']:,.0f} and {first['p90']:,.0f}) and about {last['mean']:,.0f} by "
            f"{long_date(last['month_end'])} (between {last['p10']:,.0f} and {last['p90']:,.0f})."
        )
    if backtests:
        errors = [b["total"]["ape"] for b in backtests if b["total"]["ape"] is not None]
        if errors:
            facts.append(
                "Tested against what actually happened, forecasts made from earlier dates were within "
                f"{max(errors):.1f}% of the actual number of children in care (see the accuracy table)."
            )
    gap = _gap_source(authority)
    tables = [
        make_table("Projected children in care (baseline scenario)",
               [column("Time ahead"), column("Projected (mean)", True), column("80% interval", True),
                column("95% interval", True)],
               horizon_rows, "table-forecast"),
    ]  # fmt: skip
    if category_rows:
        tables.append(
            make_table(
                "Projected children in care by type of placement (mean)",
                [column("Type of placement"), column(f"Now ({long_date(ctx.on)})", True)]
                + [column(f"In {m // 12} year{'s' if m > 12 else ''}", True) for m in FORECAST_HORIZONS],
                category_rows,
                "table-forecast-categories",
            )
        )
    if backtest_rows:
        tables.append(
            make_table(
                "Forecast accuracy: forecasts from earlier dates against what happened",
                [column("Forecast made from"), column("Checked to"), column("Actual", True),
                 column("Forecast", True), column("Error", True), column("Months inside the 80% interval", True)],
                backtest_rows,
                "table-backtest",
            )
        )  # fmt: skip
    notes = [
        "The forecast is a stochastic simulation: the 80% interval is the range four in five simulated futures "
        "fall within. Intervals widen the further ahead the forecast looks."
    ]
    gap_data = None
    if gap and gap.get("values"):
        gap_rows = [
            [str(g["financial_year"]), str(g["group"]).replace("_", " ").capitalize(), f"{g['demand_mean']:,.0f}",
             fmt_count(g["inhouse_places"]), fmt_count(g["block_beds"]), f"{g['external_mean']:,.0f}",
             fmt_count(g["local_available"]), f"{g['local_shortfall']:,.0f}"]
            for g in gap["values"]
        ]  # fmt: skip
        tables.append(
            make_table(
                f"Sufficiency gap: forecast demand against our places (assessed {long_date(gap['as_at'])})",
                [column("Financial year"), column("Kind of place"), column("Demand (mean)", True),
                 column("Usable in-house places", True), column("Block beds", True), column("To buy externally", True),
                 column("Local places available", True), column("Local shortfall", True)],
                gap_rows,
                "table-gap",
            )
        )  # fmt: skip
        gap_data = {"as_at": gap["as_at"], "rows": len(gap_rows)}
    else:
        notes.append("The sufficiency gap assessment (forecast demand against in-house, block and local places) "
                     "is not yet available for this authority; this section shows forecast demand only.")  # fmt: skip
    fan = {
        "history": [[pd.Timestamp(r.month_end).date().isoformat(), int(r.total)] for r in history.itertuples()],
        "forecast": [[r.month_end.isoformat(), float(r.mean), float(r.p10), float(r.p90), float(r.p2_5), float(r.p97_5)]
                     for r in totals.itertuples()],
    }  # fmt: skip
    alt = (
        "Fan chart of children in care: the actual monthly count for the three years to "
        f"{as_at_text}" + (f" ({fan['history'][-1][1]:,} at the end)" if fan["history"] else "")
        + ", then the forecast mean with shaded 80% and 95% intervals"
        + (f", reaching {projected[-1]['mean']:,.0f} (80% interval {projected[-1]['p10']:,.0f} to "
           f"{projected[-1]['p90']:,.0f}) by {long_date(projected[-1]['month_end'])}." if projected else ".")
    )  # fmt: skip
    return make_section(
        SectionChoices.FORECAST,
        facts=facts,
        tables=tables,
        charts=[{"id": "chart-forecast", "kind": "fan", "title": "Children in care: actual and forecast", "alt": alt}],
        notes=notes,
        data={"run_id": run.pk, "run_as_at": run.as_at.isoformat() if run.as_at else None, "projected": projected,
              "fan": fan, "gap": gap_data},
    )  # fmt: skip


#: The groups actual placement spend is reported by, and their labels.
SPEND_GROUP_LABELS = {"FOSTERING": "Foster care", "RESIDENTIAL": "Residential care",
                      "SUPPORTED": "Supported accommodation", "OTHER": "Other placements"}  # fmt: skip


def actual_spend(authority: LocalAuthority, as_at: dt.date) -> tuple[list[str], dict[str, dict[str, float]]]:
    """Actual placement spend in the financial year of ``as_at`` (to that date) and the two before it: the
    years' labels, oldest first, and each year's spend by group of `SPEND_GROUP_LABELS`."""
    first_year, _ = financial_year_of(as_at)
    years = [first_year - 2, first_year - 1, first_year]
    labels = [f"{y}-{str(y + 1)[-2:]}" for y in years]
    spend = spend_rollup_for_authority(authority=authority, start=dt.date(years[0], 4, 1), end=as_at)
    group_of = {c: g for g, cats in COARSE_GROUPS.items() for c in cats}
    actual: dict[str, dict[str, float]] = {label: {} for label in labels}
    if not spend.empty:
        spend = spend.assign(
            fy=pd.to_datetime(spend["month_end"]).map(lambda d: financial_year_of(d.date())[1]),
            group=spend["category"].map(group_of).fillna("OTHER"),
        )
        for (fy, group), value in spend.groupby(["fy", "group"])["spend"].sum().items():
            if fy in actual:
                actual[fy][group] = float(value)
    return labels, actual


def financial(authority: LocalAuthority, as_at: dt.date, run: Any) -> dict[str, Any]:
    labels, actual = actual_spend(authority, as_at)
    group_labels = SPEND_GROUP_LABELS
    actual_total = {fy: sum(v.values()) for fy, v in actual.items()}
    partial = not (as_at.month == 3 and as_at.day == 31)
    headers = [column("Placement type")] + [
        column(f"{label}{' (to date)' if partial and label == labels[-1] else ''}", True) for label in labels
    ]
    rows = [[group_labels[g]] + [fmt_money(actual[fy].get(g, 0.0)) for fy in labels] for g in group_labels]
    rows.append(["Total"] + [fmt_money(actual_total[fy]) for fy in labels])
    forecast_years: list[dict[str, Any]] = []
    if run is not None:
        costs = cost_frame(run=run, scenario=BASELINE)
        for row in costs.loc[costs["dimension"] == "total"].sort_values("financial_year").itertuples():
            forecast_years.append({"financial_year": row.financial_year, "months": int(row.months),
                                   "mean": float(row.spend_mean), "p10": float(row.spend_p10),
                                   "p90": float(row.spend_p90)})  # fmt: skip
    if not any(actual_total.values()) and not forecast_years:
        return make_section(
            SectionChoices.FINANCIAL, empty="No placement costs are recorded for this authority."
        )
    facts = []
    if any(actual_total.values()):
        facts.append(
            f"Placement spend in {labels[-1]}{' to ' + long_date(as_at) if partial else ''} was "
            f"{fmt_money(actual_total[labels[-1]])}, against {fmt_money(actual_total[labels[-2]])} in {labels[-2]} "
            f"and {fmt_money(actual_total[labels[0]])} in {labels[0]}."
        )
        residential = actual[labels[-1]].get("RESIDENTIAL", 0.0)
        if actual_total[labels[-1]]:
            facts.append(f"Residential care accounted for {fmt_pct(residential, actual_total[labels[-1]])} of spend in "
                         f"{labels[-1]}.")  # fmt: skip
    if forecast_years:
        nxt = forecast_years[0]
        facts.append(
            f"On the baseline forecast, placements are projected to cost {fmt_money(nxt['mean'])} in "
            f"{nxt['financial_year']} (80% interval {fmt_money(nxt['p10'])} to {fmt_money(nxt['p90'])})."
        )
    tables = [make_table("Actual placement spend by financial year", headers, rows, "table-spend")]
    if forecast_years:
        tables.append(
            make_table(
                "Forecast placement spend by financial year (baseline scenario)",
                [column("Financial year"), column("Months forecast", True), column("Projected spend", True),
                 column("80% interval", True)],
                [[y["financial_year"], fmt_count(y["months"]), fmt_money(y["mean"]),
                  f"{fmt_money(y['p10'])} to {fmt_money(y['p90'])}"] for y in forecast_years],
                "table-spend-forecast",
            )
        )  # fmt: skip
    alt = (
        "Bar chart of placement spend by financial year: actual "
        + "; ".join(f"{fy} {fmt_money(actual_total[fy])}" for fy in labels)
        + (", then forecast " + "; ".join(f"{y['financial_year']} {fmt_money(y['mean'])} (80% interval "
                                          f"{fmt_money(y['p10'])} to {fmt_money(y['p90'])})" for y in forecast_years)
           if forecast_years else "")
        + "."
    )  # fmt: skip
    return make_section(
        SectionChoices.FINANCIAL,
        facts=facts,
        tables=tables,
        charts=[{"id": "chart-spend", "kind": "spend", "title": "Placement spend: actual and forecast", "alt": alt}],
        notes=["Actual spend is calculated from the register: each night in placement priced at the agreed weekly "
               "cost where one is recorded, otherwise at the authority's unit cost for the type of placement and "
               "route. It is not the ledger; budget monitoring remains the finance team's."],
        data={"years": labels, "actual": actual, "actual_total": actual_total, "partial_year": partial,
              "forecast": forecast_years},
    )  # fmt: skip
