"""The whole Celery worker killed (SIGKILL) in the middle of an import and of a forecast: after a restart
each job completes exactly once, with no duplicated and no partial results."""

from __future__ import annotations

import glob
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db.models import Count

from forecasting.choices import RunStatusChoices
from forecasting.models import BacktestValue, CostValue, ForecastRun, ForecastValue
from forecasting.services import forecast_request, forecast_runs_requeue
from placements.choices import JobStatusChoices
from placements.importing import ssda903_import
from placements.models import Child, ImportJob, PlacementEpisode
from placements.services import import_job_create, import_jobs_requeue
from sufficiency.authorities.models import AuditEvent

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

REPO_ROOT = Path(__file__).resolve().parents[2]
DATA = REPO_ROOT / "var" / "faults-data"
AUTHORITIES = 12  # ~78,000 episode rows: an import long enough to kill in the middle


@pytest.fixture(scope="module")
def national_files() -> list[tuple[str, bytes]]:
    """Synthetic SSDA903 files of 12 authorities (benchmarks/national_data.py), uploaded as one import."""
    if len(glob.glob(str(DATA / "*_episodes.csv"))) < AUTHORITIES:
        subprocess.run(  # noqa: S603
            [
                sys.executable,
                str(REPO_ROOT / "benchmarks" / "national_data.py"),
                "--out",
                str(DATA),
                "--authorities",
                str(AUTHORITIES),
            ],
            check=True,
            capture_output=True,
        )
    return [(p.name, p.read_bytes()) for p in sorted(DATA.glob("*.csv"))]


def _wait(predicate, timeout: float, what: str, poll: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(poll)
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}", pytrace=False)


def test_worker_killed_mid_import_completes_once(worker, walsall, data_manager, national_files) -> None:
    job = import_job_create(authority=walsall, files=national_files, acting_user=data_manager)
    _wait(
        lambda: ImportJob.objects.filter(pk=job.pk, status=JobStatusChoices.RUNNING).exists(), 60, "the claim"
    )
    time.sleep(1.0)  # inside the import: reading, validating or writing
    worker.kill9()
    job.refresh_from_db()
    assert job.status == JobStatusChoices.RUNNING, "the kill must land before the import finished"
    assert Child.objects.filter(authority=walsall).count() == 0, "no partial import after a crash"
    assert PlacementEpisode.objects.filter(authority=walsall).count() == 0
    assert job.files.count() == len(national_files), "the upload is kept until the job has finished"

    worker.start()

    # As beat would (every 5 minutes in production): requeue jobs whose worker died. The job is claimable
    # again once it has been running for longer than the hard time limit (+60 s).
    def finished() -> bool:
        import_jobs_requeue()
        job.refresh_from_db()
        return job.is_finished

    _wait(finished, 3 * 60 + 60, "the requeued import to finish", poll=2.0)
    assert job.status == JobStatusChoices.SUCCEEDED, (job.failure, job.error_report[:500])
    children = Child.objects.filter(authority=walsall)
    episodes = PlacementEpisode.objects.filter(authority=walsall)
    assert children.count() == job.summary["counts"]["children"] > 10_000
    assert episodes.count() == job.summary["counts"]["episodes"] > 70_000
    assert not children.values("child_ref").annotate(n=Count("id")).filter(n__gt=1).exists()
    assert AuditEvent.objects.filter(action="import.succeeded", object_id=str(job.pk)).count() == 1
    assert not job.files.exists()
    # The second run was the only one: the redelivered message found the job claimed or finished.
    assert worker.all_logs().count("succeeded in") >= 1


def test_worker_killed_mid_forecast_completes_once(worker, walsall, settings, national_files) -> None:
    files = [(n, c) for n, c in national_files if n.startswith(national_files[0][0].split("_")[0] + "_")]
    assert ssda903_import(authority=walsall, files=files).ok
    # Long enough to kill in the middle: a 1,000-path run of this authority takes well under a second.
    settings.FORECAST_PATHS = 12000
    run = forecast_request(authority=walsall, countdown=0)
    _wait(
        lambda: ForecastRun.objects.filter(pk=run.pk, status=RunStatusChoices.RUNNING).exists(),
        60,
        "the claim",
    )
    time.sleep(1.0)
    worker.kill9()
    run.refresh_from_db()
    assert run.status == RunStatusChoices.RUNNING, "the kill must land before the forecast finished"
    assert not ForecastValue.objects.filter(run=run).exists(), "no partial forecast after a crash"

    worker.start()

    def finished() -> bool:
        forecast_runs_requeue(older_than_seconds=0)
        run.refresh_from_db()
        return run.status in (RunStatusChoices.SUCCEEDED, RunStatusChoices.FAILED)

    _wait(finished, 3 * 60 + 60, "the requeued forecast to finish", poll=2.0)
    assert run.status == RunStatusChoices.SUCCEEDED, run.error
    assert ForecastRun.objects.filter(authority=walsall).count() == 1
    values = ForecastValue.objects.filter(run=run)
    assert values.exists()
    keys = values.values("scenario", "month_end", "dimension", "key").annotate(n=Count("id"))
    assert not keys.filter(n__gt=1).exists(), "each forecast value is written once"
    assert values.count() == keys.count()
    assert CostValue.objects.filter(run=run).exists() or BacktestValue.objects.filter(run=run).exists()
    assert AuditEvent.objects.filter(action="forecast.succeeded", object_id=str(run.pk)).count() == 1
