"""Reads of persisted forecasts, for pages, the API and the command line."""

from __future__ import annotations

from typing import Any

import pandas as pd

from sufficiency.authorities.models import LocalAuthority

from .choices import BASELINE, RunStatusChoices
from .models import BacktestValue, CostValue, ForecastRun, ForecastValue, Scenario

STAT_FIELDS = ("mean", "p50", "p10", "p90", "p2_5", "p97_5")


def latest_forecast_run(*, authority: LocalAuthority) -> ForecastRun | None:
    """The authority's most recent successful forecast (what pages show)."""
    return (
        ForecastRun.objects.filter(authority=authority, status=RunStatusChoices.SUCCEEDED)
        .order_by("-finished_at", "-pk")
        .first()
    )


def actual_history(*, run: ForecastRun, months: int = 36) -> dict[str, list[list[Any]]]:
    """What the register shows at each of the ``months`` month ends up to the run's as-at date, counted as
    the forecast counts (temporary placements folded into the placement around them, under-18s only):
    ``{"category|<key>": [[month_end, children], ...], "age_band|<key>": [...]}``, so each category's and
    age band's fan can be drawn with its history."""
    from placements.categories import AGE_BANDS
    from placements.selectors import forecast_episode_frame_for_authority

    from .engine.forecast import month_end_days, months_before
    from .engine.history import build_history, day_date, day_number
    from .engine.types import MODEL_CATEGORIES

    if run.as_at is None:
        return {}
    episodes = forecast_episode_frame_for_authority(authority=run.authority)
    if episodes.empty:
        return {}
    as_at_day = day_number(run.as_at)
    days = month_end_days(months_before(as_at_day, months), until=as_at_day)
    if days.size == 0:
        return {}
    history = build_history(episodes).truncate(as_at_day)
    days = days[days >= history.first_day]
    by_category, by_band = history.counts_on(days)
    labels = [day_date(d).isoformat() for d in days]
    out: dict[str, list[list[Any]]] = {}
    for dimension, keys, counts in (
        ("category", MODEL_CATEGORIES, by_category),
        ("age_band", AGE_BANDS, by_band),
    ):
        for i, key in enumerate(keys):
            out[f"{dimension}|{key}"] = [[m, int(c)] for m, c in zip(labels, counts[:, i], strict=True)]
    return out


def forecast_value_frame(*, run: ForecastRun, scenario: str | None = None) -> pd.DataFrame:
    """A run's projected values (long format), for one scenario or all."""
    values = ForecastValue.objects.filter(run=run)
    if scenario is not None:
        values = values.filter(scenario=scenario)
    fields = ["scenario", "month_end", "months_ahead", "dimension", "key", *STAT_FIELDS]
    return pd.DataFrame.from_records(list(values.values_list(*fields)), columns=fields)


def backtest_frame(*, run: ForecastRun) -> pd.DataFrame:
    fields = [
        "offset_months", "origin", "month_end", "months_ahead", "dimension", "key", "actual",
        "mean", "p10", "p90", "p2_5", "p97_5", "ape", "in_80", "in_95",
    ]  # fmt: skip
    return pd.DataFrame.from_records(
        list(BacktestValue.objects.filter(run=run).values_list(*fields)), columns=fields
    )


def cost_frame(*, run: ForecastRun, scenario: str | None = None) -> pd.DataFrame:
    fields = [
        "scenario", "financial_year", "months", "dimension", "key", "bed_nights_mean", "bed_nights_p10",
        "bed_nights_p90", "spend_mean", "spend_p10", "spend_p90",
    ]  # fmt: skip
    costs = CostValue.objects.filter(run=run)
    if scenario is not None:
        costs = costs.filter(scenario=scenario)
    return pd.DataFrame.from_records(list(costs.values_list(*fields)), columns=fields)


def _stats(row: Any) -> dict[str, float]:
    return {name: round(float(row[name]), 2) for name in STAT_FIELDS}


