"""Requesting and computing forecasts. Nothing here runs inside a web request: views and the import hook
only queue a run; a Celery worker claims it and computes it (docs/architecture.md principle 4)."""

from __future__ import annotations

import datetime as dt
import logging
import time
from typing import Any

import pandas as pd
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from placements import selectors as register
from placements.costs import blended_weekly_costs
from sufficiency.authorities.models import LocalAuthority
from sufficiency.core import periods
from sufficiency.core.audit import acting_user_or_none, audit
from sufficiency.core.bulk import insert_frame
from sufficiency.core.jobs import JobQueue, job_claim, job_enqueue, jobs_requeue

from .choices import BASELINE, RunStatusChoices, RunTriggerChoices
from .engine import CapacityChange, ForecastParameters, Transfer, build_history, run_scenarios
from .engine import Scenario as EngineScenario
from .engine.selection import Candidate, choose_model
from .models import BacktestValue, CostValue, ForecastRun, ForecastValue, Scenario

logger = logging.getLogger(__name__)


def _as_at_from(latest: dt.date | None) -> dt.date | None:
    # The one as-at rule every page and API answer uses (sufficiency.core.periods).
    return None if latest is None else periods.default_as_at(data_end=latest, today=timezone.localdate())


def forecast_request(
    *,
    authority: LocalAuthority,
    trigger: str = RunTriggerChoices.MANUAL,
    acting_user: Any = None,
    as_at: dt.date | None = None,
    horizon_months: int | None = None,
    countdown: int | None = None,
) -> ForecastRun:
    """Queue a forecast for an authority. Debounced: while a run with the same parameters is still
    queued, asking again returns that run (many imports in a row make one forecast, not many)."""
    horizon = horizon_months or settings.FORECAST_HORIZON_MONTHS
    with transaction.atomic():
        existing = (
            ForecastRun.objects.select_for_update()
            .filter(authority=authority, status=RunStatusChoices.QUEUED, as_at=as_at, horizon_months=horizon)
            .first()
        )
        if existing is not None:
            return existing
        run = ForecastRun.objects.create(
            authority=authority,
            trigger=trigger,
            as_at=as_at,
            horizon_months=horizon,
            reference_years=settings.FORECAST_REFERENCE_YEARS,
            n_paths=settings.FORECAST_PATHS,
            requested_by=acting_user_or_none(acting_user),
        )
        audit(
            action="forecast.requested",
            actor=acting_user,
            authority=authority,
            obj=run,
            detail={"trigger": trigger},
        )
        delay = settings.FORECAST_DEBOUNCE_SECONDS if countdown is None else countdown
        transaction.on_commit(lambda: forecast_run_enqueue(run_id=run.pk, countdown=delay))
    return run


FORECAST_RUNS = JobQueue(
    model=ForecastRun, task="forecasting.tasks.forecast_run_execute_task", label="forecast run"
)


def forecast_run_enqueue(*, run_id: int, countdown: int = 0) -> bool:
    """Send a queued run to the workers; with the broker down it stays queued for `forecast_runs_requeue`."""
    return job_enqueue(FORECAST_RUNS, run_id, countdown=countdown)


def forecast_run_claim(*, run_id: int) -> bool:
    """Claim a run by conditional update: only one worker wins; a redelivered task finds it taken."""
    return job_claim(FORECAST_RUNS, run_id)


def engine_scenario(scenario: Scenario) -> EngineScenario:
    """Translate a saved scenario into the engine's terms."""

    def date_or_none(value: Any) -> dt.date | None:
        return dt.date.fromisoformat(value) if value else None

    return EngineScenario(
        name=scenario.name,
        entry_rate_changes={k: float(v) for k, v in (scenario.entry_rate_changes or {}).items()},
        transfers=tuple(
            Transfer(
                from_category=t["from_category"],
                to_category=t["to_category"],
                annual_share=float(t["annual_share"]),
                start=date_or_none(t.get("start")),
            )
            for t in scenario.transfers or []
        ),
        capacity_changes=tuple(
            CapacityChange(
                category=c["category"],
                extra_places=float(c["extra_places"]),
                from_date=date_or_none(c.get("from_date")),
            )
            for c in scenario.capacity_changes or []
        ),
    )


