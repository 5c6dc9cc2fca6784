"""Model choice by rolling-origin backtests: the better configuration wins, and the naive baselines are
scored on the same origins."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from forecasting.engine import ForecastParameters, run_scenarios
from forecasting.engine.forecast import _fit, _project, backtest, month_end_days, months_before
from forecasting.engine.history import build_history, day_number
from forecasting.engine.selection import (
    DEFAULT_CANDIDATES,
    LONG_TREND_CANDIDATE,
    TIE_MARGIN,
    Candidate,
    choose_model,
    origin_weight,
)
from tests.forecasting.engine.synthetic import extract, simulate_register, standard_process

AS_AT = dt.date(2026, 3, 31)


@pytest.fixture(scope="module")
def rising():
    register = simulate_register(
        standard_process(), start=dt.date(2012, 4, 1), end=dt.date(2026, 4, 2), seed=21,
        entry_growth=0.12, growth_from=dt.date(2019, 4, 1),
    )  # fmt: skip
    return extract(register, first_day=dt.date(2019, 4, 1))


def test_model_choice_prefers_the_trend_on_a_history_with_rising_entries(rising):
    params = ForecastParameters(as_at=AS_AT, seed=3)
    flat, trend = Candidate(3, False, None), Candidate(3, True, None)
    choice = choose_model(rising, params, candidates=(flat, trend), n_paths=60)
    assert choice.chosen == trend
    scores = choice.scores.set_index("name")
    assert scores.loc[trend.name, "mape"] < scores.loc[flat.name, "mape"] - 2
    # the flat model under-forecasts a rising history
    assert scores.loc[flat.name, "bias"] < 0
    assert choice.beats_baselines is True
    assert set(scores.index) >= {"last value held", "straight line through the last 36 months"}
    assert choice.origins == (12, 24, 36)
    summary = choice.summary()
    assert summary["chosen"]["entry_trend"] is True
    assert "trend" in summary["description"] and "%" in summary["reason"]
    assert choice.apply(params).entry_trend is True


def test_model_choice_on_a_stationary_history_keeps_the_simpler_model_when_a_trend_does_not_pay(
    authority_register,
):
    params = ForecastParameters(as_at=AS_AT, seed=3)
    flat, trend = Candidate(6, False, None), Candidate(6, True, None)
    choice = choose_model(authority_register, params, candidates=(flat, trend), n_paths=60)
    scores = choice.scores.set_index("name")
    # with no trend in the process the shrunk trend is close to none, so both score alike; the simpler
    # one is kept unless the trend is clearly better
    assert abs(scores.loc[trend.name, "mape"] - scores.loc[flat.name, "mape"]) < 2
    if choice.chosen == trend:
        assert scores.loc[trend.name, "mape"] < scores.loc[flat.name, "mape"] - 0.25


def test_too_little_history_falls_back_to_the_first_candidate(authority_register):
    params = ForecastParameters(as_at=AS_AT, seed=3, history_start=dt.date(2025, 6, 1))
    choice = choose_model(authority_register, params, n_paths=20)
    assert choice.chosen == DEFAULT_CANDIDATES[0]
    assert choice.beats_baselines is None and choice.origins == ()


def test_recent_origins_weigh_more_in_the_score(rising):
    """The score is the mean error per origin weighted 3, 2 and 1 for the origins 12, 24 and 36 months
    back, so a model that went wrong only long ago is not held back by it."""
    assert [origin_weight(k) for k in (12, 24, 36)] == [3.0, 2.0, 1.0]
    params = ForecastParameters(as_at=AS_AT, seed=3)
    flat = Candidate(3, False, None)
    choice = choose_model(rising, params, candidates=(flat,), n_paths=40)
    errors = choice.errors[choice.errors["name"] == flat.name]
    per_origin = errors.assign(a=errors["error_pct"].abs()).groupby("offset_months")["a"].mean()
    assert per_origin.index.tolist() == [12, 24, 36]
    weighted = (3 * per_origin[12] + 2 * per_origin[24] + per_origin[36]) / 6
    assert choice.scores.set_index("name").loc[flat.name, "mape"] == pytest.approx(weighted)
    # the plain mean differs on this history (the errors grow with the horizon), so the weighting matters
    assert abs(per_origin.mean() - weighted) > 0.05
    assert "more recent dates weighing more" in choice.reason


def test_the_preferred_model_is_kept_on_a_flat_history_and_follows_rising_entries(rising):
    """The preferred candidate is time in care on the 3-year window with a trend fitted on the extract and
    kept only where clear; backtest scores differ by a few tenths between draws of the same process, so it
    is left only for a gain of ``TIE_MARGIN`` points."""
    preferred = DEFAULT_CANDIDATES[0]
    assert (
        preferred
        == LONG_TREND_CANDIDATE
        == Candidate(3, True, None, duration_hazards=True, trend_years=6, placement_hazards=True)
    )
    assert DEFAULT_CANDIDATES[1] == Candidate(3, False, None, duration_hazards=True, placement_hazards=True)
    params = ForecastParameters(as_at=AS_AT, seed=3)
    flat_register = simulate_register(
        standard_process(), start=dt.date(2012, 4, 1), end=dt.date(2026, 4, 2), seed=22
    )
    flat = choose_model(extract(flat_register, first_day=dt.date(2020, 4, 1)), params, n_paths=50)
    scores = flat.scores[flat.scores["kind"] == "candidate"].set_index("name")["mape"]
    assert scores[preferred.name] < scores.min() + TIE_MARGIN
    assert flat.chosen == preferred
    # no clear trend in the flat history's entries: it forecasts as time in care without a trend does
    no_trend = DEFAULT_CANDIDATES[1]
    assert abs(scores[preferred.name] - scores[no_trend.name]) < 0.3
    # entries rising 12% a year: the chosen model carries a trend
    rising_choice = choose_model(rising, params, n_paths=50)
    scores = rising_choice.scores.set_index("name")["mape"]
    assert rising_choice.chosen.entry_trend
    assert scores[rising_choice.chosen.name] < scores[no_trend.name] - 2


def test_candidates_share_fits_at_an_origin_and_score_exactly_as_when_fitted_alone(rising):
    """At one origin the candidates with the same window, weighting and clocks count the window once and
    share one point estimate, and those with the same trend span one trend; every prediction and score
    is still exactly the one the candidate gets when it is backtested on its own."""
    params = ForecastParameters(as_at=AS_AT, seed=5)
    choice = choose_model(rising, params, n_paths=20)
    assert len(choice.fits) == 3
    for shared in choice.fits.values():
        keys = [k for k in shared if k[0] == "window"]
        # 11 candidates, 5 distinct (window, half-life, time in care, time in placement)
        assert (
            len(keys)
            == len({(c.reference_years, c.half_life_years, c.duration_hazards) for c in DEFAULT_CANDIDATES})
            == 5
        )
        # 6 candidates with a trend, 3 distinct spans (3 and 6 years, and 3 years within a 6-year span)
        assert len([k for k in shared if k[0] == "trend"]) == 3
    for candidate in DEFAULT_CANDIDATES:
        alone = choose_model(rising, params, candidates=(candidate,), n_paths=20)
        got = choice.errors[choice.errors["name"] == candidate.name].reset_index(drop=True)
        want = alone.errors[alone.errors["name"] == candidate.name].reset_index(drop=True)
        pd.testing.assert_frame_equal(got, want, check_exact=True)
        got_score = choice.scores.set_index("name").loc[candidate.name, ["mape", "bias"]]
        want_score = alone.scores.set_index("name").loc[candidate.name, ["mape", "bias"]]
        assert got_score.tolist() == want_score.tolist()


def test_the_stored_backtest_reuses_the_choice_fits_and_is_unchanged(rising):
    """The chosen model's stored backtest refits at the choice's origins with parameter uncertainty and
    its own paths; given the choice's fits it reuses their window counts, point estimate and trend (it
    fits nothing new of them) and its table is exactly the one without them."""
    params = ForecastParameters(as_at=AS_AT, seed=5, n_paths=40)
    choice = choose_model(rising, params, n_paths=20)
    chosen = choice.apply(params)
    history = build_history(rising).truncate(day_number(AS_AT))
    sizes = {origin: len(shared) for origin, shared in choice.fits.items()}
    reused = backtest(history, chosen, choice.fits)
    assert {origin: len(shared) for origin, shared in choice.fits.items()} == sizes
    alone = backtest(history, chosen)
    assert len(alone) > 0 and set(alone["offset_months"]) == {12, 24, 36}
    pd.testing.assert_frame_equal(reused, alone, check_exact=True)


def test_candidates_whose_rates_come_out_the_same_are_projected_once(authority_register, monkeypatch):
    """Where the history is too short to tell the 3-year window from the 6-year one (36 months back on a
    six-year extract both start when the register does), or the trend over the extract is not clear (so
    there is none), candidates fit the same rates: each such model is projected once, and every score is
    still exactly the one the candidate gets on its own."""
    import forecasting.engine.selection as selection

    calls = []

    def counting_project(model, scenario, with_bed_nights=True, **parts):
        calls.append((model.origin_day, parts.get("in_care", True), parts.get("entrants", True)))
        return real_project(model, scenario, with_bed_nights=with_bed_nights, **parts)

    real_project = selection._project
    monkeypatch.setattr(selection, "_project", counting_project)
    params = ForecastParameters(as_at=AS_AT, seed=5)
    choice = choose_model(authority_register, params, n_paths=20)
    oldest = min(choice.fits)
    keys = {k for k in choice.fits[oldest] if k[0] == "window"}
    assert len(keys) == 3  # both windows start on the first day of the register
    # there: plain and weighted, each with and without a trend; time in care without a trend, and with
    # one (over the extract or the window: the same span)
    entrant_runs = [origin for origin, in_care, entrants in calls if entrants and not in_care]
    assert entrant_runs.count(oldest) == 6
    assert len(entrant_runs) < 3 * len(DEFAULT_CANDIDATES) - 5
    # the children in care at the origin: once per window, weighting and clocks
    in_care_runs = [origin for origin, in_care, entrants in calls if in_care and not entrants]
    assert in_care_runs.count(oldest) == 3 and len(in_care_runs) + len(entrant_runs) == len(calls)
    monkeypatch.setattr(selection, "_project", real_project)
    for candidate in DEFAULT_CANDIDATES:
        alone = choose_model(authority_register, params, candidates=(candidate,), n_paths=20)
        got = choice.errors[choice.errors["name"] == candidate.name].reset_index(drop=True)
        want = alone.errors[alone.errors["name"] == candidate.name].reset_index(drop=True)
        pd.testing.assert_frame_equal(got, want, check_exact=True)


def test_the_children_in_care_and_the_entrants_simulated_apart_add_up_to_the_whole(authority_register):
    """The model choice simulates the children in care at the origin once per set of hazards and the
    entrants once per candidate: every simulated child has its own random numbers, so the two parts'
    counts add up exactly to those of one simulation of both (here with a trend in entries, time in care
    and in the placement, and parameter uncertainty)."""
    params = ForecastParameters(
        as_at=AS_AT, seed=9, n_paths=60, entry_trend=True, duration_hazards=True, placement_hazards=True
    )
    history = build_history(authority_register).truncate(day_number(AS_AT))
    origin = months_before(day_number(AS_AT), 24)
    model = _fit(
        history.truncate(origin), params, origin, month_end_days(origin, until=day_number(AS_AT)), 60, 4, True
    )
    whole = _project(model, None, with_bed_nights=False).counts
    in_care = _project(model, None, with_bed_nights=False, entrants=False).counts
    entrants = _project(model, None, with_bed_nights=False, in_care=False).counts
    assert in_care[:, 0].sum() == whole[:, 0].sum() > 0 and entrants[:, -1].sum() > 0
    assert np.array_equal(in_care + entrants, whole)


def test_the_forecast_from_the_history_the_choice_built_is_the_forecast_from_the_episodes(rising):
    """The service builds each child's spells once for the model choice and the forecast: a forecast from
    that history is exactly the one from the episodes."""
    params = ForecastParameters(as_at=AS_AT, seed=5, n_paths=40, backtest_offsets=(12,))
    history = build_history(rising)
    from_history = run_scenarios(history, params, [])
    from_episodes = run_scenarios(rising, params, [])
    assert from_history.baseline.months["mean"].sum() > 0
    pd.testing.assert_frame_equal(
        from_history.baseline.months, from_episodes.baseline.months, check_exact=True
    )
    pd.testing.assert_frame_equal(
        from_history.baseline.backtest, from_episodes.baseline.backtest, check_exact=True
    )
