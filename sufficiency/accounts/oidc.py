"""Single sign-on with the council's identity provider (OpenID Connect, e.g. Microsoft Entra ID), on
mozilla-django-oidc: the authorisation code flow with PKCE, the ID token's signature checked against the
provider's published keys, and its issuer and audience checked too (the library checks neither).

Switched on by OIDC_RP_CLIENT_ID. The provider's endpoints come from OIDC_OP_DISCOVERY_URL (fetched once an
hour) or from the individual OIDC_OP_* variables, which win. A person is matched by email, whatever its
case; their roles come from their groups (`SingleSignOnGroup`); someone in no mapped group is refused.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any
from urllib.parse import urlencode

import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from .security import SSO_TWO_FACTOR_SESSION_KEY
from .services import single_sign_on_user_sync

logger = logging.getLogger(__name__)

# Settings that may come from the provider's discovery document, and the document's names for them.
_DISCOVERED = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
    "OIDC_OP_LOGOUT_ENDPOINT": "end_session_endpoint",
    "OIDC_OP_ISSUER": "issuer",
}
# `amr` values (RFC 8176) that say the provider checked a second factor.
TWO_FACTOR_AMR = frozenset({"mfa", "otp"})
SSO_SESSION_KEY = "accounts_sso"  # the session was started by single sign-on
_DISCOVERY_TTL_SECONDS = 3600
_discovery_lock = threading.Lock()
_discovery_cache: dict[str, tuple[float, dict[str, Any]]] = {}


def sso_enabled() -> bool:
    return bool(getattr(settings, "OIDC_RP_CLIENT_ID", ""))


def provider_name() -> str:
    return getattr(settings, "OIDC_PROVIDER_NAME", "") or "your council account"


def _discovery() -> dict[str, Any]:
    url = getattr(settings, "OIDC_OP_DISCOVERY_URL", "")
    if not url:
        return {}
    with _discovery_lock:
        cached = _discovery_cache.get(url)
        if cached and cached[0] > time.monotonic():
            return cached[1]
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        document = response.json()
        _discovery_cache[url] = (time.monotonic() + _DISCOVERY_TTL_SECONDS, document)
        return document


def oidc_setting(attr: str, *args: Any) -> Any:
    """A mozilla-django-oidc setting; a provider endpoint not set explicitly comes from discovery."""
    if attr in _DISCOVERED and not getattr(settings, attr, ""):
        value = _discovery().get(_DISCOVERED[attr])
        if value:
            return value
        if args:
            return args[0]
        raise ImproperlyConfigured(f"Set {attr} or OIDC_OP_DISCOVERY_URL for single sign-on.")
    return import_from_settings(attr, *args)


class CouncilOIDCBackend(OIDCAuthenticationBackend):
    """Authenticates the provider's answer at the callback; never takes part in password sign-in."""

    get_settings = staticmethod(oidc_setting)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Django builds every backend for every sign-in: the provider is only read when it is used.
        self.UserModel = get_user_model()

    def authenticate(self, request: Any, **kwargs: Any) -> Any:
        # Only the callback view passes a nonce; a password sign-in never reaches the provider.
        if request is None or "nonce" not in kwargs or not sso_enabled():
            return None
        super().__init__()
        return super().authenticate(request, **kwargs)

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        payload = super().verify_token(token, **kwargs)
        if kwargs.get("nonce") is None:
            return payload  # a signed userinfo response, not the ID token
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("The ID token was issued to another client.")
        if len(audiences) > 1 and payload.get("azp") != self.OIDC_RP_CLIENT_ID:
            raise SuspiciousOperation("The ID token's authorised party is another client.")
        issuer = oidc_setting("OIDC_OP_ISSUER", None)
        if issuer and payload.get("iss") != issuer:
            raise SuspiciousOperation("The ID token comes from another issuer.")
        if "exp" not in payload:
            raise SuspiciousOperation("The ID token has no expiry.")
        return payload

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> Any:
        userinfo = self.get_userinfo(access_token, id_token, payload)
        # The signed ID token wins over userinfo for the same claim (Entra ID sends groups only there).
        claims = {**userinfo, **payload}
        email = str(claims.get(settings.OIDC_EMAIL_CLAIM) or "").strip().lower()
        if not email or "@" not in email or claims.get("email_verified") is False:
            raise SuspiciousOperation("The provider sent no verified email address.")
        if settings.OIDC_GROUPS_CLAIM in (claims.get("_claim_names") or {}):
            # Entra ID's "overage": too many groups to put in the token. Their groups are unknown, so their
            # roles are left as they are and the sign-in is refused (assign fewer groups to the app).
            logger.warning("single sign-on refused: the provider left the groups claim out (overage)")
            raise SuspiciousOperation("The groups claim was not sent (overage).")
        groups = claims.get(settings.OIDC_GROUPS_CLAIM) or []
        if isinstance(groups, str):
            groups = [groups]
        user = single_sign_on_user_sync(email=email, groups=[str(g) for g in groups], request=self.request)
        if user is None:
            raise SuspiciousOperation("No mapped group: single sign-on refused.")
        amr = claims.get("amr") or []
        user.sso_two_factor = settings.OIDC_PROVIDER_ENFORCES_MFA or bool(TWO_FACTOR_AMR & set(amr))
        return user


