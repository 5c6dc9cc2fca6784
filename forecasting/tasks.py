"""Celery tasks of the forecasting app: thin adapters taking ids only."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="forecasting.forecast_run_execute", acks_late=True, reject_on_worker_lost=True)
def forecast_run_execute_task(run_id: int) -> str:
    """Compute a forecast run. Idempotent: claimed by a conditional update (see services)."""
    run = services.forecast_run_execute(run_id=run_id)
    return run.status if run is not None else "skipped"


@shared_task(name="forecasting.nightly_fanout")
def forecast_nightly_fanout_task() -> int:
    """Nightly (beat): queue one forecast task per authority."""
    return services.forecast_nightly_fanout()


@shared_task(name="forecasting.forecast_runs_requeue")
def forecast_runs_requeue_task() -> int:
    """Every few minutes (beat): re-send runs stranded while the broker was down."""
    return services.forecast_runs_requeue()
