"""Accounts: lockout after repeated failures, two-factor authentication (required for administrators),
the audit trail page, audit retention, password strength, and the production settings."""

from __future__ import annotations

import datetime as dt
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from sufficiency.authorities.models import AuditEvent, Membership
from tests.conftest import PASSWORD
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def administrator(walsall):
    """A Walsall administrator: must use two-factor authentication."""
    user = UserFactory(email="admin@walsall.example.gov.uk")
    Membership.objects.create(user=user, authority=walsall, role="administrator")
    return user


def _code(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def _verified_login(client, user):
    """Sign in and complete the second step (as the verify page would)."""
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


def test_five_failed_sign_ins_lock_the_account_even_with_the_right_password(client, la_user):
    for _ in range(5):
        client.post(reverse("login"), {"username": la_user.email, "password": "wrong-password-123"})
    response = client.post(reverse("login"), {"username": la_user.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "Your account is locked" in response.content.decode()


def test_a_successful_sign_in_resets_the_failure_count(client, la_user):
    for _ in range(3):
        client.post(reverse("login"), {"username": la_user.email, "password": "wrong-password-123"})
    assert client.post(reverse("login"), {"username": la_user.email, "password": PASSWORD}).status_code == 302


def test_administrator_must_enrol_before_any_page(client, administrator):
    client.force_login(administrator)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:two-factor-setup"))
    api = client.get("/api/v1/regions/")
    assert api.status_code == 403
    assert api.json()["code"] == "two_factor_required"


def test_administrator_enrols_with_a_code_from_the_app(client, administrator):
    client.force_login(administrator)
    page = client.get(reverse("accounts:two-factor-setup") + "?next=/")
    assert page.status_code == 200
    assert 'src="data:image/svg+xml;base64,' in page.content.decode()
    device = TOTPDevice.objects.get(user=administrator, confirmed=False)
    wrong = client.post(reverse("accounts:two-factor-setup"), {"token": "000000", "next": "/"})
    assert "The code is not correct" in wrong.content.decode()
    # django-otp throttles a device after a failure (1 s, doubling): let the next attempt through.
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=0, throttling_failure_timestamp=None
    )
    response = client.post(reverse("accounts:two-factor-setup"), {"token": _code(device), "next": "/"})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("home")).status_code == 200
    assert AuditEvent.objects.filter(action="account.two_factor_enrolled", actor=administrator).exists()


def test_person_with_a_device_must_enter_a_code_after_signing_in(client, la_user):
    device = TOTPDevice.objects.create(user=la_user, name="app", confirmed=True)
    client.force_login(la_user)
    response = client.get(reverse("home"))
    assert response.url.startswith(reverse("accounts:two-factor-verify"))
    client.post(reverse("accounts:two-factor-verify"), {"token": _code(device), "next": "/"})
    assert client.get(reverse("home")).status_code == 200


def test_two_factor_is_optional_for_other_roles(client, la_user):
    client.force_login(la_user)
    assert client.get(reverse("home")).status_code == 200


def test_next_parameter_cannot_send_people_to_another_site(client, la_user):
    device = TOTPDevice.objects.create(user=la_user, name="app", confirmed=True)
    client.force_login(la_user)
    response = client.post(
        reverse("accounts:two-factor-verify"), {"token": _code(device), "next": "https://evil.example/"}
    )
    assert response.url == "/"


def test_audit_trail_is_for_the_authoritys_administrators_only(
    client, walsall, administrator, la_user, other_la_user
):
    AuditEvent.objects.create(
        action="child.viewed", authority=walsall, object_type="placements.Child", object_id="1"
    )
    url = reverse("accounts:audit-list", kwargs={"code": "335"})
    assert client.get(url).status_code == 302  # anonymous: to sign in
    for outsider in (la_user, other_la_user):
        _verified_login(client, outsider)
        assert client.get(url).status_code == 404
    _verified_login(client, administrator)
    page = client.get(url, {"action": "child.viewed"})
    assert page.status_code == 200
    assert "child.viewed" in page.content.decode()


def test_prune_audit_removes_events_older_than_the_retention_period(settings, walsall):
    settings.AUDIT_RETENTION_DAYS = 400
    old = AuditEvent.objects.create(action="child.viewed", authority=walsall)
    AuditEvent.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=401))
    recent = AuditEvent.objects.create(action="child.viewed", authority=walsall)
    call_command("prune_audit")
    assert not AuditEvent.objects.filter(pk=old.pk).exists()
    assert AuditEvent.objects.filter(pk=recent.pk).exists()
    assert AuditEvent.objects.get(action="audit.pruned").detail == {"deleted": 1, "retention_days": 400}


@pytest.mark.parametrize("password", ["short", "password1234", "123456789012"])
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_pages_carry_a_strict_content_security_policy(client):
    policy = client.get(reverse("login"))["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy


def test_production_settings_pass_check_deploy_and_need_a_secret_key():
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(DJANGO_SETTINGS_MODULE="sufficiency.settings.production", DJANGO_ALLOWED_HOSTS="example.org")
    command = [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"]
    without_secret = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert without_secret.returncode != 0
    assert "DJANGO_SECRET_KEY" in without_secret.stderr
    env["DJANGO_SECRET_KEY"] = secrets.token_urlsafe(64)
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