class SingleSignOnStartView(OIDCAuthenticationRequestView):
    """ "Sign in with <provider>": off to the provider with state, nonce and a PKCE challenge."""

    get_settings = staticmethod(oidc_setting)

    def get(self, request: HttpRequest) -> HttpResponse:
        if not sso_enabled():
            raise Http404
        try:
            self.OIDC_OP_AUTH_ENDPOINT = oidc_setting("OIDC_OP_AUTHORIZATION_ENDPOINT")
        except requests.RequestException as exc:  # the provider's discovery document is unreachable
            logger.warning("single sign-on unavailable: %s", type(exc).__name__)
            return HttpResponseRedirect(reverse("login") + "?" + urlencode({"sso": "failed"}))
        self.OIDC_RP_CLIENT_ID = oidc_setting("OIDC_RP_CLIENT_ID")
        return super().get(request)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super(OIDCAuthenticationRequestView, self).__init__(*args, **kwargs)  # endpoints read in get()


class SingleSignOnCallbackView(OIDCAuthenticationCallbackView):
    """The provider sends the person back here with a code; the backend exchanges and checks it."""

    get_settings = staticmethod(oidc_setting)

    def get(self, request: HttpRequest) -> HttpResponse:
        if not sso_enabled():
            raise Http404
        try:
            return super().get(request)
        except (SuspiciousOperation, requests.RequestException) as exc:
            logger.warning("single sign-on failed: %s", type(exc).__name__)
            return self.login_failure()

    def login_success(self) -> HttpResponse:
        response = super().login_success()
        self.request.session[SSO_SESSION_KEY] = True
        self.request.session[SSO_TWO_FACTOR_SESSION_KEY] = bool(getattr(self.user, "sso_two_factor", False))
        return response

    def login_failure(self) -> HttpResponse:
        return HttpResponseRedirect(reverse("login") + "?" + urlencode({"sso": "failed"}))


class SignOutView(auth_views.LogoutView):
    """Sign out here, and, after single sign-on, at the provider too (RP-initiated logout), so the next
    person at a shared computer is not signed straight back in."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        id_token = request.session.get("oidc_id_token")
        was_sso = bool(request.session.get(SSO_SESSION_KEY))
        response = super().post(request, *args, **kwargs)
        if not (was_sso and sso_enabled()):
            return response
        try:
            end_session = oidc_setting("OIDC_OP_LOGOUT_ENDPOINT", "")
        except requests.RequestException:
            end_session = ""
        if not end_session:
            return response
        params = {
            "client_id": settings.OIDC_RP_CLIENT_ID,
            "post_logout_redirect_uri": request.build_absolute_uri(reverse("login")),
        }
        if id_token:
            params["id_token_hint"] = id_token
        return HttpResponseRedirect(f"{end_session}?{urlencode(params)}")
