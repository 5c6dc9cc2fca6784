"""Querysets of the placement register: scoping (inherited) plus the domain's own verbs."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from sufficiency.core.querysets import AuthorityScopedQuerySet

from .categories import SHORT_BREAK_LS


class ChildQuerySet(AuthorityScopedQuerySet):
    """Children known to an authority's register."""


class EpisodeQuerySet(AuthorityScopedQuerySet):
    """SSDA903 episodes."""

    def active_on(self, on: dt.date) -> EpisodeQuerySet:
        """Episodes current on a date: DECOM on or before it, and DEC blank or after it (docs/domain.md s3)."""
        return self.filter(Q(dec__isnull=True) | Q(dec__gt=on), decom__lte=on)

    def looked_after(self) -> EpisodeQuerySet:
        """Excludes short-break series (V3/V4), which never count as looked after."""
        return self.exclude(ls__in=SHORT_BREAK_LS)


class ImportJobQuerySet(AuthorityScopedQuerySet):
    """Data import jobs."""


def vacancy_stale_cutoff(now: dt.datetime | None = None) -> dt.datetime:
    """Vacancies recorded or confirmed before this moment are stale (settings.VACANCY_STALE_DAYS)."""
    return (now or timezone.now()) - dt.timedelta(days=settings.VACANCY_STALE_DAYS)


class VacancyQuerySet(AuthorityScopedQuerySet):
    """Vacancies offered to an authority."""

    def open(self) -> VacancyQuerySet:
        """Still offered: neither filled nor withdrawn."""
        return self.filter(status="open")

    def fresh(self, now: dt.datetime | None = None) -> VacancyQuerySet:
        """Confirmed within VACANCY_STALE_DAYS: the only vacancies the counts trust."""
        return self.filter(recorded_at__gte=vacancy_stale_cutoff(now))

    def stale(self, now: dt.datetime | None = None) -> VacancyQuerySet:
        """Not confirmed within VACANCY_STALE_DAYS: shown flagged, never counted."""
        return self.filter(recorded_at__lt=vacancy_stale_cutoff(now))


class BlockContractQuerySet(AuthorityScopedQuerySet):
    """Block contracts."""

    def active_on(self, on: dt.date) -> BlockContractQuerySet:
        """Contracts whose period includes the date."""
        return self.filter(start_date__lte=on, end_date__gte=on)
