"""The landing page: each of the person's authorities with the few figures their roles need first."""

from __future__ import annotations

from typing import Any

from placements.as_at import as_at_for_request
from sufficiency.authorities.permissions import IMPORT_HISTORY_ROLES
from sufficiency.authorities.views import HomeView
from sufficiency.core.context_processors import navigation_links

from .landing import landing_figures_for_authority, landing_import_for_authority


class LandingView(HomeView):
    """The home page with, for each authority, its figures for the person's roles on the as-at date
    (the date chosen in the banner for that authority, else the month end its register runs to)."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        landings = []
        for entry in context["authorities"]:
            authority = entry.authority
            as_at = as_at_for_request(self.request, authority=authority)
            landings.append(
                {
                    "entry": entry,
                    "on": as_at.on,
                    "figures": landing_figures_for_authority(
                        authority=authority, roles=entry.roles, on=as_at.on
                    ),
                    "last_import": landing_import_for_authority(authority=authority)
                    if IMPORT_HISTORY_ROLES & set(entry.roles)
                    else None,
                    "shows_imports": bool(IMPORT_HISTORY_ROLES & set(entry.roles)),
                    # The pages of the navigation the person's roles open here (the navigation itself
                    # offers them only for a person's only authority).
                    "pages": navigation_links(self.request.user, authority),
                }
            )
        context["landings"] = landings
        return context
