"""Shared rules for background jobs kept as database rows (imports, forecasts, rollups, board publishing).

A job is claimed by a conditional update from queued to running, so a redelivered task finds it taken.
A job still "running" well after the hard task time limit has lost its worker (killed, or the machine
restarted): its transaction rolled back, so it is safe to claim again.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

# How long after the hard time limit a running job is presumed dead (clocks differ, commits take time).
STALE_MARGIN_SECONDS = 60


def stale_running_cutoff() -> dt.datetime:
    """Jobs that started before this moment and still say "running" have lost their worker."""
    return timezone.now() - dt.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + STALE_MARGIN_SECONDS)
