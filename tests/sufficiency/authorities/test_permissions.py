"""The role sets and `holds`: one answer to "may this person do this in this authority"."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from sufficiency.authorities import permissions
from sufficiency.authorities.choices import RoleChoices
from sufficiency.authorities.permissions import holds

pytestmark = pytest.mark.django_db


def test_holds_answers_per_authority_and_role_set(la_user, board_member, walsall, sandwell):
    assert holds(la_user, walsall, permissions.CHILD_LEVEL_ROLES)
    assert not holds(la_user, sandwell, permissions.CHILD_LEVEL_ROLES)  # another authority
    assert holds(board_member, walsall, permissions.DASHBOARD_ROLES)
    assert not holds(board_member, walsall, permissions.CHILD_LEVEL_ROLES)
    assert not holds(board_member, walsall, permissions.BOARD_EDIT_ROLES)
    assert holds(board_member, walsall, None)  # any role


def test_nobody_signed_in_holds_anything(walsall):
    assert not holds(AnonymousUser(), walsall, None)


def test_every_role_set_is_made_of_real_roles():
    sets = [value for name, value in vars(permissions).items() if name.endswith("_ROLES")]
    assert len(sets) >= 12
    for roles in sets:
        assert roles and set(roles) <= set(RoleChoices.values)
