"""Single sign-on end to end against a local OpenID provider on 127.0.0.1: the real redirect, code
exchange with PKCE, ID token signature, issuer and audience checks, group-to-role mapping, two-factor left
to the provider when it vouches for it, and signing out at the provider."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
import requests
from django.urls import reverse
from joserfc.jwk import RSAKey

from sufficiency.accounts import oidc
from sufficiency.accounts.models import SingleSignOnGroup, User
from sufficiency.authorities.models import AuditEvent, Membership
from tests.conftest import PASSWORD
from tests.security.oidc_provider import LocalOpenIDProvider

pytestmark = pytest.mark.django_db
CLIENT_ID = "sufficiency-walsall"
CALLBACK = "http://testserver/sign-in/sso/callback/"
EMAIL = "ann.worker@walsall.example.gov.uk"


@pytest.fixture
def provider(settings, monkeypatch):
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setattr(oidc, "_discovery_cache", {})
    op = LocalOpenIDProvider(
        client_id=CLIENT_ID, client_secret="s3cret-for-tests-only", redirect_uri=CALLBACK
    )
    op.start()
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = "s3cret-for-tests-only"
    settings.OIDC_OP_DISCOVERY_URL = op.discovery_url
    settings.OIDC_PROVIDER_NAME = "Walsall Council"
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "sufficiency.accounts.oidc.CouncilOIDCBackend",
    ]
    yield op
    op.stop()


@pytest.fixture
def mapped_groups(walsall, sandwell):
    SingleSignOnGroup.objects.create(
        group="grp-walsall-commissioners", authority=walsall, role="commissioner"
    )
    SingleSignOnGroup.objects.create(group="grp-walsall-admins", authority=walsall, role="administrator")
    SingleSignOnGroup.objects.create(group="grp-sandwell-data", authority=sandwell, role="data_manager")


def _person(groups, **extra):
    return {"sub": "entra-oid-0001", "email": "Ann.Worker@Walsall.Example.gov.uk", "groups": groups, **extra}


def sign_in_with_provider(client, provider, next_url="/"):
    """Browser journey: our start page → the provider → our callback. Returns the callback's response."""
    start = client.get(reverse("accounts:sso-start"), {"next": next_url})
    assert start.status_code == 302
    assert start.url.startswith(f"{provider.issuer}/authorize?")
    query = parse_qs(urlparse(start.url).query)
    assert query["code_challenge_method"] == ["S256"] and query["nonce"] and query["state"]
    at_provider = requests.get(start.url, allow_redirects=False, timeout=10)
    assert at_provider.status_code == 302, at_provider.text
    back = urlparse(at_provider.headers["Location"])
    assert f"http://testserver{back.path}" == CALLBACK
    return client.get(back.path, parse_qs(back.query))


def _roles(user):
    return sorted((m.authority.dfe_code, m.role) for m in Membership.objects.filter(user=user))


def test_sign_in_button_only_when_configured(client, settings):
    assert "Sign in with" not in client.get(reverse("login")).content.decode()
    assert client.get(reverse("accounts:sso-start")).status_code == 404
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_PROVIDER_NAME = "Walsall Council"
    assert "Sign in with Walsall Council" in client.get(reverse("login")).content.decode()


def test_first_sign_in_creates_the_person_with_the_roles_of_their_groups(client, provider, mapped_groups):
    provider.person = _person(["grp-walsall-commissioners", "grp-sandwell-data", "unmapped-group"])
    response = sign_in_with_provider(client, provider, next_url="/authorities/335/")
    assert response.status_code == 302 and response.url == "/authorities/335/"
    user = User.objects.get(email=EMAIL)  # stored lower-case
    assert not user.has_usable_password()
    assert _roles(user) == [("333", "data_manager"), ("335", "commissioner")]
    assert client.get(reverse("home")).status_code == 200
    assert provider.token_requests == 1
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"user.created", "membership.granted"} <= actions
    assert EMAIL not in str(list(AuditEvent.objects.values_list("detail", flat=True)))


def test_memberships_follow_the_groups_at_each_sign_in(client, provider, mapped_groups, walsall):
    existing = User.objects.create_user(email=EMAIL, password=PASSWORD)
    Membership.objects.create(user=existing, authority=walsall, role="board_member")
    provider.person = _person(["grp-walsall-commissioners"])
    sign_in_with_provider(client, provider)
    assert User.objects.count() == 1  # matched by email, whatever its case
    assert _roles(existing) == [("335", "commissioner")]  # the provider's groups are the source of truth
    assert existing.has_usable_password() and existing.check_password(PASSWORD)  # local password kept
    client.logout()
    provider.person = _person(["grp-sandwell-data"])
    sign_in_with_provider(client, provider)
    assert _roles(existing) == [("333", "data_manager")]
    assert AuditEvent.objects.filter(action="membership.removed", detail__role="commissioner").exists()


def test_nobody_in_a_mapped_group_is_refused_and_not_created(client, provider, mapped_groups):
    provider.person = _person(["unmapped-group"])
    response = sign_in_with_provider(client, provider)
    assert response.url == reverse("login") + "?sso=failed"
    assert not User.objects.filter(email__iexact=EMAIL).exists()
    assert "_auth_user_id" not in client.session
    page = client.get(response.url).content.decode()
    assert "You could not be signed in with Walsall Council" in page


def test_losing_every_group_removes_the_roles_and_refuses(client, provider, mapped_groups, walsall):
    user = User.objects.create_user(email=EMAIL, password=None)
    Membership.objects.create(user=user, authority=walsall, role="commissioner")
    provider.person = _person([])
    assert sign_in_with_provider(client, provider).url == reverse("login") + "?sso=failed"
    assert _roles(user) == []


