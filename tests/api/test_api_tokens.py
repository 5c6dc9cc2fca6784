"""API client tokens: shown once, stored hashed, revocable, expiring, and their use recorded."""

from __future__ import annotations

import datetime as dt
import hashlib
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from sufficiency.api.models import ApiClient
from sufficiency.api.services import api_client_revoke
from sufficiency.authorities.models import AuditEvent
from tests.api.conftest import bearer

pytestmark = pytest.mark.django_db
URL = "/api/v1/authorities/"


def test_create_api_client_prints_the_token_once_and_stores_only_its_hash(walsall):
    out = io.StringIO()
    call_command(
        "create_api_client",
        "--authority",
        "335",
        "--name",
        "Regional analytics",
        "--scope",
        "read:aggregate",
        "--scope",
        "read:child",
        stdout=out,
    )
    token = out.getvalue().strip().splitlines()[-1]
    client = ApiClient.objects.get()
    assert token.startswith(f"suf_{client.prefix}_")
    assert client.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(list(ApiClient.objects.values()))
    assert client.scopes == ["read:aggregate", "read:child"]
    assert client.expires_at > timezone.now() + dt.timedelta(days=364)
    assert not client.user.has_usable_password()
    assert AuditEvent.objects.filter(action="api.client_created", authority=walsall).exists()


def test_create_api_client_defaults_to_aggregate_only(walsall):
    out = io.StringIO()
    call_command("create_api_client", "--authority", "335", "--name", "Board pack", stdout=out)
    assert ApiClient.objects.get().scopes == ["read:aggregate"]


def test_valid_token_works_and_records_last_use_at_most_once_a_minute(api, walsall, make_token):
    client, token = make_token(walsall)
    assert api.get(URL, **bearer(token)).status_code == 200
    assert api.get(URL, **bearer(token)).status_code == 200
    client.refresh_from_db()
    assert client.last_used_at is not None
    uses = AuditEvent.objects.filter(action="api.token_used", object_id=str(client.pk))
    assert uses.count() == 1
    assert uses.get().actor == client.user
    ApiClient.objects.filter(pk=client.pk).update(last_used_at=timezone.now() - dt.timedelta(minutes=2))
    api.get(URL, **bearer(token))
    assert uses.count() == 2


def test_revoked_token_gets_401(api, walsall, make_token):
    client, token = make_token(walsall)
    api_client_revoke(client=client)
    response = api.get(URL, **bearer(token))
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_expired_token_gets_401(api, walsall, make_token):
    client, token = make_token(walsall, expires_at=timezone.now() + dt.timedelta(days=1))
    ApiClient.objects.filter(pk=client.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert api.get(URL, **bearer(token)).status_code == 401


def test_a_tampered_token_gets_401(api, walsall, make_token):
    _, token = make_token(walsall)
    assert api.get(URL, **bearer(token[:-2] + "xx")).status_code == 401
    assert api.get(URL, **bearer("suf_nothere_abc")).status_code == 401
    assert api.get(URL, HTTP_AUTHORIZATION="Bearer").status_code == 401


def test_basic_auth_is_not_accepted(api, la_user):
    import base64

    credentials = base64.b64encode(f"{la_user.email}:correct-horse-battery".encode()).decode()
    assert api.get(URL, HTTP_AUTHORIZATION=f"Basic {credentials}").status_code == 401


def test_client_service_account_cannot_sign_in(client, walsall, make_token):
    api_client, _ = make_token(walsall)
    response = client.post(reverse("login"), {"username": api_client.user.email, "password": ""})
    assert response.status_code == 200  # the form again, not a redirect into the service


def test_pseudonyms_are_stable_per_client_and_differ_between_clients(api, records, walsall, make_token):
    _, first = make_token(walsall, ["read:child"])
    _, second = make_token(walsall, ["read:child"])
    url = reverse("api:child-detail", kwargs={"pk": records["child"].pk})
    a1 = api.get(url, **bearer(first)).json()["reference"]
    a2 = api.get(url, **bearer(first)).json()["reference"]
    b1 = api.get(url, **bearer(second)).json()["reference"]
    assert a1 == a2
    assert a1 != b1
    assert "W0000" not in (a1, b1)
    episode = api.get(
        reverse("api:episode-detail", kwargs={"pk": records["episode"].pk}), **bearer(first)
    ).json()
    assert episode["child_reference"] == a1
    assert "home_post" not in episode and "pl_post" not in episode
