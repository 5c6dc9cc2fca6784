"""The audit trail is kept in the database; its per-event log line reaches the console only when
AUDIT_LOG_LEVEL asks for it, so `make run` shows the demo's progress, not tens of thousands of lines."""

from __future__ import annotations

import logging
import os
import subprocess
import sys

import pytest

from sufficiency.core.audit import audit


@pytest.mark.django_db
def test_an_audit_event_is_stored_but_not_logged_by_default(walsall, capfd):
    from sufficiency.authorities.models import AuditEvent

    assert not logging.getLogger("sufficiency.audit").isEnabledFor(logging.INFO)
    event = audit(action="test.quiet", authority=walsall, object_type="test.Thing", object_id=1)
    assert AuditEvent.objects.filter(pk=event.pk, action="test.quiet").exists()
    out, err = capfd.readouterr()
    assert "test.quiet" not in out + err


def _audit_level(value: str | None) -> str:
    env = {k: v for k, v in os.environ.items() if k != "AUDIT_LOG_LEVEL"}
    if value is not None:
        env["AUDIT_LOG_LEVEL"] = value
    env["DJANGO_SETTINGS_MODULE"] = "sufficiency.settings.local"
    code = (
        "import django, logging; django.setup(); "
        "print(logging.getLevelName(logging.getLogger('sufficiency.audit').getEffectiveLevel()))"
    )
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return done.stdout.strip().splitlines()[-1]


def test_the_audit_log_level_is_set_by_the_environment():
    assert _audit_level(None) == "WARNING"
    assert _audit_level("INFO") == "INFO"
