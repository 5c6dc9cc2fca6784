"""Writing the audit trail. Call `audit()` inside the transaction of the write it records."""

from __future__ import annotations

import logging
from typing import Any

from django.db import models

from sufficiency.authorities.models import AuditEvent

logger = logging.getLogger("sufficiency.audit")


def client_ip(request: Any) -> str | None:
    """The client address as seen by the first proxy we trust (REMOTE_ADDR behind gunicorn/nginx)."""
    if request is None:
        return None
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded:
        return forwarded.split(",")[0].strip() or None
    return request.META.get("REMOTE_ADDR") or None


def audit(
    *,
    action: str,
    actor: Any = None,
    authority: Any = None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    detail: dict[str, Any] | None = None,
    request: Any = None,
) -> AuditEvent:
    """Record one audited event. `detail` must carry counts, codes and ids only, never personal data."""
    if obj is not None:
        object_type = object_type or obj._meta.label
        object_id = object_id or obj.pk
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    event = AuditEvent.objects.create(
        action=action,
        actor=actor,
        authority=authority,
        object_type=object_type,
        object_id=str(object_id),
        detail=detail or {},
        ip_address=client_ip(request),
    )
    # The log line names the event, never the data.
    logger.info("audit action=%s object=%s:%s event=%s", action, object_type, object_id, event.pk)
    return event
