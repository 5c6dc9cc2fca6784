"""From simulated paths to the long-format tables the app stores and charts.

Every statistic is taken across paths, separately for each month end (or financial year), dimension and
key: the mean, the median (p50) and the 10th/90th (an 80% interval) and 2.5th/97.5th percentiles (a 95%
interval). Costs are bed-nights times the weekly unit cost / 7, uplifted by inflation once per financial
year.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from placements.categories import AGE_BANDS

from .types import MODEL_CATEGORIES

QUANTILES = (50.0, 10.0, 90.0, 2.5, 97.5)
QUANTILE_COLUMNS = ("p50", "p10", "p90", "p2_5", "p97_5")


def _stats(values: np.ndarray) -> dict[str, np.ndarray]:
    """Mean and quantiles over axis 0 (paths), the quantiles as ``np.percentile``'s default (linear) method.

    Each series of paths is sorted once and every quantile read from it, which is several times faster
    than ``np.percentile`` for the thousands of short series a forecast has. Counts of children (small
    integers) are sorted as 16-bit integers, for which numpy's stable sort is a radix sort.
    """
    n_paths = values.shape[0]
    lanes = values.reshape(n_paths, -1).T
    if np.issubdtype(values.dtype, np.integer) and values.size and np.abs(values).max() < 2**15:
        lanes = np.sort(lanes.astype(np.int16), axis=1, kind="stable")
    else:
        lanes = np.sort(lanes, axis=1)
    out = {"mean": values.mean(axis=0)}
    for name, q in zip(QUANTILE_COLUMNS, QUANTILES, strict=True):
        position = (n_paths - 1) * q / 100.0
        below = int(np.floor(position))
        above = min(below + 1, n_paths - 1)
        weight = position - below
        a = lanes[:, below].astype(np.float64)
        b = lanes[:, above].astype(np.float64)
        step = b - a
        # numpy's _lerp: interpolate from the nearer end, so a weight of 1 gives exactly b.
        value = a + step * weight if weight < 0.5 else b - step * (1.0 - weight)
        out[name] = value.reshape(values.shape[1:])
    return out


def dimension_arrays(counts: np.ndarray) -> list[tuple[str, tuple[str, ...], np.ndarray]]:
    """(dimension, keys, values (paths, months, keys)) for total, category and age band."""
    by_category = counts.sum(axis=3, dtype=counts.dtype)
    return [
        ("total", ("total",), by_category.sum(axis=2, dtype=counts.dtype)[..., None]),
        ("category", MODEL_CATEGORIES, by_category),
        ("age_band", AGE_BANDS, counts.sum(axis=2, dtype=counts.dtype)),
    ]


def long_frame(
    arrays: list[tuple[str, tuple[str, ...], np.ndarray]],
    index: dict[str, np.ndarray],
    prefix: str = "",
    columns: tuple[str, ...] = ("mean", *QUANTILE_COLUMNS),
) -> pd.DataFrame:
    """Long table: one row per (period, dimension, key) with the statistics of each array.

    ``index`` maps column names to per-period values (e.g. month_end, months_ahead).
    """
    frames = []
    for dimension, keys, values in arrays:
        n_periods = values.shape[1]
        s = _stats(values)
        data: dict[str, object] = {name: np.repeat(v, len(keys)) for name, v in index.items()}
        data["dimension"] = dimension
        data["key"] = np.tile(np.array(keys, dtype=object), n_periods)
        for col in columns:
            data[prefix + col] = s[col].reshape(-1)
        frames.append(pd.DataFrame(data))
    return pd.concat(frames, ignore_index=True)


def months_frame(counts: np.ndarray, month_ends: list[dt.date]) -> pd.DataFrame:
    """The ``months`` table: children in care at each month end (month 0 = the as-at date)."""
    index = {"month_end": np.array(month_ends, dtype=object), "months_ahead": np.arange(len(month_ends))}
    return long_frame(dimension_arrays(counts), index)


def financial_year(date: dt.date) -> str:
    """Financial year label (April to March) of a date, e.g. 2026-27. The engine and `forecasting.gap` are
    pure (they import nothing of the project package, whose import starts Django), so they keep this one;
    everything else uses `sufficiency.core.formatting.financial_year`, and a test holds the two equal."""
    start = date.year if date.month >= 4 else date.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def spend(
    bed_nights: np.ndarray, month_ends: list[dt.date], unit_costs: dict[str, float], inflation: float
) -> np.ndarray:
    """Spend (paths, months, category) in pounds.

    The weekly costs are prices for the financial year of the first projected month; each later financial
    year costs ``(1 + inflation)`` times the year before.
    """
    weekly = np.array([float(unit_costs.get(c, 0.0)) for c in MODEL_CATEGORIES])
    fy_start = np.array([d.year if d.month >= 4 else d.year - 1 for d in month_ends])
    factor = (1.0 + inflation) ** (fy_start - fy_start[0])
    return bed_nights * (weekly / 7.0)[None, None, :] * factor[None, :, None]


def cost_frames(
    bed_nights: np.ndarray,
    month_ends: list[dt.date],
    as_at: dt.date,
    unit_costs: dict[str, float],
    inflation: float,
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, np.ndarray]]:
    """``costs_monthly`` and ``costs_by_fy`` tables, plus the per-path arrays used for comparisons.

    ``month_ends`` are the projected month ends (not the as-at date). Bed-nights are the nights a child
    spent in care in the month (day D counts when the child is in care on D).
    """
    money = spend(bed_nights, month_ends, unit_costs, inflation)
    arrays = {"bed_nights": bed_nights, "spend": money}
    cols = ("mean", "p10", "p90")

    def frame(values: dict[str, np.ndarray], index: dict[str, np.ndarray]) -> pd.DataFrame:
        parts = []
        for name, arr in values.items():
            dims = [("total", ("total",), arr.sum(axis=2)[..., None]), ("category", MODEL_CATEGORIES, arr)]
            part = long_frame(dims, index, prefix=f"{name}_", columns=cols)
            parts.append(part)
        merged = parts[0]
        for part in parts[1:]:
            merged = merged.merge(part, on=[*index, "dimension", "key"], how="left", sort=False)
        return merged

    monthly = frame(arrays, {"month_end": np.array(month_ends, dtype=object)})

    labels = np.array([financial_year(d) for d in month_ends])
    starts = np.r_[0, np.flatnonzero(labels[1:] != labels[:-1]) + 1]
    fy_labels = labels[starts]
    n_months = np.diff(np.r_[starts, labels.size])
    first_fy_start = dt.date(int(fy_labels[0][:4]), 4, 1)
    complete = (n_months == 12) & np.array([i > 0 or as_at < first_fy_start for i in range(len(starts))])
    by_fy = {name: np.add.reduceat(arr, starts, axis=1) for name, arr in arrays.items()}
    fy = frame(by_fy, {"financial_year": fy_labels, "months": n_months, "complete": complete})
    return monthly, fy, {**arrays, **{f"fy_{k}": v for k, v in by_fy.items()}, "fy_labels": fy_labels}
