"""Is background processing reachable? Pages keep serving the last computed results from the database when
the message broker (Redis) is down; this context processor lets them say that results may be out of date.

The check is a Redis PING with a short timeout, remembered for a few seconds per process, so a page pays
for at most one quick check however many requests arrive. With eager Celery (no broker) it never warns.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from django.conf import settings
from django.http import HttpRequest

logger = logging.getLogger(__name__)

CHECK_TIMEOUT_SECONDS = 0.3
REMEMBER_SECONDS = 5.0

_lock = threading.Lock()
_last: dict[str, Any] = {"at": -1e9, "ok": True}


def broker_available() -> bool:
    """True when the Celery broker answers PING (cached for REMEMBER_SECONDS); always True when eager."""
    if settings.CELERY_TASK_ALWAYS_EAGER or not str(settings.CELERY_BROKER_URL).startswith("redis"):
        return True
    now = time.monotonic()
    with _lock:
        if now - _last["at"] < REMEMBER_SECONDS:
            return bool(_last["ok"])
    try:
        import redis

        redis.Redis.from_url(
            settings.CELERY_BROKER_URL,
            socket_connect_timeout=CHECK_TIMEOUT_SECONDS,
            socket_timeout=CHECK_TIMEOUT_SECONDS,
        ).ping()
        ok = True
    except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"
        logger.warning(
            "message broker unreachable (%s): pages will say results may be out of date", type(exc).__name__
        )
        ok = False
    with _lock:
        _last.update(at=time.monotonic(), ok=ok)
    return ok


def background_status(request: HttpRequest) -> dict[str, Any]:
    """Template context: `background_unavailable` is True for signed-in people while the broker is down."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"background_unavailable": False}
    return {"background_unavailable": not broker_available()}
