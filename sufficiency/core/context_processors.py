"""Template context shared by every page: the service navigation, by role.

The navigation is one table (`NAVIGATION`): each entry is a page of an authority with the set of roles
that may open it, taken from `sufficiency.authorities.permissions` (the same sets the pages check). A
person sees an entry only when `holds()` says they hold one of its roles in the authority of the page
they are on, so a link in the navigation always opens.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from sufficiency.authorities.permissions import (
    CHILD_LEVEL_ROLES,
    DASHBOARD_ROLES,
    FINDING_READ_ROLES,
    IMPORT_HISTORY_ROLES,
    IMPORT_ROLES,
    SUPPLY_READ_ROLES,
    holds,
)


@dataclass(frozen=True)
class NavEntry:
    """A page of an authority in the service navigation, and who may open it."""

    label: str
    url_name: str
    roles: frozenset[str]


#: The service navigation of an authority's pages, in the order shown. Each role set is the one the page
#: itself checks (its view's `allowed_roles`); a test holds the two together.
NAVIGATION: tuple[NavEntry, ...] = (
    NavEntry("Dashboards", "dashboards:overview", DASHBOARD_ROLES),
    NavEntry("Children in care", "placements:child-list", CHILD_LEVEL_ROLES),
    NavEntry("Supply", "placements:supply-overview", SUPPLY_READ_ROLES),
    NavEntry("Placement requests", "placements:request-list", FINDING_READ_ROLES),
    NavEntry("Data imports", "placements:import-list", IMPORT_ROLES),
    NavEntry("Data quality", "placements:data-quality", IMPORT_HISTORY_ROLES),
    NavEntry("KPIs", "reports:kpi-list", DASHBOARD_ROLES),
    NavEntry("Strategy", "reports:strategy-list", DASHBOARD_ROLES),
    NavEntry("Board reports", "reports:board-report-list", DASHBOARD_ROLES),
    NavEntry("Sufficiency statements", "reports:statement-list", DASHBOARD_ROLES),
)


def navigation_for(user: Any, authority: Any, entries: Iterable[NavEntry] = NAVIGATION) -> list[NavEntry]:
    """The entries of the navigation `user` may open in `authority` (none without an authority)."""
    if authority is None:
        return []
    return [entry for entry in entries if holds(user, authority, entry.roles)]


def navigation_links(user: Any, authority: Any) -> list[dict[str, str]]:
    """The navigation's pages of `authority` that `user` may open, as {"label", "url"} (the home page
    lists them for each of a person's authorities)."""
    links = []
    for entry in navigation_for(user, authority):
        try:
            url = reverse(entry.url_name, kwargs={"code": authority.dfe_code})
        except NoReverseMatch:
            continue
        links.append({"label": entry.label, "url": url})
    return links


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Service navigation items for the signed-in user (GOV.UK service navigation pattern): the home page,
    then the pages of the current authority the user's roles may open."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    # An authority's page sets `request.authority`; a page of several (the region's) names the viewer's
    # own authority for the navigation only, as `request.nav_authority`.
    authority = getattr(request, "authority", None) or getattr(request, "nav_authority", None)
    home = reverse("home")
    items = [{"label": "Your authorities", "url": home, "active": request.path == home}]
    for link in navigation_links(user, authority):
        items.append({**link, "active": request.path.startswith(link["url"])})
    return {"nav_items": items, "current_authority": authority}
