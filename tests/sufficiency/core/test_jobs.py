"""The one job-runner helper: claim by conditional update, enqueue ids only, requeue the stranded."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.db.models import Q
from django.utils import timezone
from kombu.exceptions import OperationalError

from forecasting.models import ForecastRun
from sufficiency.core.jobs import JobQueue, job_claim, job_enqueue, jobs_requeue, stale_running_cutoff

pytestmark = pytest.mark.django_db

TASK = "forecasting.tasks.forecast_run_execute_task"
RUNS = JobQueue(model=ForecastRun, task=TASK, label="test run")


def _long_ago() -> dt.datetime:
    return stale_running_cutoff() - dt.timedelta(seconds=1)


def test_job_claim_wins_once(walsall):
    run = ForecastRun.objects.create(authority=walsall)
    assert job_claim(RUNS, run.pk) is True
    assert job_claim(RUNS, run.pk) is False
    run.refresh_from_db()
    assert run.status == "running"
    assert run.started_at is not None


def test_job_claim_takes_a_running_job_only_once_its_worker_is_presumed_dead(walsall):
    fresh = ForecastRun.objects.create(authority=walsall, status="running", started_at=timezone.now())
    dead = ForecastRun.objects.create(authority=walsall, status="running", started_at=_long_ago())
    assert job_claim(RUNS, fresh.pk) is False
    assert job_claim(RUNS, dead.pk) is True
    dead.refresh_from_db()
    assert dead.started_at > stale_running_cutoff()  # the claim restarts its clock


def test_job_claim_leaves_finished_jobs_alone(walsall):
    run = ForecastRun.objects.create(authority=walsall, status="succeeded", started_at=_long_ago())
    assert job_claim(RUNS, run.pk) is False


def test_job_claim_sets_further_fields_and_respects_the_scope(walsall, sandwell):
    run = ForecastRun.objects.create(authority=walsall)
    walsall_only = JobQueue(model=ForecastRun, task=TASK, label="x", scope=Q(authority=sandwell))
    assert job_claim(walsall_only, run.pk) is False  # outside the scope: not claimed
    assert job_claim(RUNS, run.pk, error="claimed") is True
    run.refresh_from_db()
    assert run.error == "claimed"


def test_job_enqueue_sends_the_key_only():
    with mock.patch(f"{TASK}.apply_async") as apply_async:
        assert job_enqueue(RUNS, 42, countdown=5) is True
    apply_async.assert_called_once_with(args=[42], countdown=5)


def test_job_enqueue_with_the_broker_down_leaves_the_job_queued():
    with mock.patch(f"{TASK}.apply_async", side_effect=OperationalError("down")):
        assert job_enqueue(RUNS, 42) is False


def test_jobs_requeue_sends_old_queued_and_dead_running_jobs_only(walsall):
    old_queued = ForecastRun.objects.create(authority=walsall)
    ForecastRun.objects.filter(pk=old_queued.pk).update(created_at=timezone.now() - dt.timedelta(hours=1))
    ForecastRun.objects.create(authority=walsall)  # just queued: its own task is still on the way
    dead = ForecastRun.objects.create(authority=walsall, status="running", started_at=_long_ago())
    ForecastRun.objects.create(authority=walsall, status="running", started_at=timezone.now())
    ForecastRun.objects.create(authority=walsall, status="failed", started_at=_long_ago())
    with mock.patch(f"{TASK}.apply_async") as apply_async:
        assert jobs_requeue(RUNS, older_than_seconds=120) == 2
    sent = sorted(call.kwargs["args"][0] for call in apply_async.call_args_list)
    assert sent == sorted([old_queued.pk, dead.pk])
