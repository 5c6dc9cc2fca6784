"""Production refuses a signing key that is short, repetitive, a startproject key or published here."""

from __future__ import annotations

import base64
import hashlib
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from sufficiency.accounts.checks import KNOWN_EXAMPLE_KEYS, check_secret_key, secret_key_problems

ROOT = Path(__file__).resolve().parents[2]
# Fixed (not random) so that pytest-xdist's workers collect the same parametrised tests.
STRONG = base64.urlsafe_b64encode(hashlib.sha512(b"sufficiency strong test key").digest()).decode()
HEX = hashlib.sha256(b"sufficiency hex test key").hexdigest()
INSECURE = "django-insecure-" + STRONG[:48]


@pytest.mark.parametrize(
    "key",
    [
        "short-but-random-Qx7!",
        "a" * 80,
        "ab" * 40,
        INSECURE,
        "change-me-to-50-or-more-random-characters",
        "insecure-local-development-key-not-for-production",
    ],
)
def test_weak_keys_are_an_error(settings, key):
    settings.SECRET_KEY = key
    errors = check_secret_key()
    assert [e.id for e in errors] == ["accounts.E001"]
    assert key not in errors[0].msg  # the message never echoes the key


@pytest.mark.parametrize("key", [STRONG, HEX])
def test_random_keys_pass(settings, key):
    settings.SECRET_KEY = key
    settings.SECRET_KEY_FALLBACKS = []
    assert check_secret_key() == []


def test_a_weak_fallback_key_is_an_error_too(settings):
    settings.SECRET_KEY = STRONG
    settings.SECRET_KEY_FALLBACKS = ["insecure-test-key"]
    assert "SECRET_KEY_FALLBACKS" in check_secret_key()[0].msg


def test_every_key_written_in_the_repository_is_refused():
    """Keys in the examples, compose file, Dockerfile, scripts and non-production settings."""
    files = [".env.example", "docker-compose.yml", "Dockerfile", "Makefile", "README.md"]
    files += [str(p.relative_to(ROOT)) for p in (ROOT / "scripts").glob("*")]
    files += [str(p.relative_to(ROOT)) for p in (ROOT / "sufficiency" / "settings").glob("*.py")]
    pattern = re.compile(r"""DJANGO_SECRET_KEY(?:=|["'],\s*)["']?([A-Za-z0-9_\-!@#%^&*+.]{8,})""")
    found = set()
    for name in files:
        path = ROOT / name
        if path.is_file():
            found.update(pattern.findall(path.read_text(errors="ignore")))
    found -= {"DJANGO_SECRET_KEY_FILE"}
    assert {"change-me-to-50-or-more-random-characters", "insecure-test-key"} <= found, "pattern broken"
    for key in found:
        assert key in KNOWN_EXAMPLE_KEYS, key
        assert secret_key_problems(key), key


def _production(command, key):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="sufficiency.settings.production",
        DJANGO_ALLOWED_HOSTS="example.org",
        DJANGO_SECRET_KEY=key,
    )
    return subprocess.run(
        [sys.executable, "manage.py", *command],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_with_the_example_key():
    result = _production(["check"], "change-me-to-50-or-more-random-characters")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not safe for production" in result.stderr
    assert "change-me-to-50" not in result.stderr


def test_check_deploy_reports_a_weak_key_with_production_settings():
    """With the start-up refusal switched off, check --deploy still reports it as an error."""
    env_key = "django-insecure-" + secrets.token_urlsafe(48)
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='sufficiency.settings.production';"
        "from django.conf import settings; "
        "import sufficiency.settings.production as p; p.SECRET_KEY_CHECK_AT_STARTUP=False; "
        "django.setup(); from django.core.management import call_command; "
        "call_command('check', deploy=True)"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(DJANGO_ALLOWED_HOSTS="example.org", DJANGO_SECRET_KEY=env_key)
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode != 0
    assert "accounts.E001" in result.stderr
