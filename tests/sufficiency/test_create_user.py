"""create_user: people and their roles from the command line."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from sufficiency.accounts.models import User
from sufficiency.authorities.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_creates_a_user_with_roles_in_several_authorities():
    call_command(
        "create_user",
        "--email",
        "Finder@Example.gov.uk",
        "--password",
        "a-long-enough-passphrase-2026",
        "--authority",
        "335",
        "--role",
        "placement_finder",
        "--authority",
        "333",
        "--role",
        "commissioner",
    )
    user = User.objects.get(email="finder@example.gov.uk")
    assert user.check_password("a-long-enough-passphrase-2026")
    roles = set(user.memberships.values_list("authority__dfe_code", "role"))
    assert roles == {("335", "placement_finder"), ("333", "commissioner")}
    assert AuditEvent.objects.filter(action="user.created", object_id=str(user.pk)).exists()


def test_running_again_updates_without_duplicating_roles():
    args = [
        "create_user",
        "--email",
        "a@example.gov.uk",
        "--password",
        "a-long-enough-passphrase-2026",
        "--authority",
        "335",
        "--role",
        "commissioner",
    ]
    call_command(*args)
    call_command(*args)
    assert User.objects.get(email="a@example.gov.uk").memberships.count() == 1


def test_refuses_weak_passwords_and_unknown_authorities():
    with pytest.raises(CommandError, match="too short|too common"):
        call_command(
            "create_user",
            "--email",
            "b@example.gov.uk",
            "--password",
            "password",
            "--authority",
            "335",
            "--role",
            "commissioner",
        )
    with pytest.raises(CommandError, match="No authority"):
        call_command(
            "create_user",
            "--email",
            "b@example.gov.uk",
            "--password",
            "a-long-enough-passphrase-2026",
            "--authority",
            "999",
            "--role",
            "commissioner",
        )
    assert not User.objects.filter(email="b@example.gov.uk").exists()


def test_all_153_authorities_exist_from_the_migrations():
    from sufficiency.authorities.models import LocalAuthority

    assert LocalAuthority.objects.count() == 153
    walsall = LocalAuthority.objects.get(dfe_code="335")
    assert (walsall.ons_code, walsall.region.name) == ("E08000030", "West Midlands")
