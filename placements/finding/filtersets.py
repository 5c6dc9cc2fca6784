"""The FilterSet of placement requests, used by the API (and available to the pages)."""

from __future__ import annotations

from typing import Any

import django_filters

from sufficiency.core.bounds import BoundedDateFilter

from ..choices import PlacementRequestStatusChoices, UrgencyChoices
from ..models import PlacementRequest

ACTIVE = "active"
STATUS_CHOICES = [
    (ACTIVE, "Being worked (open, searching or offers received)"),
    *PlacementRequestStatusChoices.choices,
]


class PlacementRequestFilterSet(django_filters.FilterSet):
    """Placement requests: by status (or `active`: still being worked), urgency and the dates they were made
    or placed. The requests page and `/api/v1/placement-requests/` both filter with it."""

    status = django_filters.ChoiceFilter(choices=STATUS_CHOICES, method="filter_status")
    urgency = django_filters.ChoiceFilter(choices=UrgencyChoices.choices)
    requested_from = BoundedDateFilter(
        field_name="requested_on", lookup_expr="gte", label="Requested on or after"
    )
    requested_to = BoundedDateFilter(
        field_name="requested_on", lookup_expr="lte", label="Requested on or before"
    )
    placed_from = BoundedDateFilter(field_name="placed_on", lookup_expr="gte", label="Placed on or after")
    placed_to = BoundedDateFilter(field_name="placed_on", lookup_expr="lte", label="Placed on or before")

    class Meta:
        model = PlacementRequest
        fields = ["status", "urgency", "requested_from", "requested_to", "placed_from", "placed_to"]

    def filter_status(self, queryset: Any, name: str, value: str) -> Any:
        if not value:
            return queryset
        return queryset.active() if value == ACTIVE else queryset.filter(status=value)
