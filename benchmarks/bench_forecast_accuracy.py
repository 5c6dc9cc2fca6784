"""Forecast accuracy on hidden histories drawn from known processes (prints numbers, asserts nothing).

Each history is a synthetic authority's register drawn from a known process (the test suite's simulator):
a stationary one, rising entries, falling entries with in-house fostering falling, a step change (16-17
year olds moving from residential homes to supported accommodation a year before the data date) and exits
that depend on time in care (with rising entries; and in a new authority whose register begins four years
back, so nobody has been in care long; with ``--placement-history`` also moves that depend on the time since
the placement began). The engines see only the register up to the data date (an extract
of six years, or the new authority's four). The truth is not the one future the register happened to take but the process's own distribution
of futures: ``--continuations`` independent continuations of the same process from the same children in
care on the data date. Scored at +12, +24 and +36 months:

* **error of the total**: |forecast mean - true mean| / true mean, pooled (mean) over histories and
  horizons, and the worst single one;
* **categories**: the share of (history, horizon, category) checks where the forecast mean is within 10%
  (or 5 children) of the true mean;
* **bands**: the width of the forecast's 80% band relative to the true 80% spread of the continuations,
  and whether the band covers the true mean.

Engines: the previous engine (3-year window, no trend, unweighted), the model chosen by backtests
(``choose_model`` over its default candidates), the time-in-care model (``duration_hazards``) and the
model chosen from the candidates that include it, the same choice with the time since the placement began
added to every time-in-care candidate, and two naive baselines (the last count held; a
straight line through the last 36 month-end counts), which have no bands.

    .venv/bin/python benchmarks/bench_forecast_accuracy.py [--paths 300] [--continuations 100] [--seed-offset N] [--draws N]
        [--placement-history] [--csv rows.csv]
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import dataclasses  # noqa: E402
import datetime as dt  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from forecasting.engine import ForecastParameters, build_history, run_forecast  # noqa: E402
from forecasting.engine.history import day_number  # noqa: E402
from forecasting.engine.selection import (  # noqa: E402
    DEFAULT_CANDIDATES,
    SELECTION_PATHS,
    TREND_CANDIDATES,
    _line_forecast,
    choose_model,
)
from tests.forecasting.engine.synthetic import (  # noqa: E402
    MarkovProcess,
    continue_register,
    extract,
    month_end_after,
    simulate_register,
    standard_process,
)

AS_AT = dt.date(2026, 3, 31)
HORIZONS = (12, 24, 36)
FIRST_DAY = dt.date(2020, 4, 1)  # the extract holds six years


@dataclasses.dataclass(frozen=True)
class History:
    name: str
    process: MarkovProcess
    seed: int
    entry_growth: float = 0.0
    growth_from: dt.date | None = None
    switch: tuple[dt.date, MarkovProcess] | None = None
    begins: dt.date = dt.date(2012, 4, 1)  # the process starts from an empty register
    first_day: dt.date = FIRST_DAY  # the extract's first day (the engines' history_start)

    @property
    def future(self) -> MarkovProcess:
        return self.switch[1] if self.switch else self.process


def _inhouse_falling(p: MarkovProcess) -> MarkovProcess:
    """Half the first placements in in-house foster care go to agency carers instead, and in-house
    carers' children move to agency carers three times as often (in-house capacity shrinking)."""
    ih, ex = p.categories.index("fostering_inhouse"), p.categories.index("fostering_external")
    entry = p.entry.copy()
    entry[:, ex] += 0.5 * entry[:, ih]
    entry[:, ih] *= 0.5
    daily = p.daily.copy()
    daily[:, ih, ex] = np.maximum(daily[:, ih, ex], 0.05 / 365.25) * 3.0
    return dataclasses.replace(p, entry=entry, daily=daily)


def _supported_reform(p: MarkovProcess) -> MarkovProcess:
    """16-17 year olds start in supported accommodation instead of residential homes, and those in
    residential homes move to it four times as often."""
    res, sup = p.categories.index("residential_external"), p.categories.index("supported")
    entry = p.entry.copy()
    entry[16:, sup] += entry[16:, res]
    entry[16:, res] = 0.0
    daily = p.daily.copy()
    daily[4, res, sup] *= 4.0
    return dataclasses.replace(p, entry=entry, daily=daily)


def _time_in_care(p: MarkovProcess) -> MarkovProcess:
    """Leaving care is most likely in the first months and rare after three years."""
    return dataclasses.replace(p, exit_by_months=((0, 3, 12, 36), (4.0, 1.6, 0.7, 0.35)))


def _placement_moves(p: MarkovProcess) -> MarkovProcess:
    """Moves are three times as likely in a placement's first two months and half as likely after two years
    (steps unlike the engine's buckets of 0-3, 3-12 and 12+ months)."""
    return dataclasses.replace(p, move_by_months=((0, 2, 6, 24), (3.0, 1.6, 1.0, 0.5)))


