"""Authority scoping, applied once, here, and by the base views and viewsets (docs/architecture.md principle 2)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import models

from sufficiency.authorities.permissions import CHILD_LEVEL_ROLES, authority_ids_for

if TYPE_CHECKING:
    from sufficiency.accounts.models import User

_M = TypeVar("_M", bound=models.Model)


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
