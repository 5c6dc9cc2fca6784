"""Building the dashboards' precomputed figures from the register, the forecast and the gap.

Runs in a worker (or the demo loader); the one exception is the overview for a date chosen in the banner
that the stored snapshots do not hold, which `overview_on` counts in the request by the same functions
(see `sufficiency.dashboards.views.base`). Every count of children applies the
counting rules of `placements.counting`; this module only groups their results into small JSON documents
(lists of rows with a header, to keep them compact) that the pages filter and draw.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
from django.db.models import Avg, Count, Q

from forecasting.choices import BASELINE
from forecasting.gap import BELOW_GOOD, GOOD_OR_BETTER, LOCAL_RADIUS_MILES
from forecasting.gap_services import local_settings_frame
from forecasting.models import ForecastRun
from forecasting.selectors import (
    actual_history,
    backtest_frame,
    backtest_summary,
    cost_frame,
    forecast_value_frame,
)
from placements import selectors as register
from placements.categories import AGE_BANDS, COARSE_GROUPS, PLANNING_CATEGORIES
from placements.counting import (
    LONG_TERM_MIN_CARE,
    in_care_on,
    judgements_on,
    long_term_stability_counts,
    monthly_counts,
    periods_of_care,
    prepare_episodes,
    stability_3_plus_counts,
    window_start,
)
from placements.models import InHouseHome, PlacementEpisode
from sufficiency.authorities.models import LocalAuthority
from sufficiency.core.formatting import financial_year, month_end
from sufficiency.core.periods import period_for

#: Snapshots kept for the date filter: the last 12 month ends and the previous five 31 Marches.
RECENT_MONTHS = 12
YEAR_ENDS = 5
#: The monthly trend reaches back this many years (5+ years, as boards ask).
TREND_YEARS = 6

QUALITY_GOOD = "good_or_better"
QUALITY_BELOW = "below_good"
QUALITY_NOT_INSPECTED = "not_yet_judged"
QUALITY_NONE = "not_registered"
QUALITY_LABELS = {
    QUALITY_GOOD: "Good or Outstanding",
    QUALITY_BELOW: "Requires improvement or Inadequate",
    QUALITY_NOT_INSPECTED: "Registered, not graded (not yet inspected, or judged within ILACS)",
    QUALITY_NONE: "Not in an Ofsted-registered setting",
}
#: Columns of a snapshot's cells: one row per (category, age band, Ofsted quality) with its counts.
CELL_COLUMNS = [
    "category", "age_band", "quality", "children", "distance_known", "over_20_miles", "boundary_known",
    "outside_la",
]  # fmt: skip
WHERE_COLUMNS = ["la_code", "la_name", "category", "children", "over_20_miles"]


#: How far back each stability measure looks from its date: moves before the register's history starts
#: are not held, so a date whose look-back reaches past that start is counted on a short history.
STABILITY_LOOKBACK = {
    "stability_3_plus": pd.DateOffset(years=1),  # placements in the 12 months to the date
    "stability_long_term": LONG_TERM_MIN_CARE,  # looked after for 2.5 years before the date
}


def history_start(prepared: pd.DataFrame) -> dt.date | None:
    """The day from which the register holds every episode: 1 April of the financial year in which its
    first episode ends. An SSDA903 register holds the episodes open in or after its first collection year;
    one open then may have started years earlier (so the earliest start says nothing), but none ended
    before that year. With no ended episode, the earliest start. None for an empty register."""
    if prepared.empty:
        return None
    ended = pd.to_datetime(prepared["dec"]).dropna()
    first = (ended if not ended.empty else pd.to_datetime(prepared["decom"]).dropna()).min()
    if pd.isna(first):
        return None
    return dt.date(first.year if first.month >= 4 else first.year - 1, 4, 1)


def history_too_short(measure: str, on: str | dt.date, start: str | dt.date | None) -> bool:
    """Whether `measure` on `on` looks back past the start of the register's history (left-censored):
    moves before the start are not counted, so the figure is not comparable with later ones."""
    if not start:
        return False
    day = pd.Timestamp(on)
    return bool(day - STABILITY_LOOKBACK[measure] + pd.Timedelta(days=1) < pd.Timestamp(start))


def snapshot_dates(as_at: dt.date, earliest: dt.date | None) -> list[dt.date]:
    """The dates the date filter offers, newest first: the last 12 month ends, then earlier 31 Marches."""
    months = [(pd.Timestamp(as_at) - pd.offsets.MonthEnd(i)).date() for i in range(RECENT_MONTHS)]
    months[0] = as_at
    year = as_at.year if as_at >= dt.date(as_at.year, 3, 31) else as_at.year - 1
    year_ends = [dt.date(year - i, 3, 31) for i in range(YEAR_ENDS + 1)]
    dates = sorted({d for d in months + year_ends if d <= as_at}, reverse=True)
    if earliest is not None:
        dates = [d for d in dates if d >= earliest]
    return dates


def _quality(judgements: pd.Series) -> pd.Series:
    values = judgements.astype(object)
    out = np.where(
        values.isin(GOOD_OR_BETTER),
        QUALITY_GOOD,
        np.where(
            values.isin(BELOW_GOOD),
            QUALITY_BELOW,
            np.where(values.notna() & (values != ""), QUALITY_NOT_INSPECTED, QUALITY_NONE),
        ),
    )
    return pd.Series(out, index=judgements.index)


def _age_band(ages: pd.Series) -> pd.Series:
    a = pd.to_numeric(ages, errors="coerce").to_numpy(dtype=float)
    bands = np.select([a < 1, a < 5, a < 10, a < 16], list(AGE_BANDS[:4]), default=AGE_BANDS[4])
    return pd.Series(np.where(np.isnan(a), "unknown", bands), index=ages.index)


def snapshot_cells(current: pd.DataFrame) -> list[list[Any]]:
    """Children in care on a date grouped by category, age band and Ofsted quality, with distance counts."""
    if current.empty:
        return []
    miles = pd.to_numeric(current["distance_miles"], errors="coerce")
    inside = current["placement_la_inside"].astype("boolean")
    frame = pd.DataFrame(
        {
            "category": current["category"].to_numpy(),
            "age_band": _age_band(current["age"]).to_numpy(),
            "quality": _quality(current["judgement"]).to_numpy(),
            "children": 1,
            "distance_known": miles.notna().astype(int).to_numpy(),
            "over_20_miles": (miles > LOCAL_RADIUS_MILES).astype(int).to_numpy(),
            "boundary_known": inside.notna().astype(int).to_numpy(),
            "outside_la": (inside == False).fillna(False).astype(int).to_numpy(),  # noqa: E712
        }
    )
    grouped = frame.groupby(["category", "age_band", "quality"], sort=True).sum().reset_index()
    return [[*row[:3], *(int(v) for v in row[3:])] for row in grouped[CELL_COLUMNS].itertuples(index=False)]


def _where(current: pd.DataFrame) -> list[list[Any]]:
    if current.empty:
        return []
    miles = pd.to_numeric(current["distance_miles"], errors="coerce")
    frame = pd.DataFrame(
        {
            "la_code": current["la_code"].fillna("").to_numpy(),
            "la_name": current["la_name"].fillna("Not known").to_numpy(),
            "category": current["category"].to_numpy(),
            "children": 1,
            "over_20_miles": (miles > LOCAL_RADIUS_MILES).astype(int).to_numpy(),
        }
    )
    grouped = frame.groupby(["la_code", "la_name", "category"], sort=True).sum().reset_index()
    return [[r[0], r[1], r[2], int(r[3]), int(r[4])] for r in grouped[WHERE_COLUMNS].itertuples(index=False)]


def _outside_by_place(current: pd.DataFrame) -> dict[str, int]:
    if current.empty:
        return {}
    inside = current["placement_la_inside"].astype("boolean")
    outside = current.loc[(inside == False).fillna(False).to_numpy(dtype=bool)]  # noqa: E712
    counts = outside["place"].fillna("unknown").value_counts()
    return {str(k): int(v) for k, v in sorted(counts.items())}


def _placement_la_lookup(authority: LocalAuthority) -> pd.DataFrame:
    rows = PlacementEpisode.objects.filter(authority=authority).values_list(
        "child__child_ref", "decom", "placement_la__dfe_code", "placement_la__name"
    )
    frame = pd.DataFrame.from_records(list(rows), columns=["child", "decom", "la_code", "la_name"])
    frame["decom"] = pd.to_datetime(frame["decom"])
    return frame.drop_duplicates(["child", "decom"])


def overview_rollup(
    *, authority: LocalAuthority, as_at: dt.date, dates: list[dt.date] | None = None
) -> dict[str, Any]:
    """Snapshots, the monthly trend, stability and spend for the overview (and the gap's 'where' table),
    counted as at `as_at`: snapshots at `dates` (by default those the date filter offers, see
    `snapshot_dates`), the trend to the last month end on or before `as_at`, spend to `as_at`."""
    episodes = register.episode_frame_for_authority(authority=authority)
    children = register.child_frame_for_authority(authority=authority)
    prepared = prepare_episodes(episodes)
    urns = sorted({u for u in episodes["urn"].dropna() if u})
    # Each snapshot's judgements as at its own date, by the one definition the KPIs use.
    history = register.judgement_history_for_urns(urns=urns)
    places = _placement_la_lookup(authority)
    earliest = prepared["decom"].min().date() if not prepared.empty else None
    periods = periods_of_care(prepared)
    snapshots: dict[str, Any] = {}
    for day in snapshot_dates(as_at, earliest) if dates is None else sorted(set(dates), reverse=True):
        current = in_care_on(prepared, day, children=children)
        current["judgement"] = judgements_on(
            current["urn"],
            inspections=history["inspections"],
            settings=history["settings"],
            on=pd.Timestamp(day),
        )
        current = current.merge(places, on=["child", "decom"], how="left")
        ts = pd.Timestamp(day)
        start = window_start(ts)
        started = int((periods["started"] & periods["start"].between(start, ts)).sum())
        ceased = int((periods["ceased"] & periods["end"].between(start, ts)).sum())
        three_plus = stability_3_plus_counts(prepared, day, children=children)
        long_term = long_term_stability_counts(prepared, children, day)
        snapshots[day.isoformat()] = {
            "total": len(current),
            "population": register.population_for_authority(authority=authority, on=day),
            "started_12m": started,
            "ceased_12m": ceased,
            "cells": snapshot_cells(current),
            "where": _where(current),
            "outside_by_place": _outside_by_place(current),
            "stability_3_plus": list(three_plus),
            "stability_long_term": list(long_term),
        }
    # The trend's months are whole: a mid-month date's last point is the month end before it.
    trend_end = as_at if as_at == month_end(as_at) else as_at.replace(day=1) - dt.timedelta(days=1)
    trend_start = dt.date(trend_end.year - TREND_YEARS, trend_end.month, 1)
    monthly = (
        monthly_counts(prepared, children, trend_start, trend_end) if not prepared.empty else pd.DataFrame()
    )
    trend = [
        [pd.Timestamp(r.month_end).date().isoformat(), int(r.total), int(r.started), int(r.ceased)]
        for r in monthly.itertuples(index=False)
    ]
    return {
        "as_at": as_at.isoformat(),
        "cell_columns": CELL_COLUMNS,
        "where_columns": WHERE_COLUMNS,
        "snapshots": snapshots,
        "monthly": trend,
        "spend": spend_rollup(authority=authority, as_at=as_at),
        "history_start": start.isoformat() if (start := history_start(prepared)) else None,
    }


def year_before(day: dt.date) -> dt.date:
    """The same day a year earlier (28 February for 29 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def overview_on(*, authority: LocalAuthority, stored: dict[str, Any], on: dt.date) -> dict[str, Any]:
    """The overview document as at `on`, a date the stored snapshots may not hold (a date chosen in the
    banner): `on` and the year before it are counted from the register by the same functions as the
    stored ones, with the trend and spend to `on`; the stored 31 March snapshots before `on` are kept for
    the stability chart. The stored document itself when it is already for `on`."""
    if stored.get("as_at") == on.isoformat():
        return stored
    live = overview_rollup(authority=authority, as_at=on, dates=[on, year_before(on)])
    earlier = {
        key: snap
        for key, snap in stored.get("snapshots", {}).items()
        if key.endswith("-03-31") and key < on.isoformat()
    }
    live["snapshots"] = {**earlier, **live["snapshots"]}
    return live


def spend_rollup(*, authority: LocalAuthority, as_at: dt.date) -> dict[str, Any]:
    """Actual spend by financial year and category (the last five years and this one so far)."""
    first_year = as_at.year - 5 if as_at.month >= 4 else as_at.year - 6
    spend = register.spend_rollup_for_authority(
        authority=authority, start=dt.date(first_year, 4, 1), end=as_at
    )
    if spend.empty:
        return {"by_year": [], "columns": ["financial_year", "category", "bed_nights", "spend"]}
    spend = spend.assign(financial_year=[financial_year(pd.Timestamp(d).date()) for d in spend["month_end"]])
    grouped = (
        spend.groupby(["financial_year", "category"], sort=True)[["bed_nights", "spend"]].sum().reset_index()
    )
    return {
        "columns": ["financial_year", "category", "bed_nights", "spend"],
        "by_year": [
            [r[0], r[1], round(float(r[2]), 1), round(float(r[3]), 2)]
            for r in grouped.itertuples(index=False)
        ],
        # A year is "so far" only while it is open on the as-at date: 31 March closes it.
        "current_year": None
        if period_for(as_at, "last_full_financial_year").end == as_at
        else financial_year(as_at),
    }


def _series(frame: pd.DataFrame) -> dict[str, list[Any]]:
    frame = frame.sort_values("month_end")
    out: dict[str, list[Any]] = {"months": [pd.Timestamp(d).date().isoformat() for d in frame["month_end"]]}
    for name in ("mean", "p10", "p90", "p2_5", "p97_5"):
        out[name] = [round(float(v), 1) for v in frame[name]]
    return out


def forecast_rollup(*, run: ForecastRun | None) -> dict[str, Any]:
    """The latest forecast as drawn on the forecast page: fan series (baseline total, categories and age
    bands; scenario totals), the backtest, and projected costs per financial year."""
    if run is None:
        return {}
    values = forecast_value_frame(run=run)
    series: dict[str, dict[str, Any]] = {}
    for (scenario, dimension, key), part in values.groupby(["scenario", "dimension", "key"], sort=True):
        if scenario != BASELINE and dimension != "total":
            continue
        series[f"{scenario}|{dimension}|{key}"] = _series(part)
    backtest = backtest_frame(run=run)
    backtest_series = []
    if not backtest.empty:
        totals = backtest[backtest["dimension"] == "total"]
        for offset, part in totals.groupby("offset_months", sort=True):
            part = part.sort_values("month_end")
            backtest_series.append(
                {
                    "offset_months": int(offset),
                    "origin": pd.Timestamp(part["origin"].iloc[0]).date().isoformat(),
                    "months": [pd.Timestamp(d).date().isoformat() for d in part["month_end"]],
                    "actual": [float(v) for v in part["actual"]],
                    "mean": [round(float(v), 1) for v in part["mean"]],
                    "p10": [round(float(v), 1) for v in part["p10"]],
                    "p90": [round(float(v), 1) for v in part["p90"]],
                }
            )
    costs = cost_frame(run=run)
    cost_rows = [
        [r.scenario, r.financial_year, int(r.months), r.dimension, r.key, round(float(r.bed_nights_mean), 1),
         round(float(r.spend_mean), 2), round(float(r.spend_p10), 2), round(float(r.spend_p90), 2)]
        for r in costs.itertuples(index=False)
    ]  # fmt: skip
    return {
        "run": run.pk,
        "as_at": run.as_at.isoformat() if run.as_at else None,
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "horizon_months": run.horizon_months,
        "paths": run.n_paths,
        "scenarios": [BASELINE, *run.scenario_names],
        "series": series,
        "backtest": backtest_summary(backtest) if not backtest.empty else [],
        "backtest_series": backtest_series,
        "cost_columns": [
            "scenario",
            "financial_year",
            "months",
            "dimension",
            "key",
            "bed_nights",
            "spend_mean",
            "spend_p10",
            "spend_p90",
        ],  # fmt: skip
        "costs": cost_rows,
        "unit_costs": run.unit_costs,
        "model_choice": run.model_choice,
        # Each category's and age band's recent history, drawn as the "Actual" line on its fan.
        "actual_history": actual_history(run=run),
    }


MARKET_COLUMNS = [
    "urn", "name", "provision_type", "la_name", "inside_area", "miles", "places", "judgement", "judgement_date",
    "used_ours", "used_others", "ours_12m", "price_week", "setting_id", "in_house",
]  # fmt: skip


def market_rollup(*, authority: LocalAuthority, settings: pd.DataFrame, as_at: dt.date) -> dict[str, Any]:
    """Settings inside the area or within 20 miles: places, latest judgement, who lives there now, how many
    of our children lived there in the last 12 months, the mean weekly price we paid, and whether the authority
    runs the home itself (an in-house home is its own capacity, not a provider's)."""
    if settings.empty:
        return {"columns": MARKET_COLUMNS, "rows": []}
    since = as_at - dt.timedelta(days=365)
    usage = (
        PlacementEpisode.objects.filter(authority=authority, setting_id__in=settings["setting_id"].tolist())
        .filter(Q(dec__isnull=True) | Q(dec__gte=since), decom__lte=as_at)
        .values("setting_id")
        .annotate(children=Count("child", distinct=True), price=Avg("weekly_cost"))
    )
    by_setting = {row["setting_id"]: row for row in usage}
    own_homes = set(InHouseHome.objects.for_authority(authority).values_list("setting_id", flat=True))
    rows = []
    for s in settings.sort_values(["miles", "urn"], na_position="last").itertuples(index=False):
        used = by_setting.get(s.setting_id, {})
        price = used.get("price")
        rows.append(
            [
                s.urn,
                s.name or "",
                s.provision_type,
                s.la_name or "",
                bool(s.inside_area),
                None if pd.isna(s.miles) else float(s.miles),
                None if pd.isna(s.places) else int(s.places),
                s.judgement or "",
                s.judgement_date.isoformat() if isinstance(s.judgement_date, dt.date) else None,
                int(s.used_ours),
                int(s.used_others),
                int(used.get("children", 0)),
                None if price is None else round(float(price), 2),
                int(s.setting_id),
                int(s.setting_id) in own_homes,
            ]
        )
    return {"columns": MARKET_COLUMNS, "rows": rows}


def market_on(*, authority: LocalAuthority, on: dt.date) -> dict[str, Any]:
    """The market document as at `on` (a date chosen in the banner), counted as the stored one is."""
    return market_rollup(
        authority=authority, settings=local_settings_frame(authority=authority, on=on), as_at=on
    )


def headline(*, overview: dict[str, Any], forecast: dict[str, Any], as_at: dt.date) -> dict[str, Any]:
    """The figures the region page compares, as at the rollup's date."""
    snap = overview["snapshots"].get(as_at.isoformat()) or {}
    cells = pd.DataFrame(snap.get("cells", []), columns=CELL_COLUMNS)
    by_category = cells.groupby("category")["children"].sum().to_dict() if not cells.empty else {}
    mix = {group: int(sum(by_category.get(c, 0) for c in cats)) for group, cats in COARSE_GROUPS.items()}
    total = int(snap.get("total", 0))
    population = snap.get("population")
    spend_years = pd.DataFrame(overview["spend"].get("by_year", []), columns=overview["spend"]["columns"])
    # The last full financial year is derived from the as-at date by the one period function, so the
    # region page and the overview name the same year (31 March itself closes a year).
    full_year = period_for(as_at, "last_full_financial_year").label
    last_year = full_year if full_year in set(spend_years["financial_year"]) else None
    growth = None
    series = forecast.get("series", {}).get(f"{BASELINE}|total|total")
    if series and total:
        growth = round((series["mean"][-1] - total) / total * 100, 1)
    return {
        "as_at": as_at.isoformat(),
        "total": total,
        "population": population,
        "rate": round(total / population * 10_000, 1) if population else None,
        "started_12m": snap.get("started_12m", 0),
        "ceased_12m": snap.get("ceased_12m", 0),
        "mix": mix,
        "by_category": {c: int(by_category.get(c, 0)) for c in PLANNING_CATEGORIES},
        # Children by category and age band (non-zero cells), for the region page's filters.
        "by_category_age": {
            c: {a: int(n) for a, n in part.groupby("age_band")["children"].sum().items() if n}
            for c, part in cells.groupby("category")
        }
        if not cells.empty
        else {},
        "distance_known": int(cells["distance_known"].sum()) if not cells.empty else 0,
        "over_20_miles": int(cells["over_20_miles"].sum()) if not cells.empty else 0,
        "boundary_known": int(cells["boundary_known"].sum()) if not cells.empty else 0,
        "outside_la": int(cells["outside_la"].sum()) if not cells.empty else 0,
        "below_good": int(cells.loc[cells["quality"] == QUALITY_BELOW, "children"].sum())
        if not cells.empty
        else 0,
        "spend_year": last_year,
        "spend": round(float(spend_years.loc[spend_years["financial_year"] == last_year, "spend"].sum()), 2)
        if last_year
        else None,
        "forecast_end": series["months"][-1] if series else None,
        "forecast_end_mean": series["mean"][-1] if series else None,
        "forecast_growth_pct": growth,
    }


def link_sections(
    *, overview: dict[str, Any], forecast: dict[str, Any], gap: dict[str, Any], as_at: dt.date
) -> None:
    """Copy into the forecast and gap documents the few actual figures their pages show beside them, so
    that each page reads one document: recent monthly totals and actual spend (forecast), and where the
    children live on the date (gap)."""
    if forecast:
        forecast["actual_recent"] = [[m[0], m[1]] for m in overview["monthly"][-36:]]
        by_year: dict[str, float] = {}
        by_category: dict[str, dict[str, float]] = {}
        for year, category, _nights, spend in overview["spend"].get("by_year", []):
            by_year[year] = round(by_year.get(year, 0.0) + spend, 2)
            by_category.setdefault(category, {})[year] = spend
        forecast["actual_spend"] = by_year
        forecast["actual_spend_by_category"] = by_category
    if gap:
        snap = overview["snapshots"].get(as_at.isoformat(), {})
        gap["where_columns"] = WHERE_COLUMNS
        gap["where"] = snap.get("where", [])
        gap["total"] = snap.get("total", 0)
