"""Integration harness: real PostgreSQL, real Redis and a real Celery worker in a subprocess.

`make test-integration` starts the services and runs `pytest -m integration tests/integration` with
DATABASE_URL from var/services.env, REDIS_URL on Redis database 1 (apart from a `make worker` on
database 0) and USE_CELERY_EAGER=false. The session fixture
`celery_worker` starts `celery -A sufficiency worker` against pytest-django's test database (test_<name>),
so rows that a `django_db(transaction=True)` test commits are visible to the worker, and what the worker
writes is visible to the test.

Without PostgreSQL, Redis or with eager Celery the tests are skipped with the reason; with
REQUIRE_INTEGRATION=1 (as in CI) they fail instead, so a green CI always means they really ran.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest

INTEGRATION_DIR = Path(__file__).resolve().parent
REPO_ROOT = INTEGRATION_DIR.parent.parent
WORKER_START_TIMEOUT_S = 60.0


def _integration_required() -> bool:
    return os.environ.get("REQUIRE_INTEGRATION", "").strip().lower() in {"1", "true", "yes"}


def _why_unavailable() -> str | None:
    """Say why the integration tests cannot run here, or None if PostgreSQL, Redis and Celery are ready."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if "postgresql" not in database["ENGINE"]:
        return (
            f"needs PostgreSQL but DATABASE_URL gives {database['ENGINE']}: run `make test-integration` "
            "(or `make services` and `set -a; . var/services.env`)"
        )
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "needs a real broker: set USE_CELERY_EAGER=false (make test-integration does)"
    try:
        import psycopg2

        psycopg2.connect(
            dbname=database["NAME"],
            user=database["USER"],
            password=database["PASSWORD"],
            host=database["HOST"] or "127.0.0.1",
            port=database["PORT"] or 5432,
            connect_timeout=3,
        ).close()
    except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"; the reason is reported
        return f"PostgreSQL at {database['HOST']}:{database['PORT']} is not reachable ({type(exc).__name__})"
    try:
        import redis

        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=3, socket_timeout=3).ping()
    except Exception as exc:  # noqa: BLE001
        return f"Redis at REDIS_URL is not reachable ({type(exc).__name__}): run `make services`"
    return None


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip the selected integration tests, before any fixture runs, when their services are missing.

    Runs last, after `-m` has deselected what it will, so `make test` (which deselects them) never
    probes for servers. With REQUIRE_INTEGRATION=1 nothing is skipped: the fixtures fail loudly instead.
    """
    selected = [item for item in items if INTEGRATION_DIR in Path(str(item.fspath)).parents]
    if not selected or _integration_required():
        return
    reason = _why_unavailable()
    if reason:
        marker = pytest.mark.skip(reason=f"integration: {reason}")
        for item in selected:
            item.add_marker(marker)


def _database_url(settings_dict: dict) -> str:
    """The DATABASE_URL of the connection pytest-django made, which points at its test database."""
    user = quote(settings_dict["USER"] or "", safe="")
    password = quote(settings_dict["PASSWORD"] or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict["HOST"] or "127.0.0.1"
    port = settings_dict["PORT"] or 5432
    return f"postgres://{credentials}{host}:{port}/{quote(settings_dict['NAME'], safe='')}"


@dataclass
class CeleryWorker:
    """A running worker subprocess and its log, which tests read to see what the worker did."""

    process: subprocess.Popen
    hostname: str
    log_path: Path
    database_name: str

    def log_text(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def wait_for_log(self, *needles: str, timeout: float = 30.0) -> str:
        """Wait until the worker logs a line containing every one of `needles`; return that line."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in self.log_text().splitlines():
                if all(needle in line for needle in needles):
                    return line
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        pytest.fail(
            f"the Celery worker did not log a line with {needles!r} within {timeout:.0f} s "
            f"(exit code {self.process.poll()}); last lines of {self.log_path}:\n{self.tail()}",
            pytrace=False,
        )

    def tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])


def _stop(process: subprocess.Popen) -> None:
    """Warm shutdown (SIGTERM lets running tasks finish), then kill the worker's process group."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
    # Pool children normally leave with the main process; make sure none outlive the session.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


@pytest.fixture(scope="session")
def celery_worker(django_db_setup: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[CeleryWorker]:
    """A real `celery -A sufficiency worker` (prefork, 2 processes) on the test database and REDIS_URL.

    Depends on `django_db_setup`, so the worker starts after the test database exists and is stopped
    before pytest-django drops it (PostgreSQL refuses to drop a database with open connections).
    """
    from django.conf import settings
    from django.db import connection

    from sufficiency.celery import app

    reason = _why_unavailable()
    if reason:
        if _integration_required():
            pytest.fail(f"REQUIRE_INTEGRATION is set but the integration tests cannot run: {reason}")
        pytest.skip(f"integration: {reason}")

    settings_dict = connection.settings_dict
    hostname = f"integration-{os.getpid()}@{socket.gethostname()}"
    log_path = tmp_path_factory.mktemp("celery") / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "sufficiency.settings.test",
        "DATABASE_URL": _database_url(settings_dict),
        "REDIS_URL": settings.REDIS_URL,
        "USE_CELERY_EAGER": "false",
        "PYTHONUNBUFFERED": "1",
    }
    # Messages left in the queue by an interrupted earlier run name rows of a database that is gone.
    app.control.purge()
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "sufficiency",
        "worker",
        "--pool=prefork",
        "--concurrency=2",
        "--loglevel=INFO",
        f"--hostname={hostname}",
        # sufficiency.core is not an installed app, so autodiscovery does not import its tasks.
        "--include=sufficiency.core.tasks",
        "--without-gossip",
        "--without-mingle",
    ]
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(  # noqa: S603 - fixed command, our own interpreter
            command, cwd=REPO_ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True
        )
    worker = CeleryWorker(
        process=process, hostname=hostname, log_path=log_path, database_name=settings_dict["NAME"]
    )
    try:
        deadline = time.monotonic() + WORKER_START_TIMEOUT_S
        while True:
            if process.poll() is not None:
                pytest.fail(
                    f"the Celery worker exited with code {process.returncode} while starting:\n"
                    f"{worker.tail()}",
                    pytrace=False,
                )
            if app.control.ping(destination=[hostname], timeout=1.0):
                break
            if time.monotonic() > deadline:
                pytest.fail(
                    f"the Celery worker did not answer ping within {WORKER_START_TIMEOUT_S:.0f} s:\n"
                    f"{worker.tail()}",
                    pytrace=False,
                )
        yield worker
    finally:
        _stop(process)