def backtest_summary(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Per backtest origin: the error of the total and each category at the end of the checked period,
    and the share of checked months whose actual fell inside the 80% and 95% intervals."""
    out = []
    for offset, rows in frame.groupby("offset_months"):
        last = rows[rows["months_ahead"] == rows["months_ahead"].max()]
        total = last[last["dimension"] == "total"]
        by_category = {
            r.key: {
                "actual": r.actual,
                "mean": round(r.mean, 1),
                "ape": None if pd.isna(r.ape) else round(r.ape, 1),
            }
            for r in last[last["dimension"] == "category"].itertuples()
        }
        totals = rows[rows["dimension"] == "total"]
        out.append(
            {
                "offset_months": int(offset),
                "origin": rows["origin"].iloc[0].isoformat(),
                "checked_to": last["month_end"].iloc[0].isoformat() if not last.empty else None,
                "total": {
                    "actual": float(total["actual"].iloc[0]) if not total.empty else None,
                    "mean": round(float(total["mean"].iloc[0]), 1) if not total.empty else None,
                    "ape": None
                    if total.empty or pd.isna(total["ape"].iloc[0])
                    else round(float(total["ape"].iloc[0]), 1),
                },
                "by_category": by_category,
                "total_in_80_share": round(float(totals["in_80"].mean()), 2) if not totals.empty else None,
                "total_in_95_share": round(float(totals["in_95"].mean()), 2) if not totals.empty else None,
            }
        )
    return out


def forecast_as_json(*, run: ForecastRun, scenario: str = BASELINE) -> dict[str, Any]:
    """The `forecast --json` document: months with intervals, backtest and costs per financial year."""
    values = forecast_value_frame(run=run, scenario=scenario)
    months = []
    for month_end, rows in values.sort_values(["month_end"]).groupby("month_end", sort=True):
        total = rows[rows["dimension"] == "total"].iloc[0]
        months.append(
            {
                "month_end": month_end.isoformat(),
                "total": _stats(total),
                "by_category": {
                    r["key"]: _stats(r) for _, r in rows[rows["dimension"] == "category"].iterrows()
                },
                "by_age_band": {
                    r["key"]: _stats(r) for _, r in rows[rows["dimension"] == "age_band"].iterrows()
                },
            }
        )
    costs = cost_frame(run=run, scenario=scenario)
    cost_years = []
    for year, rows in costs.groupby("financial_year", sort=True):

        def triple(row: Any, measure: str) -> dict[str, float]:
            return {s: round(float(row[f"{measure}_{s}"]), 2) for s in ("mean", "p10", "p90")}

        total = rows[rows["dimension"] == "total"].iloc[0]
        cost_years.append(
            {
                "financial_year": year,
                "months": int(total["months"]),
                "bed_nights": {"total": triple(total, "bed_nights")}
                | {
                    "by_category": {
                        r["key"]: triple(r, "bed_nights")
                        for _, r in rows[rows["dimension"] == "category"].iterrows()
                    }
                },
                "spend": {"total": triple(total, "spend")}
                | {
                    "by_category": {
                        r["key"]: triple(r, "spend")
                        for _, r in rows[rows["dimension"] == "category"].iterrows()
                    }
                },
            }
        )
    return {
        "authority": run.authority.dfe_code,
        "as_at": run.as_at.isoformat() if run.as_at else None,
        "horizon_months": run.horizon_months,
        "scenario": scenario,
        "reference": {
            "start": run.reference_start.isoformat() if run.reference_start else None,
            "end": run.reference_end.isoformat() if run.reference_end else None,
            **run.reference_summary,
        },
        "months": months,
        "backtest": backtest_summary(backtest_frame(run=run)),
        "costs": cost_years,
        "unit_costs_weekly": run.unit_costs,
        "model": run.model_choice or None,
        "run": {"id": run.pk, "seed": run.seed, "paths": run.n_paths, "timings": run.timings},
    }


def scenario_descriptions(*, authority: LocalAuthority, names: list[str]) -> dict[str, str]:
    """The description the authority saved for each named scenario ("" when it wrote none or the scenario
    has since been deleted)."""
    saved = dict(
        Scenario.objects.filter(authority=authority, name__in=names).values_list("name", "description")
    )
    return {name: (saved.get(name) or "").strip() for name in names}