def forecast_episode_frame(*, authority: LocalAuthority) -> pd.DataFrame:
    """Episodes with each child's date of birth: what the engine needs."""
    return register.forecast_episode_frame_for_authority(authority=authority)


def forecast_unit_costs(*, authority: LocalAuthority, as_at: dt.date) -> dict[str, float]:
    """Weekly unit cost per planning category on the as-at date, routes blended by the children placed
    then (placements.costs.blended_weekly_costs). Empty when the authority holds no unit costs."""
    unit_costs = register.unit_cost_frame_for_authority(authority=authority)
    if unit_costs.empty:
        return {}
    placed = register.costing_episode_frame_for_authority(authority=authority, on=as_at)
    return blended_weekly_costs(placed, unit_costs, as_at)


def _register_state(*, authority: LocalAuthority) -> tuple[dt.date | None, str]:
    """(the date the register runs to, its version) in one query."""
    return register.register_state(authority=authority)


def _reusable_backtest_run(*, run: ForecastRun, version: str, as_at: dt.date) -> ForecastRun | None:
    """A previous run whose backtest is exactly what this run would compute: same register, as-at date,
    reference window, seed and paths. Backtests depend on nothing else, so nightly runs on an unchanged
    register reuse them instead of refitting three models again."""
    return (
        ForecastRun.objects.filter(
            authority=run.authority,
            status=RunStatusChoices.SUCCEEDED,
            register_version=version,
            as_at=as_at,
            reference_years=run.reference_years,
            seed=run.seed,
            n_paths=run.n_paths,
        )
        .exclude(pk=run.pk)
        .order_by("-finished_at")
        .first()
    )


def forecast_compute(*, run: ForecastRun, scenarios: list[Scenario] | None = None) -> dict[str, Any]:
    """Compute a run (baseline, active scenarios, backtest, costs) and replace its persisted values."""
    started = time.perf_counter()
    authority = run.authority
    episodes = forecast_episode_frame(authority=authority)
    if episodes.empty:
        raise ValueError("The register holds no episodes for this authority: import SSDA903 files first")
    data_date, version = _register_state(authority=authority)
    as_at = run.as_at or _as_at_from(data_date)
    unit_costs = forecast_unit_costs(authority=authority, as_at=as_at)
    if scenarios is None:
        scenarios = list(Scenario.objects.filter(authority=authority, is_active=True))
    reuse = _reusable_backtest_run(run=run, version=version, as_at=as_at)
    if reuse is not None and not reuse.model_choice:
        reuse = None  # a run from before model selection: its backtest used another configuration
    params = ForecastParameters(
        as_at=as_at,
        horizon_months=run.horizon_months,
        reference_years=run.reference_years,
        n_paths=run.n_paths,
        seed=run.seed,
        unit_costs=unit_costs,
        inflation=run.inflation,
        backtest_offsets=() if reuse is not None else (12, 24, 36),
    )
    # Each child's spells, built once for the model choice and the forecast (part of the load).
    history = build_history(episodes)
    load_seconds = time.perf_counter() - started
    selection_started = time.perf_counter()
    fits = None
    if reuse is not None:
        # Same register, as-at date and seed: the backtests would choose the same configuration again.
        model_choice = reuse.model_choice
        chosen = model_choice["chosen"]
        candidate = Candidate(
            reference_years=int(chosen["reference_years"]),
            entry_trend=bool(chosen["entry_trend"]),
            half_life_years=chosen["half_life_years"],
            duration_hazards=bool(chosen.get("duration_hazards", False)),
            trend_years=chosen.get("trend_years"),
            placement_hazards=bool(chosen.get("placement_hazards", False)),
        )
    else:
        choice = choose_model(history, params)
        candidate, model_choice = choice.chosen, choice.summary()
        # The chosen model's backtest refits at the choice's origins: it reuses what they share.
        fits = choice.fits
    params = candidate.apply(params)
    selection_seconds = time.perf_counter() - selection_started
    comparison = run_scenarios(history, params, [engine_scenario(s) for s in scenarios], fits=fits)
    results = {BASELINE: comparison.baseline, **comparison.scenarios}
    reference = comparison.baseline.reference
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # The values are recomputable: committing without waiting for the WAL flush is safe. After a
            # database crash the run is at worst still "running", and the requeue sweep computes it again.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        # A re-claimed run (its worker died after writing nothing, or part of nothing) starts clean.
        ForecastValue.objects.filter(run=run).delete()
        BacktestValue.objects.filter(run=run).delete()
        CostValue.objects.filter(run=run).delete()
        insert_frame(ForecastValue, _forecast_value_frame(run, results))
        if reuse is not None:
            _copy_backtest_values(source=reuse, target=run)
        else:
            insert_frame(BacktestValue, _backtest_value_frame(run, comparison.baseline.backtest))
        insert_frame(CostValue, _cost_value_frame(run, results))
        run.as_at = as_at
        run.reference_start = reference.start
        run.reference_end = reference.end
        run.reference_summary = {
            "children": reference.children,
            "entries": reference.entries,
            "exits": reference.exits,
            "moves": reference.moves,
            "exposure_years": round(reference.exposure_years, 1),
        }
        run.unit_costs = unit_costs
        run.scenario_names = [s.name for s in scenarios]
        run.register_version = version
        run.backtest_reused_from = reuse
        run.model_choice = model_choice
        run.timings = {
            "load": round(load_seconds, 3),
            "model_selection": round(selection_seconds, 3),
            **{k: round(v, 3) for k, v in comparison.timings.items()},
            "total": round(time.perf_counter() - started, 3),
        }
        run.status = RunStatusChoices.SUCCEEDED
        run.finished_at = timezone.now()
        run.error = ""
        run.save()
    return {"run": run, "comparison": comparison}


