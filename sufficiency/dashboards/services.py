"""Requesting and computing an authority's dashboard rollup (its pages' figures; the gap is read from
forecasting, which computes it after every forecast).

After an import or a forecast the rollup is *requested*: debounced (a queued rollup absorbs further
requests) and enqueued on commit. A worker claims it by a conditional update (queued -> running), so a
redelivered task does nothing, computes every page's figures, and stores them. A request that
arrives while a computation runs marks the row for a rerun, which is queued when the running one ends.
The demo loader calls `dashboard_rollup_compute` directly (it has no worker to wait for). When the figures
are computed it sends `sufficiency.core.signals.figures_computed`, on which the reports app stores the KPI
page's figures for the as-at date (the dashboards never import the reports).
"""

from __future__ import annotations

import datetime as dt
import logging
import time

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from forecasting.gap_services import gap_assessment_as_dict, local_settings_frame
from forecasting.selectors import latest_forecast_run
from placements import selectors as register
from sufficiency.authorities.models import LocalAuthority
from sufficiency.core import periods
from sufficiency.core.audit import audit
from sufficiency.core.jobs import JobQueue, job_claim, job_enqueue, jobs_requeue
from sufficiency.core.signals import figures_computed

from . import rollups
from .choices import RollupStatusChoices
from .models import DashboardRollup

logger = logging.getLogger(__name__)


def _debounce_seconds() -> int:
    return int(getattr(settings, "DASHBOARD_ROLLUP_DEBOUNCE_SECONDS", 30))


def rollup_as_at(*, authority: LocalAuthority) -> tuple[dt.date | None, dt.date | None]:
    """(as-at month end, data date): figures are counted at the month end the register runs to, never
    after today."""
    latest = register.register_data_date(authority=authority)
    if latest is None:
        return None, None
    return periods.default_as_at(data_end=latest, today=timezone.localdate()), latest


def dashboard_rollup_compute(*, authority: LocalAuthority) -> DashboardRollup:
    """Compute every dashboard's figures now and store them (synchronous). The gap is forecasting's own
    result (computed after each forecast); the rollup reads it."""
    started = time.perf_counter()
    as_at, data_date = rollup_as_at(authority=authority)
    rollup, _ = DashboardRollup.objects.get_or_create(authority=authority)
    if as_at is None:
        DashboardRollup.objects.filter(pk=rollup.pk).update(
            status=RollupStatusChoices.SUCCEEDED, finished_at=timezone.now(), error=""
        )
        rollup.refresh_from_db()
        return rollup
    timings: dict[str, float] = {}

    def lap(name: str, since: float) -> float:
        now = time.perf_counter()
        timings[name] = round(now - since, 3)
        return now

    mark = time.perf_counter()
    run = latest_forecast_run(authority=authority)
    local_settings = local_settings_frame(authority=authority, on=as_at)
    mark = lap("settings", mark)
    gap = gap_assessment_as_dict(authority=authority) or {}
    mark = lap("gap", mark)
    overview = rollups.overview_rollup(authority=authority, as_at=as_at)
    mark = lap("overview", mark)
    forecast = rollups.forecast_rollup(run=run)
    mark = lap("forecast", mark)
    market = rollups.market_rollup(authority=authority, settings=local_settings, as_at=as_at)
    mark = lap("market", mark)
    rollups.link_sections(overview=overview, forecast=forecast, gap=gap, as_at=as_at)
    figures_computed.send(sender=DashboardRollup, authority=authority, as_at=as_at, data_date=data_date)
    mark = lap("kpis", mark)
    timings["total"] = round(time.perf_counter() - started, 3)
    DashboardRollup.objects.filter(pk=rollup.pk).update(
        status=RollupStatusChoices.SUCCEEDED,
        finished_at=timezone.now(),
        computed_at=timezone.now(),
        as_at=as_at,
        data_date=data_date,
        headline=rollups.headline(overview=overview, forecast=forecast, as_at=as_at),
        overview=overview,
        forecast=forecast,
        gap=gap,
        market=market,
        timings=timings,
        error="",
    )
    rollup.refresh_from_db()
    return rollup


