"""Abstract models shared by the apps (sufficiency.core is not an app: it has no tables of its own)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from .querysets import AuthorityScopedQuerySet


class TimeStampedModel(models.Model):
    """Records when a row was created and last changed."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class AuthorityOwnedModel(TimeStampedModel):
    """A record that belongs to one local authority and is visible only to that authority's members."""

    authority = models.ForeignKey("authorities.LocalAuthority", on_delete=models.CASCADE, related_name="+")

    objects = AuthorityScopedQuerySet.as_manager()

    class Meta:
        abstract = True


class NationalProvenance(models.Model):
    """Who supplied a shared national value and who published it, and when.

    National reference data (Ofsted's register, national statistics) is read by every authority, so no
    single authority may change it on its own: a platform data steward imports it directly, or an
    authority proposes it and a steward publishes it after review. The fields say where the value came
    from wherever it is shown. `supplied_by_label` keeps the supplier's address when the account goes.
    """

    source = models.CharField(
        max_length=255, blank=True, help_text="The file or release the values came from"
    )
    supplied_by_authority = models.ForeignKey(
        "authorities.LocalAuthority", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    supplied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    supplied_by_label = models.CharField(max_length=254, blank=True)
    supplied_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)

    PROVENANCE_FIELDS = (
        "source",
        "supplied_by_authority",
        "supplied_by",
        "supplied_by_label",
        "supplied_at",
        "published_by",
        "published_at",
    )

    class Meta:
        abstract = True

    @property
    def supplier(self) -> str:
        """Who supplied the values, as a page names them: the authority, else the platform."""
        if self.supplied_by_authority_id:
            return str(self.supplied_by_authority)
        return "the platform data steward" if self.published_at else ""

    @property
    def provenance_line(self) -> str:
        """One line saying where the values came from, e.g. "published 3 Nov 2026 from file X, supplied by
        Walsall". Empty for values held from before provenance was recorded."""
        if not self.published_at:
            return "published before provenance was recorded"
        from django.utils import timezone

        published = timezone.localtime(self.published_at)
        line = f"published {published.day} {published:%b %Y}"
        if self.source:
            line += f" from {self.source}"
        return f"{line}, supplied by {self.supplier}"
