"""Operational tasks that belong to no app: a liveness check for the Celery worker.

`sufficiency.core` is not an installed app, so Celery's autodiscovery does not find this module by
itself: a worker that should run it is started with `--include sufficiency.core.tasks` (as the
integration tests do), or the Celery app lists it.
"""

from __future__ import annotations

from celery import shared_task


@shared_task(name="sufficiency.core.ping_task", ignore_result=True)
def ping_task() -> str:
    """Answer "pong" and touch nothing: proves a message went through the broker to a worker and ran.

    Used by the integration smoke test and by monitoring; it reads and writes no data, so it is safe
    to send at any time and as often as needed.
    """
    return "pong"
