"""Celery tasks of the dashboards app: thin adapters taking ids only."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="dashboards.rollup_execute", acks_late=True, reject_on_worker_lost=True)
def dashboard_rollup_execute_task(authority_id: int) -> str:
    """Compute an authority's dashboard rollup and gap. Idempotent: claimed by a conditional update."""
    rollup = services.dashboard_rollup_execute(authority_id=authority_id)
    return rollup.status if rollup is not None else "skipped"


@shared_task(name="dashboards.rollups_requeue")
def dashboard_rollups_requeue_task() -> int:
    """Every few minutes (beat): re-send rollups stranded while the broker was down."""
    return services.dashboard_rollups_requeue()
