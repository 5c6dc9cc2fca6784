"""Template context for the as-at banner every authority page shows."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from placements.as_at import as_at_for_request

from .models import DashboardRollup


def as_at_banner(request: HttpRequest) -> dict[str, Any]:
    """The date the page's figures are counted on, the register's own end date and when the stored
    figures were computed, for the page of an authority (nothing on other pages)."""
    authority = getattr(request, "authority", None)
    if authority is None:
        return {}
    as_at = as_at_for_request(request, authority=authority)
    rollup = DashboardRollup.objects.filter(authority=authority).values("computed_at", "as_at").first() or {}
    return {
        "as_at_banner": {
            "as_at": as_at,
            "computed_at": rollup.get("computed_at"),
            "stored_as_at": rollup.get("as_at"),
            "path": request.path,
        }
    }
