"""Import jobs: queued, claimed once, run in the background, outcome recorded, upload deleted."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from placements.models import Child, ImportFile, ImportJob
from placements.services import ImportRejected, import_job_claim, import_job_create, import_job_execute
from sufficiency.authorities.models import AuditEvent
from tests.ssda903_files import invalid_walsall_files, valid_walsall_files

pytestmark = pytest.mark.django_db(transaction=True)


def test_job_runs_on_commit_and_succeeds(walsall, data_manager):
    job = import_job_create(authority=walsall, files=valid_walsall_files(), acting_user=data_manager)
    job.refresh_from_db()
    assert job.status == "succeeded"
    assert job.progress == 100
    assert job.summary["counts"]["children"] == 2
    assert Child.objects.filter(authority=walsall).count() == 2
    assert not ImportFile.objects.filter(job=job).exists()  # the upload is not kept
    actions = set(AuditEvent.objects.filter(object_id=str(job.pk)).values_list("action", flat=True))
    assert {"import.queued", "import.succeeded", "ssda903.imported"} <= actions


def test_failed_strict_job_keeps_an_error_report_and_writes_nothing(walsall, data_manager):
    job = import_job_create(
        authority=walsall, files=invalid_walsall_files(), acting_user=data_manager, strict=True
    )
    job.refresh_from_db()
    assert job.strict
    assert job.status == "failed"
    assert job.error_count >= 1
    assert job.error_report.startswith("file,row,column,value,message,code,severity,action")
    assert "Nothing was imported" in job.failure
    assert Child.objects.count() == 0
    assert not ImportFile.objects.filter(job=job).exists()


def test_job_under_the_policy_imports_what_can_be_counted_and_keeps_the_report(walsall, data_manager):
    job = import_job_create(authority=walsall, files=invalid_walsall_files(), acting_user=data_manager)
    job.refresh_from_db()
    assert not job.strict
    assert job.status == "succeeded"
    assert job.error_count >= 1
    assert "quarantined" in job.error_report or "repaired" in job.error_report
    assert job.summary["problems"] and job.summary["problems"][0]["examples"]
    assert job.quality.quarantined_children == job.summary["counts"]["quarantined_children"]
    assert not ImportFile.objects.filter(job=job).exists()


def test_a_redelivered_task_does_nothing(walsall, data_manager):
    job = import_job_create(authority=walsall, files=valid_walsall_files(), acting_user=data_manager)
    finished_at = ImportJob.objects.get(pk=job.pk).finished_at
    assert import_job_execute(job_id=job.pk) is None
    assert ImportJob.objects.get(pk=job.pk).finished_at == finished_at
    assert AuditEvent.objects.filter(action="ssda903.imported").count() == 1


def test_only_one_claim_wins(walsall):
    job = ImportJob.objects.create(authority=walsall)
    assert import_job_claim(job_id=job.pk) is True
    assert import_job_claim(job_id=job.pk) is False


def test_a_job_whose_worker_died_can_be_claimed_again(walsall, settings):
    started = timezone.now() - dt.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 120)
    job = ImportJob.objects.create(authority=walsall, status="running", started_at=started)
    assert import_job_claim(job_id=job.pk) is True


def test_rejects_non_csv_and_oversized_uploads(walsall, data_manager, settings):
    with pytest.raises(ImportRejected, match="must be a CSV, XML or zip file"):
        import_job_create(authority=walsall, files=[("data.xlsx", b"PK")], acting_user=data_manager)
    settings.MAX_UPLOAD_BYTES = 10
    with pytest.raises(ImportRejected, match="smaller than"):
        import_job_create(authority=walsall, files=valid_walsall_files(), acting_user=data_manager)
    assert ImportJob.objects.count() == 0
