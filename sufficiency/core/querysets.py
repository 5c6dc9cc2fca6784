"""Authority scoping, applied once, here, and by the base views and viewsets (docs/architecture.md principle 2)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import models

from sufficiency.authorities.choices import CHILD_LEVEL_ROLES

if TYPE_CHECKING:
    from sufficiency.accounts.models import User

_M = TypeVar("_M", bound=models.Model)


def authority_ids_for(user: Any, roles: Iterable[str] | None = None) -> list[int]:
    """The ids of the authorities in which `user` holds one of `roles` (any role when None).

    Anonymous and inactive users belong to no authority. Results are cached on the user object for the
    request so that a page with several scoped querysets asks the database once per role set.
    """
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    key = frozenset(roles) if roles is not None else None
    cache: dict[Any, list[int]] = user.__dict__.setdefault("_authority_ids_cache", {})
    if key not in cache:
        memberships = user.memberships.all()
        if key is not None:
            memberships = memberships.filter(role__in=key)
        cache[key] = sorted(set(memberships.values_list("authority_id", flat=True)))
    return cache[key]


class AuthorityScopedQuerySet(models.QuerySet[_M]):
    """A queryset of records owned by an authority (an `authority` foreign key)."""

    authority_field = "authority"

    def for_authority(self, authority: Any) -> AuthorityScopedQuerySet[_M]:
        """Records of one authority (a LocalAuthority or its id)."""
        return self.filter(**{self.authority_field: authority})

    def visible_to(
        self, user: User | Any, roles: Iterable[str] = CHILD_LEVEL_ROLES
    ) -> AuthorityScopedQuerySet[_M]:
        """Records the user may see: those of authorities where they hold a child-level role.

        Everything else (another authority's record) is simply absent, so a lookup by id answers 404.
        """
        return self.filter(**{f"{self.authority_field}__in": authority_ids_for(user, roles)})
