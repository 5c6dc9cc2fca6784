"""Writes about people: creating users and granting roles (audited)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from sufficiency.authorities.models import LocalAuthority, Membership
from sufficiency.core.audit import audit

from .models import User


def user_create_or_update(
    *,
    email: str,
    password: str,
    roles: list[tuple[LocalAuthority, str]],
    is_staff: bool = False,
    acting_user: Any = None,
) -> tuple[User, bool]:
    """Create a user, or reset an existing user's password, and grant the given roles (kept if held)."""
    email = email.strip().lower()
    with transaction.atomic():
        user = User.objects.filter(email__iexact=email).first()
        created = user is None
        if user is None:
            user = User.objects.create_user(email=email, password=password, is_staff=is_staff)
        else:
            user.set_password(password)
            user.is_staff = user.is_staff or is_staff
            user.save()
        for authority, role in roles:
            Membership.objects.get_or_create(user=user, authority=authority, role=role)
        audit(
            action="user.created" if created else "user.updated",
            actor=acting_user,
            obj=user,
            detail={"roles": [[a.dfe_code, r] for a, r in roles]},
        )
    return user, created
