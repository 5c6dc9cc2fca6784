"""The FilterSet of placement requests, used by the API (and available to the pages)."""

from __future__ import annotations

import django_filters

from sufficiency.core.bounds import BoundedDateFilter

from ..choices import PlacementRequestStatusChoices, UrgencyChoices
from ..models import PlacementRequest


class PlacementRequestFilterSet(django_filters.FilterSet):
    """Placement requests: by status, urgency and the dates they were made or placed."""

    status = django_filters.ChoiceFilter(choices=PlacementRequestStatusChoices.choices)
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
