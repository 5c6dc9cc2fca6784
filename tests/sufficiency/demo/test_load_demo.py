"""`load_demo` exists only where demo data is allowed, and refuses to run if the setting is turned off."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from sufficiency.accounts.models import User

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.django_db
def test_load_demo_refuses_to_run_where_demo_data_is_not_allowed(settings):
    settings.DEMO_DATA_ALLOWED = False
    with pytest.raises(CommandError, match="DEMO_DATA_ALLOWED"):
        call_command("load_demo")
    assert not User.objects.filter(email__endswith="@demo.sufficiency.invalid").exists()


_PROBE = """
import django
from django.apps import apps
from django.core.management import get_commands
django.setup()
print(apps.is_installed("sufficiency.demo"), "load_demo" in get_commands())
"""


@pytest.mark.parametrize(("allowed", "expected"), [("false", "False False"), ("true", "True True")])
def test_demo_app_is_installed_only_where_demo_data_is_allowed(allowed, expected):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "sufficiency.settings.base",
        "DJANGO_SECRET_KEY": "insecure-test-key",
        "DEMO_DATA_ALLOWED": allowed,
    }
    out = subprocess.run(
        [sys.executable, "-c", _PROBE], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == expected
