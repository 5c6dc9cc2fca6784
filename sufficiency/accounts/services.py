"""Writes about people: creating users, granting roles, passwords (all audited)."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from sufficiency.authorities.models import LocalAuthority, Membership
from sufficiency.core.audit import audit

from .models import User

logger = logging.getLogger(__name__)


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


def password_changed_record(*, user: User, request: Any) -> None:
    """Record that a person changed their own password (the form saved it in the same transaction)."""
    audit(action="account.password_changed", actor=user, obj=user, request=request)


def password_reset_request(*, users: list[User], domain: str, use_https: bool, request: Any) -> None:
    """Someone asked for a reset link: audit it and email each matching account from a worker.

    The audit row names the account by id when one matched, and says only "no account" otherwise (the
    address typed is never stored). The email goes on commit, by Celery; if the broker is down, it is
    sent here instead, so a reset never silently fails.
    """
    from kombu.exceptions import OperationalError

    from .tasks import password_reset_email_send_task

    with transaction.atomic():
        if not users:
            audit(action="account.password_reset_requested", detail={"matched": False}, request=request)
        for user in users:
            # At most PASSWORD_RESET_EMAILS_PER_HOUR emails per account, so nobody can flood a mailbox;
            # the page answers the same either way.
            key = f"accounts:password-reset:{user.pk}"
            cache.add(key, 0, timeout=60 * 60)
            try:
                sent = cache.incr(key)
            except ValueError:  # expired between add and incr
                sent = 1
            throttled = sent > settings.PASSWORD_RESET_EMAILS_PER_HOUR
            audit(
                action="account.password_reset_requested",
                obj=user,
                detail={"matched": True, "throttled": throttled} if throttled else {"matched": True},
                request=request,
            )
            if throttled:
                continue

            def enqueue(user_id: int = user.pk) -> None:
                try:
                    password_reset_email_send_task.delay(user_id, domain, use_https)
                except OperationalError:
                    logger.warning(
                        "password reset: broker unavailable, sending in the request (user=%s)", user_id
                    )
                    password_reset_email_send(user_id=user_id, domain=domain, use_https=use_https)

            transaction.on_commit(enqueue)


def password_reset_email_send(*, user_id: int, domain: str, use_https: bool) -> None:
    """Email a one-hour reset link to an active account that has a password (re-checked at sending)."""
    from django.contrib.auth.forms import PasswordResetForm
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.has_usable_password():
        return
    context = {
        "email": user.email,
        "domain": domain,
        "site_name": "Sufficiency",
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "user": user,
        "token": default_token_generator.make_token(user),
        "protocol": "https" if use_https else "http",
        "expiry_minutes": settings.PASSWORD_RESET_TIMEOUT // 60,
    }
    PasswordResetForm().send_mail(
        "registration/password_reset_subject.txt",
        "registration/password_reset_email.txt",
        context,
        settings.DEFAULT_FROM_EMAIL,
        user.email,
    )


def password_reset_completed_record(*, user: User, request: Any) -> None:
    """Record that a reset link was used to set a new password."""
    audit(action="account.password_reset_completed", actor=None, obj=user, request=request)


def single_sign_on_user_sync(*, email: str, groups: list[str], request: Any = None) -> User | None:
    """Match the person the identity provider vouched for, and make their roles match their groups.

    Matched by email (any case). Every mapped group grants its role; roles they no longer have a group for
    are removed (the provider is the source of truth for anyone who signs in with it). A new account is
    created only for someone in at least one mapped group, without a password. Returns None, with the
    roles removed, for someone in no mapped group. Every change is audited (ids and role codes only).
    """
    from .models import SingleSignOnGroup

    mappings = (
        SingleSignOnGroup.objects.filter(group__in=groups) if groups else SingleSignOnGroup.objects.none()
    )
    wanted = {(m.authority_id, m.role) for m in mappings}
    with transaction.atomic():
        user = User.objects.select_for_update().filter(email__iexact=email).first()
        if user is None:
            if not wanted:
                audit(action="account.sso_refused", detail={"reason": "no_mapped_group"}, request=request)
                return None
            user = User.objects.create_user(email=email, password=None)
            audit(action="user.created", obj=user, detail={"via": "single_sign_on"}, request=request)
        current = {(m.authority_id, m.role): m for m in Membership.objects.filter(user=user)}
        for authority_id, role in sorted(wanted - current.keys()):
            Membership.objects.create(user=user, authority_id=authority_id, role=role)
            audit(
                action="membership.granted",
                authority=LocalAuthority.objects.get(pk=authority_id),
                obj=user,
                detail={"role": role, "via": "single_sign_on"},
                request=request,
            )
        for key in sorted(current.keys() - wanted):
            membership = current[key]
            membership.delete()
            audit(
                action="membership.removed",
                authority=membership.authority,
                obj=user,
                detail={"role": key[1], "via": "single_sign_on"},
                request=request,
            )
        if not wanted:
            audit(
                action="account.sso_refused", obj=user, detail={"reason": "no_mapped_group"}, request=request
            )
            return None
    return user
