"""Querysets of placement requests: scoping (inherited) plus the domain's own verbs."""

from __future__ import annotations

from sufficiency.core.querysets import AuthorityScopedQuerySet

ACTIVE_STATUSES = ("open", "searching", "offers_received")


class PlacementRequestQuerySet(AuthorityScopedQuerySet):
    """Placement requests of an authority."""

    def active(self) -> PlacementRequestQuerySet:
        """Requests still being worked: open, searching or with offers."""
        return self.filter(status__in=ACTIVE_STATUSES)

    def closed(self) -> PlacementRequestQuerySet:
        """Requests that have ended: placed, withdrawn or not placed."""
        return self.exclude(status__in=ACTIVE_STATUSES)


class ApproachQuerySet(AuthorityScopedQuerySet):
    """Approaches to providers and carers on behalf of placement requests."""
