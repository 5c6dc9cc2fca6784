"""What placements cost: actual spend from the register, and weekly unit costs blended by route.

Pure pandas/numpy (no Django), so the rules are tested without a database. The rules:

* **Bed-nights**: a child in a placement from DECOM up to (not including) DEC occupies one bed-night per
  day; an open episode runs to the end of the period asked for. Short-break series (V3/V4) are not
  looked-after placements and are left out, as in every other count.
* **Route** of an episode: the authority's own provision (in-house fostering and homes) and kinship care
  are ``in_house``; an external placement in a setting bought through a framework is ``framework``, any
  other external placement ``spot``. (Block-contracted beds are costed by the contract, not per child.)
* **Weekly cost** of an episode: its own agreed ``weekly_cost`` where the placement-finding record gave
  one; otherwise the authority's unit cost for the category and route in force on the first day of the
  month; failing that, the unit cost for the category on any route (the mean). Categories with no unit
  cost at all (e.g. placed with parents) cost nothing.
* **Blended weekly cost** of a category (what the forecasting engine multiplies bed-nights by): the
  unit costs by route weighted by the routes of the authority's children in that category on the date.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from .categories import (
    FOSTERING_INHOUSE,
    FOSTERING_KINSHIP,
    PLANNING_CATEGORIES,
    RESIDENTIAL_INHOUSE,
    SHORT_BREAK_LS,
)

IN_HOUSE_CATEGORIES = frozenset({FOSTERING_INHOUSE, RESIDENTIAL_INHOUSE, FOSTERING_KINSHIP})


def episode_routes(episodes: pd.DataFrame) -> pd.Series:
    """The route to market of each episode (see the module docstring)."""
    framework = (
        episodes.get("on_framework", pd.Series(False, index=episodes.index)).fillna(False).astype(bool)
    )
    routes = np.where(
        episodes["category"].isin(IN_HOUSE_CATEGORIES), "in_house", np.where(framework, "framework", "spot")
    )
    return pd.Series(routes, index=episodes.index)


def _month_starts(start: dt.date, end: dt.date) -> pd.DatetimeIndex:
    return pd.date_range(pd.Timestamp(start).to_period("M").to_timestamp(), pd.Timestamp(end), freq="MS")


def _rate_table(unit_costs: pd.DataFrame, months: pd.DatetimeIndex) -> dict[tuple[str, str], np.ndarray]:
    """(category, route) -> weekly cost for each month (NaN where none is in force).

    Where two of a pair's rows are in force in the same month, the one effective from later wins.
    """
    table: dict[tuple[str, str], np.ndarray] = {}
    if unit_costs.empty:
        return table
    month_days = months.to_numpy(dtype="datetime64[D]")
    starts = pd.to_datetime(unit_costs["effective_from"]).to_numpy(dtype="datetime64[D]")
    ends = pd.to_datetime(unit_costs["effective_to"]).to_numpy(dtype="datetime64[D]")
    costs = unit_costs["weekly_cost"].astype(float).to_numpy()
    keys = list(zip(unit_costs["category"].astype(str), unit_costs["route"].astype(str), strict=True))
    for i in np.argsort(starts, kind="stable"):
        values = table.setdefault(keys[i], np.full(len(month_days), np.nan))
        active = month_days >= starts[i]
        if not np.isnat(ends[i]):
            active &= month_days <= ends[i]
        values[active] = costs[i]
    return dict(sorted(table.items()))


def _nanmean_rows(rows: list[np.ndarray]) -> np.ndarray:
    """Mean across routes for each month, NaN (not a warning) where no route has a cost that month."""
    stacked = np.vstack(rows)
    counts = (~np.isnan(stacked)).sum(axis=0)
    sums = np.nansum(stacked, axis=0)
    return np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)


def actual_spend(
    episodes: pd.DataFrame, unit_costs: pd.DataFrame, start: dt.date, end: dt.date
) -> pd.DataFrame:
    """Bed-nights and spend per calendar month and planning category between two dates (inclusive).

    ``episodes``: category, decom, dec, ls, optional weekly_cost and on_framework. ``unit_costs``:
    category, route, weekly_cost, effective_from, effective_to. Returns month_end, category, bed_nights,
    spend (pounds), with a row for every month and category that had any bed-nights.
    """
    months = _month_starts(start, end)
    columns = ["month_end", "category", "bed_nights", "spend"]
    if episodes.empty or len(months) == 0:
        return pd.DataFrame(columns=columns)
    eps = episodes[~episodes["ls"].isin(SHORT_BREAK_LS)].reset_index(drop=True)
    month_first = months.to_numpy(dtype="datetime64[D]")
    month_next = (months + pd.offsets.MonthBegin(1)).to_numpy(dtype="datetime64[D]")
    period_end = np.datetime64(pd.Timestamp(end).date()) + np.timedelta64(1, "D")
    month_next = np.minimum(month_next, period_end)
    decom = pd.to_datetime(eps["decom"]).to_numpy(dtype="datetime64[D]")
    dec = pd.to_datetime(eps["dec"]).to_numpy(dtype="datetime64[D]")
    dec = np.where(np.isnat(dec), period_end, dec)
    # days[i, m]: nights episode i spent in month m
    lo = np.maximum(decom[:, None], month_first[None, :])
    hi = np.minimum(dec[:, None], month_next[None, :])
    days = np.clip((hi - lo).astype("timedelta64[D]").astype(np.int64), 0, None)

    routes = episode_routes(eps).to_numpy()
    categories = eps["category"].to_numpy()
    rates = _rate_table(unit_costs, months)
    weekly = np.zeros_like(days, dtype=float)
    category_means = {
        category: _nanmean_rows([v for (c, _), v in rates.items() if c == category])
        for category in {c for c, _ in rates}
    }
    for category in np.unique(categories):
        for route in np.unique(routes):
            mask = (categories == category) & (routes == route)
            if not mask.any():
                continue
            values = rates.get((str(category), str(route)))
            if values is None or np.isnan(values).all():
                values = category_means.get(str(category))
            if values is None:
                continue
            weekly[mask, :] = np.nan_to_num(values, nan=0.0)[None, :]
    own = pd.to_numeric(eps.get("weekly_cost", pd.Series(np.nan, index=eps.index)), errors="coerce").to_numpy(
        float
    )
    has_own = ~np.isnan(own)
    weekly[has_own, :] = own[has_own, None]
    spend = days * weekly / 7.0

    month_ends = (months + pd.offsets.MonthEnd(0)).date
    frames = []
    for category in PLANNING_CATEGORIES:
        mask = categories == category
        if not mask.any():
            continue
        nights = days[mask].sum(axis=0)
        frames.append(
            pd.DataFrame(
                {
                    "month_end": month_ends,
                    "category": category,
                    "bed_nights": nights,
                    "spend": spend[mask].sum(axis=0),
                }
            )
        )
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)
    out = out[out["bed_nights"] > 0].reset_index(drop=True)
    out["spend"] = out["spend"].round(2)
    return out[columns]


def blended_weekly_costs(episodes: pd.DataFrame, unit_costs: pd.DataFrame, on: dt.date) -> dict[str, float]:
    """Weekly cost per planning category on a date, blending routes by the children placed then."""
    month = pd.DatetimeIndex([pd.Timestamp(on).to_period("M").to_timestamp()])
    rates = {key: float(v[0]) for key, v in _rate_table(unit_costs, month).items() if not np.isnan(v[0])}
    if not rates:
        return {}
    ts = pd.Timestamp(on)
    current = episodes[
        (pd.to_datetime(episodes["decom"]) <= ts)
        & (episodes["dec"].isna() | (pd.to_datetime(episodes["dec"]) > ts))
        & ~episodes["ls"].isin(SHORT_BREAK_LS)
    ]
    routes = episode_routes(current) if not current.empty else pd.Series(dtype=object)
    blended: dict[str, float] = {}
    for category in PLANNING_CATEGORIES:
        options = {route: cost for (c, route), cost in rates.items() if c == category}
        if not options:
            continue
        counts = routes[current["category"] == category].value_counts() if not current.empty else pd.Series()
        weights = {route: float(counts.get(route, 0)) for route in options}
        total = sum(weights.values())
        if total == 0:
            blended[category] = round(sum(options.values()) / len(options), 2)
        else:
            blended[category] = round(sum(options[r] * w for r, w in weights.items()) / total, 2)
    return blended
