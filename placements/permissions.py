"""Who may read what of the placement register where pages and the API must agree: one function per
policy, called by the pages' base mixin and by the API viewset alike.

Vacancies. A vacancy names no child, but it is the authority's operational record of the places it has
been offered (by which home or which of its foster carers, for which ages, recorded by whom), kept for
placement finding. It is read by the roles that work with children's placements: commissioners,
placement finders, data managers and administrators (the child-level roles), and through the API by a
token with `read:child`. Board members, regional analysts and aggregate-only tokens see vacancy *counts* in
the supply and gap figures, never the vacancies themselves.
"""

from __future__ import annotations

from typing import Any

from sufficiency.authorities.permissions import CHILD_LEVEL_ROLES
from sufficiency.core.api import Capability, api_authority_ids

VACANCY_READ = Capability(
    "read:child", frozenset(CHILD_LEVEL_ROLES), "the authority's open vacancies (operational records)"
)


def vacancy_authority_ids(request: Any) -> list[int]:
    """The authorities whose vacancies the caller (a signed-in person on a page or the API, or an API
    token) may read: the one vacancy read policy."""
    return api_authority_ids(request, VACANCY_READ)
