"""Bearer-token authentication for API clients. Never HTTP Basic: a password hash per request would cost
about 0.4 s of CPU (docs/architecture.md, "API authentication cost")."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request

from .services import api_client_for_token, api_client_record_use


class ApiTokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer suf_<prefix>_<secret>`. The request then acts as the client's service
    account (`request.user`) with the client itself as `request.auth` (its authority and scopes)."""

    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Send the header as 'Authorization: Bearer <token>'.")
        try:
            token = header[1].decode("ascii")
        except UnicodeError:
            raise exceptions.AuthenticationFailed("The token is not valid.") from None
        client = api_client_for_token(token)
        if client is None:
            # One message for unknown, wrong, revoked and expired tokens: do not help a guesser.
            raise exceptions.AuthenticationFailed("The token is not valid, has been revoked or has expired.")
        api_client_record_use(client=client, request=request)
        return client.user, client

    def authenticate_header(self, request: Request) -> str:
        return f'{self.keyword} realm="api"'


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """Documents the bearer token in the OpenAPI schema."""

    target_class = "sufficiency.api.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API client token from `manage.py create_api_client` (shown once).",
        }
