"""Creating, revoking and authenticating API clients (audited)."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from sufficiency.accounts.models import User
from sufficiency.authorities.models import LocalAuthority
from sufficiency.core.audit import acting_user_or_none, audit

from .choices import ScopeChoices
from .models import ApiClient, hash_token

TOKEN_PREFIX = "suf"  # noqa: S105 - the public marker at the start of every token, not a secret
# last_used_at is written (and the use audited) at most once a minute per client, not on every request.
TOKEN_USE_RECORD_INTERVAL = dt.timedelta(seconds=60)


class ApiClientError(ValueError):
    """A client could not be created as asked (unknown scope, expiry in the past)."""


def api_client_create(
    *,
    authority: LocalAuthority,
    name: str,
    scopes: Iterable[str],
    acting_user: Any = None,
    expires_at: dt.datetime | None = None,
    throttle_rate: str = "",
) -> tuple[ApiClient, str]:
    """Create a client for an authority and return it with its token. The token is not stored anywhere:
    show it once and let the caller keep it safe."""
    scopes = sorted(set(scopes))
    unknown = [s for s in scopes if s not in ScopeChoices.values]
    if unknown:
        raise ApiClientError(
            f"Unknown scope(s): {', '.join(unknown)}. Choose from {', '.join(ScopeChoices.values)}"
        )
    if expires_at is not None and expires_at <= timezone.now():
        raise ApiClientError("The expiry must be in the future")
    prefix = secrets.token_hex(4)
    token = f"{TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    with transaction.atomic():
        user = User.objects.create_user(email=f"api-client-{prefix}@api-clients.invalid", password=None)
        client = ApiClient.objects.create(
            authority=authority,
            name=name,
            user=user,
            prefix=prefix,
            token_hash=hash_token(token),
            pseudonym_key=secrets.token_hex(32),
            scopes=scopes,
            throttle_rate=throttle_rate,
            expires_at=expires_at,
            created_by=acting_user_or_none(acting_user),
        )
        audit(
            action="api.client_created",
            actor=acting_user,
            authority=authority,
            obj=client,
            detail={"scopes": scopes, "expires_at": expires_at.isoformat() if expires_at else None},
        )
    return client, token


def api_client_revoke(*, client: ApiClient, acting_user: Any = None, request: Any = None) -> ApiClient:
    """Revoke a client: its token stops working at once. Revoking twice changes nothing."""
    with transaction.atomic():
        updated = ApiClient.objects.filter(pk=client.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        client.refresh_from_db()
        if updated:
            audit(
                action="api.client_revoked",
                actor=acting_user,
                authority=client.authority,
                obj=client,
                request=request,
            )
    return client


def api_client_for_token(token: str) -> ApiClient | None:
    """The usable client a presented token belongs to, or None (unknown, wrong, revoked or expired)."""
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX or not parts[1] or len(token) > 200:
        return None
    client = ApiClient.objects.select_related("authority", "user").filter(prefix=parts[1]).first()
    if client is None or not client.matches(token) or not client.is_usable or not client.user.is_active:
        return None
    return client


def api_client_record_use(*, client: ApiClient, request: Any = None) -> bool:
    """Record that a client used its token: last_used_at and an `api.token_used` audit row, at most once a
    minute per client (a conditional update, so concurrent requests record it once)."""
    now = timezone.now()
    recent = now - TOKEN_USE_RECORD_INTERVAL
    updated = ApiClient.objects.filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=recent), pk=client.pk
    ).update(last_used_at=now)
    if not updated:
        return False
    client.last_used_at = now
    audit(
        action="api.token_used",
        actor=client.user,
        authority=client.authority,
        obj=client,
        detail={"method": getattr(request, "method", ""), "path": getattr(request, "path", "")},
        request=request,
    )
    return True