FORECAST_VALUE_COLUMNS = ("mean", "p50", "p10", "p90", "p2_5", "p97_5")
BACKTEST_VALUE_COLUMNS = ("actual", "mean", "p10", "p90", "p2_5", "p97_5", "ape", "in_80", "in_95")
COST_VALUE_COLUMNS = (
    "bed_nights_mean", "bed_nights_p10", "bed_nights_p90", "spend_mean", "spend_p10", "spend_p90",
)  # fmt: skip


def _dates(values: pd.Series) -> list[dt.date]:
    return [d.date() for d in pd.to_datetime(values)]


def _forecast_value_frame(run: ForecastRun, results: dict[str, Any]) -> pd.DataFrame:
    """ForecastValue rows (database columns) of every scenario's projected months (not the start)."""
    parts = []
    for scenario, result in results.items():
        months = result.months[result.months["months_ahead"] > 0]
        parts.append(
            pd.DataFrame(
                {
                    "run_id": run.pk,
                    "scenario": scenario,
                    "month_end": _dates(months["month_end"]),
                    "months_ahead": months["months_ahead"].astype(int).to_numpy(),
                    "dimension": months["dimension"].to_numpy(),
                    "key": months["key"].to_numpy(),
                    **{c: months[c].astype(float).to_numpy() for c in FORECAST_VALUE_COLUMNS},
                }
            )
        )
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def _backtest_value_frame(run: ForecastRun, frame: pd.DataFrame) -> pd.DataFrame:
    """BacktestValue rows (database columns) of the backtest table."""
    if frame.empty:
        return pd.DataFrame()
    frame = frame[frame["months_ahead"] > 0]
    return pd.DataFrame(
        {
            "run_id": run.pk,
            "offset_months": frame["offset_months"].astype(int).to_numpy(),
            "origin": _dates(frame["as_at"]),
            "month_end": _dates(frame["month_end"]),
            "months_ahead": frame["months_ahead"].astype(int).to_numpy(),
            "dimension": frame["dimension"].to_numpy(),
            "key": frame["key"].to_numpy(),
            **{c: frame[c].astype(float).to_numpy() for c in BACKTEST_VALUE_COLUMNS[:-2]},
            **{c: frame[c].astype(bool).to_numpy() for c in BACKTEST_VALUE_COLUMNS[-2:]},
        }
    )


