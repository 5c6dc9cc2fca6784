"""The engine against a known Markov process: unbiased means and calibrated 80% intervals.

Registers are simulated from ``standard_process`` (conftest), whose exact expected number of children in
care, given who is in care on the as-at date, is computed by ``expected_counts``. The engine sees only the
episodes up to the as-at date.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pandas as pd

from forecasting.engine import MODEL_CATEGORIES, ForecastParameters, run_forecast
from forecasting.engine.forecast import _prepare, _project
from forecasting.engine.history import build_history, day_number
from tests.forecasting.engine.synthetic import (
    expected_counts,
    month_end_after,
    simulate_register,
    standard_process,
)

AS_AT = dt.date(2026, 3, 31)
HORIZONS = (12, 24, 36)


def _projected_and_expected(process, register: pd.DataFrame, seed: int) -> tuple[pd.DataFrame, dict]:
    params = ForecastParameters(as_at=AS_AT, horizon_months=36, n_paths=1000, seed=seed, backtest_offsets=())
    result = run_forecast(register, params)
    days = [day_number(month_end_after(AS_AT, h)) for h in HORIZONS]
    expected = expected_counts(process, register, as_at=AS_AT, days=days)
    return result.months, {h: expected[d] for h, d in zip(HORIZONS, days, strict=True)}


def _value(months: pd.DataFrame, horizon: int, dimension: str, key: str, column: str = "mean") -> float:
    row = months[
        (months["months_ahead"] == horizon) & (months["dimension"] == dimension) & (months["key"] == key)
    ]
    return float(row[column].iloc[0])


def _true_rates_model(process, register: pd.DataFrame, n_paths: int):
    """The engine's model as at AS_AT with the process's true rates in place of the estimated ones."""
    params = ForecastParameters(as_at=AS_AT, horizon_months=36, n_paths=n_paths, seed=21, backtest_offsets=())
    _, model, _ = _prepare(register, params)
    ix = [MODEL_CATEGORIES.index(c) for c in process.categories]
    k = len(MODEL_CATEGORIES)
    hazards = np.zeros((1, 5, k, k + 1))
    daily = process.daily
    total = daily.sum(axis=2, keepdims=True)
    # A daily chain with total leaving probability p has continuous hazard -ln(1 - p), shared pro rata.
    continuous = daily * np.where(total > 0, -np.log1p(-total) / np.where(total > 0, total, 1), 0)
    for a, ca in enumerate(ix):
        for b, cb in enumerate(ix):
            hazards[0, :, ca, cb] = continuous[:, a, b]
        hazards[0, :, ca, k] = continuous[:, a, -1]
    entry = np.zeros((1, 18, k))
    entry[0][:, ix] = process.entry
    rates = dataclasses.replace(model.rates, hazards=hazards, entry=entry)
    return dataclasses.replace(model, rates=rates, draw_of_path=np.zeros(n_paths, dtype=np.int64))


def test_projection_with_the_true_rates_matches_the_exact_expectation(process, authority_register):
    """The projection machinery (ages, birthdays, leaving at 18, entries, Monte Carlo) is unbiased."""
    model = _true_rates_model(process, authority_register, n_paths=2000)
    counts = _project(model, None).counts
    days = [day_number(month_end_after(AS_AT, h)) for h in HORIZONS]
    expected = expected_counts(process, authority_register, as_at=AS_AT, days=days)
    ix = [MODEL_CATEGORIES.index(c) for c in process.categories]
    lines = []
    for h, d in zip(HORIZONS, days, strict=True):
        mean_by_cat = counts[:, h].sum(axis=2).mean(axis=0)[ix]
        total_err = mean_by_cat.sum() / expected[d].sum() - 1
        cat_err = mean_by_cat / expected[d] - 1
        lines.append(
            f"true rates +{h}m: total {100 * total_err:+.2f}%, worst category {100 * np.abs(cat_err).max():.1f}%"
        )
        assert abs(total_err) < 0.01
        assert np.all(np.abs(cat_err) < 0.05)
    print("\n".join(lines))


def test_repeated_simulations_unbiased_and_80pc_intervals_calibrated():
    """Fresh registers from the same process: the engine's means are unbiased (average error over the
    registers: total within 3%, each category within 10%) and its 80% intervals hold the realised future
    about 80% of the time. A single register's error also carries the sampling noise of its three-year
    reference window (about 3% sd for the total at +36 months), which no estimator can remove."""
    process = standard_process()
    n_reps = 24
    errors = {h: [] for h in HORIZONS}  # (reps, 1 + categories) relative errors of the mean
    covered = []  # (rep, horizon, dimension key) -> realised inside p10-p90
    for rep in range(n_reps):
        register = simulate_register(
            process, start=dt.date(2016, 4, 1), end=dt.date(2029, 4, 2), seed=1000 + rep
        )
        months, expected = _projected_and_expected(process, register, seed=rep)
        history = build_history(register)
        days = np.array([day_number(month_end_after(AS_AT, h)) for h in HORIZONS])
        by_cat, _ = history.counts_on(days)
        cat_index = [MODEL_CATEGORIES.index(c) for c in process.categories]
        for j, h in enumerate(HORIZONS):
            exp = expected[h]
            errs = [_value(months, h, "total", "total") / exp.sum() - 1]
            errs += [_value(months, h, "category", c) / exp[i] - 1 for i, c in enumerate(process.categories)]
            errors[h].append(errs)
            realised = [by_cat[j].sum()] + [by_cat[j, ci] for ci in cat_index]
            keys = [("total", "total")] + [("category", c) for c in process.categories]
            for (dim, key), actual in zip(keys, realised, strict=True):
                lo, hi = _value(months, h, dim, key, "p10"), _value(months, h, dim, key, "p90")
                covered.append((h, key, lo <= actual <= hi))

    spread = {h: np.std(np.asarray(errors[h])[:, 0]) for h in HORIZONS}
    coverage = pd.DataFrame(covered, columns=["horizon", "key", "inside"])
    total_cov = coverage[coverage["key"] == "total"]["inside"].mean()
    all_cov = coverage["inside"].mean()
    lines = [
        f"80% interval coverage: total {total_cov:.2f}, total+categories {all_cov:.2f} ({len(coverage)} checks)"
    ]
    for h in HORIZONS:
        bias = np.mean(errors[h], axis=0)
        lines.append(
            f"+{h}m mean error total {100 * bias[0]:+.1f}% (one register: sd {100 * spread[h]:.1f}%); categories "
            + ", ".join(f"{c} {100 * b:+.1f}%" for c, b in zip(process.categories, bias[1:], strict=True))
        )
        assert abs(bias[0]) < 0.03
        assert np.all(np.abs(bias[1:]) < 0.10)
    print("\n".join(lines))
    assert 0.65 <= total_cov <= 0.95
    assert 0.70 <= all_cov <= 0.90
