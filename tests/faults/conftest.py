"""Fault harness: a Celery worker we can kill -9 and restart, a Redis we can stop and start, and a
PostgreSQL we can stop under load.

`make test-faults` runs `pytest -m faults tests/faults` with DATABASE_URL of `make services`' PostgreSQL,
USE_CELERY_EAGER=false and REDIS_URL on a port of its own (FAULTS_REDIS_PORT): this harness starts that
Redis itself, so stopping it disturbs nobody else. Like the integration harness, it skips without the
services and fails instead with REQUIRE_INTEGRATION=1 (CI).

Short timings make crashes recoverable within the test: CELERY_TASK_TIME_LIMIT (and the "stale running
job" cutoff derived from it) and CELERY_VISIBILITY_TIMEOUT are set small for the worker and this process.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.integration.conftest import _database_url, _integration_required, _why_unavailable

FAULTS_DIR = Path(__file__).resolve().parent
REPO_ROOT = FAULTS_DIR.parent.parent
TASK_TIME_LIMIT_S = 30
VISIBILITY_TIMEOUT_S = 10


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Everything under tests/faults is a fault test: never part of `make test`."""
    for item in items:
        if FAULTS_DIR in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.faults)


def _require(reason: str | None) -> None:
    if reason:
        if _integration_required():
            pytest.fail(f"REQUIRE_INTEGRATION is set but the fault tests cannot run: {reason}", pytrace=False)
        pytest.skip(f"faults: {reason}")


@pytest.fixture(autouse=True)
def _short_celery_limits(settings) -> None:
    """This process computes the stale cutoff (requeue) from the same small limit as the worker."""
    settings.CELERY_TASK_TIME_LIMIT = TASK_TIME_LIMIT_S
    settings.CELERY_TASK_SOFT_TIME_LIMIT = TASK_TIME_LIMIT_S - 5


# --- Redis of our own ----------------------------------------------------------------------------------


@dataclass
class RedisServer:
    port: int
    folder: Path
    process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - fixed command
            [
                "redis-server",
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--dir",
                str(self.folder),
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s,
            ):
                s.sendall(b"PING\r\n")
                if s.recv(16).startswith(b"+PONG"):
                    return
            time.sleep(0.1)
        pytest.fail(f"redis-server did not start on port {self.port}", pytrace=False)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()  # as abrupt as a crash
            self.process.wait(timeout=10)


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    from django.conf import settings

    url = urlparse(settings.REDIS_URL)
    if not os.environ.get("FAULTS_OWN_REDIS"):
        _require("REDIS_URL must name the fault tests' own Redis port: run `make test-faults`")
    server = RedisServer(port=url.port or 6379, folder=tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.stop()


# --- a worker we can kill -------------------------------------------------------------------------------


@dataclass
class Worker:
    env: dict[str, str]
    log_path: Path
    hostname: str
    process: subprocess.Popen | None = None
    starts: int = 0
    logs: list[Path] = field(default_factory=list)

    def start(self) -> None:
        from sufficiency.celery import app

        self.starts += 1
        log = self.log_path.with_name(f"worker-{self.starts}.log")
        self.logs.append(log)
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "sufficiency",
            "worker",
            "--pool=prefork",
            "--concurrency=1",
            "--loglevel=INFO",
            f"--hostname={self.hostname}",
            "--include=sufficiency.core.tasks",
            "--without-gossip",
            "--without-mingle",
        ]
        with log.open("wb") as handle:
            self.process = subprocess.Popen(  # noqa: S603 - fixed command
                command,
                cwd=REPO_ROOT,
                env=self.env,
                stdout=handle,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 60
        while not app.control.ping(destination=[self.hostname], timeout=1.0):
            if self.process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"worker did not start:\n{self.tail()}", pytrace=False)

    def kill9(self) -> None:
        """SIGKILL the whole worker: the main process and its pool children, with no warm shutdown."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=20)
        if self.process:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)

    def tail(self, lines: int = 40) -> str:
        if not self.logs:
            return ""
        return "\n".join(self.logs[-1].read_text(errors="replace").splitlines()[-lines:])

    def all_logs(self) -> str:
        return "\n".join(log.read_text(errors="replace") for log in self.logs)


@pytest.fixture
def worker(django_db_setup, redis_server, tmp_path: Path) -> Iterator[Worker]:
    from django.conf import settings
    from django.db import connection

    _require(_why_unavailable())
    from sufficiency.celery import app

    app.control.purge()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "sufficiency.settings.test",
        "DATABASE_URL": _database_url(connection.settings_dict),
        "REDIS_URL": settings.REDIS_URL,
        "USE_CELERY_EAGER": "false",
        "PYTHONUNBUFFERED": "1",
        "CELERY_TASK_TIME_LIMIT": str(TASK_TIME_LIMIT_S),
        "CELERY_TASK_SOFT_TIME_LIMIT": str(TASK_TIME_LIMIT_S - 5),
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT_S),
    }
    w = Worker(
        env=env, log_path=tmp_path / "worker.log", hostname=f"faults-{os.getpid()}@{socket.gethostname()}"
    )
    w.start()
    yield w
    w.stop()


# --- PostgreSQL: stop and start the server itself -------------------------------------------------------


@dataclass
class PostgresServer:
    data_dir: str
    options: str
    bin_dir: str

    def _pg_ctl(self, *args: str) -> None:
        command = " ".join(shlex.quote(a) for a in [f"{self.bin_dir}/pg_ctl", "-D", self.data_dir, *args])
        subprocess.run(
            ["su", "postgres", "-s", "/bin/sh", "-c", f"cd / && {command}"],
            check=True,  # noqa: S603,S607
            capture_output=True,
            timeout=60,
        )

    def stop(self) -> None:
        self._pg_ctl("-m", "fast", "-w", "stop")

    def start(self) -> None:
        self._pg_ctl("-w", "-t", "60", "-l", f"{self.data_dir}/../restart.log", "-o", self.options, "start")


@pytest.fixture
def postgres_server(django_db_setup, redis_server) -> PostgresServer:
    """The PostgreSQL of DATABASE_URL, controlled with pg_ctl as its owner (needs root, as CI is)."""
    from django.db import connection

    _require(_why_unavailable())
    if os.geteuid() != 0:
        _require("stopping PostgreSQL needs root (su postgres)")
    import psycopg2

    params = connection.settings_dict
    admin = psycopg2.connect(dbname="postgres", user="postgres", host=params["HOST"], port=params["PORT"])
    try:
        with admin.cursor() as cursor:
            cursor.execute("show data_directory")
            data_dir = cursor.fetchone()[0]
    finally:
        admin.close()
    opts = Path(data_dir, "postmaster.opts").read_text().strip()
    parts = shlex.split(opts)
    binary = parts[0]
    rest = parts[1:]
    if "-D" in rest:
        i = rest.index("-D")
        del rest[i : i + 2]
    return PostgresServer(
        data_dir=data_dir, options=" ".join(shlex.quote(p) for p in rest), bin_dir=str(Path(binary).parent)
    )