def _cost_value_frame(run: ForecastRun, results: dict[str, Any]) -> pd.DataFrame:
    """CostValue rows (database columns) of every scenario's costs by financial year."""
    parts = [
        pd.DataFrame(
            {
                "run_id": run.pk,
                "scenario": scenario,
                "financial_year": result.costs_by_fy["financial_year"].to_numpy(),
                "months": result.costs_by_fy["months"].astype(int).to_numpy(),
                "dimension": result.costs_by_fy["dimension"].to_numpy(),
                "key": result.costs_by_fy["key"].to_numpy(),
                **{c: result.costs_by_fy[c].astype(float).to_numpy() for c in COST_VALUE_COLUMNS},
            }
        )
        for scenario, result in results.items()
        if not result.costs_by_fy.empty
    ]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def _copy_backtest_values(*, source: ForecastRun, target: ForecastRun) -> None:
    """Copy a run's backtest rows to another run inside the database (INSERT ... SELECT)."""
    fields = [f.column for f in BacktestValue._meta.concrete_fields if f.column not in ("id", "run_id")]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(c) for c in fields)
    table = quote(BacktestValue._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({quote('run_id')}, {columns}) "  # noqa: S608 - names from the model
            f"SELECT %s, {columns} FROM {table} WHERE {quote('run_id')} = %s",
            [target.pk, source.pk],
        )


def forecast_run_execute(*, run_id: int) -> ForecastRun | None:
    """Claim and compute a run; record the outcome. A second delivery of the same task does nothing."""
    if not forecast_run_claim(run_id=run_id):
        logger.info("forecast run %s already claimed or finished; nothing to do", run_id)
        return None
    run = ForecastRun.objects.select_related("authority").get(pk=run_id)
    try:
        forecast_compute(run=run)
    except Exception as exc:  # noqa: BLE001 - recorded on the run, never lost
        logger.exception("forecast run %s failed (%s)", run_id, type(exc).__name__)
        ForecastRun.objects.filter(pk=run_id).update(
            status=RunStatusChoices.FAILED,
            finished_at=timezone.now(),
            error=str(exc)[:2000] if isinstance(exc, ValueError) else "The forecast failed unexpectedly.",
        )
        run.refresh_from_db()
    audit(action=f"forecast.{run.status}", authority=run.authority, obj=run, detail={"timings": run.timings})
    if run.status == RunStatusChoices.SUCCEEDED:
        _after_successful_forecast(run.authority_id)
    return run


# Apps that build on forecasts (the dashboards' rollups) append callables taking an authority id; they
# must only enqueue work. Registered in their AppConfig.ready(), so forecasting imports none of them.
AFTER_FORECAST_CALLBACKS: list[Any] = []


def _after_successful_forecast(authority_id: int) -> None:
    """Forecasting's own follow-up first (the gap, which needs the new demand), then the other apps'."""
    from .gap_services import gap_assessment_compute

    try:
        gap_assessment_compute(authority=LocalAuthority.objects.get(pk=authority_id))
    except Exception:  # the forecast stands; the gap is computed again after the next one
        logger.exception("gap assessment of authority %s failed after its forecast", authority_id)
    for callback in AFTER_FORECAST_CALLBACKS:
        try:
            callback(authority_id)
        except OperationalError:
            logger.warning("broker unavailable; follow-up work for authority %s deferred", authority_id)


def forecast_after_import(authority_id: int) -> None:
    """Import hook: recompute the authority's forecast (debounced)."""
    authority = LocalAuthority.objects.get(pk=authority_id)
    forecast_request(authority=authority, trigger=RunTriggerChoices.IMPORT)


def forecast_nightly_fanout() -> int:
    """Queue one forecast per authority that has a register (one task each, spread over the workers)."""
    ids = register.authority_ids_with_register()
    count = 0
    for authority in LocalAuthority.objects.filter(pk__in=ids):
        forecast_request(authority=authority, trigger=RunTriggerChoices.NIGHTLY, countdown=0)
        count += 1
    return count


def forecast_runs_requeue(*, older_than_seconds: int = 120) -> int:
    """Re-send runs queued while the broker was down, and runs whose worker died."""
    return jobs_requeue(FORECAST_RUNS, older_than_seconds=older_than_seconds)
