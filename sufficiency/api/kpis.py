"""KPI endpoint of the partner API: `GET /authorities/{code}/kpis/?on=YYYY-MM-DD`, mixed into the
authorities viewset (scope `read:aggregate`, your own authority only; 404 for any other).

Each row is a KPI of the catalogue (`sufficiency.reports.kpis`) as a board paper reads it: the value, the
value a quarter earlier, the region's value (the same calculation over the region's authorities with data,
a ratio of the region's totals, never one authority's figure), the published England figure, and for a KPI
with a national equivalent the DfE's published comparators (`comparators`: statistical neighbours' mean,
range and count, region, England, the year, and whether the register's count differs from what the DfE
published for the authority), the same object as `kpi --json`.

Like the KPI page, it reads the figures a worker precomputed for the date (`sufficiency.reports.kpi_snapshots`: the month
end the register runs to, and the latest 31 March) when they are held, and counts live for any other date.
Without `?on=` it answers for the month end the register runs to, as the page does.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from placements.api.aggregates import as_at_on
from sufficiency.core.api import own_authority
from sufficiency.reports.selectors import kpi_page_rows


class ComparatorSummarySerializer(serializers.Serializer):
    """The published figures of a set of authorities for the measure: only published figures count."""

    mean = serializers.FloatField(allow_null=True)
    min = serializers.FloatField(allow_null=True)
    max = serializers.FloatField(allow_null=True)
    n = serializers.IntegerField(help_text="Authorities with a published figure")
    not_published = serializers.IntegerField(
        help_text="Authorities in the set whose figure the DfE did not publish (suppressed or not available)"
    )


class ComparatorsSerializer(serializers.Serializer):
    """The DfE's published comparators for a KPI with a national equivalent (the same object as
    `kpi --json`, the KPI page and the board report): for the latest published year up to the date."""

    year = serializers.IntegerField(allow_null=True, help_text="The year (31 March) the figures describe")
    measure = serializers.CharField(help_text="The published measure the KPI is compared with")
    statistical_neighbours = ComparatorSummarySerializer(
        help_text="The authority's ten statistical neighbours' published figures"
    )
    region = serializers.FloatField(allow_null=True, help_text="The region's published figure")
    region_name = serializers.CharField()
    england = serializers.FloatField(allow_null=True, help_text="England's published figure")
    all_authorities = ComparatorSummarySerializer(help_text="Every other authority's published figures")
    published_own = serializers.FloatField(
        allow_null=True, help_text="What the DfE published for this authority (null: not published)"
    )
    published_own_marker = serializers.CharField(
        allow_blank=True,
        help_text='Why published_own is null: the DfE\'s marker ("c": suppressed, "x": not available, ...), or '
        '"not published" when it published no row for the authority; "" when a figure is published',
    )
    published_own_count = serializers.FloatField(allow_null=True, help_text="The count the DfE published")
    statistical_neighbours_list = serializers.CharField(
        allow_blank=True,
        help_text="The list of statistical neighbours used, by name; a synthetic list says it is not the "
        "DfE's",
    )
    own_count = serializers.FloatField(allow_null=True, help_text="The count in the authority's register")
    published_count_differs = serializers.BooleanField(
        allow_null=True,
        help_text="Whether the register's count differs from the published count (null unless the date is "
        "31 March of the published year and both are known)",
    )

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        # "source" names an attribute of every DRF field, so the field of that name is added here.
        fields["source"] = serializers.CharField(
            help_text="Where the published figures came from (publisher, file, licence) and the list of "
            "statistical neighbours used"
        )
        return fields


class KpiRowSerializer(serializers.Serializer):
    """One KPI on a date with its comparators."""

    key = serializers.CharField(help_text="Stable key of the KPI")
    name = serializers.CharField()
    value = serializers.FloatField(allow_null=True, help_text="null: no data (never zero)")
    numerator = serializers.FloatField(allow_null=True)
    denominator = serializers.FloatField(allow_null=True)
    unit = serializers.CharField(help_text="count, percent, per_10000, days, miles, gbp_per_week, ...")
    direction = serializers.CharField(help_text="higher, lower or neutral: which way is better")
    group = serializers.CharField()
    definition = serializers.CharField()
    date = serializers.DateField()
    previous_date = serializers.DateField()
    previous_value = serializers.FloatField(allow_null=True)
    change = serializers.FloatField(allow_null=True)
    region_name = serializers.CharField()
    regional_value = serializers.FloatField(allow_null=True)
    england_value = serializers.FloatField(allow_null=True)
    england_year = serializers.CharField(allow_null=True)
    comparators = ComparatorsSerializer(
        allow_null=True, help_text="null: the KPI has no national equivalent, or no DfE table is imported"
    )


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "Walsall on 31 March 2026 (one KPI shown)",
            value={
                "authority": "335",
                "date": "2026-03-31",
                "kpis": [
                    {
                        "key": "cla_rate_per_10000",
                        "name": "Children in care per 10,000 children",
                        "value": 104.2,
                        "numerator": 812.0,
                        "denominator": 77930.0,
                        "unit": "per_10000",
                        "direction": "neutral",
                        "group": "Demand",
                        "definition": "Children in care on the date per 10,000 children aged 0-17.",
                        "date": "2026-03-31",
                        "previous_date": "2025-12-31",
                        "previous_value": 102.9,
                        "change": 1.3,
                        "region_name": "West Midlands",
                        "regional_value": 92.0,
                        "england_value": 70.0,
                        "england_year": "31 March 2025",
                        "comparators": {
                            "year": 2025,
                            "measure": "Rate per 10,000 children",
                            "statistical_neighbours": {
                                "mean": 96.4,
                                "min": 71.0,
                                "max": 124.0,
                                "n": 10,
                                "not_published": 0,
                            },
                            "region": 92.0,
                            "region_name": "West Midlands",
                            "england": 70.0,
                            "all_authorities": {
                                "mean": 78.9,
                                "min": 26.0,
                                "max": 215.0,
                                "n": 152,
                                "not_published": 0,
                            },
                            "published_own": 103.0,
                            "published_own_marker": "",
                            "published_own_count": 800.0,
                            "own_count": 812.0,
                            "published_count_differs": None,
                            "statistical_neighbours_list": "Statistical neighbours list: Children's services "
                            "statistical neighbours, 2024",
                            "source": "Department for Education, Children looked after in England including "
                            "adoptions; file la_cla_rates.csv, imported by the platform on 1 December 2025; "
                            "Open Government Licence v3.0; Statistical neighbours list: Children's services "
                            "statistical neighbours, 2024",
                        },
                    }
                ],
            },
            response_only=True,
        )
    ]
)
class KpiTableSerializer(serializers.Serializer):
    """Every KPI of the caller's own authority on a date."""

    authority = serializers.CharField(help_text="DfE code")
    date = serializers.DateField()
    kpis = KpiRowSerializer(many=True)


class AuthorityKpiActions:
    """`kpis` action of the authorities viewset."""

    @extend_schema(
        summary="Key performance indicators of your own authority on a date, with comparators",
        tags=["kpis"],
        parameters=[
            OpenApiParameter(
                "on",
                OpenApiTypes.DATE,
                description="YYYY-MM-DD (default: the month end the register runs to, as on the KPI page; "
                "today before anything has been imported)",
            )
        ],
        responses={200: KpiTableSerializer},
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="kpis",
        url_name="kpis",
        pagination_class=None,
        filter_backends=[],
    )
    def kpis(self, request: Request, code: str | None = None) -> Response:
        """Your own authority only (404 otherwise). A KPI without data has `value: null`."""
        authority = own_authority(self, request)
        on = as_at_on(request, authorities=[authority])
        page_rows, _snapshot = kpi_page_rows(authority=authority, on=on)
        rows = [row.as_dict() | {"region_name": row.region_name} for row in page_rows]
        return Response(KpiTableSerializer({"authority": authority.dfe_code, "date": on, "kpis": rows}).data)
