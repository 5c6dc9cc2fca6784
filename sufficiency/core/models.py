"""Abstract models shared by the apps (sufficiency.core is not an app: it has no tables of its own)."""

from __future__ import annotations

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
