"""Email sign-in ignores case: addresses are stored lower-case and looked up case-insensitively."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.db import IntegrityError, transaction
from django.urls import reverse

from sufficiency.accounts.models import User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
migration = importlib.import_module("sufficiency.accounts.migrations.0002_lowercase_emails")


def test_sign_in_with_the_email_in_another_case(client, la_user):
    response = client.post(
        reverse("login"), {"username": "  Commissioner@WALSALL.example.gov.uk", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(la_user.pk)


def test_new_accounts_are_stored_lower_case():
    user = User.objects.create_user(email="Ann.Example@Council.Example.gov.uk", password=PASSWORD)
    assert user.email == "ann.example@council.example.gov.uk"


def test_forms_and_the_admin_store_the_email_lower_case():
    user = User(email="Mixed.Case@Walsall.Example.gov.uk")
    user.clean()  # what ModelForm validation (the admin's user forms) calls
    assert user.email == "mixed.case@walsall.example.gov.uk"


def test_two_accounts_differing_only_by_case_are_refused_by_the_database(la_user):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=la_user.pk).update(email="X@Y.example")
        User.objects.create(email="x@y.example")


def test_five_failures_in_mixed_case_lock_the_account(client, la_user):
    for i in range(5):
        email = la_user.email.upper() if i % 2 else la_user.email
        client.post(reverse("login"), {"username": email, "password": "wrong-password-123"})
    response = client.post(reverse("login"), {"username": la_user.email.title(), "password": PASSWORD})
    assert response.status_code == 429


def test_data_migration_lower_cases_existing_addresses(la_user):
    User.objects.filter(pk=la_user.pk).update(email="Commissioner@Walsall.Example.gov.uk")
    migration.lowercase_emails(apps, None)
    la_user.refresh_from_db()
    assert la_user.email == "commissioner@walsall.example.gov.uk"


def test_data_migration_refuses_clearly_if_two_addresses_would_collide():
    rows = [(1, "Ann@x.example"), (2, "ann@x.example"), (3, "bob@x.example"), (4, "BOB@X.EXAMPLE ")]
    assert migration.email_collisions(rows) == [[1, 2], [3, 4]]
    assert migration.email_collisions([(1, "a@x"), (2, "b@x")]) == []

    class Rows:
        objects = type("M", (), {"values_list": staticmethod(lambda *fields: rows)})

    class Apps:
        @staticmethod
        def get_model(app, model):
            return Rows

    with pytest.raises(
        RuntimeError, match=r"same email address apart from upper/lower case: \[\[1, 2\], \[3, 4\]\]"
    ):
        migration.lowercase_emails(Apps, None)
