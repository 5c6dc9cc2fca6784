"""Celery tasks of the reports app: thin adapters taking ids only."""

from __future__ import annotations

from celery import shared_task

from .board import services


@shared_task(name="reports.board_report_publish", acks_late=True, reject_on_worker_lost=True)
def board_report_publish_task(report_id: int) -> str:
    """Publish a board report whose author asked for it. Idempotent: the request is claimed by a
    conditional update, so a redelivery finds it published (or failed) and does nothing."""
    published = services.report_publish_execute(report_id=report_id)
    return f"published v{published.version}" if published is not None else "skipped or failed"


@shared_task(name="reports.board_reports_publish_requeue")
def board_reports_publish_requeue_task() -> int:
    """Re-send publish requests stranded while the broker was down (for beat, if scheduled)."""
    return services.report_publish_requeue()
