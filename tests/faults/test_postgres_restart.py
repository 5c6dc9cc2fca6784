"""PostgreSQL stops and starts while people use the service: requests fail cleanly (an error page, never a
traceback) and the service recovers by itself once the database is back."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import connection, connections

from sufficiency.api.services import api_client_create
from tests.factories import ChildFactory
from tests.integration.conftest import _database_url

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

REPO_ROOT = Path(__file__).resolve().parents[2]
LEAKS = ("Traceback", "OperationalError", "psycopg2", 'File "/')


def _fetch(url: str, token: str) -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=15) as response:  # noqa: S310
            return response.status, response.read().decode(errors="replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace")
    except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
        return 0, repr(error)


def test_requests_fail_cleanly_and_recover(postgres_server, walsall, tmp_path) -> None:
    ChildFactory.create_batch(5, authority=walsall)
    _, token = api_client_create(authority=walsall, name="Load", scopes=["read:child", "read:aggregate"])
    port = 18000 + os.getpid() % 1000
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "sufficiency.settings.test",
        "DATABASE_URL": _database_url(connection.settings_dict),
        "DATABASE_CONN_MAX_AGE": "60",
        "API_THROTTLE_RATE_CLIENT": "100000/hour",
    }
    log = (tmp_path / "gunicorn.log").open("wb")
    server = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "gunicorn",
            f"--bind=127.0.0.1:{port}",
            "--workers=2",
            "--threads=4",
            "--timeout=30",
            "sufficiency.wsgi:application",
        ],
        cwd=REPO_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    urls = [f"{base}/api/v1/children/", f"{base}/healthz/", f"{base}/api/v1/settings/"]
    results: list[tuple[float, int, str, str]] = []
    stop = threading.Event()

    def user(index: int) -> None:
        i = index
        while not stop.is_set():
            url = urls[i % len(urls)]
            status, body = _fetch(url, token)
            results.append((time.monotonic(), status, body, url))
            i += 1
            time.sleep(0.05)

    try:
        deadline = time.monotonic() + 30
        while _fetch(f"{base}/healthz/", token)[0] != 200:
            assert time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.2)
        threads = [threading.Thread(target=user, args=(n,), daemon=True) for n in range(4)]
        for thread in threads:
            thread.start()
        time.sleep(2)
        down_at = time.monotonic()
        postgres_server.stop()
        time.sleep(4)
        postgres_server.start()
        up_at = time.monotonic()
        time.sleep(6)
        stop.set()
        for thread in threads:
            thread.join(timeout=20)
    finally:
        stop.set()
        server.terminate()
        server.wait(timeout=20)
        connections.close_all()  # this process's connection died with the server: reconnect for teardown

    before = [r for r in results if r[0] < down_at]
    during = [r for r in results if down_at + 0.5 < r[0] < up_at]
    after = [r for r in results if r[0] > up_at + 3]
    assert before and all(status == 200 for _, status, _, _ in before), [
        (s, b[:200]) for _, s, b, _ in before if s != 200
    ]
    assert during, "requests were made while PostgreSQL was down"
    failures = [(status, body, url) for _, status, body, url in results if status != 200]
    assert failures, "PostgreSQL was down: some requests must have failed"
    for status, body, url in failures:
        assert status in (500, 503), f"a clean error status, not {status}: {body[:200]}"
        assert not any(leak in body for leak in LEAKS), f"an error page leaked internals: {body[:500]}"
        if "/api/" in url and status == 500:  # the API answers in its JSON error body, not an HTML page
            assert json.loads(body)["code"] == "server_error", body[:200]
    assert after and all(status == 200 for _, status, _, _ in after), [s for _, s, _, _ in after]
