"""A small OpenID Connect provider on 127.0.0.1 for the single sign-on tests (no internet).

Serves discovery, an authorisation endpoint (code flow with PKCE S256), a token endpoint (client secret
by POST or HTTP Basic, one-use codes), userinfo, JWKS and end-session, signing ID tokens with RS256 via
joserfc (the JOSE library of the Authlib project). The person "signed in at the provider" is set by the
test (`provider.person = {...claims...}`), as a council's Entra ID would know who is at the keyboard.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

from joserfc import jwt
from joserfc.jwk import RSAKey


class LocalOpenIDProvider:
    def __init__(self, *, client_id: str, client_secret: str, redirect_uri: str) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.redirect_uri = redirect_uri
        self.key = RSAKey.generate_key(
            2048, parameters={"kid": "k1", "use": "sig", "alg": "RS256"}, private=True
        )
        self.person: dict[str, Any] | None = None
        self.codes: dict[str, dict[str, Any]] = {}
        self.tokens: dict[str, dict[str, Any]] = {}
        self.logouts: list[dict[str, str]] = []
        self.token_requests = 0
        # Tests tamper with what is issued to check the relying party refuses it.
        self.id_token_overrides: dict[str, Any] = {}
        self.signing_key: RSAKey | None = None  # sign with another key than the published one
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.issuer = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> LocalOpenIDProvider:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def discovery_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "jwks_uri": f"{self.issuer}/jwks",
            "end_session_endpoint": f"{self.issuer}/logout",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
        }

    # --- endpoints ---------------------------------------------------------------------------------
    def authorize(self, query: dict[str, str]) -> tuple[int, dict[str, str], Any]:
        if query.get("client_id") != self.client_id or query.get("redirect_uri") != self.redirect_uri:
            return 400, {}, {"error": "invalid_client_or_redirect_uri"}
        if query.get("response_type") != "code" or "openid" not in query.get("scope", "").split():
            return 400, {}, {"error": "invalid_request"}
        if query.get("code_challenge_method") != "S256" or not query.get("code_challenge"):
            return 400, {}, {"error": "pkce_required"}
        if self.person is None:
            return 401, {}, {"error": "login_required"}
        code = secrets.token_urlsafe(24)
        self.codes[code] = {
            "claims": dict(self.person),
            "nonce": query.get("nonce"),
            "challenge": query["code_challenge"],
            "redirect_uri": query["redirect_uri"],
        }
        location = f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query.get('state', '')})}"
        return 302, {"Location": location}, None

    def token(self, form: dict[str, str], authorization: str) -> tuple[int, dict[str, str], Any]:
        self.token_requests += 1
        client_id, client_secret = form.get("client_id"), form.get("client_secret")
        if authorization.startswith("Basic "):
            client_id, _, client_secret = base64.b64decode(authorization[6:]).decode().partition(":")
        if client_id != self.client_id or client_secret != self.client_secret:
            return 401, {}, {"error": "invalid_client"}
        grant = self.codes.pop(form.get("code", ""), None)  # one use only
        if grant is None or form.get("redirect_uri") != grant["redirect_uri"]:
            return 400, {}, {"error": "invalid_grant"}
        verifier = form.get("code_verifier", "")
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        if challenge != grant["challenge"]:
            return 400, {}, {"error": "invalid_grant", "error_description": "PKCE"}
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": self.client_id,
            "iat": now,
            "exp": now + 300,
            "nonce": grant["nonce"],
            **grant["claims"],
            **self.id_token_overrides,
        }
        id_token = jwt.encode({"alg": "RS256", "kid": "k1"}, claims, self.signing_key or self.key)
        access_token = secrets.token_urlsafe(24)
        self.tokens[access_token] = grant["claims"]
        return (
            200,
            {},
            {"access_token": access_token, "token_type": "Bearer", "expires_in": 300, "id_token": id_token},
        )

    def userinfo(self, authorization: str) -> tuple[int, dict[str, str], Any]:
        claims = self.tokens.get(authorization.removeprefix("Bearer "))
        if claims is None:
            return 401, {}, {"error": "invalid_token"}
        return 200, {}, {k: v for k, v in claims.items() if k in ("sub", "email", "email_verified", "name")}

    def logout(self, query: dict[str, str]) -> tuple[int, dict[str, str], Any]:
        self.logouts.append(query)
        self.person = None
        target = query.get("post_logout_redirect_uri")
        return (302, {"Location": target}, None) if target else (200, {}, {"signed_out": True})

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # quiet test output
                pass

            def _answer(self, result: tuple[int, dict[str, str], Any]) -> None:
                status, headers, body = result
                data = json.dumps(body).encode() if body is not None else b""
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                url = urlparse(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                if url.path == "/.well-known/openid-configuration":
                    self._answer((200, {}, provider.discovery()))
                elif url.path == "/jwks":
                    self._answer((200, {}, {"keys": [provider.key.as_dict(private=False)]}))
                elif url.path == "/authorize":
                    self._answer(provider.authorize(query))
                elif url.path == "/userinfo":
                    self._answer(provider.userinfo(self.headers.get("Authorization", "")))
                elif url.path == "/logout":
                    self._answer(provider.logout(query))
                else:
                    self._answer((404, {}, {"error": "not_found"}))

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                if urlparse(self.path).path == "/token":
                    self._answer(provider.token(form, self.headers.get("Authorization", "")))
                else:
                    self._answer((404, {}, {"error": "not_found"}))

        return Handler
