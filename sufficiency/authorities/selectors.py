"""Reads about authorities and memberships."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .choices import RoleChoices
from .models import LocalAuthority, Membership


@dataclass
class AuthorityRoles:
    """An authority and the roles a person holds in it, for the home page."""

    authority: LocalAuthority
    roles: list[str] = field(default_factory=list)

    @property
    def role_labels(self) -> list[str]:
        return [RoleChoices(role).label for role in self.roles]


def memberships_for_user(*, user: Any) -> list[AuthorityRoles]:
    """The authorities a person works for, each with their roles, in name order."""
    grouped: dict[int, AuthorityRoles] = {}
    rows = (
        Membership.objects.filter(user=user).select_related("authority__region").order_by("authority__name")
    )
    for membership in rows:
        entry = grouped.setdefault(membership.authority_id, AuthorityRoles(authority=membership.authority))
        entry.roles.append(membership.role)
    return list(grouped.values())
