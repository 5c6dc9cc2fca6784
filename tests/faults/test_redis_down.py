"""Redis (the broker) stops: pages still serve the last computed results and say they may be out of date;
work queued meanwhile stays in the database and runs once Redis is back."""

from __future__ import annotations

import time

import pytest
from django.test import Client

from placements.choices import JobStatusChoices
from placements.models import Child
from placements.services import import_job_create, import_jobs_requeue
from sufficiency.core import health
from tests.ssda903_files import valid_walsall_files

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

STALE = "Results may be out of date"


def test_pages_serve_and_work_waits_while_redis_is_down(worker, redis_server, walsall, data_manager) -> None:
    client = Client()
    client.force_login(data_manager)
    health._last["at"] = -1e9
    page = client.get(f"/authorities/{walsall.dfe_code}/supply/")
    assert page.status_code == 200 and STALE not in page.content.decode()

    redis_server.stop()
    health._last["at"] = -1e9
    try:
        started = time.monotonic()
        for path in ("supply/", "children/", "imports/"):
            page = client.get(f"/authorities/{walsall.dfe_code}/{path}")
            assert page.status_code == 200, path
            assert STALE in page.content.decode(), f"{path} must say results may be stale"
        assert time.monotonic() - started < 5, "a dead broker must not make pages slow"

        started = time.monotonic()
        job = import_job_create(authority=walsall, files=valid_walsall_files(), acting_user=data_manager)
        assert time.monotonic() - started < 5, "queuing with the broker down must fail fast"
        job.refresh_from_db()
        assert job.status == JobStatusChoices.QUEUED, "the job waits in the database (the outbox)"
        assert job.files.exists()
    finally:
        redis_server.start()

    health._last["at"] = -1e9
    assert STALE not in client.get(f"/authorities/{walsall.dfe_code}/supply/").content.decode()
    # Beat's requeue task sends what was queued while the broker was down; the worker reconnects by itself.
    assert import_jobs_requeue(older_than_seconds=0) == 1
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.is_finished:
            break
        time.sleep(0.5)
    assert job.status == JobStatusChoices.SUCCEEDED, (job.status, job.failure, worker.tail())
    assert Child.objects.filter(authority=walsall).count() == 2, "imported exactly once"