def histories(small: bool, placement: bool = False) -> list[History]:
    base = standard_process()
    out = [
        History("stationary", base, seed=101),
        History("rising entries (+8%/yr for 3 years)", base, seed=102, entry_growth=0.08,
                growth_from=dt.date(2023, 4, 1)),
        History("falling entries (-6%/yr), in-house fostering falling", base, seed=103, entry_growth=-0.06,
                growth_from=dt.date(2023, 4, 1), switch=(dt.date(2023, 10, 1), _inhouse_falling(base))),
        History("step change: 16-17s residential -> supported a year ago", base, seed=104,
                switch=(dt.date(2025, 3, 31), _supported_reform(base))),
        History("exits depend on time in care, entries rising (+6%/yr)", _time_in_care(base), seed=105,
                entry_growth=0.06, growth_from=dt.date(2023, 4, 1)),
        History("exits depend on time in care, new authority (register begins 4 years back)",
                _time_in_care(base), seed=107, begins=dt.date(2022, 4, 1), first_day=dt.date(2022, 4, 1)),
    ]  # fmt: skip
    if small:
        few = standard_process(entries_per_year=110.0)
        out.append(History("small authority, exits depend on time in care", _time_in_care(few), seed=106))
    if placement:
        out.append(
            History("moves depend on time in placement, exits on time in care",
                    _time_in_care(_placement_moves(base)), seed=108)
        )  # fmt: skip
    return out


