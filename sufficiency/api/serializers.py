"""API representations of regions, authorities and their aggregate figures."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema_serializer
from rest_framework import serializers

from sufficiency.authorities.models import LocalAuthority, Region
from sufficiency.core.bounds import BoundedDateField


class RegionSerializer(serializers.ModelSerializer):
    """An English region (ONS code), the unit of regional collaboration."""

    class Meta:
        model = Region
        fields = ["code", "name"]


class AuthoritySerializer(serializers.ModelSerializer):
    """A local authority with children's services (public reference data)."""

    region = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = LocalAuthority
        fields = ["dfe_code", "ons_code", "name", "region"]


class SnapshotQueryInputSerializer(serializers.Serializer):
    """The date of a snapshot (default: the as-at date the pages use)."""

    on = BoundedDateField(required=False, help_text="YYYY-MM-DD; default the month end the register runs to")


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "Walsall on 31 March 2025",
            value={
                "authority": "335",
                "date": "2025-03-31",
                "total": 812,
                "by_category": {
                    "fostering_inhouse": 240,
                    "fostering_external": 190,
                    "residential_external": 61,
                },
                "by_age_band": {"under_1": 40, "1_4": 101, "5_9": 150, "10_15": 340, "16_17": 181},
                "by_place": {"U4": 240, "K2": 61},
                "started_12m": 290,
                "ceased_12m": 276,
                "over_20_miles": 98,
                "distance_known": 760,
                "rate_per_10000": 104.2,
            },
            response_only=True,
        )
    ]
)
class ChildrenInCareSnapshotSerializer(serializers.Serializer):
    """Children in care on a date for the caller's own authority, in full (the dashboard's numbers)."""

    authority = serializers.CharField()
    date = serializers.DateField()
    total = serializers.IntegerField()
    by_category = serializers.DictField(child=serializers.IntegerField(), help_text="Every planning category")
    by_age_band = serializers.DictField(child=serializers.IntegerField())
    by_place = serializers.DictField(child=serializers.IntegerField(), help_text="By SSDA903 PLACE code")
    started_12m = serializers.IntegerField(help_text="Periods of care started in the 12 months to the date")
    ceased_12m = serializers.IntegerField(help_text="Periods of care ceased in the 12 months to the date")
    over_20_miles = serializers.IntegerField()
    distance_known = serializers.IntegerField()
    rate_per_10000 = serializers.FloatField(allow_null=True)


class FigureSerializer(serializers.Serializer):
    """A count, or null with `suppressed: true` when under the suppression threshold."""

    value = serializers.IntegerField(allow_null=True)
    suppressed = serializers.BooleanField()


class CategoryFigureSerializer(FigureSerializer):
    category = serializers.CharField()
    label = serializers.CharField()


class RegionalAuthorityFiguresSerializer(serializers.Serializer):
    """One authority's children in care by planning category: in full for the caller's own authority,
    with small numbers suppressed for the others."""

    authority = serializers.CharField(help_text="DfE code")
    name = serializers.CharField()
    own = serializers.BooleanField(help_text="True for the caller's own authority (nothing suppressed)")
    data_available = serializers.BooleanField(help_text="False until the authority has imported its data")
    total = FigureSerializer()
    rate_per_10000 = serializers.FloatField(allow_null=True)
    by_category = CategoryFigureSerializer(many=True)


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "West Midlands seen from Walsall",
            value={
                "region": "E12000005",
                "region_name": "West Midlands",
                "date": "2025-03-31",
                "suppression_threshold": 5,
                "authorities": [
                    {
                        "authority": "333",
                        "name": "Sandwell",
                        "own": False,
                        "data_available": True,
                        "total": {"value": 848, "suppressed": False},
                        "rate_per_10000": 102.2,
                        "by_category": [
                            {
                                "category": "residential_secure",
                                "label": "Residential: secure",
                                "value": None,
                                "suppressed": True,
                            },
                            {
                                "category": "fostering_inhouse",
                                "label": "Fostering: in-house",
                                "value": 251,
                                "suppressed": False,
                            },
                        ],
                    }
                ],
            },
            response_only=True,
        )
    ]
)
class RegionalChildrenInCareSerializer(serializers.Serializer):
    """Children in care on a date in every authority of a region."""

    region = serializers.CharField()
    region_name = serializers.CharField()
    date = serializers.DateField()
    suppression_threshold = serializers.IntegerField()
    authorities = RegionalAuthorityFiguresSerializer(many=True)
