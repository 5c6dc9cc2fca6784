"""Who may do what in an authority: every set of roles the pages and the API check, in one place.

A person holds roles per authority (`Membership`); a page or an endpoint names the set of roles it needs and
asks `holds(user, authority, roles)` (pages: `AuthorityMixin.holds(roles)`). Nothing else tests role
membership by hand, so a policy changes here once for every page, endpoint and command.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .choices import RoleChoices

# --- the register ---------------------------------------------------------------------------------------
#: Child-level records (children, episodes, requests, vacancies) of their own authority.
CHILD_LEVEL_ROLES = frozenset(
    {
        RoleChoices.COMMISSIONER,
        RoleChoices.PLACEMENT_FINDER,
        RoleChoices.DATA_MANAGER,
        RoleChoices.ADMINISTRATOR,
    }
)
#: The authority's dashboards and other aggregates.
DASHBOARD_ROLES = CHILD_LEVEL_ROLES | {RoleChoices.BOARD_MEMBER, RoleChoices.REGIONAL_ANALYST}
#: Upload SSDA903 and Ofsted files and read the import jobs.
IMPORT_ROLES = frozenset({RoleChoices.DATA_MANAGER, RoleChoices.ADMINISTRATOR})
#: The import history page (commissioners follow the data they plan with).
IMPORT_HISTORY_ROLES = IMPORT_ROLES | {RoleChoices.COMMISSIONER}

# --- supply -----------------------------------------------------------------------------------------------
#: Supply figures (markets, settings, capacity in aggregate).
SUPPLY_READ_ROLES = DASHBOARD_ROLES
#: Operational supply records (households, homes, contracts, vacancies).
OPERATIONAL_READ_ROLES = CHILD_LEVEL_ROLES
#: Record and change capacity (households, in-house homes, block contracts).
CAPACITY_EDIT_ROLES = frozenset({RoleChoices.COMMISSIONER, RoleChoices.ADMINISTRATOR})
#: Upload the fostering households file.
HOUSEHOLD_IMPORT_ROLES = frozenset(
    {RoleChoices.COMMISSIONER, RoleChoices.DATA_MANAGER, RoleChoices.ADMINISTRATOR}
)
#: The authority's own framework memberships and tiers (commercial records of its commissioning).
FRAMEWORK_READ_ROLES = OPERATIONAL_READ_ROLES
#: Add, change and end framework memberships: the commissioners, as for other capacity records.
FRAMEWORK_EDIT_ROLES = CAPACITY_EDIT_ROLES
#: Record and close vacancies.
VACANCY_EDIT_ROLES = frozenset(
    {RoleChoices.COMMISSIONER, RoleChoices.PLACEMENT_FINDER, RoleChoices.ADMINISTRATOR}
)

# --- placement finding ------------------------------------------------------------------------------------
#: Read placement requests.
FINDING_READ_ROLES = CHILD_LEVEL_ROLES
#: Log requests, approach providers, record offers and declines, place.
FINDING_WORK_ROLES = frozenset(
    {RoleChoices.COMMISSIONER, RoleChoices.PLACEMENT_FINDER, RoleChoices.ADMINISTRATOR}
)
#: The placement-finding ledger (aggregate counts).
LEDGER_ROLES = DASHBOARD_ROLES

# --- reports ----------------------------------------------------------------------------------------------
#: Write the sufficiency strategy's commentary.
STRATEGY_EDIT_ROLES = frozenset({RoleChoices.COMMISSIONER, RoleChoices.ADMINISTRATOR})
#: Write and publish board reports; everyone else with DASHBOARD_ROLES reads published ones only.
BOARD_EDIT_ROLES = STRATEGY_EDIT_ROLES
#: Write, review, approve and publish sufficiency statements (as for board reports).
STATEMENT_EDIT_ROLES = BOARD_EDIT_ROLES

# --- accounts ---------------------------------------------------------------------------------------------
#: The authority's audit trail.
AUDIT_READ_ROLES = frozenset({RoleChoices.ADMINISTRATOR})


def authority_ids_for(user: Any, roles: Iterable[str] | None = None) -> list[int]:
    """The ids of the authorities in which `user` holds one of `roles` (any role when None).

    Anonymous and inactive users belong to no authority. The person's memberships are read once and
    cached on the user object for the request, so a page with several scoped querysets, and a navigation
    that asks about each of its pages, asks the database once.
    """
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    key = frozenset(roles) if roles is not None else None
    cache: dict[Any, list[int]] = user.__dict__.setdefault("_authority_ids_cache", {})
    if key not in cache:
        held: list[tuple[int, str]] | None = user.__dict__.get("_memberships_held")
        if held is None:
            held = list(user.memberships.values_list("authority_id", "role"))
            user.__dict__["_memberships_held"] = held
        cache[key] = sorted({pk for pk, role in held if key is None or role in key})
    return cache[key]


def holds(user: Any, authority: Any, roles: Iterable[str] | None) -> bool:
    """True when `user` holds one of `roles` in `authority` (any role when None)."""
    return authority.pk in authority_ids_for(user, roles)
