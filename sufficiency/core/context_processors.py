"""Template context shared by every page: the service navigation."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Service navigation items for the signed-in user (GOV.UK service navigation pattern)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = []
    candidates = [("Your authorities", "home")]
    authority = getattr(request, "authority", None)
    if authority is not None:
        candidates += [
            ("Dashboards", "dashboards:overview"),
            ("Children in care", "placements:child-list"),
            ("Data imports", "placements:import-list"),
            ("Supply", "placements:supply-overview"),
            ("Placement requests", "placements:request-list"),
            ("KPIs", "reports:kpi-list"),
            ("Strategy", "reports:strategy-list"),
            ("Board reports", "reports:board-report-list"),
        ]
    for label, name in candidates:
        try:
            url = reverse(name, kwargs={"code": authority.dfe_code}) if name != "home" else reverse(name)
        except NoReverseMatch:
            continue
        items.append({"label": label, "url": url, "active": request.path == url})
    return {"nav_items": items, "current_authority": authority}
