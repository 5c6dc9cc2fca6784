"""Celery tasks of the placement register: thin adapters that take ids only (never personal data)."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="placements.import_job_execute", acks_late=True, reject_on_worker_lost=True)
def import_job_execute_task(job_id: int) -> str:
    """Run an import job. Idempotent: the job is claimed by a conditional update, so a redelivery after
    a worker crash either finds it finished (no-op) or re-runs a job whose transaction rolled back."""
    job = services.import_job_execute(job_id=job_id)
    return job.status if job is not None else "skipped"


@shared_task(name="placements.import_jobs_requeue")
def import_jobs_requeue_task() -> int:
    """Periodic: re-send import jobs queued while the broker was down."""
    return services.import_jobs_requeue()


@shared_task(name="placements.import_reports_expire")
def import_reports_expire_task() -> int:
    """Periodic (daily): blank error reports older than IMPORT_REPORT_RETENTION_DAYS."""
    return services.import_reports_expire()