def test_a_token_signed_with_another_key_is_refused(client, provider, mapped_groups):
    provider.signing_key = RSAKey.generate_key(2048, parameters={"kid": "k1"}, private=True)
    provider.person = _person(["grp-walsall-commissioners"])
    assert sign_in_with_provider(client, provider).url == reverse("login") + "?sso=failed"
    assert not User.objects.filter(email=EMAIL).exists()


@pytest.mark.parametrize(
    "override", [{"aud": "another-client"}, {"iss": "https://evil.example"}, {"nonce": "replayed"}]
)
def test_a_token_for_another_client_issuer_or_request_is_refused(client, provider, mapped_groups, override):
    provider.id_token_overrides = override
    provider.person = _person(["grp-walsall-commissioners"])
    assert sign_in_with_provider(client, provider).url == reverse("login") + "?sso=failed"
    assert "_auth_user_id" not in client.session


def test_a_code_cannot_be_replayed(client, provider, mapped_groups):
    provider.person = _person(["grp-walsall-commissioners"])
    start = client.get(reverse("accounts:sso-start"))
    callback = urlparse(requests.get(start.url, allow_redirects=False, timeout=10).headers["Location"])
    assert client.get(callback.path, parse_qs(callback.query)).status_code == 302
    client.logout()
    again = client.get(callback.path, parse_qs(callback.query))
    assert again.url == reverse("login") + "?sso=failed"


def test_two_factor_is_left_to_a_provider_that_asserts_it(client, provider, mapped_groups):
    provider.person = _person(["grp-walsall-admins"], amr=["pwd", "mfa"])
    sign_in_with_provider(client, provider)
    assert client.get(reverse("home")).status_code == 200


def test_administrators_without_provider_two_factor_are_sent_to_set_up(
    client, provider, mapped_groups, settings
):
    provider.person = _person(["grp-walsall-admins"], amr=["pwd"])
    sign_in_with_provider(client, provider)
    assert client.get(reverse("home")).url.startswith(reverse("accounts:two-factor-setup"))
    client.logout()
    settings.OIDC_PROVIDER_ENFORCES_MFA = True  # the council's provider enforces it for this app
    sign_in_with_provider(client, provider)
    assert client.get(reverse("home")).status_code == 200


def test_sign_out_also_signs_out_at_the_provider(client, provider, mapped_groups):
    provider.person = _person(["grp-walsall-commissioners"])
    sign_in_with_provider(client, provider)
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response.url.startswith(f"{provider.issuer}/logout?")
    assert "_auth_user_id" not in client.session
    back = requests.get(response.url, allow_redirects=False, timeout=10)
    assert back.headers["Location"] == "http://testserver/sign-in/"
    assert provider.logouts[0]["id_token_hint"].count(".") == 2
    assert provider.logouts[0]["client_id"] == CLIENT_ID


def test_password_sign_in_still_works_and_never_calls_the_provider(client, provider, la_user):
    response = client.post(reverse("login"), {"username": la_user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert provider.token_requests == 0
    assert client.post(reverse("logout")).url == reverse("login")  # a local session signs out locally


def test_an_unreachable_provider_sends_people_back_to_sign_in(client, settings, monkeypatch):
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setattr(oidc, "_discovery_cache", {})
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_OP_DISCOVERY_URL = "http://127.0.0.1:9/.well-known/openid-configuration"  # nothing listens
    response = client.get(reverse("accounts:sso-start"))
    assert response.url == reverse("login") + "?sso=failed"


def test_the_csp_lets_the_sign_out_form_reach_the_provider():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "OIDC_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="sufficiency.settings.test",
        OIDC_RP_CLIENT_ID=CLIENT_ID,
        OIDC_RP_CLIENT_SECRET="x",
        OIDC_OP_DISCOVERY_URL="https://login.microsoftonline.com/tenant-id/v2.0/.well-known/openid-configuration",
    )
    code = "from django.conf import settings; print(settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['form-action'])"
    out = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert out.stdout.strip() == "[\"'self'\", 'https://login.microsoftonline.com']", out.stderr


def test_administrators_map_groups_in_the_admin_and_it_is_audited(client, walsall):
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    superuser = User.objects.create_superuser(email="platform@sufficiency.example", password=PASSWORD)
    device = TOTPDevice.objects.create(user=superuser, name="app", confirmed=True)
    client.force_login(superuser)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    url = reverse("admin:accounts_singlesignongroup_add")
    response = client.post(
        url,
        {
            "group": "0f1e2d3c-0000-4000-8000-000000000001",
            "description": "SG-Sufficiency-Commissioners",
            "authority": walsall.pk,
            "role": "commissioner",
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    mapping = SingleSignOnGroup.objects.get()
    event = AuditEvent.objects.get(action="sso_group.created")
    assert event.actor == superuser and event.authority == walsall and event.object_id == str(mapping.pk)
    client.post(reverse("admin:accounts_singlesignongroup_delete", args=[mapping.pk]), {"post": "yes"})
    assert not SingleSignOnGroup.objects.exists()
    assert AuditEvent.objects.filter(action="sso_group.deleted", authority=walsall).exists()


def test_a_groups_overage_refuses_without_touching_roles(client, provider, mapped_groups, walsall):
    """Entra ID leaves the groups out of the token for someone in too many groups."""
    user = User.objects.create_user(email=EMAIL, password=None)
    Membership.objects.create(user=user, authority=walsall, role="commissioner")
    provider.person = {
        "sub": "entra-oid-0001",
        "email": EMAIL,
        "_claim_names": {"groups": "src1"},
        "_claim_sources": {"src1": {"endpoint": "https://graph.example/v1.0/users/x/getMemberObjects"}},
    }
    assert sign_in_with_provider(client, provider).url == reverse("login") + "?sso=failed"
    assert _roles(user) == [("335", "commissioner")]
