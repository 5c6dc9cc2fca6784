"""API endpoints for regions and authorities: reference data, and aggregates (own in full; the region's
with small numbers suppressed). The forecast, gap, KPI and spend actions come from their apps' mixins
(`forecasting.api.views`, `sufficiency.api.kpis`, `placements.api.aggregates`)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from forecasting.api.views import AuthorityForecastActions, RegionForecastActions
from placements.api.aggregates import AS_AT_HELP, AuthoritySpendActions, as_at_on
from placements.selectors import cic_snapshot_for_authority
from sufficiency.authorities.models import LocalAuthority, Region
from sufficiency.core.api import ReferenceViewSet, caller_region, own_authority

from .kpis import AuthorityKpiActions
from .selectors import regional_children_in_care
from .serializers import (
    AuthoritySerializer,
    ChildrenInCareSnapshotSerializer,
    RegionalChildrenInCareSerializer,
    RegionSerializer,
)

ON_PARAMETER = OpenApiParameter("on", OpenApiTypes.DATE, description=f"Snapshot date, {AS_AT_HELP}")


@extend_schema_view(
    list=extend_schema(summary="List English regions", tags=["regions"]),
    retrieve=extend_schema(summary="One region", tags=["regions"]),
)
class RegionViewSet(RegionForecastActions, ReferenceViewSet):
    """English regions (reference data), and the region's aggregates: children in care, forecasts, gaps."""

    queryset = Region.objects.all()
    serializer_class = RegionSerializer
    lookup_field = "code"
    lookup_value_regex = "E[0-9]{8}"
    ordering_fields = ["code", "name"]
    ordering = ["code"]

    @extend_schema(
        summary="Children in care on a date in every authority of the region (suppressed for others)",
        tags=["regions"],
        parameters=[ON_PARAMETER],
        responses={200: RegionalChildrenInCareSerializer},
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="children-in-care",
        url_name="children-in-care",
        pagination_class=None,
        filter_backends=[],
    )
    def children_in_care(self, request: Request, code: str | None = None) -> Response:
        """Readable by callers with aggregate access in an authority of the region (404 for other
        regions). Counts under 5 of other authorities are suppressed, as DfE does."""
        region, ids = caller_region(self, request)
        on = as_at_on(request, authorities=list(region.authorities.filter(pk__in=ids)))
        data = regional_children_in_care(region=region, on=on, own_authority_ids=ids)
        return Response(RegionalChildrenInCareSerializer(data).data)


@extend_schema_view(
    list=extend_schema(summary="List local authorities", tags=["authorities"]),
    retrieve=extend_schema(summary="One local authority", tags=["authorities"]),
)
class AuthorityViewSet(
    AuthorityForecastActions, AuthorityKpiActions, AuthoritySpendActions, ReferenceViewSet
):
    """The 153 English local authorities with children's services (reference data), by DfE code, and your
    own authority's aggregates: children in care, forecast, gap, KPIs and spend."""

    queryset = LocalAuthority.objects.select_related("region")
    serializer_class = AuthoritySerializer
    lookup_field = "dfe_code"
    lookup_url_kwarg = "code"
    lookup_value_regex = "[0-9]{3}"
    filterset_fields = {"region__code": ["exact"]}
    ordering_fields = ["dfe_code", "name"]
    ordering = ["dfe_code"]

    @extend_schema(
        summary="Children in care on a date for your own authority, in full",
        tags=["authorities"],
        parameters=[ON_PARAMETER],
        responses={200: ChildrenInCareSnapshotSerializer},
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="children-in-care",
        url_name="children-in-care",
        pagination_class=None,
        filter_backends=[],
    )
    def children_in_care(self, request: Request, code: str | None = None) -> Response:
        """Your own authority only: any other authority is 404 (use the regional endpoint instead)."""
        authority = own_authority(self, request)
        on = as_at_on(request, authorities=[authority])
        snapshot = cic_snapshot_for_authority(authority=authority, on=on)
        return Response(ChildrenInCareSnapshotSerializer(snapshot).data)
