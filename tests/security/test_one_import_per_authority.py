"""Attack: two imports of one authority at once (web, API, command, or two workers) must not interleave.

The rule lives in `placements.services`: the service that creates a job refuses while another job of the
authority is queued or running, and a worker claims a job only if no other job of its authority runs.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from placements.models import ImportJob
from placements.services import (
    IMPORT_BUSY_MESSAGE,
    ImportBusy,
    import_job_claim,
    import_job_create,
    import_job_execute,
)
from sufficiency.api.services import api_client_create
from tests.ssda903_files import valid_walsall_files

pytestmark = pytest.mark.django_db

BUSY = "An import for this authority is already running"


def _running_job(authority, status="running"):
    return ImportJob.objects.create(
        authority=authority, status=status, started_at=timezone.now() if status == "running" else None
    )


def test_busy_message_names_the_rule():
    assert IMPORT_BUSY_MESSAGE.startswith(BUSY)


@pytest.mark.parametrize("status", ["queued", "running"])
def test_service_refuses_a_second_import_of_the_authority(walsall, data_manager, status):
    _running_job(walsall, status)
    with pytest.raises(ImportBusy, match=BUSY):
        import_job_create(authority=walsall, files=valid_walsall_files(), acting_user=data_manager)
    assert ImportJob.objects.filter(authority=walsall).count() == 1


def test_another_authority_may_import_meanwhile(walsall, sandwell, data_manager):
    _running_job(sandwell)
    job = import_job_create(authority=walsall, files=valid_walsall_files(), acting_user=data_manager)
    assert job.pk


def test_web_upload_shows_the_busy_message_in_the_error_summary(client, walsall, data_manager):
    _running_job(walsall)
    client.force_login(data_manager)
    uploads = [SimpleUploadedFile(n, c, content_type="text/csv") for n, c in valid_walsall_files()]
    response = client.post(reverse("placements:import-create", kwargs={"code": "335"}), {"files": uploads})
    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert BUSY in page
    assert ImportJob.objects.filter(authority=walsall).count() == 1


def test_ofsted_web_upload_is_refused_too(client, walsall, data_manager):
    _running_job(walsall)
    client.force_login(data_manager)
    upload = SimpleUploadedFile("providers.csv", b"URN,Provision type\n", content_type="text/csv")
    response = client.post(reverse("placements:ofsted-import", kwargs={"code": "335"}), {"files": [upload]})
    assert BUSY in response.content.decode()
    assert ImportJob.objects.filter(authority=walsall).count() == 1


def test_api_answers_409_with_the_busy_message(walsall):
    _running_job(walsall)
    token = api_client_create(authority=walsall, name="Client 335", scopes=["write:import"])[1]
    uploads = [SimpleUploadedFile(n, c, content_type="text/csv") for n, c in valid_walsall_files()]
    response = APIClient().post(
        reverse("api:import-list"),
        {"files": uploads},
        format="multipart",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 409
    assert BUSY in response.json()["detail"]


def test_command_refuses_while_a_job_is_queued(walsall, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the command writes its error report beside the working directory
    _running_job(walsall, "queued")
    paths = []
    for name, content in valid_walsall_files():
        path = tmp_path / name
        path.write_bytes(content)
        paths.append(str(path))
    with pytest.raises(CommandError, match=BUSY):
        call_command("import_ssda903", "--authority", "335", *paths)


def test_worker_does_not_claim_while_another_job_of_the_authority_runs(walsall):
    _running_job(walsall)
    waiting = ImportJob.objects.create(authority=walsall)  # e.g. created before the rule, or requeued
    assert import_job_claim(job_id=waiting.pk) is False
    assert import_job_execute(job_id=waiting.pk) is None
    waiting.refresh_from_db()
    assert waiting.status == "queued"  # left for `import_jobs_requeue` to send again


def test_worker_claims_when_the_other_authority_runs(walsall, sandwell):
    _running_job(sandwell)
    waiting = ImportJob.objects.create(authority=walsall)
    assert import_job_claim(job_id=waiting.pk) is True


def test_command_import_is_listed_as_running_so_uploads_wait(walsall, data_manager, tmp_path, monkeypatch):
    from placements import services

    monkeypatch.chdir(tmp_path)  # the command writes its error report beside the working directory
    seen = {}
    real = services.ssda903_import

    def import_while_checking(**kwargs):
        seen["running"] = ImportJob.objects.filter(authority=walsall, status="running").count()
        with pytest.raises(ImportBusy):
            import_job_create(authority=walsall, files=valid_walsall_files(), acting_user=data_manager)
        return real(**kwargs)

    monkeypatch.setattr(services, "ssda903_import", import_while_checking)
    paths = []
    for name, content in valid_walsall_files():
        path = tmp_path / name
        path.write_bytes(content)
        paths.append(str(path))
    call_command("import_ssda903", "--authority", "335", *paths)
    assert seen["running"] == 1
    job = ImportJob.objects.get(authority=walsall)
    assert job.status == "succeeded"
    assert job.finished_at is not None


@pytest.fixture
def file_database(transactional_db, walsall, tmp_path, monkeypatch):
    """The test database copied to a file (the in-memory one has other locking), for new connections:
    each thread that uses the database opens its own connection to the file, as web and API workers do."""
    import sqlite3

    from django.db import connection, connections

    if connection.vendor != "sqlite":
        pytest.skip("SQLite's transaction mode only")
    path = tmp_path / "race.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(path) as target:
        connection.connection.backup(target)
    monkeypatch.setitem(connections.settings["default"], "NAME", str(path))
    return path


def _queued_in(path, authority):
    import sqlite3

    with sqlite3.connect(path) as db:
        return db.execute(
            "SELECT count(*) FROM placements_importjob WHERE authority_id = ? AND status = 'queued'",
            (authority.pk,),
        ).fetchone()[0]


def test_two_uploads_at_once_on_a_sqlite_file_one_queued_one_busy(file_database, walsall, monkeypatch):
    """Two uploads of one authority race; the authority lock waits a moment for the other thread, so the
    two would both pass the "no other import" check together if the lock did not serialise them."""
    import contextlib
    import sqlite3
    import threading

    from django.db import connection

    from placements import services

    monkeypatch.setattr(services, "import_job_enqueue", lambda **kwargs: None)  # only the creation races
    files = valid_walsall_files()
    barrier = threading.Barrier(2, timeout=0.3)
    real_lock = services._authority_lock

    def lock_then_wait_for_the_other(authority_id):
        real_lock(authority_id)
        # A broken barrier: the other thread is waiting for the lock (serialised).
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait()

    monkeypatch.setattr(services, "_authority_lock", lock_then_wait_for_the_other)

    def upload(outcomes):
        try:
            import_job_create(authority=walsall, files=files, acting_user=None)
            outcomes.append("queued")
        except ImportBusy:
            outcomes.append("busy")
        except Exception as exc:  # noqa: BLE001 - e.g. OperationalError "database is locked", a 500
            outcomes.append(type(exc).__name__)
        finally:
            connection.close()

    for _ in range(10):
        with sqlite3.connect(file_database) as db:
            db.execute("DELETE FROM placements_importfile")
            db.execute("DELETE FROM placements_importjob")
        barrier.reset()
        outcomes: list[str] = []
        threads = [threading.Thread(target=upload, args=(outcomes,)) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert sorted(outcomes) == ["busy", "queued"]
        assert _queued_in(file_database, walsall) == 1