def dashboard_rollup_request(*, authority: LocalAuthority, countdown: int | None = None) -> DashboardRollup:
    """Ask for the authority's rollup to be recomputed (debounced; enqueued when the transaction commits)."""
    with transaction.atomic():
        rollup, _ = DashboardRollup.objects.select_for_update().get_or_create(authority=authority)
        if rollup.status == RollupStatusChoices.QUEUED and rollup.requested_at is not None:
            return rollup
        if rollup.status == RollupStatusChoices.RUNNING:
            DashboardRollup.objects.filter(pk=rollup.pk).update(rerun_requested=True)
            return rollup
        DashboardRollup.objects.filter(pk=rollup.pk).update(
            status=RollupStatusChoices.QUEUED, requested_at=timezone.now()
        )
        delay = _debounce_seconds() if countdown is None else countdown
        transaction.on_commit(lambda: dashboard_rollup_enqueue(authority_id=authority.pk, countdown=delay))
    rollup.refresh_from_db()
    return rollup


# One rollup row per authority: the task receives the authority's id.
DASHBOARD_ROLLUPS = JobQueue(
    model=DashboardRollup,
    task="sufficiency.dashboards.tasks.dashboard_rollup_execute_task",
    label="dashboard rollup of authority",
    key="authority_id",
    queued_since="requested_at",
)


def dashboard_rollup_enqueue(*, authority_id: int, countdown: int = 0) -> bool:
    """Send a queued rollup to the workers; with the broker down it stays queued for the requeue sweep."""
    return job_enqueue(DASHBOARD_ROLLUPS, authority_id, countdown=countdown)


def dashboard_rollup_claim(*, authority_id: int) -> bool:
    """Claim a queued rollup (or one whose worker died) by conditional update: one worker wins."""
    return job_claim(DASHBOARD_ROLLUPS, authority_id, rerun_requested=False)


def dashboard_rollup_execute(*, authority_id: int) -> DashboardRollup | None:
    """Claim and compute a rollup; record the outcome. A second delivery of the same task does nothing."""
    if not dashboard_rollup_claim(authority_id=authority_id):
        logger.info("dashboard rollup of authority %s already claimed or done; nothing to do", authority_id)
        return None
    authority = LocalAuthority.objects.get(pk=authority_id)
    try:
        rollup = dashboard_rollup_compute(authority=authority)
    except Exception as exc:  # noqa: BLE001 - recorded on the row; the last good figures stay
        logger.exception("dashboard rollup of authority %s failed (%s)", authority_id, type(exc).__name__)
        DashboardRollup.objects.filter(authority_id=authority_id).update(
            status=RollupStatusChoices.FAILED, finished_at=timezone.now(), error=type(exc).__name__
        )
        rollup = DashboardRollup.objects.get(authority_id=authority_id)
    audit(
        action=f"dashboards.rollup_{rollup.status}",
        authority=authority,
        obj=rollup,
        detail={"timings": rollup.timings},
    )
    if rollup.rerun_requested:
        dashboard_rollup_request(authority=authority, countdown=0)
    return rollup


def dashboard_after_import(authority_id: int) -> None:
    """Import hook (placements.services.AFTER_IMPORT_CALLBACKS): recompute the rollup, debounced."""
    dashboard_rollup_request(authority=LocalAuthority.objects.get(pk=authority_id))


def dashboard_after_forecast(authority_id: int) -> None:
    """Forecast hook (forecasting.services.AFTER_FORECAST_CALLBACKS): recompute with the new forecast."""
    dashboard_rollup_request(authority=LocalAuthority.objects.get(pk=authority_id))


def dashboard_rollups_requeue(*, older_than_seconds: int = 120) -> int:
    """Re-send rollups queued while the broker was down, and rollups whose worker died."""
    return jobs_requeue(
        DASHBOARD_ROLLUPS,
        older_than_seconds=older_than_seconds,
        send=lambda authority_id: dashboard_rollup_enqueue(authority_id=authority_id),
    )
