"""API clients: the partner systems and scripts that read an authority's data through /api/v1/."""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.db import models
from django.utils import timezone

from sufficiency.core.models import AuthorityOwnedModel


class ApiClient(AuthorityOwnedModel):
    """A system or script acting for one authority with a bearer token and a set of scopes.

    Only a SHA-256 hash of the token is stored (tokens are 32 random bytes, so a fast hash is safe); the
    token itself is shown once, when the client is created. `prefix` finds the row without scanning. A client
    stops working when revoked or past `expires_at`. `user` is a service account with no memberships and no
    usable password: it attributes the client's writes and audit rows, and would see nothing if a view ever
    forgot the client's scopes (fail closed). `pseudonym_key` makes this client's child pseudonyms: the same
    child always gets the same pseudonym for the same client, and different clients cannot join theirs.
    """

    authority = models.ForeignKey(
        "authorities.LocalAuthority", on_delete=models.CASCADE, related_name="api_clients"
    )
    name = models.CharField(max_length=100, help_text="Who or what uses the token, e.g. 'Regional analytics'")
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_client")
    prefix = models.CharField(max_length=16, unique=True, editable=False)
    token_hash = models.CharField(max_length=64, editable=False)
    pseudonym_key = models.CharField(max_length=64, editable=False)
    scopes = models.JSONField(default=list, blank=True)
    throttle_rate = models.CharField(
        max_length=20, blank=True, help_text="Overrides the default rate for this client, e.g. '2000/hour'"
    )
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["authority", "name"]
        verbose_name = "API client"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"

    @property
    def is_usable(self) -> bool:
        """Neither revoked nor expired."""
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or self.expires_at > timezone.now()

    def matches(self, token: str) -> bool:
        """Constant-time comparison of a presented token with the stored hash."""
        return hmac.compare_digest(hash_token(token), self.token_hash)

    def pseudonym(self, authority_code: str, child_ref: str) -> str:
        """This client's stable pseudonym for a child: HMAC-SHA256 over the authority and reference."""
        digest = hmac.new(
            bytes.fromhex(self.pseudonym_key), f"{authority_code}:{child_ref}".encode(), hashlib.sha256
        ).hexdigest()
        return f"P{digest[:15].upper()}"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
