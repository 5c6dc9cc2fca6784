"""Exits and moves that depend on the time since the placement began (a clock that a move restarts)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pytest

from forecasting.engine import ForecastParameters, build_history, run_forecast
from forecasting.engine.forecast import population_on
from forecasting.engine.history import day_number
from forecasting.engine.rates import DAYS_PER_MONTH, NB, PLACEMENT_EDGES_MONTHS, K, fit_rates, window_stats
from forecasting.engine.selection import Candidate
from forecasting.engine.simulate import Plan, Population, simulate
from tests.forecasting.engine.synthetic import hand_built, simulate_register, standard_process

AS_AT = dt.date(2026, 3, 31)
PLACEMENT_EDGES = np.array(PLACEMENT_EDGES_MONTHS) * DAYS_PER_MONTH
#: Moves three times as likely in a placement's first three months, 0.4 times after a year.
MOVES_BY_PLACEMENT = ((0.0, 3.0, 12.0), (3.0, 1.0, 0.4))


def test_exposure_and_moves_are_split_by_the_time_since_the_placement_began():
    """A child placed on 1 May 2024 moves 120 days later: each placement has its own first months."""
    register = hand_built(
        [("A", "2024-05-01", "2024-08-29", "X1", "fostering_inhouse", None),
         ("A", "2024-08-29", None, None, "fostering_external", None)],
        {"A": "2012-06-01"},
    )  # fmt: skip
    history = build_history(register)
    stats = window_stats(
        history, day_number(dt.date(2023, 3, 31)), day_number(AS_AT), None, None, PLACEMENT_EDGES
    )
    assert stats.n_dur == 3
    bucket = stats.exp_cell // (NB * K)
    days = np.bincount(bucket, weights=stats.exp_days, minlength=3)
    three_months = PLACEMENT_EDGES[1]
    moved_day = 120.0
    after_move = day_number(AS_AT) - day_number(dt.date(2024, 8, 29))  # 579 days in the second placement
    # Both placements spend their first three months in bucket 0 (the move restarts the clock).
    assert days[0] == pytest.approx(2 * three_months)
    assert days[1] == pytest.approx((moved_day - three_months) + (PLACEMENT_EDGES[2] - three_months))
    assert days[2] == pytest.approx(after_move - PLACEMENT_EDGES[2])
    # The move on day 120 of the first placement is charged to its 3-12 month bucket.
    assert stats.ev_cell.size == 1
    assert stats.ev_cell[0] // ((K + 1) * NB * K) == 1
    # The child in care on the data date has been in this placement 579 days, in care 699.
    population = population_on(history.truncate(day_number(AS_AT)), day_number(AS_AT))
    assert population.in_placement_days is not None and population.in_care_days is not None
    assert population.in_placement_days[0] == after_move
    assert population.in_care_days[0] == after_move + moved_day


def _survival_with_reset(h_move: float, h_exit: float, window: float, left: float) -> float:
    """Chance of being in care at the end for a child with ``left`` days left of a placement's first
    ``window`` days, outside which there is no hazard; a move to the second category (where there are no
    moves) starts a new first ``window`` days."""
    both = h_move + h_exit
    stay = np.exp(-left * both)
    moved_then_stay = h_move / both * (1.0 - np.exp(-left * both)) * np.exp(-window * h_exit)
    return float(stay + moved_then_stay)


def test_the_simulation_restarts_the_placement_clock_on_a_move():
    """Moves (category 0 to 1) and exits only in a placement's first 30 days. A child who moves gets 30
    more days of exit hazard in the new placement; without the restart it would get only what was left."""
    h_move, h_exit, window = 0.05, 0.03, 30.0
    hazards = np.zeros((1, 1, 2, NB, K, K + 1))
    hazards[:, :, 0, :, :, K] = h_exit  # placement bucket 0: exits from every category
    hazards[:, :, 0, :, 0, 1] = h_move  # and moves from category 0 to 1
    plan = Plan(hazards=hazards, epoch_ends=np.array([np.inf]), entry=np.zeros((1, 18, K)),
                placement_edges=np.array([0.0, window]))  # fmt: skip
    n = 6000
    # Newly placed children, and children long in care but only 20 days into their placement.
    in_place = np.repeat([0.0, 20.0], n)
    population = Population(
        category=np.zeros(in_place.size, np.int64),
        band=np.full(in_place.size, 3, np.int64),
        edges=np.tile(np.array([-3000.0, -2000.0, -10.0, 2000.0, 3000.0]), (in_place.size, 1)),
        in_care_days=np.repeat([0.0, 800.0], n),
        in_placement_days=in_place,
    )
    out = simulate(population, plan, draw_of_path=np.zeros(1, np.int64), grid=np.array([0.0, 365.0]),
                   seed=4, with_bed_nights=False)  # fmt: skip
    survived = out.counts[0, 1].sum()
    expected = n * (
        _survival_with_reset(h_move, h_exit, window, window)
        + _survival_with_reset(h_move, h_exit, window, 10.0)
    )
    without_reset = n * (np.exp(-window * h_exit) + np.exp(-10.0 * h_exit))
    assert abs(expected - without_reset) > 0.15 * expected  # the two differ clearly
    assert survived == pytest.approx(expected, rel=0.03)
    # Every mover is in category 1: 1 - exp(-h_move * ...) of them moved before any exit.
    assert out.counts[0, 1, 1].sum() > 0.4 * survived


@pytest.fixture(scope="module")
def placement_register():
    process = dataclasses.replace(standard_process(), move_by_months=MOVES_BY_PLACEMENT)
    register = simulate_register(
        process, start=dt.date(2016, 4, 1), end=AS_AT + dt.timedelta(days=1), seed=11
    )
    return process, register


def _multipliers(table, kind: str, what: str) -> np.ndarray:
    rows = table[(table["kind"] == kind) & (table["category"] == what)]
    return rows["rate"].to_numpy()


def test_a_move_hazard_falling_with_time_in_the_placement_is_recovered(placement_register):
    _, register = placement_register
    history = build_history(register).truncate(day_number(AS_AT))
    rates = fit_rates(history, start=day_number(dt.date(2023, 3, 31)), end=day_number(AS_AT), n_draws=1,
                      rng=None, duration=True, placement=True)  # fmt: skip
    assert rates.hazards.shape[1:] == (4 * 3, NB, K, K + 1)
    moves = _multipliers(rates.table, "placement", "move")
    labels = rates.table[(rates.table["kind"] == "placement") & (rates.table["category"] == "move")]
    assert list(labels["to_category"]) == ["0-3 months", "3-12 months", "12+ months"]
    # true ratios 3.0 : 1.0 : 0.4; the first placement's first months are also the period of care's, so
    # part of the effect goes to the time-in-care multipliers, and only children who moved tell them apart
    assert moves[0] > moves[1] > moves[2]
    assert moves[0] / moves[1] == pytest.approx(3.0, rel=0.3)
    assert moves[0] / moves[2] > 3.0
    # a newly placed entrant against a child three years in care and a year in the placement: 3.0 / 0.4
    move_hazard = rates.hazards[0, :, 3, 0, :K].sum(axis=-1)  # 10-15 year olds in in-house foster care
    assert move_hazard[0] / move_hazard[3 * 3 + 2] == pytest.approx(3.0 / 0.4, rel=0.25)
    # exits do not depend on the placement's time here
    assert np.all(np.abs(_multipliers(rates.table, "placement", "exit") - 1.0) < 0.3)

    plain = simulate_register(standard_process(), start=dt.date(2016, 4, 1), end=AS_AT, seed=12)
    flat = fit_rates(build_history(plain), start=day_number(dt.date(2023, 3, 31)), end=day_number(AS_AT),
                     n_draws=1, rng=None, duration=True, placement=True).table  # fmt: skip
    none = flat[flat["kind"] == "placement"]["rate"].to_numpy()
    assert none.size == 6
    assert np.all((none > 0.7) & (none < 1.35))


def test_a_forecast_by_time_in_placement_runs_with_bootstrap_draws_and_a_scenario(placement_register):
    _, register = placement_register
    params = ForecastParameters(as_at=AS_AT, horizon_months=12, n_paths=60, parameter_draws=20, seed=1,
                                backtest_offsets=(12,), duration_hazards=True, placement_hazards=True)  # fmt: skip
    result = run_forecast(register, params)
    total = result.months[result.months["dimension"] == "total"]
    assert total["mean"].iloc[-1] == pytest.approx(total["mean"].iloc[0], rel=0.15)
    assert set(result.rates["kind"]) >= {"duration", "placement"}
    candidate = Candidate(3, True, None, duration_hazards=True, trend_years=6, placement_hazards=True)
    assert candidate.apply(params).placement_hazards
    assert "current placement" in candidate.describe()
    assert candidate.as_dict()["placement_hazards"] is True


def test_the_two_clocks_run_side_by_side_and_a_move_restarts_only_the_placement_one():
    """Exits only in the first 30 days in care, moves (category 0 to 1) only in a placement's first 30
    days: a move must not restart the time in care, and time in care must not hold back the moves."""
    h_move, h_exit = 0.04, 0.03
    hazards = np.zeros((1, 1, 4, NB, K, K + 1))  # duration bucket = care bucket * 2 + placement bucket
    hazards[:, :, [0, 1], :, :, K] = h_exit  # care bucket 0, either placement bucket
    hazards[:, :, [0, 2], :, 0, 1] = h_move  # placement bucket 0, either care bucket
    plan = Plan(hazards=hazards, epoch_ends=np.array([np.inf]), entry=np.zeros((1, 18, K)),
                duration_edges=np.array([0.0, 30.0]), placement_edges=np.array([0.0, 30.0]))  # fmt: skip
    n = 6000
    population = Population(
        category=np.zeros(2 * n, np.int64),
        band=np.full(2 * n, 3, np.int64),
        edges=np.tile(np.array([-3000.0, -2000.0, -10.0, 2000.0, 3000.0]), (2 * n, 1)),
        in_care_days=np.repeat([0.0, 100.0], n),  # newly in care; long in care
        in_placement_days=np.zeros(2 * n),  # both newly placed
    )
    out = simulate(population, plan, draw_of_path=np.zeros(1, np.int64), grid=np.array([0.0, 365.0]),
                   seed=5, with_bed_nights=False)  # fmt: skip
    moved_share = 1.0 - np.exp(-30 * h_move)
    stay_share = np.exp(-30 * h_exit)
    assert out.counts[0, 1].sum() == pytest.approx(n * (stay_share + 1.0), rel=0.02)
    assert out.counts[0, 1, 1].sum() == pytest.approx(n * (stay_share + 1.0) * moved_share, rel=0.05)


def test_a_bucket_edge_with_the_same_hazards_changes_no_path():
    """Time in care and in the placement change only the hazards: where every bucket has the same ones,
    crossing their edges (within a round of the simulation) must give exactly the paths of no clocks."""
    rng = np.random.default_rng(3)
    one = rng.uniform(0.0002, 0.002, size=(2, 2, 1, NB, K, K + 1))  # (draws, epochs, buckets, ...)
    one[..., np.arange(K), np.arange(K)] = 0.0
    care_edges = np.array([0.0, 91.3, 365.25, 1095.75])
    n_dur = care_edges.size * PLACEMENT_EDGES.size
    n = 400
    in_care = rng.uniform(0.0, 2000.0, n)
    population = Population(
        category=rng.integers(0, K, n),
        band=np.full(n, 3, np.int64),
        edges=np.tile(np.array([-3000.0, -2000.0, -10.0, 1500.0, 2500.0]), (n, 1)),
        in_care_days=in_care,
        in_placement_days=in_care * rng.uniform(0.0, 1.0, n),
    )
    entry = np.full((2, 18, K), 0.002)
    plain = Plan(hazards=one, epoch_ends=np.array([200.0, np.inf]), entry=entry)
    clocks = Plan(hazards=np.repeat(one, n_dur, axis=2), epoch_ends=np.array([200.0, np.inf]), entry=entry,
                  duration_edges=care_edges, placement_edges=PLACEMENT_EDGES)  # fmt: skip
    grid = np.cumsum(np.r_[0.0, np.full(24, 30.4)])
    runs = [
        simulate(population, plan, draw_of_path=np.arange(30) % 2, grid=grid, seed=9, paths_per_batch=7)
        for plan in (plain, clocks)
    ]
    assert runs[0].counts.sum() > 0
    np.testing.assert_array_equal(runs[0].counts, runs[1].counts)
    assert runs[0].bed_nights is not None and runs[1].bed_nights is not None
    np.testing.assert_allclose(runs[0].bed_nights, runs[1].bed_nights, rtol=1e-9)


def test_a_forecast_by_both_clocks_is_the_one_before_the_clocks_were_made_cheaper():
    """Fixed seed: the numbers of the engine that crossed each bucket edge in a round of its own and
    fitted the point estimate twice (crossing within a round, counting by band and category and fitting
    once must not change a forecast)."""
    process = dataclasses.replace(standard_process(), move_by_months=MOVES_BY_PLACEMENT)
    register = simulate_register(
        process, start=dt.date(2016, 4, 1), end=AS_AT + dt.timedelta(days=1), seed=11
    )
    params = ForecastParameters(
        as_at=AS_AT, horizon_months=24, n_paths=200, parameter_draws=20, seed=3, backtest_offsets=(12,),
        duration_hazards=True, placement_hazards=True, entry_trend=True, trend_years=6,
        unit_costs={"fostering_inhouse": 550.0, "residential_external": 6500.0},
    )  # fmt: skip
    result = run_forecast(register, params)
    months = result.months
    total = months[months["dimension"] == "total"]
    assert total["mean"].to_numpy()[[0, 6, 12, 24]].tolist() == [754.0, 752.865, 751.635, 749.99]
    assert total["p90"].to_numpy()[[12, 24]].tolist() == [779.0, 784.0]
    last = months[(months["dimension"] == "category") & (months["months_ahead"] == 24)]
    by_category = dict(zip(last["key"], last["mean"], strict=True))
    assert by_category["fostering_inhouse"] == 198.245
    assert by_category["fostering_external"] == 319.955
    assert by_category["residential_external"] == 54.98
    assert by_category["supported"] == 20.085
    assert result.backtest["mean"].to_numpy()[:3].tolist() == [720.89, 721.51, 726.565]
    costs = float(result.costs_monthly.select_dtypes("number").to_numpy().sum())
    assert costs == pytest.approx(308437505.8929286, rel=1e-9)
