"""Benchmark the forecasting engine on one synthetic authority (prints numbers, asserts nothing).

The authority comes from the test suite's known Markov process (about 850 children in care, six years of
history in the extract). Times are CPU seconds of this process on one core (BLAS threads pinned to 1),
so other work on the machine inflates them less than wall-clock time; both are printed.

    .venv/bin/python benchmarks/bench_forecast_engine.py [--paths 1000] [--horizon 36] [--repeat 3] [--preferred]
        [--placement]

``--preferred`` forecasts with the model choice's preferred configuration (time in care, the trend over the
extract where clear) instead of the plain one; ``--placement`` adds the time since the placement began.
The model choice (:func:`forecasting.engine.selection.choose_model`, every default candidate) and the
backtests of the model it chooses, reusing its fits, are timed as well.
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import argparse  # noqa: E402
import dataclasses  # noqa: E402
import datetime as dt  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from forecasting.engine import (  # noqa: E402
    CapacityChange,
    ForecastParameters,
    Scenario,
    Transfer,
    tune_memory_allocator,  # noqa: E402
)
from forecasting.engine.forecast import (  # noqa: E402
    DEFAULT_BACKTEST_PATHS,
    _prepare,
    _project,
    _result,
    backtest,
    run_forecast,
    run_scenarios,
)
from forecasting.engine.selection import choose_model  # noqa: E402
from tests.forecasting.engine.synthetic import extract, simulate_register, standard_process  # noqa: E402

AS_AT = dt.date(2026, 3, 31)
UNIT_COSTS = {
    "fostering_inhouse": 550.0,
    "fostering_external": 900.0,
    "fostering_kinship": 300.0,
    "residential_external": 6500.0,
    "supported": 1800.0,
    "with_parents": 150.0,
    "adoption": 200.0,
}


def _clock() -> tuple[float, float]:
    return time.process_time(), time.perf_counter()


def _since(start: tuple[float, float]) -> tuple[float, float]:
    cpu, wall = _clock()
    return cpu - start[0], wall - start[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--paths", type=int, default=1000)
    parser.add_argument("--horizon", type=int, default=36)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--entries-per-year", type=float, default=370.0)
    parser.add_argument(
        "--no-tune", action="store_true", help="leave glibc's allocator at its defaults (see engine.memory)"
    )
    parser.add_argument("--preferred", action="store_true", help="the model choice's preferred configuration")
    parser.add_argument(
        "--placement", action="store_true", help="exits and moves by time in the placement too"
    )
    args = parser.parse_args()
    if not args.no_tune:
        print(f"tune_memory_allocator(): {tune_memory_allocator()}")

    process = standard_process(entries_per_year=args.entries_per_year)
    register = simulate_register(process, start=dt.date(2010, 4, 1), end=dt.date(2026, 4, 1), seed=7)
    episodes = extract(register, first_day=dt.date(2020, 4, 1))
    params = ForecastParameters(
        as_at=AS_AT,
        horizon_months=args.horizon,
        n_paths=args.paths,
        seed=1,
        unit_costs=UNIT_COSTS,
        history_start=dt.date(2020, 4, 1),
    )
    if args.preferred:
        params = dataclasses.replace(params, entry_trend=True, duration_hazards=True, trend_years=6)
    if args.placement:
        params = dataclasses.replace(params, duration_hazards=True, placement_hazards=True)
    print(
        f"configuration: trend {params.entry_trend} over {params.trend_years} years, time in care "
        f"{params.duration_hazards}, time in placement {getattr(params, 'placement_hazards', False)}"
    )
    history, model, _ = _prepare(episodes, params)
    print(
        f"authority: {model.population.size} children in care on {AS_AT}, {len(episodes)} episodes "
        f"({history.n_children} children) since 2020-04-01; reference window {model.rates.window.start} to "
        f"{model.rates.window.end}: {model.rates.window.entries} entries, {model.rates.window.exits} exits, "
        f"{model.rates.window.moves} moves"
    )
    print(
        f"paths {args.paths}, horizon {args.horizon} months, backtests {params.backtest_offsets} "
        f"with {params.backtest_paths or min(args.paths, DEFAULT_BACKTEST_PATHS)} paths each"
    )
    run_forecast(episodes, params)  # warm-up (imports, first-touch allocations)

    stages: dict[str, list[tuple[float, float]]] = {}
    for _ in range(args.repeat):
        start = _clock()
        history, model, _ = _prepare(episodes, params)
        stages.setdefault(
            f"history + fit ({min(args.paths, params.parameter_draws)} bootstrap rate sets)", []
        ).append(_since(start))
        start = _clock()
        output = _project(model, None)
        stages.setdefault("projection + bed-nights", []).append(_since(start))
        start = _clock()
        frame = backtest(history, params)
        stages.setdefault("backtests (refit + project at -12/-24/-36)", []).append(_since(start))
        start = _clock()
        _result("baseline", model, output, params, frame, {})
        stages.setdefault("summaries + costs", []).append(_since(start))
        start = _clock()
        run_forecast(episodes, params)
        stages.setdefault("run_forecast end to end", []).append(_since(start))
        start = _clock()
        choice = choose_model(episodes, params)
        stages.setdefault(
            f"model choice ({len(choice.scores) - 2} candidates, {len(choice.origins)} origins)", []
        ).append(_since(start))
        start = _clock()
        backtest(history, choice.apply(params), choice.fits)
        stages.setdefault("backtests of the chosen model (the choice's fits)", []).append(_since(start))

    print(f"\n{'stage':48s} {'cpu s (best)':>12s} {'cpu s (median)':>15s} {'wall s (median)':>16s}")
    for name, values in stages.items():
        cpu = sorted(v[0] for v in values)
        wall = sorted(v[1] for v in values)
        print(f"{name:48s} {cpu[0]:12.3f} {cpu[len(cpu) // 2]:15.3f} {wall[len(wall) // 2]:16.3f}")

    scenarios = [
        Scenario(name="Fewer 16-17 entries", entry_rate_changes={"16_17": -0.10}),
        Scenario(
            name="Residential step-down",
            transfers=(
                Transfer("residential_external", "fostering_external", 0.15, start=dt.date(2026, 10, 1)),
            ),
        ),
        Scenario(
            name="+20 in-house carers", capacity_changes=(CapacityChange("fostering_inhouse", 20, AS_AT),)
        ),
    ]
    start = _clock()
    comparison = run_scenarios(episodes, params, scenarios)
    cpu, wall = _since(start)
    print(
        f"\nrun_scenarios: baseline + {len(scenarios)} scenarios with backtests: cpu {cpu:.3f} s, wall {wall:.3f} s"
    )
    total = comparison.comparison
    last = total[(total["dimension"] == "total") & (total["months_ahead"] == args.horizon)]
    for _, row in last.iterrows():
        print(
            f"  {row['scenario']:24s} total at +{args.horizon}m {row['mean']:7.1f} "
            f"(baseline {row['baseline_mean']:7.1f}; difference {row['diff_mean']:+6.1f}, "
            f"80% {row['diff_p10']:+.0f} to {row['diff_p90']:+.0f})"
        )
    resource_usage = resource.getrusage(resource.RUSAGE_SELF)
    print(f"\nminor page faults in the whole run: {resource_usage.ru_minflt}")
    print(f"\npeak resident memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
