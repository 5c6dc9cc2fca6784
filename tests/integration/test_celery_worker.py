"""Smoke test of the integration harness: a message goes through Redis to a real worker and runs there."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection

from sufficiency.core.tasks import ping_task

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_ping_task_round_trips_through_redis_to_the_worker(celery_worker) -> None:
    # No result backend is configured (results are ignored), so the worker's own log is the evidence
    # that it received and ran this very message.
    assert not settings.CELERY_TASK_ALWAYS_EAGER
    result = ping_task.delay()

    line = celery_worker.wait_for_log(f"[{result.id}] succeeded", timeout=30)

    assert "sufficiency.core.ping_task" in line
    assert line.rstrip().endswith("'pong'")


def test_worker_uses_the_test_database_on_postgresql(celery_worker) -> None:
    assert connection.vendor == "postgresql"
    assert celery_worker.database_name == connection.settings_dict["NAME"]
    assert celery_worker.database_name.startswith("test_")
