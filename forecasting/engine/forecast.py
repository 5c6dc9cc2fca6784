"""The engine's entry points: :func:`run_forecast` and :func:`run_scenarios`.

A forecast as at date A:

1. builds each child's spells from the episodes known at A (:mod:`.history`);
2. fits entry, move and exit rates on the reference window (:mod:`.rates`), with ``parameter_draws``
   bootstrap sets of rates shared by the Monte Carlo paths when ``parameter_uncertainty`` is on;
3. simulates ``n_paths`` futures month by month from the children actually in care at A
   (:mod:`.simulate`), for the baseline and for each scenario with the same rates and random numbers;
4. summarises children in care by month end, category and age band, and bed-nights and spend by month
   and financial year (:mod:`.summary`);
5. backtests the model: refits it as at 12, 24 and 36 months before A (where the history allows) and
   compares those projections with what the register shows happened.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .history import History, add_years, build_history, day_date, day_number
from .rates import NB, FitCache, RateSet, fit_rates
from .scenarios import build_plan
from .simulate import Population, SimulationOutput, simulate
from .summary import cost_frames, dimension_arrays, long_frame, months_frame
from .types import MODEL_CATEGORIES, ForecastParameters, ForecastResult, Scenario, ScenarioComparison

BACKTEST_COLUMNS = (
    "offset_months", "as_at", "month_end", "months_ahead", "dimension", "key", "actual",
    "mean", "p10", "p90", "p2_5", "p97_5", "ape", "in_80", "in_95",
)  # fmt: skip
MIN_HISTORY_DAYS = 365
DEFAULT_BACKTEST_PATHS = 400


def month_end_days(origin_day: int, *, count: int | None = None, until: int | None = None) -> np.ndarray:
    """Day numbers of the calendar month ends after ``origin_day`` (``count`` of them, or up to ``until``)."""
    origin = np.datetime64(int(origin_day), "D")
    month = origin.astype("datetime64[M]")
    is_month_end = (month + 1).astype("datetime64[D]") - 1 == origin
    first = 1 if is_month_end else 0
    n = count if count is not None else 12 * 200
    ends = ((month + np.arange(first, first + n) + 1).astype("datetime64[D]") - 1).astype(np.int64)
    if until is not None:
        ends = ends[ends <= until]
    return ends


def months_before(day: int, months: int) -> int:
    """The date ``months`` calendar months earlier; a month end maps to a month end."""
    date = np.datetime64(int(day), "D")
    month = date.astype("datetime64[M]")
    if (month + 1).astype("datetime64[D]") - 1 == date:
        return int(((month - months + 1).astype("datetime64[D]") - 1).astype(np.int64))
    return day_number(pd.Timestamp(day_date(day)) - pd.DateOffset(months=months))


def population_on(history: History, day: int) -> Population:
    """The children in care on ``day``, with their category, age band, birthdays (days from ``day``) and
    time since their period of care and their placement (the spell in their category) began."""
    spells = history.in_care_on(day)
    edges = history.edges[history.child[spells]]
    assert history.period_start is not None
    return Population(
        category=history.category[spells].astype(np.int64),
        band=(edges[:, :4] <= day).sum(axis=1).astype(np.int64),
        edges=(edges - day).astype(np.float64),
        in_care_days=(day - history.period_start[spells]).astype(np.float64),
        in_placement_days=(day - history.start[spells]).astype(np.float64),
    )


@dataclass
class _Model:
    """A fitted model as at one date, ready to project."""

    origin_day: int
    rates: RateSet
    population: Population
    grid: np.ndarray  # month-end days from origin, grid[0] = 0
    month_ends: list[dt.date]  # dates of the grid (the origin first)
    draw_of_path: np.ndarray
    seed: int


def _window(params: ForecastParameters, history: History, origin_day: int, backtest: bool) -> tuple[int, int]:
    """Reference window (start day, end day) for a model as at ``origin_day``."""
    history_start = day_number(params.history_start) if params.history_start else history.complete_day
    if not backtest and params.reference_end is not None:
        end = min(day_number(params.reference_end), origin_day)
    else:
        end = origin_day
    if params.reference_start is not None:
        length = max(day_number(params.reference_end or params.as_at) - day_number(params.reference_start), 1)
        start = day_number(params.reference_start) if not backtest else end - length
    else:
        start = int(add_years(np.array([end]), -params.reference_years)[0])
    start = max(start, history_start)
    if end - start < 28:
        raise ValueError(
            f"The reference window {day_date(start)} to {day_date(end)} holds less than four weeks"
        )
    return start, end


def _fit(
    history: History, params: ForecastParameters, origin_day: int, grid_days: np.ndarray, n_paths: int,
    seed: int, backtest: bool, shared: FitCache | None = None,
) -> _Model:  # fmt: skip
    """Fit the model as at ``origin_day`` on ``history`` (the register as known then).

    ``shared``: a cache for models fitted on this same ``history`` as at this same origin (see
    :func:`.rates.fit_rates`); it also keeps the children in care at the origin. The model is exactly
    the one fitted without it.
    """
    start, end = _window(params, history, origin_day, backtest)
    bootstrap_rng = (
        np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, 7])))
        if params.parameter_uncertainty
        else None
    )
    n_draws = min(n_paths, params.parameter_draws)
    trend_start = None
    if params.entry_trend and params.trend_years:
        history_start = day_number(params.history_start) if params.history_start else history.complete_day
        trend_start = max(int(add_years(np.array([end]), -params.trend_years)[0]), history_start)
    rates = fit_rates(
        history,
        start=start,
        end=end,
        n_draws=n_draws,
        rng=bootstrap_rng,
        with_table=not backtest,
        trend=params.entry_trend,
        half_life_days=params.half_life_years * 365.25 if params.half_life_years else None,
        duration=params.duration_hazards,
        trend_start=trend_start,
        placement=params.placement_hazards,
        shared=shared,
    )
    # Path p uses bootstrap draw p mod n_draws (ForecastParameters.parameter_draws).
    draw_of_path = (
        np.arange(n_paths) % n_draws if params.parameter_uncertainty else np.zeros(n_paths, np.int64)
    )
    grid_all = np.r_[origin_day, grid_days]
    population = shared.get(("population", origin_day)) if shared is not None else None
    if not isinstance(population, Population):
        population = population_on(history, origin_day)
        if shared is not None:
            shared[("population", origin_day)] = population
    return _Model(
        origin_day=origin_day,
        rates=rates,
        population=population,
        grid=(grid_all - origin_day).astype(np.float64),
        month_ends=[day_date(d) for d in grid_all],
        draw_of_path=draw_of_path,
        seed=seed,
    )


def _project(
    model: _Model,
    scenario: Scenario | None,
    with_bed_nights: bool = True,
    *,
    in_care: bool = True,
    entrants: bool = True,
) -> SimulationOutput:
    """Simulate the model's paths: the children in care at the origin (unless not ``in_care``) and the
    children entering care after it (unless not ``entrants``). Every simulated child has its own random
    numbers, so the two parts are simulated independently: their counts add up to those of the whole."""
    plan = build_plan(model.rates, scenario, origin_day=model.origin_day)
    population = model.population
    if not in_care:
        population = Population(
            category=np.zeros(0, np.int64), band=np.zeros(0, np.int64), edges=np.zeros((0, 5)),
            in_care_days=np.zeros(0), in_placement_days=np.zeros(0),
        )  # fmt: skip
    if not entrants:
        plan = dataclasses.replace(plan, entry=np.zeros_like(plan.entry))
    return simulate(
        population,
        plan,
        draw_of_path=model.draw_of_path,
        grid=model.grid,
        seed=model.seed,
        with_bed_nights=with_bed_nights,
    )


def _derived_seed(seed: int, salt: int) -> int:
    return int(np.random.SeedSequence([seed, salt]).generate_state(1, dtype=np.uint64)[0] >> np.uint64(1))


def backtest(
    history: History, params: ForecastParameters, shared: dict[int, FitCache] | None = None
) -> pd.DataFrame:
    """Refit as at each of ``params.backtest_offsets`` months before ``as_at`` and score the projections.

    ``history`` must be the register as known at ``as_at``. An offset is skipped when less than a year of
    history precedes its origin. For each month end between the origin and ``as_at`` the table compares the
    projection with the actual count (DfE counting rules): the absolute percentage error of the mean and
    whether the actual lies in the 80% (p10-p90) and 95% (p2.5-p97.5) intervals.

    ``shared``: fit caches by origin day from a model choice on this same register
    (:attr:`.selection.ModelChoice.fits`): the refits reuse what the choice already computed at the same
    origins (the window's counts, the point estimate, the trend), not its paths or draws, so the result
    is exactly the one without it.
    """
    as_at_day = day_number(params.as_at)
    history_start = day_number(params.history_start) if params.history_start else history.complete_day
    n_paths = params.backtest_paths or min(params.n_paths, DEFAULT_BACKTEST_PATHS)
    frames = []
    for offset in params.backtest_offsets:
        origin = months_before(as_at_day, offset)
        if origin - history_start < MIN_HISTORY_DAYS:
            continue
        grid_days = month_end_days(origin, until=as_at_day)
        if grid_days.size == 0:
            continue
        known = history.truncate(origin)
        model = _fit(
            known, params, origin, grid_days, n_paths, _derived_seed(params.seed, 100 + offset), True,
            None if shared is None else shared.get(origin),
        )  # fmt: skip
        counts = _project(model, None, with_bed_nights=False).counts[:, 1:]
        by_cat, by_band = history.counts_on(grid_days)
        actual = {
            "total": by_cat.sum(axis=1, keepdims=True).astype(np.float64),
            "category": by_cat.astype(np.float64),
            "age_band": by_band.astype(np.float64),
        }
        index = {
            "offset_months": np.full(grid_days.size, offset),
            "as_at": np.full(grid_days.size, day_date(origin), dtype=object),
            "month_end": np.array([day_date(d) for d in grid_days], dtype=object),
            "months_ahead": np.arange(1, grid_days.size + 1),
        }
        arrays = dimension_arrays(counts)
        frame = long_frame(arrays, index, columns=("mean", "p10", "p90", "p2_5", "p97_5"))
        frame.insert(6, "actual", np.concatenate([actual[d].reshape(-1) for d, _, _ in arrays]))
        frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=list(BACKTEST_COLUMNS))
    out = pd.concat(frames, ignore_index=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["ape"] = np.where(
            out["actual"] > 0, (out["mean"] - out["actual"]).abs() / out["actual"] * 100, np.nan
        )
    out["in_80"] = (out["actual"] >= out["p10"]) & (out["actual"] <= out["p90"])
    out["in_95"] = (out["actual"] >= out["p2_5"]) & (out["actual"] <= out["p97_5"])
    return out[list(BACKTEST_COLUMNS)]


@dataclass
class _Projection:
    result: ForecastResult
    counts: np.ndarray
    cost_arrays: dict[str, np.ndarray]


def _result(
    name: str, model: _Model, output: SimulationOutput, params: ForecastParameters, backtest_frame: pd.DataFrame,
    timings: dict[str, float],
) -> _Projection:  # fmt: skip
    t0 = time.perf_counter()
    months = months_frame(output.counts, model.month_ends)
    assert output.bed_nights is not None
    costs_monthly, costs_fy, arrays = cost_frames(
        output.bed_nights, model.month_ends[1:], params.as_at, params.unit_costs, params.inflation
    )
    timings = {**timings, "summary_and_costs": time.perf_counter() - t0}
    result = ForecastResult(
        scenario=name,
        months=months,
        backtest=backtest_frame,
        costs_monthly=costs_monthly,
        costs_by_fy=costs_fy,
        rates=model.rates.table,
        reference=model.rates.window,
        timings=timings,
    )
    return _Projection(result=result, counts=output.counts, cost_arrays=arrays)


def _prepare(
    episodes: pd.DataFrame | History, params: ForecastParameters
) -> tuple[History, _Model, dict[str, float]]:
    t0 = time.perf_counter()
    as_at_day = day_number(params.as_at)
    history = episodes if isinstance(episodes, History) else build_history(episodes)
    history = history.truncate(as_at_day)
    t1 = time.perf_counter()
    grid_days = month_end_days(as_at_day, count=params.horizon_months)
    model = _fit(history, params, as_at_day, grid_days, params.n_paths, params.seed, False)
    t2 = time.perf_counter()
    return history, model, {"history": t1 - t0, "fit": t2 - t1}


def run_forecast(
    episodes: pd.DataFrame | History, params: ForecastParameters, *, fits: dict[int, FitCache] | None = None
) -> ForecastResult:
    """Forecast children in care and costs from ``episodes`` (see :class:`ForecastParameters`).

    Projects the baseline, or ``params.scenario`` if one is given, and always backtests the model.
    ``episodes`` needs the columns child, dob, decom, dec, category (planning category), ls and rec
    (or is the :class:`.history.History` built from them, which the model choice can share).
    ``fits``: the model choice's fit caches on the same episodes (:attr:`.selection.ModelChoice.fits`),
    which the backtest reuses (:func:`backtest`).
    """
    history, model, timings = _prepare(episodes, params)
    t0 = time.perf_counter()
    output = _project(model, params.scenario)
    timings["projection"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    backtest_frame = backtest(history, params, fits)
    timings["backtest"] = time.perf_counter() - t0
    name = params.scenario.name if params.scenario else "baseline"
    projection = _result(name, model, output, params, backtest_frame, timings)
    projection.result.timings["total"] = sum(projection.result.timings.values())
    return projection.result


def run_scenarios(
    episodes: pd.DataFrame | History,
    params: ForecastParameters,
    scenarios: list[Scenario] | tuple[Scenario, ...],
    *,
    fits: dict[int, FitCache] | None = None,
) -> ScenarioComparison:
    """Run the baseline and each scenario with the same fitted rates and common random numbers.

    ``params.scenario`` is ignored. Returns every projection plus side-by-side comparison tables in
    which diff_* are statistics of the path-by-path difference scenario - baseline. ``fits``: as for
    :func:`run_forecast`.
    """
    names = [s.name for s in scenarios]
    if len(set(names)) != len(names):
        raise ValueError("Scenario names must be unique")
    history, model, timings = _prepare(episodes, params)
    t0 = time.perf_counter()
    backtest_frame = backtest(history, params, fits)
    timings["backtest"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    base_output = _project(model, None)
    base = _result(
        "baseline",
        model,
        base_output,
        params,
        backtest_frame,
        {**timings, "projection": time.perf_counter() - t0},
    )
    results: dict[str, ForecastResult] = {}
    comparisons = []
    cost_comparisons = []
    for scenario in scenarios:
        t0 = time.perf_counter()
        output = _project(model, scenario)
        projection = _result(
            scenario.name, model, output, params, backtest_frame, {"projection": time.perf_counter() - t0}
        )
        results[scenario.name] = projection.result
        comparisons.append(_compare_counts(scenario.name, model, base.counts, projection.counts))
        cost_comparisons.append(_compare_costs(scenario.name, base.cost_arrays, projection.cost_arrays))
    comparison = pd.concat(comparisons, ignore_index=True) if comparisons else pd.DataFrame()
    costs_comparison = pd.concat(cost_comparisons, ignore_index=True) if cost_comparisons else pd.DataFrame()
    all_timings = {
        **timings,
        "projections": sum(r.timings["projection"] for r in [base.result, *results.values()]),
    }
    return ScenarioComparison(
        baseline=base.result, scenarios=results, comparison=comparison, costs_comparison=costs_comparison,
        timings=all_timings,
    )  # fmt: skip


def _compare_counts(name: str, model: _Model, base: np.ndarray, scen: np.ndarray) -> pd.DataFrame:
    index = {
        "month_end": np.array(model.month_ends, dtype=object),
        "months_ahead": np.arange(len(model.month_ends)),
    }
    cols = ("mean", "p10", "p90")
    scen_f = long_frame(dimension_arrays(scen), index, columns=cols)
    base_f = long_frame(dimension_arrays(base), index, prefix="baseline_", columns=("mean",))
    diff_f = long_frame(dimension_arrays(scen - base), index, prefix="diff_", columns=cols)
    keys = ["month_end", "months_ahead", "dimension", "key"]
    out = scen_f.join(base_f["baseline_mean"]).join(diff_f[[f"diff_{c}" for c in cols]])
    out.insert(0, "scenario", name)
    return out[["scenario", *keys, *cols, "baseline_mean", "diff_mean", "diff_p10", "diff_p90"]]


def _compare_costs(name: str, base: dict[str, np.ndarray], scen: dict[str, np.ndarray]) -> pd.DataFrame:
    index = {"financial_year": base["fy_labels"]}
    parts = []
    for measure in ("bed_nights", "spend"):
        b, s = base[f"fy_{measure}"], scen[f"fy_{measure}"]

        def dims(arr: np.ndarray) -> list[tuple[str, tuple[str, ...], np.ndarray]]:
            return [("total", ("total",), arr.sum(axis=2)[..., None]), ("category", MODEL_CATEGORIES, arr)]

        f = long_frame(dims(s), index, prefix=f"{measure}_", columns=("mean", "p10", "p90"))
        f[f"baseline_{measure}_mean"] = long_frame(dims(b), index, columns=("mean",))["mean"]
        d = long_frame(dims(s - b), index, prefix=f"diff_{measure}_", columns=("mean", "p10", "p90"))
        for c in ("mean", "p10", "p90"):
            f[f"diff_{measure}_{c}"] = d[f"diff_{measure}_{c}"]
        parts.append(f if not parts else f.drop(columns=["financial_year", "dimension", "key"]))
    out = pd.concat(parts, axis=1)
    out.insert(0, "scenario", name)
    return out


__all__ = ["run_forecast", "run_scenarios", "backtest", "month_end_days", "population_on", "NB"]
