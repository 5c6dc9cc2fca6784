"""Writing the audit trail. Call `audit()` inside the transaction of the write it records."""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import models

from sufficiency.authorities.models import AuditEvent

logger = logging.getLogger("sufficiency.audit")


#: The shortest retention `prune_audit` accepts, whatever it is asked: a year of the trail always survives
#: (an authority's annual audit and most complaints look back that far).
MIN_AUDIT_RETENTION_DAYS = 365


def _valid_ip(text: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address((text or "").strip()))
    except ValueError:
        return None


def client_ip(request: Any) -> str | None:
    """The client's address, trusting `X-Forwarded-For` only as far as our own proxies wrote it.

    Each of the `PROXY_COUNT` (DJANGO_PROXY_COUNT) trusted proxies appends the address it received the
    request from, so the client is the PROXY_COUNT-th entry from the right; anything left of it was sent by
    the client and may be forged. With no trusted proxy the header is ignored and REMOTE_ADDR is the
    client. A value that is not an IP address is not recorded (None), rather than recorded wrongly.
    """
    if request is None:
        return None
    count = int(getattr(settings, "PROXY_COUNT", 0) or 0)
    if count > 0:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if len(hops) >= count:
            return _valid_ip(hops[-count])
    return _valid_ip(request.META.get("REMOTE_ADDR"))


def actor_label(actor: Any) -> str:
    """Who acted, as text kept on the event: it survives the deletion of the user account."""
    if actor is None:
        return ""
    return str(getattr(actor, "email", "") or actor.get_username())[:254]


def acting_user_or_none(acting_user: Any) -> Any:
    """The user to keep on a row (``created_by``, ``recorded_by``, history): the signed-in person who acted,
    or None for an anonymous user, a command or a task (no one signed in)."""
    return acting_user if getattr(acting_user, "is_authenticated", False) else None


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
        actor_label=actor_label(actor),
        authority=authority,
        object_type=object_type,
        object_id=str(object_id),
        detail=detail or {},
        ip_address=client_ip(request),
    )
    # The log line names the event, never the data.
    logger.info("audit action=%s object=%s:%s event=%s", action, object_type, object_id, event.pk)
    return event


def fields_update_audited(
    obj: models.Model,
    *,
    data: dict[str, Any],
    allowed: Iterable[str],
    action: str,
    acting_user: Any,
    request: Any = None,
) -> list[str]:
    """Set the fields in `data` that differ from `obj`'s, validate (``full_clean``), save, and audit `action`
    with the names of the fields changed (on `obj`'s authority); returns them. A field outside `allowed`
    is a programming error (ValueError), not a user's."""
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValueError(f"cannot set {', '.join(sorted(unknown))}")
    changed = [name for name, value in data.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, data[name])
    obj.full_clean()
    obj.save()
    audit(
        action=action,
        actor=acting_user,
        authority=getattr(obj, "authority", None),
        obj=obj,
        detail={"fields": sorted(changed)},
        request=request,
    )
    return changed
