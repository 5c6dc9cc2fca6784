"""API of placement finding: placement requests, child-level, own authority only (scope `read:child`).

The child reference is pseudonymised for a token as everywhere else (`child_reference`); a new referral
has none. No postcodes, birth months, social workers or free-text notes leave the service: age band,
distance and codes instead. Every list and retrieve is audited by `ChildLevelReadMixin`.
"""

from __future__ import annotations

from django.db.models import Count, Q
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_serializer, extend_schema_view
from rest_framework import mixins, serializers

from sufficiency.core.api import CHILD_LEVEL, AuthorityScopedViewSet

from ..categories import age_band, age_on
from ..finding.filtersets import PlacementRequestFilterSet
from ..models import PlacementRequest
from .serializers import child_reference
from .views import ChildLevelReadMixin


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "A placed request",
            value={
                "id": 311,
                "authority": "335",
                "child_reference": "P3FA90C2B7D41E08",
                "referral": False,
                "age_band": "10_15",
                "requested_on": "2025-06-02",
                "urgency": "emergency",
                "fostering": "preferred",
                "residential": "suitable",
                "supported": "unsuitable",
                "status": "placed",
                "placed_on": "2025-06-04",
                "placed_category": "residential_external",
                "placed_route": "spot",
                "agreed_weekly_cost": "5200.00",
                "placed_to_plan": False,
                "days_to_place": 2,
                "providers_approached": 6,
                "offers": 1,
            },
        )
    ]
)
class PlacementRequestSerializer(serializers.ModelSerializer):
    """A placement request and its outcome, without postcodes, birth month or notes."""

    authority = serializers.SlugRelatedField(slug_field="dfe_code", read_only=True)
    child_reference = serializers.SerializerMethodField(
        help_text="Pseudonymous reference; null for a new referral"
    )
    referral = serializers.BooleanField(source="is_referral", read_only=True)
    age_band = serializers.SerializerMethodField(help_text="DfE age band on the date requested")
    placed_setting_urn = serializers.SlugRelatedField(
        source="placed_setting", slug_field="urn", read_only=True
    )
    distance_miles = serializers.FloatField(read_only=True, allow_null=True)
    days_to_place = serializers.IntegerField(read_only=True, allow_null=True)
    providers_approached = serializers.IntegerField(source="approach_count", read_only=True)
    offers = serializers.IntegerField(source="offer_count", read_only=True)

    class Meta:
        model = PlacementRequest
        fields = [
            "id",
            "authority",
            "child_reference",
            "referral",
            "age_band",
            "requested_on",
            "latest_start",
            "urgency",
            "fostering",
            "residential",
            "supported",
            "needs",
            "risk_exploitation",
            "risk_missing",
            "risk_self_harm",
            "risk_sexual_behaviour",
            "risk_to_others",
            "siblings",
            "max_distance_miles",
            "staffing_ratio",
            "status",
            "close_reason",
            "closed_on",
            "placed_on",
            "placed_setting_urn",
            "placed_category",
            "placed_route",
            "agreed_weekly_cost",
            "distance_miles",
            "siblings_outcome",
            "placed_to_plan",
            "days_to_place",
            "providers_approached",
            "offers",
        ]

    def get_child_reference(self, obj: PlacementRequest) -> str | None:
        if not obj.child_ref:
            return None
        return child_reference(self.context, obj.authority.dfe_code, obj.child_ref)

    def get_age_band(self, obj: PlacementRequest) -> str | None:
        return age_band(age_on(obj.birth_month, obj.requested_on)) if obj.birth_month else None


@extend_schema_view(
    list=extend_schema(summary="List placement requests of your authority", tags=["placement requests"]),
    retrieve=extend_schema(summary="One placement request", tags=["placement requests"]),
)
class PlacementRequestViewSet(
    ChildLevelReadMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, AuthorityScopedViewSet
):
    """Placement requests of the caller's own authority (scope `read:child`): what children needed, the
    search and the outcome. `?status=`, `?urgency=`, `?requested_from=`, `?requested_to=`, `?placed_from=`,
    `?placed_to=`."""

    capability = CHILD_LEVEL
    queryset = PlacementRequest.objects.select_related("authority", "placed_setting").annotate(
        approach_count=Count("approaches", distinct=True),
        offer_count=Count("approaches", filter=Q(approaches__offered_at__isnull=False), distinct=True),
    )
    serializer_class = PlacementRequestSerializer
    filterset_class = PlacementRequestFilterSet
    ordering_fields = ["id", "requested_on", "placed_on"]
    ordering = ["id"]
    audit_object_type = "placements.PlacementRequest"