def _engine_runs(
    paths: int, select_paths: int
) -> dict[str, Callable[[pd.DataFrame, ForecastParameters], ForecastParameters]]:
    """Each engine as a function from (episodes, base parameters) to the parameters it forecasts with."""

    def previous(episodes: pd.DataFrame, params: ForecastParameters) -> ForecastParameters:
        return params

    def chosen(episodes: pd.DataFrame, params: ForecastParameters) -> ForecastParameters:
        return choose_model(episodes, params, n_paths=select_paths, candidates=TREND_CANDIDATES).apply(params)

    def duration(episodes: pd.DataFrame, params: ForecastParameters) -> ForecastParameters:
        return dataclasses.replace(params, duration_hazards=True)

    def chosen_all(episodes: pd.DataFrame, params: ForecastParameters) -> ForecastParameters:
        return choose_model(episodes, params, n_paths=select_paths, candidates=DEFAULT_CANDIDATES).apply(
            params
        )

    with_placement = tuple(
        dataclasses.replace(c, placement_hazards=c.duration_hazards) for c in DEFAULT_CANDIDATES
    )

    def chosen_placement(episodes: pd.DataFrame, params: ForecastParameters) -> ForecastParameters:
        return choose_model(episodes, params, n_paths=select_paths, candidates=with_placement).apply(params)

    return {
        "previous engine (3y, flat)": previous,
        "chosen (trend/recency)": chosen,
        "time-in-care model (3y)": duration,
        "chosen incl. time in care": chosen_all,
        "chosen, time in placement": chosen_placement,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--paths", type=int, default=300)
    parser.add_argument("--select-paths", type=int, default=SELECTION_PATHS)
    parser.add_argument("--continuations", type=int, default=100)
    parser.add_argument(
        "--small", action="store_true", help="add a small authority (about 110 entries a year)"
    )
    parser.add_argument("--engines", default="", help="comma-separated engine numbers to run (default all)")
    parser.add_argument(
        "--seed-offset", type=int, default=0,
        help="draw every history afresh from the same process (seeds shifted by this much): one draw per "
        "process is noisy, so a change that helps should also help on other draws",
    )  # fmt: skip
    parser.add_argument(
        "--draws", type=int, default=1,
        help="draw every history this many times (seed offsets 0, 10, 20, ... on top of --seed-offset) and "
        "pool over all of them",
    )  # fmt: skip
    parser.add_argument(
        "--placement-history", action="store_true",
        help="add a history whose moves depend on the time since the placement began",
    )  # fmt: skip
    parser.add_argument("--csv", default="", help="also write every scored check to this CSV file")
    args = parser.parse_args()
    t_start = time.perf_counter()
    engines = _engine_runs(args.paths, args.select_paths)
    if args.engines:
        keep = {int(x) for x in args.engines.split(",")}
        engines = {k: v for i, (k, v) in enumerate(engines.items()) if i in keep}
    days = [day_number(month_end_after(AS_AT, h)) for h in HORIZONS]
    rows = []
    drawn = [
        dataclasses.replace(hist, seed=hist.seed + args.seed_offset + 10 * draw)
        for draw in range(args.draws)
        for hist in histories(args.small, args.placement_history)
    ]
    for hist in drawn:
        t0 = time.perf_counter()
        register = simulate_register(
            hist.process, start=hist.begins, end=AS_AT + dt.timedelta(days=1), seed=hist.seed,
            entry_growth=hist.entry_growth, growth_from=hist.growth_from, switch=hist.switch,
        )  # fmt: skip
        episodes = extract(register, first_day=hist.first_day)
        truth = continue_register(
            hist.future, register, as_at=AS_AT, days=days, n=args.continuations, seed=hist.seed + 1000,
            entry_growth=hist.entry_growth, growth_from=hist.growth_from,
        )  # fmt: skip
        true_total = truth.sum(axis=2)
        t_mean = true_total.mean(axis=0)
        t_lo, t_hi = np.percentile(true_total, [10, 90], axis=0)
        t_cat = truth.mean(axis=0)
        categories = hist.process.categories
        history = build_history(episodes)
        as_at_day = day_number(AS_AT)
        now = float(history.counts_on(np.array([as_at_day]))[0].sum())
        line = _line_forecast(history.truncate(as_at_day), as_at_day, np.array(days))
        print(f"\n{hist.name} (seed {hist.seed}): {int(now)} in care on {AS_AT}; true mean at +12/+24/+36: "
              f"{', '.join(f'{v:.0f}' for v in t_mean)} (true 80% spread "
              f"{', '.join(f'{h - lo:.0f}' for lo, h in zip(t_lo, t_hi, strict=True))})")  # fmt: skip
        for i, h in enumerate(HORIZONS):
            for name, value in (("last value held", now), ("straight line (36 months)", line[i])):
                rows.append({"history": hist.name, "engine": name, "months": h,
                             "error_pct": abs(value - t_mean[i]) / t_mean[i] * 100,
                             "signed_pct": (value - t_mean[i]) / t_mean[i] * 100})  # fmt: skip
        base = ForecastParameters(
            as_at=AS_AT, horizon_months=36, n_paths=args.paths, seed=hist.seed, backtest_offsets=(),
            history_start=hist.first_day,
        )  # fmt: skip
        for engine, configure in engines.items():
            t1 = time.perf_counter()
            params = configure(episodes, base)
            result = run_forecast(episodes, params)
            m = result.months
            for i, h in enumerate(HORIZONS):
                at = m[m["months_ahead"] == h]
                tot = at[at["dimension"] == "total"].iloc[0]
                cat = at[at["dimension"] == "category"].set_index("key")
                cat_ok = [
                    abs(float(cat.loc[c, "mean"]) - t_cat[i, j]) <= max(0.10 * t_cat[i, j], 5.0)
                    for j, c in enumerate(categories)
                ]
                rows.append({
                    "history": hist.name, "engine": engine, "months": h,
                    "error_pct": abs(tot["mean"] - t_mean[i]) / t_mean[i] * 100,
                    "signed_pct": (tot["mean"] - t_mean[i]) / t_mean[i] * 100,
                    "width_ratio": (tot["p90"] - tot["p10"]) / max(t_hi[i] - t_lo[i], 1e-9),
                    "covers": bool(tot["p10"] <= t_mean[i] <= tot["p90"]),
                    "cat_ok": float(np.mean(cat_ok)), "cat_checks": len(cat_ok),
                })  # fmt: skip
            chosen_note = ""
            if "chosen" in engine:
                chosen_note = (
                    f" -> {params.reference_years}y, trend {params.entry_trend}, half-life "
                    f"{params.half_life_years}, time in care {getattr(params, 'duration_hazards', False)}, "
                    f"trend over {getattr(params, 'trend_years', None)} years, "
                    f"time in placement {getattr(params, 'placement_hazards', False)}"
                )
            errs = [r["signed_pct"] for r in rows[-3:]]
            print(f"  {engine:28s} signed error +12/+24/+36: {', '.join(f'{e:+5.1f}%' for e in errs)}"
                  f"  ({time.perf_counter() - t1:4.1f} s){chosen_note}")  # fmt: skip
        print(f"  (history, truth and all engines: {time.perf_counter() - t0:.1f} s)")

    frame = pd.DataFrame(rows)
    if args.csv:
        frame.to_csv(args.csv, index=False)
    print("\nPooled over histories and +12/+24/+36 months (true = mean of the continuations):")
    header = (f"{'engine':30s} {'MAE total':>9s} {'worst':>6s} {'cats ok':>8s} {'width min-max':>14s} "
              f"{'covers':>7s}")  # fmt: skip
    print(header)
    for engine, g in frame.groupby("engine", sort=False):
        line_out = f"{engine:30s} {g['error_pct'].mean():8.2f}% {g['error_pct'].max():5.1f}%"
        if g["width_ratio"].notna().any():
            cats = float((g["cat_ok"] * g["cat_checks"]).sum() / g["cat_checks"].sum() * 100)
            line_out += (f" {cats:7.0f}% {g['width_ratio'].min():6.2f}-{g['width_ratio'].max():<6.2f}"
                         f" {g['covers'].mean() * 100:6.0f}%")  # fmt: skip
        print(line_out)
    print("\nError of the total by history (mean over +12/+24/+36):")
    print(
        frame.pivot_table(index="history", columns="engine", values="error_pct", sort=False)
        .round(2)
        .to_string()
    )
    print(f"\nwhole run: {time.perf_counter() - t_start:.0f} s")


if __name__ == "__main__":
    main()
