"""Attack: an upload that passes the size checks but needs a lot of memory to parse must not take the
worker's (and the machine's) memory. In a worker process an import may add at most
IMPORT_WORKER_MEMORY_MB to the process's address space; past it the job fails with a clear message and
the worker carries on (no crash, no redelivery loop).
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from placements import services
from placements.models import ImportFile, ImportJob
from placements.services import IMPORT_MEMORY_MESSAGE, import_job_execute
from sufficiency.core import memory

ROOT = Path(__file__).resolve().parents[2]
HEADER = "URN,Provision type,Setting name,Local authority,Places,Inspection date,Overall effectiveness\n"


def _python(script: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_limit_caps_only_the_block_and_only_where_enabled():
    result = _python(
        """
        from sufficiency.core import memory

        def allocate():
            try:
                bytearray(256 * 1024 * 1024)
                return "allocated"
            except MemoryError:
                return "MemoryError"

        with memory.memory_limited(32) as ceiling:
            print("not enabled:", ceiling, allocate())
        memory.memory_limit_enable()
        with memory.memory_limited(32) as ceiling:
            print("enabled:", ceiling is not None, allocate())
        print("after:", allocate())
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "not enabled: None allocated",
        "enabled: True MemoryError",
        "after: allocated",
    ]


def test_a_job_that_runs_out_of_memory_fails_with_a_clear_message(walsall, monkeypatch):
    def exhausting(**kwargs):
        raise MemoryError

    monkeypatch.setattr(services, "ssda903_import", exhausting)
    job = ImportJob.objects.create(authority=walsall)
    ImportFile.objects.create(job=job, name="episodes.csv", content=b"CHILD\n")
    assert import_job_execute(job_id=job.pk).pk == job.pk
    job.refresh_from_db()
    assert job.status == "failed"
    assert job.failure == IMPORT_MEMORY_MESSAGE
    assert "IMPORT_WORKER_MEMORY_MB" in job.failure and "Nothing was imported" in job.failure
    assert not job.files.exists()  # the upload is not kept for another try


@pytest.fixture
def file_database(transactional_db, walsall, tmp_path):
    """The migrated test database copied to a file, for a worker process of its own."""
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("copies the SQLite test database")
    path = tmp_path / "worker.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(path) as target:
        connection.connection.backup(target)
    return path


WORKER = """
    import django
    django.setup()
    from sufficiency.core.memory import memory_limit_enable
    from placements.models import ImportFile, ImportJob
    from placements.services import import_job_execute
    import placements.supply.services  # loaded at start, as a worker that has run an import before

    memory_limit_enable()  # what the worker_process_init handler does
    for rows in (10, 100_000):
        content = ("{header}" + "".join(
            f"SC{{900000 + i}},Children's home,Home {{i}},Walsall,4,01/06/2024,Good\\n" for i in range(rows)
        )).encode()
        job = ImportJob.objects.create(authority_id={authority}, kind="ofsted")
        ImportFile.objects.create(job=job, name="providers.csv", content=content)
        del content
        import_job_execute(job_id=job.pk)
        job.refresh_from_db()
        print(rows, job.status, job.failure, flush=True)
"""


def test_a_worker_under_a_low_limit_fails_the_large_job_and_runs_the_small_one(file_database, walsall):
    script = WORKER.format(header=HEADER.strip() + "\\n", authority=walsall.pk)
    result = _python(
        script,
        DJANGO_SETTINGS_MODULE="sufficiency.settings.test",
        DATABASE_URL=f"sqlite:///{file_database}",
        IMPORT_WORKER_MEMORY_MB="64",
    )
    assert result.returncode == 0, result.stderr[-3000:]
    small, large = result.stdout.splitlines()
    assert small == "10 succeeded "
    assert large == f"100000 failed {IMPORT_MEMORY_MESSAGE}"


def test_the_setting_is_documented_and_the_worker_enables_the_limit():
    from django.conf import settings

    assert settings.IMPORT_WORKER_MEMORY_MB == 1024
    assert "`IMPORT_WORKER_MEMORY_MB`" in (ROOT / "README.md").read_text()
    assert "mem_limit" in (ROOT / "docker-compose.yml").read_text()
    assert memory._enabled is False  # the test (web) process is never capped
