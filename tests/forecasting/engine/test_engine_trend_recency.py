"""Entries with a trend and recency-weighted rates, checked against known processes."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pytest

from forecasting.engine import ForecastParameters, run_forecast
from forecasting.engine.rates import NB, K
from forecasting.engine.simulate import Plan, Population, simulate
from forecasting.engine.trend import (
    YEAR_DAYS,
    end_of_window_factor,
    entry_times,
    fit_entry_trend,
    fit_long_trend,
    integrated,
    lognormal_keep,
    trend_start,
)
from tests.forecasting.engine.synthetic import extract, simulate_register, standard_process

AS_AT = dt.date(2026, 3, 31)


def test_a_trend_is_recovered_from_simulated_entries_and_no_trend_stays_near_none():
    rng = np.random.default_rng(3)
    months = np.arange(36)
    t = (months + 0.5) / 12
    true = np.array([0.15, 0.15, 0.10, 0.12, 0.20])  # per year
    level = np.array([10.0, 8.0, 6.0, 12.0, 9.0])
    counts = rng.poisson(level[:, None] * np.exp(true[:, None] * t[None, :]))
    fitted = fit_entry_trend(counts, 365.25 / 12)
    per_year = fitted.slope * YEAR_DAYS
    assert np.all(per_year > 0.04)
    assert abs(per_year.mean() - true.mean()) < 0.06
    assert np.all(fitted.sd > 0)

    flat = rng.poisson(np.repeat(level[:, None], 36, axis=1))
    none = fit_entry_trend(flat, 365.25 / 12)
    assert np.all(np.abs(none.slope * YEAR_DAYS) < 0.05)
    # shrinking pulls a noisy slope towards zero, never past it
    assert np.all(np.abs(none.slope) <= np.abs(none.raw) + 1e-15)


def test_a_trend_over_the_extract_is_kept_where_the_entries_show_it_and_dropped_in_noise():
    """Six years of monthly entries by band (about 28 a month): flat, or flat for three years and then
    rising 8% a year. The rise is found (its start near three years in, its slope near 8%) in nearly every
    draw; in flat entries a trend is kept only in the few draws where noise looks like one."""
    level = np.array([3.0, 6.0, 5.0, 9.0, 5.0])
    t = (np.arange(72) + 0.5) / 12
    block = 365.25 / 12
    kept_flat, slopes, starts = 0, [], []
    for seed in range(40):
        rng = np.random.default_rng(seed)
        flat = rng.poisson(np.repeat(level[:, None], 72, axis=1))
        kept_flat += fit_long_trend(flat, block, 3.0) is not None
        rising = rng.poisson(level[:, None] * np.exp(0.08 * np.maximum(t - 3.0, 0.0))[None, :])
        fitted = fit_long_trend(rising, block, 3.0)
        if fitted is not None:
            slopes.append(float((fitted.slope * YEAR_DAYS).mean()))
            starts.append(trend_start(rising, block, 3.0)[0])
    assert kept_flat <= 6
    assert len(slopes) >= 34
    assert 0.05 < np.mean(slopes) < 0.10
    assert 2.0 <= np.median(starts) <= 3.0
    # the start is never searched later than asked: the reference window sees the trend throughout
    assert max(starts) <= 3.0


def test_trend_helpers_integrate_and_invert_exactly():
    slope = np.array([0.0, 0.001, -0.002])
    total = integrated(slope, 0.0, 100.0)
    assert total[0] == pytest.approx(100.0)
    assert total[1] == pytest.approx((np.exp(0.1) - 1) / 0.001)
    u = np.array([0.0, 0.5, 1.0 - 1e-12])
    for s in slope:
        times = entry_times(u, np.full(3, s), 10.0, 100.0)
        assert times[0] == pytest.approx(10.0)
        assert times[-1] == pytest.approx(100.0)
        # half the expected entrants come before the median time
        assert integrated(np.array([s]), 10.0, times[1])[0] == pytest.approx(
            integrated(np.array([s]), 10.0, 100.0)[0] / 2
        )
    assert end_of_window_factor(np.array([0.0]), 1000.0)[0] == pytest.approx(1.0)
    assert end_of_window_factor(np.array([0.001]), 1000.0)[0] > 1.0


def test_drawn_slopes_widen_the_paths_without_raising_their_mean():
    """Entries with no trend but an unsure slope (sd 15% a year, drawn per path): the paths spread, but the
    mean number of entrants over three years stays that of no trend. Without the lognormal correction the
    mean would be about 11% higher (exp(s * tau) averages exp(v * tau^2 / 2) over the draws)."""
    n_paths, per_day, lag = 2000, 0.3, 1.5 * YEAR_DAYS
    sd = 0.15 / YEAR_DAYS
    slopes = np.random.default_rng(5).normal(0.0, sd, size=(n_paths, NB))
    entry = np.zeros((n_paths, 18, K))
    # Only babies enter (nobody reaches a new band within three years), at the window-average rate
    # moved to the window's end by each draw's own slope, as the fit does.
    entry[:, 0, 0] = per_day * np.exp(slopes[:, 0] * lag)
    plan = Plan(
        hazards=np.zeros((n_paths, 1, 1, NB, K, K + 1)), epoch_ends=np.array([np.inf]), entry=entry,
        entry_slope=slopes, entry_slope_var=np.full(NB, sd**2), entry_slope_lag=lag,
    )  # fmt: skip
    empty = Population(category=np.zeros(0, np.int64), band=np.zeros(0, np.int64), edges=np.zeros((0, 5)))
    days = 3 * YEAR_DAYS
    out = simulate(empty, plan, draw_of_path=np.arange(n_paths), grid=np.array([0.0, days]), seed=4,
                   with_bed_nights=False)  # fmt: skip
    entered = out.counts[:, 1].sum(axis=(1, 2))
    expected = per_day * (days + 1.0)  # the projection's span includes its last day
    assert entered.mean() == pytest.approx(expected, rel=0.03)
    # the spread is still there: far wider than Poisson noise alone
    assert entered.std() > 3 * np.sqrt(expected)
    # the uncorrected mean, for scale: about 11% above
    tau = np.linspace(lag, lag + days, 200)
    assert np.mean(1.0 / lognormal_keep(sd**2, tau)) == pytest.approx(1.11, abs=0.02)


@pytest.fixture(scope="module")
def rising_register():
    register = simulate_register(
        standard_process(), start=dt.date(2012, 4, 1), end=dt.date(2026, 4, 2), seed=11,
        entry_growth=0.12, growth_from=dt.date(2021, 4, 1),
    )  # fmt: skip
    return extract(register, first_day=dt.date(2020, 4, 1))


def _total(result, ahead: int, col: str = "mean") -> float:
    m = result.months
    row = m[(m["dimension"] == "total") & (m["months_ahead"] == ahead)]
    return float(row[col].iloc[0])


def test_rising_entries_make_the_forecast_rise_and_the_bands_widen(rising_register):
    base = ForecastParameters(as_at=AS_AT, horizon_months=36, n_paths=300, seed=4, backtest_offsets=())
    flat = run_forecast(rising_register, base)
    trended = run_forecast(rising_register, dataclasses.replace(base, entry_trend=True))
    now = _total(trended, 0)
    assert _total(trended, 36) > 1.2 * now
    assert _total(trended, 36) > 1.15 * _total(flat, 36)
    width = {r: _total(x, 36, "p90") - _total(x, 36, "p10") for r, x in (("flat", flat), ("trend", trended))}
    assert width["trend"] > 1.3 * width["flat"]
    trend_rows = trended.rates[trended.rates["kind"] == "trend"]
    assert len(trend_rows) == 5 and (trend_rows["rate"] > 0.05).all()
    assert (flat.rates["kind"] != "trend").all()


@pytest.fixture(scope="module")
def step_register():
    """16-17 year olds stop starting in residential homes a year before the as-at date: they start in
    supported accommodation instead, and those in residential homes move to it four times as often."""
    before = standard_process()
    k = len(before.categories)
    res, sup = before.categories.index("residential_external"), before.categories.index("supported")
    entry = before.entry.copy()
    entry[16:, sup] += entry[16:, res]
    entry[16:, res] = 0.0
    daily = before.daily.copy()
    daily[4, res, sup] *= 4.0
    assert daily[4].sum(axis=1).max() < 1 and k == entry.shape[1]
    after = dataclasses.replace(before, entry=entry, daily=daily)
    register = simulate_register(
        before,
        start=dt.date(2014, 4, 1),
        end=dt.date(2026, 4, 2),
        seed=12,
        switch=(dt.date(2025, 3, 31), after),
    )
    return extract(register, first_day=dt.date(2020, 4, 1))


def _rate(rates, kind: str, band: str, category: str, to: str | None = None) -> float:
    rows = rates[(rates["kind"] == kind) & (rates["age_band"] == band) & (rates["category"] == category)]
    if to is not None:
        rows = rows[rows["to_category"] == to]
    return float(rows["rate"].sum())


def test_a_step_change_a_year_ago_shows_in_the_first_placement_and_move_tables(step_register):
    base = ForecastParameters(
        as_at=AS_AT, horizon_months=12, n_paths=20, seed=1, backtest_offsets=(), parameter_uncertainty=False
    )
    plain = run_forecast(step_register, base).rates
    recent = run_forecast(step_register, dataclasses.replace(base, half_life_years=0.5)).rates

    def share(rates, category):
        entries = rates[(rates["kind"] == "entry") & (rates["age_band"] == "16_17")]
        return float(entries.loc[entries["category"] == category, "rate"].sum() / entries["rate"].sum())

    # true shares: 15% residential before the change, 0% after
    assert share(plain, "residential_external") > 0.07
    assert share(recent, "residential_external") < 0.05
    assert share(recent, "supported") > 0.5
    # true move rate residential -> supported at 16-17: 0.4 a year before, 1.6 after
    moved_plain = _rate(plain, "move", "16_17", "residential_external", "supported")
    moved_recent = _rate(recent, "move", "16_17", "residential_external", "supported")
    assert moved_recent > 1.0
    assert moved_recent > moved_plain + 0.3


def test_a_step_change_nine_months_ago_shows_with_the_candidate_half_life():
    """The model choice's recency candidate (a 1-year half-life) picks up a reform nine months old: nine
    months after the change it carries about half of it (0.46 of the weight falls after it), against a
    quarter in the unweighted 3-year window (a larger authority, so the 16-17s' small numbers are not
    all noise)."""
    before = standard_process(entries_per_year=900.0)
    res, sup = before.categories.index("residential_external"), before.categories.index("supported")
    entry = before.entry.copy()
    entry[16:, sup] += entry[16:, res]
    entry[16:, res] = 0.0
    daily = before.daily.copy()
    daily[4, res, sup] *= 4.0
    after = dataclasses.replace(before, entry=entry, daily=daily)
    register = simulate_register(
        before,
        start=dt.date(2014, 4, 1),
        end=dt.date(2026, 4, 2),
        seed=21,
        switch=(dt.date(2025, 6, 30), after),
    )
    episodes = extract(register, first_day=dt.date(2020, 4, 1))
    base = ForecastParameters(
        as_at=AS_AT, horizon_months=12, n_paths=20, seed=1, backtest_offsets=(), parameter_uncertainty=False
    )
    plain = run_forecast(episodes, base).rates
    recent = run_forecast(episodes, dataclasses.replace(base, half_life_years=1.0)).rates

    def share(rates, category):
        entries = rates[(rates["kind"] == "entry") & (rates["age_band"] == "16_17")]
        return float(entries.loc[entries["category"] == category, "rate"].sum() / entries["rate"].sum())

    moved = {
        name: _rate(rates, "move", "16_17", "residential_external", "supported")
        for name, rates in (("plain", plain), ("recent", recent))
    }
    # residential share of 16-17 first placements: 15% before, 0% after (expected 11% plain, 8% recent)
    assert share(recent, "residential_external") < 0.10
    assert share(recent, "residential_external") < share(plain, "residential_external") - 0.015
    # moves residential -> supported at 16-17: 0.4 a year before, 1.6 after (expected 0.7 and 0.95 before the small-cell borrowing pulls them in)
    assert moved["recent"] > 0.7
    assert moved["recent"] > moved["plain"] + 0.1
