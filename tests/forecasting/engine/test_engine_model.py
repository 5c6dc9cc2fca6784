"""The forecasting engine on hand-built histories: counting rules, rates, projection, scenarios, costs."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pandas as pd
import pytest

from forecasting.engine import (
    MODEL_CATEGORIES,
    CapacityChange,
    ForecastParameters,
    Scenario,
    Transfer,
    build_history,
    run_forecast,
    run_scenarios,
)
from forecasting.engine.forecast import _prepare, _project, month_end_days
from forecasting.engine.history import day_number
from forecasting.engine.rates import PRIOR_DAYS, fit_rates, smooth_hazards
from forecasting.engine.simulate import simulate
from forecasting.engine.summary import financial_year
from placements.categories import AGE_BANDS

AS_AT = dt.date(2026, 3, 31)
K = len(MODEL_CATEGORIES)


def ep(child, dob, decom, dec=None, category="fostering_inhouse", rec=None, ls="C2", rne="S"):
    return {
        "child": child,
        "dob": pd.Timestamp(dob),
        "decom": pd.Timestamp(decom),
        "dec": pd.Timestamp(dec) if dec else pd.NaT,
        "category": category,
        "ls": ls,
        "rne": rne,
        "rec": rec if dec else None,
    }


def frame(rows) -> pd.DataFrame:
    return pd.DataFrame(rows)


def value(months: pd.DataFrame, ahead: int, dimension: str = "total", key: str = "total", col: str = "mean"):
    row = months[
        (months["months_ahead"] == ahead) & (months["dimension"] == dimension) & (months["key"] == key)
    ]
    return float(row[col].iloc[0])


# --- counting rules ---------------------------------------------------------------------------------------


def test_history_excludes_short_breaks_and_folds_temporary_placements():
    episodes = frame(
        [
            ep("A", "2015-01-01", "2020-01-01", "2020-01-03", ls="V3", rec="E13"),
            ep("B", "2012-05-01", "2020-01-01", "2020-06-01", rec="X1"),
            ep("B", "2012-05-01", "2020-06-01", "2020-06-10", category="temporary", rec="X1", rne="T"),
            ep("B", "2012-05-01", "2020-06-10", None, rne="T"),
            ep("C", "2010-02-01", "2021-01-01", "2021-01-05", category="temporary", rec="X1"),
            ep("C", "2010-02-01", "2021-01-05", None, category="residential_external", rne="P"),
        ]
    )
    history = build_history(episodes)
    assert history.start.size == 2  # B's temporary stay and C's opening one do not create moves
    by_cat, _ = history.counts_on(
        np.array([day_number(dt.date(2020, 1, 2)), day_number(dt.date(2021, 1, 2))])
    )
    inhouse = MODEL_CATEGORIES.index("fostering_inhouse")
    residential = MODEL_CATEGORIES.index("residential_external")
    assert by_cat[0].sum() == 1 and by_cat[0, inhouse] == 1  # A's short break is not counted
    assert by_cat[1, residential] == 1  # C's temporary start counts as its residential placement


def test_history_counts_follow_decom_le_d_lt_dec_and_periods_split_on_exit():
    episodes = frame(
        [
            ep("A", "2010-01-01", "2020-01-01", "2020-03-01", rec="E13"),
            ep("A", "2010-01-01", "2020-03-01", "2020-09-01", category="fostering_external", rec="E13"),
        ]
    )
    history = build_history(episodes)
    assert history.first.tolist() == [True, True]  # an exit then a new period: two entries, no move
    days = np.array(
        [day_number(d) for d in (dt.date(2019, 12, 31), dt.date(2020, 1, 1), dt.date(2020, 9, 1))]
    )
    by_cat, by_band = history.counts_on(days)
    assert by_cat.sum(axis=1).tolist() == [0, 1, 0]
    assert by_band[1, AGE_BANDS.index("10_15")] == 1


# --- rates ------------------------------------------------------------------------------------------------


def test_rates_count_every_day_of_exposure():
    episodes = frame(
        [
            ep("A", "2012-01-01", "2024-01-01", "2024-04-10", category="fostering_external", rec="E13"),
            ep("B", "2012-06-01", "2023-01-01", None, category="fostering_external"),
        ]
    )
    history = build_history(episodes)
    start, end = day_number(dt.date(2024, 1, 1)), day_number(dt.date(2025, 1, 1))
    rates = fit_rates(history, start=start, end=end, n_draws=1, rng=None)
    row = rates.table[
        (rates.table["kind"] == "exit")
        & (rates.table["age_band"] == "10_15")
        & (rates.table["category"] == "fostering_external")
    ].iloc[0]
    assert row["exposure_days"] == 100 + 366  # A: 1 Jan-9 Apr 2024 (100 days); B: all of 2024
    assert row["events"] == 1
    assert row["raw_rate"] == pytest.approx(365.25 / 466)


def test_small_cells_borrow_strength_from_coarser_groups():
    exposure = np.zeros((1, 5, K))
    exits = np.zeros((1, 5, K))
    moves = np.zeros((1, 5, K, K))
    fe, fi, rx = (
        MODEL_CATEGORIES.index(c) for c in ("fostering_external", "fostering_inhouse", "residential_external")
    )
    exposure[0, 3, fe] = 10 * 365.25
    exits[0, 3, fe] = 3
    exposure[0, 3, fi] = 2.0  # two days of exposure, one exit: must not explode to 180 a year
    exits[0, 3, fi] = 1
    hz = smooth_hazards(exposure, exits, moves)[0]
    band_rate = 4 / (10 * 365.25 + 2)
    band_level = (4 + PRIOR_DAYS * band_rate) / (10 * 365.25 + 2 + PRIOR_DAYS)
    fostering = (4 + PRIOR_DAYS * band_level) / (10 * 365.25 + 2 + PRIOR_DAYS)
    assert hz[3, rx, K] == pytest.approx((0 + PRIOR_DAYS * band_level) / (0 + PRIOR_DAYS))  # no exposure
    assert hz[3, fi, K] == pytest.approx((1 + PRIOR_DAYS * fostering) / (2 + PRIOR_DAYS))
    assert hz[3, fi, K] * 365.25 < 2.0
    assert hz[3, fe, K] == pytest.approx((3 + PRIOR_DAYS * fostering) / (10 * 365.25 + PRIOR_DAYS))
    # Moves are never borrowed across age bands: none seen for 5-9s, so none projected.
    assert np.all(smooth_hazards(exposure, exits, moves)[0][2, :, :K] == 0)


# --- projection -------------------------------------------------------------------------------------------


def steady_register() -> pd.DataFrame:
    """An 8-year-old enters every 3 days and stays exactly 600 days: a steady 200 in care."""
    rows = []
    first = pd.Timestamp("2018-01-01")
    for i in range(1200):
        start = first + pd.Timedelta(days=3 * i)
        end = start + pd.Timedelta(days=600)
        rows.append(ep(f"S{i}", start - pd.DateOffset(years=8), start, end if end <= pd.Timestamp("2026-12-31") else None,
                       rec="E13"))  # fmt: skip
    return frame(rows)


def test_steady_state_stays_steady():
    params = ForecastParameters(as_at=AS_AT, horizon_months=36, n_paths=400, seed=1, backtest_offsets=())
    months = run_forecast(steady_register(), params).months
    start = value(months, 0)
    assert start == pytest.approx(200, abs=1)
    for ahead in (12, 24, 36):
        assert value(months, ahead) == pytest.approx(start, rel=0.03)


def drain_register() -> pd.DataFrame:
    """Fifty children in care since 2015; ten leave during the reference window; no one enters."""
    rows = []
    for i in range(50):
        dec = f"202{4 + i % 2}-0{1 + i % 9}-15" if i < 10 else None
        rows.append(ep(f"D{i}", f"201{i % 4}-03-0{1 + i % 9}", "2015-06-01", dec, rec="E13"))
    return frame(rows)


def test_no_entries_means_the_population_only_drains():
    params = ForecastParameters(as_at=AS_AT, horizon_months=36, n_paths=300, seed=2, backtest_offsets=())
    months = run_forecast(drain_register(), params).months
    total = months[months["dimension"] == "total"].sort_values("months_ahead")
    assert total["mean"].iloc[0] == 40
    for col in ("mean", "p97_5", "p2_5"):
        assert np.all(np.diff(total[col].to_numpy()) <= 1e-9)
    assert total["mean"].iloc[-1] < 40


def test_everyone_leaves_at_18():
    dobs = [
        f"2008-{m:02d}-{d:02d}" for m, d in [(4, 15), (6, 30), (7, 1), (9, 30), (12, 31), (2, 29), (3, 31)]
    ]
    dobs[5] = "2008-02-29"
    rows = [ep(f"E{i}", dob, "2019-01-01") for i, dob in enumerate(dobs)]
    params = ForecastParameters(as_at=AS_AT, horizon_months=14, n_paths=50, seed=3, backtest_offsets=())
    months = run_forecast(frame(rows), params).months
    total = months[months["dimension"] == "total"].sort_values("months_ahead")
    month_ends = [pd.Timestamp(d) for d in total["month_end"]]
    expected = [sum(pd.Timestamp(dob) + pd.DateOffset(years=18) > m for dob in dobs) for m in month_ends]
    # 29 Feb 2008 turns 18 on 1 Mar 2026 and 31 Mar 2008 on 31 Mar 2026: neither is in care at the start.
    assert expected[0] == 5
    assert total["mean"].tolist() == expected
    assert total["p97_5"].tolist() == expected
    assert total["mean"].iloc[-1] == 0
    june = total[total["month_end"] == dt.date(2026, 6, 30)]
    assert int(june["mean"].iloc[0]) == expected[3]  # a child whose 18th birthday is 30 June is not counted


def test_minus_100pc_entries_equals_a_no_entry_projection(authority_register):
    params = ForecastParameters(as_at=AS_AT, horizon_months=24, n_paths=200, seed=4, backtest_offsets=())
    _, model, _ = _prepare(authority_register, params)
    no_entry = dataclasses.replace(
        model, rates=dataclasses.replace(model.rates, entry=model.rates.entry * 0.0)
    )
    expected = _project(no_entry, None).counts
    scenario = Scenario(name="No entries", entry_rate_changes=dict.fromkeys(AGE_BANDS, -1.0))
    assert np.array_equal(_project(model, scenario).counts, expected)
    assert not np.array_equal(_project(model, None).counts, expected)
    public = run_forecast(authority_register, dataclasses.replace(params, scenario=scenario)).months
    assert value(public, 24) == pytest.approx(expected[:, 24].sum(axis=(1, 2)).mean())


def test_same_seed_same_forecast_and_batching_does_not_matter(authority_register):
    params = ForecastParameters(as_at=AS_AT, horizon_months=12, n_paths=120, seed=5, backtest_offsets=(12,))
    first = run_forecast(authority_register, params)
    second = run_forecast(authority_register, params)
    pd.testing.assert_frame_equal(first.months, second.months)
    pd.testing.assert_frame_equal(first.backtest, second.backtest)
    pd.testing.assert_frame_equal(first.costs_by_fy, second.costs_by_fy)
    other = run_forecast(authority_register, dataclasses.replace(params, seed=6))
    assert not first.months["mean"].equals(other.months["mean"])

    _, model, _ = _prepare(authority_register, params)
    from forecasting.engine.scenarios import build_plan

    plan = build_plan(model.rates, None, origin_day=model.origin_day)
    kwargs = {"draw_of_path": model.draw_of_path, "grid": model.grid, "seed": 5}
    a = simulate(model.population, plan, paths_per_batch=250, **kwargs)
    b = simulate(model.population, plan, paths_per_batch=37, **kwargs)
    assert np.array_equal(a.counts, b.counts)
    assert np.allclose(a.bed_nights, b.bed_nights)


def test_backtest_shape_and_skips_offsets_without_history(authority_register):
    params = ForecastParameters(
        as_at=AS_AT, horizon_months=12, n_paths=100, seed=7, backtest_offsets=(12, 24, 36, 72),
        history_start=dt.date(2020, 4, 1),
    )  # fmt: skip
    backtest = run_forecast(authority_register, params).backtest
    assert list(backtest.columns) == [
        "offset_months", "as_at", "month_end", "months_ahead", "dimension", "key", "actual",
        "mean", "p10", "p90", "p2_5", "p97_5", "ape", "in_80", "in_95",
    ]  # fmt: skip
    keys_per_month = 1 + K + len(AGE_BANDS)
    sizes = backtest.groupby("offset_months").size().to_dict()
    assert sizes == {
        12: 12 * keys_per_month,
        24: 24 * keys_per_month,
        36: 36 * keys_per_month,
    }  # 72: too early
    first = backtest[backtest["offset_months"] == 24]
    assert first["as_at"].iloc[0] == dt.date(2024, 3, 31)
    assert first["month_end"].max() == AS_AT
    total = backtest[backtest["dimension"] == "total"]
    assert (total["ape"] >= 0).all()
    assert total["in_95"].mean() >= total["in_80"].mean()
    assert ((total["actual"] >= total["p10"]) & (total["actual"] <= total["p90"])).equals(total["in_80"])


# --- costs ------------------------------------------------------------------------------------------------


def test_costs_bed_nights_and_financial_years():
    episodes = frame([ep("F", "2020-05-05", "2021-01-01")])
    params = ForecastParameters(
        as_at=AS_AT, horizon_months=24, n_paths=20, seed=8, backtest_offsets=(),
        unit_costs={"fostering_inhouse": 700.0}, inflation=0.05,
    )  # fmt: skip
    result = run_forecast(episodes, params)
    fy = result.costs_by_fy[result.costs_by_fy["dimension"] == "total"].set_index("financial_year")
    assert fy.loc["2026-27", "bed_nights_mean"] == pytest.approx(365)
    assert fy.loc["2026-27", "spend_mean"] == pytest.approx(36_500)
    assert fy.loc["2027-28", "bed_nights_mean"] == pytest.approx(366)  # includes 29 February 2028
    assert fy.loc["2027-28", "spend_mean"] == pytest.approx(366 * 100 * 1.05)
    assert fy["complete"].all() and fy["months"].tolist() == [12, 12]
    monthly = result.costs_monthly[result.costs_monthly["dimension"] == "total"]
    assert monthly["bed_nights_mean"].iloc[0] == pytest.approx(30)  # April
    assert monthly["spend_p10"].iloc[0] == monthly["spend_p90"].iloc[0] == pytest.approx(3_000)
    cat = result.costs_by_fy[(result.costs_by_fy["key"] == "fostering_external")]
    assert (cat["spend_mean"] == 0).all()


def test_costs_with_a_mid_month_as_at_start_with_a_partial_month():
    episodes = frame([ep("F", "2020-05-05", "2021-01-01")])
    params = ForecastParameters(
        as_at=dt.date(2026, 3, 15), horizon_months=13, n_paths=20, seed=8, backtest_offsets=(),
        unit_costs={"fostering_inhouse": 700.0}, inflation=0.0,
    )  # fmt: skip
    result = run_forecast(episodes, params)
    fy = result.costs_by_fy[result.costs_by_fy["dimension"] == "total"].set_index("financial_year")
    assert fy.loc["2025-26", "bed_nights_mean"] == pytest.approx(16)  # 16-31 March
    assert fy.loc["2025-26", "months"] == 1 and not fy.loc["2025-26", "complete"]
    assert fy.loc["2026-27", "bed_nights_mean"] == pytest.approx(365) and fy.loc["2026-27", "complete"]
    assert result.months["month_end"].iloc[1] == dt.date(2026, 3, 31)


def test_financial_year_labels_and_month_ends():
    assert financial_year(dt.date(2026, 3, 31)) == "2025-26"
    assert financial_year(dt.date(2026, 4, 1)) == "2026-27"
    assert financial_year(dt.date(2099, 12, 31)) == "2099-00"
    ends = month_end_days(day_number(dt.date(2026, 1, 31)), count=3)
    assert [str(np.datetime64(int(d), "D")) for d in ends] == ["2026-02-28", "2026-03-31", "2026-04-30"]


# --- scenarios ----------------------------------------------------------------------------------------------


def _comparison(authority_register, scenarios, n_paths=300):
    params = ForecastParameters(
        as_at=AS_AT, horizon_months=24, n_paths=n_paths, seed=9, backtest_offsets=(),
        unit_costs={"fostering_inhouse": 500, "fostering_external": 850, "residential_external": 5500},
    )  # fmt: skip
    return run_scenarios(authority_register, params, scenarios)


def test_scenarios_change_the_right_things_and_share_random_numbers(authority_register):
    scenarios = [
        Scenario(name="Fewer 16-17 entries", entry_rate_changes={"16_17": -0.5}),
        Scenario(
            name="Step-down",
            transfers=(
                Transfer("residential_external", "fostering_external", 0.5, start=dt.date(2026, 10, 1)),
            ),
        ),
        Scenario(
            name="+20 in-house carers", capacity_changes=(CapacityChange("fostering_inhouse", 20, AS_AT),)
        ),
        Scenario(name="More under-5s", entry_rate_changes={"under_1": 0.2, "1_4": 0.2}),
    ]
    result = _comparison(authority_register, scenarios)
    c = result.comparison.set_index(["scenario", "months_ahead", "dimension", "key"])

    # Entry change for 16-17s only: younger age bands are identical path by path (common random numbers).
    for band in ("under_1", "1_4", "5_9", "10_15"):
        row = c.loc[("Fewer 16-17 entries", 24, "age_band", band)]
        assert row["diff_p2_5" if "diff_p2_5" in row else "diff_p10"] == 0 and row["diff_p90"] == 0
    assert c.loc[("Fewer 16-17 entries", 24, "age_band", "16_17"), "diff_mean"] < -5

    # The step-down starts in October: nothing changes before, residential falls after.
    assert c.loc[("Step-down", 6, "category", "residential_external"), "diff_mean"] == 0
    assert c.loc[("Step-down", 24, "category", "residential_external"), "diff_mean"] < -5
    assert c.loc[("Step-down", 24, "category", "fostering_external"), "diff_mean"] > 5

    # Capacity: about 20 starts a year go in-house instead of to an IFA.
    inhouse = c.loc[("+20 in-house carers", 12, "category", "fostering_inhouse"), "diff_mean"]
    external = c.loc[("+20 in-house carers", 12, "category", "fostering_external"), "diff_mean"]
    assert 8 < inhouse < 22 and -22 < external < -8

    assert c.loc[("More under-5s", 24, "age_band", "1_4"), "diff_mean"] > 0
    assert c.loc[("More under-5s", 24, "age_band", "16_17"), "diff_p10"] == 0

    costs = result.costs_comparison.set_index(["scenario", "financial_year", "dimension", "key"])
    saving = costs.loc[("Step-down", "2027-28", "total", "total"), "diff_spend_mean"]
    assert saving < 0  # residential at £5,500 a week replaced by fostering at £850
    assert set(result.scenarios) == {s.name for s in scenarios}
    assert result.baseline.backtest.equals(result.scenarios["Step-down"].backtest)


def test_invalid_inputs_are_rejected():
    with pytest.raises(ValueError, match="Unknown planning categor"):
        build_history(frame([ep("X", "2015-01-01", "2020-01-01", category="castle")]))
    with pytest.raises(ValueError, match="missing columns"):
        build_history(pd.DataFrame({"child": ["X"]}))
    with pytest.raises(ValueError):
        Scenario(name="baseline")
    with pytest.raises(ValueError):
        Transfer("supported", "supported", 0.1)
    with pytest.raises(ValueError):
        CapacityChange("supported", 5, AS_AT)  # no default counterpart
    with pytest.raises(ValueError):
        ForecastParameters(as_at=AS_AT, horizon_months=61)
