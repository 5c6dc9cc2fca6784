"""The spend rollup of the register on the authorities endpoint (scope `read:aggregate`, own authority).

Who may read it and its date parameters are the API's guards (`sufficiency.core.api.own_authority`,
`sufficiency.core.bounds.BoundedDateField`), shared with every other aggregate endpoint.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from sufficiency.authorities.models import LocalAuthority
from sufficiency.core.api import OnDateInputSerializer, on_date, own_authority
from sufficiency.core.bounds import BoundedDateField
from sufficiency.core.periods import period_for

from ..as_at import as_at_for_authority
from ..selectors import spend_rollup_for_authority

#: The longest period one spend request may cover.
MAX_SPEND_YEARS = 10


AS_AT_HELP = "YYYY-MM-DD; default the month end the authority's register runs to (as the pages)"


def as_at_on(request: Request, *, authorities: list[LocalAuthority]) -> dt.date:
    """The validated `?on=` date (400 with field errors when it is not a date), else the as-at date the
    pages use by default: the month end the register runs to (for several authorities, the latest of
    theirs)."""
    params = OnDateInputSerializer(data=request.query_params)
    params.is_valid(raise_exception=True)
    if params.validated_data.get("on"):
        return params.validated_data["on"]
    defaults = [as_at_for_authority(authority=a) for a in authorities]
    dated = [a.on for a in defaults if a.data_end is not None]
    return on_date(request, default=max(dated) if dated else None)


# --- spend -------------------------------------------------------------------------------------------


class SpendInputSerializer(serializers.Serializer):
    """The period of a spend rollup: default the 12 months to today; at most ten years."""

    start = BoundedDateField(required=False, help_text="First day, YYYY-MM-DD; default a year before end")
    end = BoundedDateField(required=False, help_text=f"Last day, {AS_AT_HELP}")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        authority = self.context.get("authority")
        end = attrs.get("end") or (
            as_at_for_authority(authority=authority).on if authority is not None else timezone.localdate()
        )
        start = attrs.get("start") or period_for(end, "last_12_months").start
        if start > end:
            raise serializers.ValidationError({"start": ["The start must be on or before the end."]})
        if (pd.Timestamp(end) - pd.DateOffset(years=MAX_SPEND_YEARS)).date() >= start:
            raise serializers.ValidationError(
                {"end": [f"The period can cover at most {MAX_SPEND_YEARS} years: request it in parts."]}
            )
        return {"start": start, "end": end}


class SpendRowSerializer(serializers.Serializer):
    """Bed-nights and spend of one calendar month and planning category."""

    month_end = serializers.DateField()
    category = serializers.CharField(help_text="Planning category")
    bed_nights = serializers.IntegerField(help_text="Nights children spent in the category in the month")
    spend = serializers.FloatField(help_text="Pounds, from the authority's unit costs and agreed costs")


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "Walsall, April 2025",
            value={
                "authority": "335",
                "start": "2025-04-01",
                "end": "2025-04-30",
                "total_bed_nights": 1860,
                "total_spend": 402315.5,
                "rows": [
                    {
                        "month_end": "2025-04-30",
                        "category": "residential_external",
                        "bed_nights": 1860,
                        "spend": 402315.5,
                    }
                ],
            },
            response_only=True,
        )
    ]
)
class SpendRollupSerializer(serializers.Serializer):
    """Actual bed-nights and spend of the caller's own authority, by month and planning category (the
    cost pages' numbers), between two dates inclusive."""

    authority = serializers.CharField(help_text="DfE code")
    start = serializers.DateField()
    end = serializers.DateField()
    total_bed_nights = serializers.IntegerField()
    total_spend = serializers.FloatField()
    rows = SpendRowSerializer(many=True, help_text="Only months and categories with any bed-nights")


def spend_rollup(*, authority: LocalAuthority, start: dt.date, end: dt.date) -> dict[str, Any]:
    """The spend rollup as plain data for `SpendRollupSerializer`."""
    frame = spend_rollup_for_authority(authority=authority, start=start, end=end)
    rows = [
        {
            "month_end": pd.Timestamp(row.month_end).date(),
            "category": str(row.category),
            "bed_nights": int(row.bed_nights),
            "spend": round(float(row.spend), 2),
        }
        for row in frame.itertuples(index=False)
    ]
    return {
        "authority": authority.dfe_code,
        "start": start,
        "end": end,
        "total_bed_nights": sum(r["bed_nights"] for r in rows),
        "total_spend": round(sum(r["spend"] for r in rows), 2),
        "rows": rows,
    }


class AuthoritySpendActions:
    """`GET /authorities/{code}/spend/`: mixed into the authorities viewset."""

    @extend_schema(
        summary="Actual bed-nights and spend by month and category for your own authority",
        tags=["authorities"],
        parameters=[
            OpenApiParameter("start", OpenApiTypes.DATE, description="First day (default a year before end)"),
            OpenApiParameter("end", OpenApiTypes.DATE, description="Last day (default today)"),
        ],
        responses={200: SpendRollupSerializer},
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="spend",
        url_name="spend",
        pagination_class=None,
        filter_backends=[],
    )
    def spend(self, request: Request, code: str | None = None) -> Response:
        """Your own authority only (404 otherwise). At most ten years per request."""
        authority = own_authority(self, request)
        params = SpendInputSerializer(data=request.query_params, context={"authority": authority})
        params.is_valid(raise_exception=True)
        data = spend_rollup(authority=authority, **params.validated_data)
        return Response(SpendRollupSerializer(data).data)
