"""An SSDA903 upload queued by the web tier is imported by a real Celery worker into PostgreSQL."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.db import connection

from placements.categories import planning_category
from placements.choices import JobStatusChoices
from placements.models import Child, ImportJob, PlacementEpisode
from placements.services import import_job_create
from placements.tasks import import_job_execute_task

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

IMPORT_TIMEOUT_S = 60.0

# Synthetic children only: made-up references and dates; postcodes are the DfE worked example's.
HEADER_CSV = (
    "\ufeffCHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\r\n"
    "INT0001,M,14/02/2012,WBRI,,,\r\n"
    "INT0002,F,03/09/2015,MWBC,,,\r\n"
)
EPISODES_CSV = (
    "\ufeffCHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\r\n"
    "INT0001,01/05/2024,S,C2,N1,U4,PR1,,,,WS1 1TP,WV1 1RQ,XXXXXXX\r\n"
    "INT0002,10/06/2024,S,C1,N4,K2,PR4,01/09/2024,X1,CARPL,WS1 1TP,ST4 1HH,SC045099\r\n"
    "INT0002,01/09/2024,P,C2,N4,U6,PR5,,,,WS1 1TP,WV1 1RQ,XXXXXXX\r\n"
)


def _wait_until_finished(job: ImportJob) -> ImportJob:
    deadline = time.monotonic() + IMPORT_TIMEOUT_S
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.is_finished:
            return job
        time.sleep(0.25)
    pytest.fail(
        f"import job {job.pk} still {job.status} ({job.stage!r}) after {IMPORT_TIMEOUT_S:.0f} s: "
        "is the worker consuming the queue?",
        pytrace=False,
    )


def test_ssda903_import_through_the_worker_lands_in_postgresql(celery_worker, walsall, data_manager) -> None:
    # `walsall` and `data_manager` come from tests/conftest.py; the django_db mark makes them committed rows.
    assert connection.vendor == "postgresql"
    authority = walsall

    job = import_job_create(
        authority=authority,
        files=[("header.csv", HEADER_CSV.encode()), ("episodes.csv", EPISODES_CSV.encode())],
        acting_user=data_manager,
    )

    job = _wait_until_finished(job)
    assert job.status == JobStatusChoices.SUCCEEDED, (job.failure, job.error_report[:2000])
    # It was the worker, not this process, that ran the import (and said so in its log).
    celery_worker.wait_for_log(f"{import_job_execute_task.name}[", "succeeded in", timeout=5)
    assert job.progress == 100
    assert job.started_at is not None and job.finished_at is not None
    assert not job.files.exists(), "uploaded files are deleted once the job has finished"

    children = {child.child_ref: child for child in Child.objects.filter(authority=authority)}
    assert set(children) == {"INT0001", "INT0002"}
    assert children["INT0001"].sex == "M"
    assert children["INT0001"].dob == dt.date(2012, 2, 14)
    assert children["INT0002"].dob == dt.date(2015, 9, 3)

    episodes = list(
        PlacementEpisode.objects.filter(authority=authority).order_by("child__child_ref", "decom")
    )
    assert [(e.child.child_ref, e.decom, e.place, e.dec) for e in episodes] == [
        ("INT0001", dt.date(2024, 5, 1), "U4", None),
        ("INT0002", dt.date(2024, 6, 10), "K2", dt.date(2024, 9, 1)),
        ("INT0002", dt.date(2024, 9, 1), "U6", None),
    ]
    assert episodes[1].rec == "X1"
    assert episodes[1].reason_place_change == "CARPL"
    assert [e.category for e in episodes] == [
        planning_category("U4", "PR1"),
        planning_category("K2", "PR4"),
        planning_category("U6", "PR5"),
    ]
