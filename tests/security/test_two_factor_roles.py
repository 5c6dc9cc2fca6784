"""Who must use two-factor authentication: staff (the Django admin), the roles in TWO_FACTOR_ROLES, and
nobody whose single sign-on provider already vouched for two factors."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from sufficiency.accounts.checks import check_two_factor_roles
from sufficiency.accounts.security import SSO_TWO_FACTOR_SESSION_KEY
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
SETUP = reverse("accounts:two-factor-setup")


@pytest.fixture
def staff_user(db):
    """Staff with no authority role: may open the Django admin, so must use two factors."""
    return UserFactory(email="staff@sufficiency.example", is_staff=True)


def test_staff_cannot_reach_the_admin_without_two_factor(client, staff_user):
    client.force_login(staff_user)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.url.startswith(SETUP)
    assert client.get("/admin/accounts/user/").url.startswith(SETUP)


def test_staff_with_a_device_must_enter_a_code_for_the_admin(client, staff_user):
    TOTPDevice.objects.create(user=staff_user, name="app", confirmed=True)
    client.force_login(staff_user)
    assert client.get("/admin/").url.startswith(reverse("accounts:two-factor-verify"))


def test_default_roles_leave_two_factor_optional_for_commissioners(client, settings, la_user):
    assert settings.TWO_FACTOR_ROLES == ["administrator"]
    client.force_login(la_user)
    assert client.get(reverse("home")).status_code == 200


def test_roles_listed_in_two_factor_roles_must_enrol(client, settings, la_user, board_member):
    settings.TWO_FACTOR_ROLES = ["commissioner", "data_manager"]
    client.force_login(la_user)
    assert client.get(reverse("home")).url.startswith(SETUP)
    client.force_login(board_member)
    assert client.get(reverse("home")).status_code == 200


def test_an_empty_list_still_protects_staff(client, settings, staff_user):
    settings.TWO_FACTOR_ROLES = []
    client.force_login(staff_user)
    assert client.get("/admin/").url.startswith(SETUP)


def test_an_unknown_role_name_is_a_configuration_error(settings):
    settings.TWO_FACTOR_ROLES = ["administrator", "adminstrator"]
    errors = check_two_factor_roles()
    assert [e.id for e in errors] == ["accounts.E002"]
    assert "adminstrator" in errors[0].msg
    settings.TWO_FACTOR_ROLES = ["administrator", "commissioner"]
    assert check_two_factor_roles() == []


def test_single_sign_on_with_provider_two_factor_is_not_asked_again(client, staff_user):
    client.force_login(staff_user)
    session = client.session
    session[SSO_TWO_FACTOR_SESSION_KEY] = True
    session.save()
    assert client.get("/admin/").status_code == 200
