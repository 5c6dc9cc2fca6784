"""Querysets of the placement register: scoping (inherited) plus the domain's own verbs."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from sufficiency.core.querysets import AuthorityScopedQuerySet

from .categories import SHORT_BREAK_LS


class ChildQuerySet(AuthorityScopedQuerySet):
    """Children known to an authority's register."""


class EpisodeQuerySet(AuthorityScopedQuerySet):
    """SSDA903 episodes."""

    def active_on(self, on: dt.date) -> EpisodeQuerySet:
        """Episodes current on a date: DECOM on or before it, and DEC blank or after it (DOMAIN.md s3)."""
        return self.filter(Q(dec__isnull=True) | Q(dec__gt=on), decom__lte=on)

    def looked_after(self) -> EpisodeQuerySet:
        """Excludes short-break series (V3/V4), which never count as looked after."""
        return self.exclude(ls__in=SHORT_BREAK_LS)


class ImportJobQuerySet(AuthorityScopedQuerySet):
    """Data import jobs."""
