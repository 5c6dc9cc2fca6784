"""Account security: who must use two-factor authentication (TWO_FACTOR_ROLES, staff, single sign-on), enrolling a device, and audit retention."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any, Literal

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from sufficiency.authorities.models import AuditEvent, Membership
from sufficiency.core.audit import MIN_AUDIT_RETENTION_DAYS, audit

DEVICE_NAME = "Authenticator app"


# Set in the session at single sign-on when the identity provider vouches for a second factor (its `amr`
# claim, or the deployment trusts it to enforce one): the provider's two factors then stand for ours.
SSO_TWO_FACTOR_SESSION_KEY = "accounts_sso_two_factor"


def must_use_two_factor(user: Any) -> bool:
    """Staff and superusers (the Django admin), and anyone holding a role listed in TWO_FACTOR_ROLES in any
    authority (by default administrators), must use two factors."""
    if getattr(user, "is_staff", False) or getattr(user, "is_superuser", False):
        return True
    roles = settings.TWO_FACTOR_ROLES
    return bool(roles) and Membership.objects.filter(user=user, role__in=roles).exists()


def two_factor_required(user: Any, *, request: Any = None) -> Literal["enrol", "verify"] | None:
    """What an authenticated but unverified person must do next: nothing if they signed in through an
    identity provider that vouched for two factors, enter a code (anyone with a confirmed device), enrol a
    device (those who must use two factors and have none), or nothing (others: two factors are optional)."""
    if request is not None and request.session.get(SSO_TWO_FACTOR_SESSION_KEY):
        return None
    if user_has_device(user, confirmed=True):
        return "verify"
    if must_use_two_factor(user):
        return "enrol"
    return None


def totp_device_pending(*, user: Any) -> TOTPDevice:
    """The person's unconfirmed authenticator device, created on first visit so the QR code stays the same
    while they enrol."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def totp_qr_data_uri(device: TOTPDevice) -> str:
    """The enrolment QR code as an SVG data URI (served inline as an <img>, no third-party service)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    svg = image.to_string()
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode()


def totp_secret_base32(device: TOTPDevice) -> str:
    """The secret for typing into an app by hand, in groups of four."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def two_factor_enrol(*, request: Any, device: TOTPDevice, token: str) -> bool:
    """Confirm a pending device with a code from the app, and mark this session verified (audited)."""
    if device.user_id != request.user.pk or not device.verify_token(token.strip().replace(" ", "")):
        audit(action="account.two_factor_failed", actor=request.user, obj=request.user, request=request)
        return False
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=request.user, confirmed=False).exclude(pk=device.pk).delete()
        audit(action="account.two_factor_enrolled", actor=request.user, obj=request.user, request=request)
    otp_login(request, device)
    return True


def two_factor_verify(*, request: Any, token: str) -> bool:
    """Check a code against the person's confirmed devices (django-otp throttles repeated failures)."""
    from django_otp import match_token

    device = match_token(request.user, token.strip().replace(" ", ""))
    if device is None:
        audit(action="account.two_factor_failed", actor=request.user, obj=request.user, request=request)
        return False
    otp_login(request, device)
    return True


class AuditRetentionTooShort(ValueError):
    """A prune was asked to keep less than MIN_AUDIT_RETENTION_DAYS of the audit trail."""


def audit_events_prune(*, older_than_days: int | None = None, dry_run: bool = False) -> int:
    """Delete audit events older than the retention period (settings.AUDIT_RETENTION_DAYS) and record
    that it was done. Returns how many were (or, with dry_run, would be) deleted. Refuses a period shorter
    than MIN_AUDIT_RETENTION_DAYS (AuditRetentionTooShort)."""
    days = settings.AUDIT_RETENTION_DAYS if older_than_days is None else older_than_days
    if days < MIN_AUDIT_RETENTION_DAYS:
        # Neither a typo on the command line nor a setting may empty the trail: a year always survives.
        raise AuditRetentionTooShort(
            f"Audit events are kept for at least {MIN_AUDIT_RETENTION_DAYS} days; {days} is too short."
        )
    cutoff = timezone.now() - dt.timedelta(days=days)
    old = AuditEvent.objects.filter(created_at__lt=cutoff)
    if dry_run:
        return old.count()
    with transaction.atomic():
        deleted, _ = old.delete()
        audit(action="audit.pruned", detail={"deleted": deleted, "retention_days": days})
    return deleted


def axes_username(request: Any, credentials: dict[str, Any] | None = None) -> str:
    """The email address django-axes counts failures against, lower-cased: "Ann@X" and "ann@x" are one
    account, so changing the case must not buy five more guesses."""
    username = (credentials or {}).get(settings.AXES_USERNAME_FORM_FIELD)
    if username is None:
        data = getattr(request, "POST", None) or {}
        username = data.get(settings.AXES_USERNAME_FORM_FIELD, "")
    return str(username or "").strip().lower()
