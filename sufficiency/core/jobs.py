"""Shared rules for background jobs kept as database rows (imports, forecasts, rollups, board publishing).

A job is claimed by a conditional update from queued to running, so a redelivered task finds it taken.
A job still "running" well after the hard task time limit has lost its worker (killed, or the machine
restarted): its transaction rolled back, so it is safe to claim again.

Each kind of job describes its row once as a `JobQueue` (which model, which fields hold the status and the
times, which task runs it); `job_claim`, `job_enqueue` and `jobs_requeue` then do the same three things for
every kind. The row is the outbox: a job created while the broker is down stays queued and the periodic
requeue sweep sends it again.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Model, Q
from django.utils import timezone
from django.utils.module_loading import import_string
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)

# How long after the hard time limit a running job is presumed dead (clocks differ, commits take time).
STALE_MARGIN_SECONDS = 60


def stale_running_cutoff() -> dt.datetime:
    """Jobs that started before this moment and still say "running" have lost their worker."""
    return timezone.now() - dt.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + STALE_MARGIN_SECONDS)


@dataclass(frozen=True)
class JobQueue:
    """How one kind of job is kept: the model, the task that runs it (a dotted path, imported when first
    sent, because tasks import the services that name them), and the names of its fields.

    `key` is the field the task receives (the row's id, or the authority's id for one row per authority);
    `queued_since` is when the job was queued, for the requeue sweep; `scope` narrows every query (a board
    report is only published while it is a draft)."""

    model: type[Model]
    task: str
    label: str
    key: str = "pk"
    status: str = "status"
    started_at: str = "started_at"
    queued_since: str = "created_at"
    queued: str = "queued"
    running: str = "running"
    scope: Q = field(default_factory=Q)

    def claimable(self) -> Q:
        """Queued jobs, and running jobs whose worker died."""
        return Q(**{self.status: self.queued}) | Q(
            **{self.status: self.running, f"{self.started_at}__lt": stale_running_cutoff()}
        )


def job_claim(queue: JobQueue, key: Any, **also: Any) -> bool:
    """Claim one job for this worker by a conditional update: only one worker can win, so a redelivered
    task finds it taken. `also` are further fields set in the same update (progress, a flag reset)."""
    updated = queue.model._default_manager.filter(queue.scope, queue.claimable(), **{queue.key: key}).update(
        **{queue.status: queue.running, queue.started_at: timezone.now()}, **also
    )
    return updated == 1


def job_enqueue(queue: JobQueue, key: Any, *, countdown: int = 0) -> bool:
    """Send a queued job to the workers (its key only, never the row). With the broker down the job stays
    queued in the database and `jobs_requeue` sends it again; returns whether it was sent."""
    task = import_string(queue.task)
    try:
        task.apply_async(args=[key], countdown=countdown)
    except OperationalError:
        logger.warning("broker unavailable; %s %s stays queued for requeue", queue.label, key)
        return False
    return True


def jobs_requeue(
    queue: JobQueue, *, older_than_seconds: int, send: Callable[[Any], bool] | None = None
) -> int:
    """Re-send jobs queued longer than `older_than_seconds` (the broker was down when they were created)
    and running jobs whose worker died; returns how many were sent. `send` replaces `job_enqueue` where an
    app sends its jobs through a function of its own."""
    cutoff = timezone.now() - dt.timedelta(seconds=older_than_seconds)
    keys = list(
        queue.model._default_manager.filter(queue.scope)
        .filter(
            Q(**{queue.status: queue.queued, f"{queue.queued_since}__lt": cutoff})
            | Q(**{queue.status: queue.running, f"{queue.started_at}__lt": stale_running_cutoff()})
        )
        .values_list(queue.key, flat=True)
    )
    send = send or (lambda key: job_enqueue(queue, key))
    return sum(send(key) for key in keys)
