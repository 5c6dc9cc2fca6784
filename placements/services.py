"""Writes to the placement register that the web, the API and the command line share.

Each service is atomic, takes the acting user, writes an audit row and defers side effects (Celery) until
the transaction commits (docs/architecture.md principles 4 and 6).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from sufficiency.authorities.models import LocalAuthority
from sufficiency.core.audit import acting_user_or_none, audit
from sufficiency.core.jobs import JobQueue, job_claim, job_enqueue, jobs_requeue, stale_running_cutoff
from sufficiency.core.memory import memory_limited

from .choices import ImportKindChoices, JobStatusChoices
from .importing import ImportOutcome, errors_to_csv, ssda903_import
from .models import ImportFile, ImportJob
from .upload_limits import UploadLimits, clip, spreadsheet_problem, text_problem, zip_problem

logger = logging.getLogger(__name__)


class ImportRejected(ValueError):
    """An upload refused before it was queued (too large, no files, not CSV, XML or zip)."""


IMPORT_MEMORY_MESSAGE = (
    "The import needed more memory than an import may use, so it stopped. Nothing was imported: upload "
    "the files in smaller parts (for example one year at a time), or ask your administrator to raise "
    "IMPORT_WORKER_MEMORY_MB."
)

IMPORT_BUSY_MESSAGE = (
    "An import for this authority is already running: wait for it to finish, then try again."
)


class ImportBusy(ImportRejected):
    """Another import of the same authority is queued or running: one import at a time per authority."""

    def __init__(self, message: str = IMPORT_BUSY_MESSAGE) -> None:
        super().__init__(message)


def _authority_lock(authority_id: int) -> None:
    """Serialise import decisions for one authority until the transaction ends: a row lock on the
    authority (PostgreSQL; on SQLite every transaction begins IMMEDIATE, taking the single write lock)."""
    LocalAuthority.objects.select_for_update().filter(pk=authority_id).values_list("pk", flat=True).first()


def import_authority_ensure_idle(*, authority: LocalAuthority, exclude_job_id: int | None = None) -> None:
    """Raise ImportBusy if another import job of the authority is queued or running. Call it inside a
    transaction to hold the authority's lock until the caller's own job is written."""
    others = ImportJob.objects.filter(
        authority_id=authority.pk, status__in=(JobStatusChoices.QUEUED, JobStatusChoices.RUNNING)
    )
    if exclude_job_id is not None:
        others = others.exclude(pk=exclude_job_id)
    with transaction.atomic():
        _authority_lock(authority.pk)
        if others.exists():
            raise ImportBusy()


ALLOWED_IMPORT_SUFFIXES = (".csv", ".txt", ".xml", ".zip")
# Ofsted publishes its provider lists as spreadsheets as well as CSV.
OFSTED_IMPORT_SUFFIXES = (".csv", ".txt", ".xlsx", ".ods")


def import_job_create(
    *,
    authority: LocalAuthority,
    files: Sequence[tuple[str, bytes]],
    acting_user: Any,
    kind: str = ImportKindChoices.SSDA903,
    request: Any = None,
    strict: bool = False,
) -> ImportJob:
    """Queue an import of uploaded files for an authority; the worker runs it after the commit.

    ``strict`` (SSDA903 only) refuses the whole import if any row has an error, instead of the import
    policy's repairs and quarantine.
    """
    if not files:
        raise ImportRejected("Select at least one file")
    total = sum(len(content) for _, content in files)
    if total > settings.MAX_UPLOAD_BYTES:
        limit_mb = settings.MAX_UPLOAD_BYTES // (1024 * 1024)
        raise ImportRejected(f"The files must be smaller than {limit_mb} MB in total")
    limits = UploadLimits.from_settings(settings)
    for name, content in files:
        shown = clip(name, 100)
        is_zip = content.startswith(b"PK\x03\x04")
        if kind == ImportKindChoices.OFSTED:
            if not name.lower().endswith(OFSTED_IMPORT_SUFFIXES):
                raise ImportRejected(f"{shown} must be a CSV, XLSX or ODS file")
        else:
            if not name.lower().endswith(ALLOWED_IMPORT_SUFFIXES):
                raise ImportRejected(f"{shown} must be a CSV, XML or zip file")
            if name.lower().endswith(".zip") and not is_zip:
                raise ImportRejected(f"{shown} is not a zip file")
        # Checked before anything parses the file, so a crafted file is refused here, in the web process,
        # with bounded memory (`placements.upload_limits`); the readers check again in the worker.
        problem = _upload_problem(content, kind=kind, is_zip=is_zip, limits=limits)
        if problem:
            raise ImportRejected(f"{shown}: {problem}")
    with transaction.atomic():
        # One import at a time per authority, for every adapter (web, API, command): checked under the
        # authority's lock, held until this job is written.
        import_authority_ensure_idle(authority=authority)
        job = ImportJob.objects.create(
            authority=authority,
            kind=kind,
            created_by=acting_user_or_none(acting_user),
            file_names=[name for name, _ in files],
            stage="Waiting for a worker",
            strict=strict and kind == ImportKindChoices.SSDA903,
        )
        ImportFile.objects.bulk_create(
            ImportFile(job=job, name=name, content=content) for name, content in files
        )
        audit(
            action="import.queued",
            actor=acting_user,
            authority=authority,
            obj=job,
            detail={"kind": kind, "files": len(files), "bytes": total, "strict": job.strict},
            request=request,
        )
        transaction.on_commit(lambda: import_job_enqueue(job_id=job.pk))
    return job


def import_run_now(
    *,
    authority: LocalAuthority,
    files: Sequence[tuple[str, bytes]],
    acting_user: Any = None,
    strict: bool = False,
) -> ImportOutcome:
    """Run an SSDA903 import in this process (the command line) as one of the authority's import jobs:
    refused (ImportBusy) while another is queued or running, and listed as running meanwhile, so no upload
    or worker starts another import of the authority until it has finished."""
    with transaction.atomic():
        import_authority_ensure_idle(authority=authority)
        job = ImportJob.objects.create(
            authority=authority,
            kind=ImportKindChoices.SSDA903,
            status=JobStatusChoices.RUNNING,
            started_at=timezone.now(),
            progress=1,
            stage="Running from the command line",
            file_names=[clip(name, 200) for name, _ in files],
            strict=strict,
        )
    outcome = None
    try:
        outcome = ssda903_import(
            authority=authority, files=files, acting_user=acting_user, strict=strict, import_job_id=job.pk
        )
    finally:
        _import_job_finish(job=job, outcome=outcome)
    return outcome


def _upload_problem(content: bytes, *, kind: str, is_zip: bool, limits: UploadLimits) -> str:
    """Why one uploaded file is refused before it is queued, or "". UTF-16 text (which starts with its
    byte-order mark) is checked by the reader once decoded; any other NUL byte means a binary file."""
    if is_zip:
        if kind == ImportKindChoices.OFSTED:
            return spreadsheet_problem(content, limits)
        return zip_problem(content, limits)  # the reader checks what an export folder holds
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        return ""
    return text_problem(content, limits)


IMPORT_JOBS = JobQueue(model=ImportJob, task="placements.tasks.import_job_execute_task", label="import job")


def import_job_enqueue(*, job_id: int) -> bool:
    """Send a queued job to the workers. If the broker is down the job stays queued in the database
    (our outbox) and `import_jobs_requeue` sends it again when the broker is back."""
    return job_enqueue(IMPORT_JOBS, job_id)


def import_job_claim(*, job_id: int) -> bool:
    """Claim a job for this worker by a conditional update: only one worker can win, so a redelivered
    task does nothing (unless the job's previous worker died, see `sufficiency.core.jobs.stale_running_cutoff`).

    A job is not claimed while another import of its authority is running (one at a time per authority,
    decided under the authority's lock); it stays queued and `import_jobs_requeue` sends it again.
    """
    with transaction.atomic():
        authority_id = ImportJob.objects.filter(pk=job_id).values_list("authority_id", flat=True).first()
        if authority_id is None:
            return False
        _authority_lock(authority_id)
        other_running = (
            ImportJob.objects.filter(
                authority_id=authority_id,
                status=JobStatusChoices.RUNNING,
                started_at__gte=stale_running_cutoff(),
            )
            .exclude(pk=job_id)
            .exists()
        )
        if other_running:
            logger.info("import job %s waits: another import of its authority is running", job_id)
            return False
        return job_claim(IMPORT_JOBS, job_id, progress=1, stage="Starting")


def import_job_execute(*, job_id: int) -> ImportJob | None:
    """Run a claimed import job: validate, write all or nothing, record the outcome, delete the upload."""
    if not import_job_claim(job_id=job_id):
        logger.info("import job %s already claimed or finished; nothing to do", job_id)
        return None
    job = ImportJob.objects.select_related("authority", "created_by").get(pk=job_id)

    def progress(percent: int, stage: str) -> None:
        ImportJob.objects.filter(pk=job_id).update(progress=percent, stage=stage)

    files = [(f.name, bytes(f.content)) for f in job.files.all()]
    options: dict[str, Any] = {}
    if job.kind == ImportKindChoices.OFSTED:
        from .supply.services import ofsted_import

        importer = ofsted_import
        # Only a steward's upload publishes (ofsted_import checks the role); a job whose uploader has been
        # deleted has no user and is staged for review, never published as if from the command line.
        options["publish"] = False
    else:
        importer = ssda903_import
        options["strict"] = job.strict
    failure = None
    try:
        # In a worker process, reading and writing the files may use at most IMPORT_WORKER_MEMORY_MB more
        # memory (sufficiency.core.memory): a file that needs more fails this job, not the worker.
        with memory_limited(settings.IMPORT_WORKER_MEMORY_MB):
            outcome = importer(
                authority=job.authority,
                files=files,
                acting_user=job.created_by,
                progress=progress,
                import_job_id=job_id,
                **options,
            )
    except MemoryError:
        logger.warning(
            "import job %s stopped: it needed more than IMPORT_WORKER_MEMORY_MB=%s MB",
            job_id,
            settings.IMPORT_WORKER_MEMORY_MB,
        )
        outcome, failure = None, IMPORT_MEMORY_MESSAGE
    except Exception as exc:  # noqa: BLE001 - any failure is recorded on the job, never lost
        logger.exception("import job %s failed unexpectedly (%s)", job_id, type(exc).__name__)
        outcome = None
    del files  # the uploaded bytes are not needed to record the outcome
    _import_job_finish(job=job, outcome=outcome, failure=failure)
    return job


def _import_job_finish(*, job: ImportJob, outcome: ImportOutcome | None, failure: str | None = None) -> None:
    """Record how the job ended; `failure` says why a job with no outcome stopped (an unexpected problem
    otherwise)."""
    with transaction.atomic():
        job.finished_at = timezone.now()
        if outcome is None:
            job.status = JobStatusChoices.FAILED
            job.failure = (
                failure or "The import stopped because of an unexpected problem. Nothing was imported."
            )
            job.stage = "Failed"
        elif outcome.ok:
            job.status = JobStatusChoices.SUCCEEDED
            job.progress = 100
            job.stage = "Finished"
            if job.kind == ImportKindChoices.SSDA903:
                # An import that went ahead under the policy still has a report: what was repaired and held
                # back.
                if outcome.notices or outcome.errors or outcome.warnings:
                    job.error_report = outcome.error_report_csv
                    job.error_count = len(outcome.errors)
            else:
                # Rows skipped and notes (an Ofsted file's unreadable rows) stay downloadable.
                job.error_report = errors_to_csv(outcome.warnings) if outcome.warnings else ""
        else:
            job.status = JobStatusChoices.FAILED
            job.failure = (
                f"The files have {len(outcome.errors)} error(s). Nothing was imported: correct the files "
                "using the error report and upload them again."
            )
            job.stage = "Failed validation"
            job.error_report = outcome.error_report_csv
            job.error_count = len(outcome.errors)
        if outcome is not None:
            job.summary = outcome.summary()
        job.save()
        # Data minimisation: the uploaded files are not kept once the job has finished.
        job.files.all().delete()
        audit(
            action=f"import.{job.status}",
            actor=job.created_by,
            authority=job.authority,
            obj=job,
            detail={"error_count": job.error_count, "counts": job.summary.get("counts", {})},
        )
        if job.status == JobStatusChoices.SUCCEEDED:
            # The files earlier reports describe are replaced: their reports go (the newest stays).
            _import_reports_blank(
                ImportJob.objects.filter(authority_id=job.authority_id, kind=job.kind, pk__lt=job.pk)
            )
            transaction.on_commit(lambda: _after_successful_import(job.authority_id))


def _after_successful_import(authority_id: int) -> None:
    """Hook for recomputations that follow an import (forecasts, rollups). Registered by other apps."""
    for callback in AFTER_IMPORT_CALLBACKS:
        try:
            callback(authority_id)
        except OperationalError:
            logger.warning("broker unavailable; follow-up work for authority %s deferred", authority_id)


# Other apps (forecasting, dashboards) append callables taking an authority id; they must only enqueue.
AFTER_IMPORT_CALLBACKS: list[Any] = []


def _import_reports_blank(jobs: Any) -> int:
    """Blank the error reports and the examples (file, row, child reference, value) of finished jobs;
    counts by problem stay. Returns how many jobs had something blanked."""
    blanked = 0
    finished = jobs.filter(status__in=(JobStatusChoices.SUCCEEDED, JobStatusChoices.FAILED))
    for job in finished.only("pk", "summary", "error_report"):
        problems = (job.summary or {}).get("problems", [])
        if not job.error_report and not any(p.get("examples") for p in problems):
            continue
        summary = {
            **job.summary,
            "problems": [{**p, "examples": []} for p in problems],
            "report_expired": True,
        }
        ImportJob.objects.filter(pk=job.pk).update(error_report="", summary=summary)
        blanked += 1
    return blanked


def import_reports_expire(*, now: dt.datetime | None = None) -> int:
    """Blank error reports of imports finished more than IMPORT_REPORT_RETENTION_DAYS ago (data
    minimisation: a report names children). Run daily by beat; returns how many jobs were blanked."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.IMPORT_REPORT_RETENTION_DAYS)
    with transaction.atomic():
        blanked = _import_reports_blank(ImportJob.objects.filter(finished_at__lt=cutoff))
    if blanked:
        logger.info("blanked %s expired import error report(s)", blanked)
    return blanked


def import_jobs_requeue(*, older_than_seconds: int = 60) -> int:
    """Re-send queued jobs that never reached a worker (the broker was down when they were created)."""
    return jobs_requeue(IMPORT_JOBS, older_than_seconds=older_than_seconds)
