"""CACHE_URL gives every web process one cache (API throttle counters) on real Redis, and a Redis outage
makes the cache miss rather than fail the request."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings

from tests.integration.conftest import REPO_ROOT

pytestmark = [pytest.mark.integration]

SNIPPET = """
import json, sys, django
django.setup()
from django.conf import settings
from django.core.cache import cache
from rest_framework.throttling import SimpleRateThrottle
key = "integration-throttle-history"
if sys.argv[1] == "write":
    cache.set(key, [1.0, 2.0, 3.0], 60)
# DRF's throttles keep their request history in this default cache.
assert SimpleRateThrottle.cache is cache
print(json.dumps({"backend": settings.CACHES["default"]["BACKEND"], "value": cache.get(key)}))
"""


def _run(action: str, cache_url: str) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "sufficiency.settings.local",
        "CACHE_URL": cache_url,
        "LOG_LEVEL": "CRITICAL",
    }
    done = subprocess.run(
        [sys.executable, "-c", SNIPPET, action],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_two_processes_share_the_cache_and_an_outage_is_a_miss() -> None:
    redis_url = settings.CELERY_BROKER_URL
    assert redis_url.startswith("redis://"), "needs the real Redis of the integration run"
    cache_url = redis_url.rsplit("/", 1)[0] + "/3"

    written = _run("write", cache_url)
    assert written["backend"] == "django_redis.cache.RedisCache"
    # A second process (another gunicorn worker) sees what the first one counted.
    assert _run("read", cache_url)["value"] == [1.0, 2.0, 3.0]

    # Redis unreachable: the cache answers "nothing cached" instead of raising, so requests still work.
    down = _run("write", "redis://127.0.0.1:1/0")
    assert down["value"] is None
