"""API representations of forecasts and sufficiency gaps (shape only: the numbers come from selectors)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema_serializer
from rest_framework import serializers

# --- an authority's forecast (forecasting.selectors.forecast_as_json) ---------------------------------


class ForecastInputSerializer(serializers.Serializer):
    """Which scenario of the latest forecast to return."""

    scenario = serializers.CharField(
        required=False, max_length=80, help_text="Scenario name; default baseline"
    )


class StatsSerializer(serializers.Serializer):
    """A projected number of children in care: the Monte Carlo mean, median and 80%/95% intervals."""

    mean = serializers.FloatField()
    p50 = serializers.FloatField()
    p10 = serializers.FloatField()
    p90 = serializers.FloatField()
    p2_5 = serializers.FloatField()
    p97_5 = serializers.FloatField()


class ForecastMonthSerializer(serializers.Serializer):
    month_end = serializers.DateField()
    total = StatsSerializer()
    by_category = serializers.DictField(child=StatsSerializer(), help_text="By planning category")
    by_age_band = serializers.DictField(child=StatsSerializer(), help_text="By DfE age band")


class BacktestCellSerializer(serializers.Serializer):
    actual = serializers.FloatField(allow_null=True)
    mean = serializers.FloatField(allow_null=True)
    ape = serializers.FloatField(allow_null=True, help_text="Absolute percentage error of the mean")


class BacktestSerializer(serializers.Serializer):
    """The method refitted at an earlier date and compared with what happened."""

    offset_months = serializers.IntegerField()
    origin = serializers.DateField()
    checked_to = serializers.DateField(allow_null=True)
    total = BacktestCellSerializer()
    by_category = serializers.DictField(child=BacktestCellSerializer())
    total_in_80_share = serializers.FloatField(allow_null=True)
    total_in_95_share = serializers.FloatField(allow_null=True)


class TripleSerializer(serializers.Serializer):
    mean = serializers.FloatField()
    p10 = serializers.FloatField()
    p90 = serializers.FloatField()


class CostMeasureSerializer(serializers.Serializer):
    total = TripleSerializer()
    by_category = serializers.DictField(child=TripleSerializer())


class CostYearSerializer(serializers.Serializer):
    """Projected bed-nights and spend (pounds) in an April-March financial year."""

    financial_year = serializers.CharField(help_text="e.g. 2026-27")
    months = serializers.IntegerField(help_text="Projected months falling in the year")
    bed_nights = CostMeasureSerializer()
    spend = CostMeasureSerializer()


class ReferencePeriodSerializer(serializers.Serializer):
    """The period the rates were estimated from, and what happened in it."""

    start = serializers.DateField(allow_null=True)
    end = serializers.DateField(allow_null=True)
    children = serializers.IntegerField(required=False)
    entries = serializers.IntegerField(required=False)
    exits = serializers.IntegerField(required=False)
    moves = serializers.IntegerField(required=False)
    exposure_years = serializers.FloatField(required=False)


class ModelScoreSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["candidate", "baseline"])
    name = serializers.CharField()
    mape = serializers.FloatField(
        allow_null=True, help_text="Mean absolute % error of the total children in care in backtests"
    )
    bias = serializers.FloatField(allow_null=True, help_text="Mean signed % error (positive: too high)")
    chosen = serializers.BooleanField()


class ModelChoiceSerializer(serializers.Serializer):
    """The model configuration chosen by rolling-origin backtests on the authority's own register."""

    chosen = serializers.DictField(
        help_text="reference_years, entry_trend, half_life_years, duration_hazards (exits and moves by time in care), trend_years (the trend in entries fitted on that many years of the extract, kept only where clear; null: on the window), placement_hazards (exits and moves also by time in the current placement), name"
    )
    description = serializers.CharField(help_text="The chosen configuration in plain words")
    reason = serializers.CharField(help_text="Why it was chosen, with its error beside the naive baselines'")
    beats_baselines = serializers.BooleanField(
        allow_null=True, help_text="Did better than both naive baselines (null: too little history)"
    )
    origins_months = serializers.ListField(child=serializers.IntegerField())
    scores = ModelScoreSerializer(many=True)


class RunInfoSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    seed = serializers.IntegerField()
    paths = serializers.IntegerField(help_text="Monte Carlo paths")
    timings = serializers.DictField(child=serializers.FloatField(), help_text="Seconds per stage")


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "Walsall's baseline (one month shown)",
            value={
                "authority": "335",
                "as_at": "2026-03-31",
                "horizon_months": 36,
                "scenario": "baseline",
                "scenarios": ["baseline", "Edge of care: 10% fewer 16-17 entries"],
                "reference": {
                    "start": "2023-04-01",
                    "end": "2026-03-31",
                    "children": 1204,
                    "entries": 610,
                    "exits": 588,
                    "moves": 402,
                    "exposure_years": 2431.5,
                },
                "months": [
                    {
                        "month_end": "2026-04-30",
                        "total": {"mean": 814.2, "p50": 814.0, "p10": 801.0, "p90": 828.0, "p2_5": 794.0, "p97_5": 835.0},
                        "by_category": {
                            "residential_external": {
                                "mean": 61.3, "p50": 61.0, "p10": 57.0, "p90": 66.0, "p2_5": 55.0, "p97_5": 68.0,
                            }
                        },
                        "by_age_band": {},
                    }
                ],
                "backtest": [],
                "costs": [],
                "unit_costs_weekly": {"residential_external": 5400.0},
                "run": {"id": 17, "seed": 0, "paths": 1000, "timings": {"total": 12.4}},
            },
            response_only=True,
        )
    ]
)  # fmt: skip
class ForecastSerializer(serializers.Serializer):
    """The latest successful forecast of the caller's own authority for one scenario: projected children
    in care per month end (total, by planning category and age band), the backtest, and projected costs
    per financial year (the `forecast --json` document)."""

    authority = serializers.CharField(help_text="DfE code")
    as_at = serializers.DateField(allow_null=True, help_text="The date the register ran to")
    horizon_months = serializers.IntegerField()
    scenario = serializers.CharField()
    scenarios = serializers.ListField(child=serializers.CharField(), help_text="Scenarios of this forecast")
    reference = ReferencePeriodSerializer()
    months = ForecastMonthSerializer(many=True)
    backtest = BacktestSerializer(many=True)
    costs = CostYearSerializer(many=True)
    unit_costs_weekly = serializers.DictField(child=serializers.FloatField(), help_text="Pounds per week")
    model = ModelChoiceSerializer(allow_null=True, help_text="How the model was chosen (null for older runs)")
    run = RunInfoSerializer()


# --- the region's forecasts ---------------------------------------------------------------------------


class ProjectedFigureSerializer(serializers.Serializer):
    """A projected number: in full for your own authority; for others a whole number, or null with
    `suppressed: true` under the suppression threshold."""

    value = serializers.FloatField(allow_null=True)
    suppressed = serializers.BooleanField()


class ProjectionSerializer(serializers.Serializer):
    months_ahead = serializers.IntegerField()
    month_end = serializers.DateField()
    mean = ProjectedFigureSerializer()
    p10 = ProjectedFigureSerializer()
    p90 = ProjectedFigureSerializer()


class RegionalForecastAuthoritySerializer(serializers.Serializer):
    authority = serializers.CharField(help_text="DfE code")
    name = serializers.CharField()
    own = serializers.BooleanField(help_text="True for the caller's own authority (nothing suppressed)")
    data_available = serializers.BooleanField(help_text="False until the authority has a forecast")
    as_at = serializers.DateField(allow_null=True)
    projections = ProjectionSerializer(many=True, help_text="12, 24 and 36 months ahead (within the horizon)")


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "West Midlands seen from Walsall",
            value={
                "region": "E12000005",
                "region_name": "West Midlands",
                "scenario": "baseline",
                "suppression_threshold": 5,
                "authorities": [
                    {
                        "authority": "333",
                        "name": "Sandwell",
                        "own": False,
                        "data_available": True,
                        "as_at": "2026-03-31",
                        "projections": [
                            {
                                "months_ahead": 12,
                                "month_end": "2027-03-31",
                                "mean": {"value": 861, "suppressed": False},
                                "p10": {"value": 840, "suppressed": False},
                                "p90": {"value": 883, "suppressed": False},
                            }
                        ],
                    }
                ],
            },
            response_only=True,
        )
    ]
)
class RegionalForecastsSerializer(serializers.Serializer):
    """Projected children in care (baseline) for every authority of a region."""

    region = serializers.CharField()
    region_name = serializers.CharField()
    scenario = serializers.CharField()
    suppression_threshold = serializers.IntegerField()
    authorities = RegionalForecastAuthoritySerializer(many=True)


# --- an authority's gap (forecasting.gap_services.gap_assessment_as_dict) -----------------------------


class GapValueSerializer(serializers.Serializer):
    """Demand against capacity for one financial year and kind of place (gap group)."""

    financial_year = serializers.CharField()
    month_end = serializers.DateField(help_text="The month end demand is read at")
    group = serializers.CharField(help_text="fostering, residential, secure, school or supported")
    demand_mean = serializers.FloatField()
    demand_p90 = serializers.FloatField()
    inhouse_places = serializers.IntegerField()
    block_beds = serializers.IntegerField()
    external_mean = serializers.FloatField()
    external_p90 = serializers.FloatField()
    external_share = serializers.FloatField(allow_null=True, help_text="Percent of demand bought externally")
    local_places = serializers.IntegerField()
    local_used_ours = serializers.IntegerField()
    local_used_others = serializers.IntegerField()
    local_available = serializers.IntegerField()
    local_shortfall = serializers.FloatField()
    local_cover = serializers.FloatField(allow_null=True)


class GapCapacitySerializer(serializers.Serializer):
    """The authority's own places the gap counts, as at the gap's date."""

    inhouse_fostering_places = serializers.IntegerField(
        required=False,
        help_text="Usable in-house fostering places: places approved less those not available (a carer's "
        "break, an investigation, own children, staying put, held for a sibling group, household on hold)",
    )
    inhouse_fostering_approved_places = serializers.IntegerField(
        required=False,
        help_text="Approved places of the in-house fostering households available to take children",
    )
    inhouse_fostering_turnover = serializers.IntegerField(
        required=False,
        help_text="Expected turnover: in-house fostering places expected to come free in the next 12 months "
        "(the in-house fostering placements that ended in the 12 months to the date), shown beside the usable "
        "places and not added to them; absent from gaps computed before it was kept",
    )
    inhouse_residential_places = serializers.IntegerField(required=False)
    block_beds = serializers.DictField(
        child=serializers.IntegerField(), required=False, help_text="By category"
    )


class LocalCapacitySerializer(serializers.Serializer):
    group = serializers.CharField()
    settings = serializers.IntegerField()
    places = serializers.IntegerField()
    used_ours = serializers.IntegerField()
    used_others = serializers.IntegerField()
    free = serializers.IntegerField()


class CurrentPositionSerializer(serializers.Serializer):
    category = serializers.CharField()
    children = serializers.IntegerField()
    distance_known = serializers.IntegerField()
    over_20_miles = serializers.IntegerField()
    boundary_known = serializers.IntegerField()
    outside_la = serializers.IntegerField()
    local = serializers.IntegerField()
    judged = serializers.IntegerField()
    below_good = serializers.IntegerField()


class ShareLocalSerializer(serializers.Serializer):
    children = serializers.IntegerField()
    local = serializers.IntegerField()


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "Walsall's gap (one row shown)",
            value={
                "authority": "335",
                "as_at": "2026-03-31",
                "computed_at": "2026-04-02T03:10:00+00:00",
                "forecast_run": 17,
                "radius_miles": 20.0,
                "capacity": {
                    "inhouse_fostering_places": 310,
                    "inhouse_fostering_approved_places": 352,
                    "inhouse_fostering_turnover": 64,
                    "inhouse_residential_places": 18,
                    "block_beds": {"residential_external": 12},
                },
                "local": [
                    {"group": "residential", "settings": 41, "places": 152, "used_ours": 30, "used_others": 88, "free": 34}
                ],
                "current": [],
                "share_local": {"residential": {"children": 61, "local": 22}},
                "values": [
                    {
                        "financial_year": "2026-27", "month_end": "2027-03-31", "group": "residential",
                        "demand_mean": 82.4, "demand_p90": 91.0, "inhouse_places": 18, "block_beds": 12,
                        "external_mean": 52.4, "external_p90": 61.0, "external_share": 63.6, "local_places": 152,
                        "local_used_ours": 30, "local_used_others": 88, "local_available": 64,
                        "local_shortfall": 0.0, "local_cover": 1.84,
                    }
                ],
            },
            response_only=True,
        )
    ]
)  # fmt: skip
class GapAssessmentSerializer(serializers.Serializer):
    """The caller's own authority's sufficiency gap: forecast demand against in-house, block and local
    capacity per financial year and kind of place, and where its children live now."""

    authority = serializers.CharField(help_text="DfE code")
    as_at = serializers.DateField()
    computed_at = serializers.DateTimeField()
    forecast_run = serializers.IntegerField(allow_null=True)
    radius_miles = serializers.FloatField(
        help_text="A setting is local within this distance (or in the area)"
    )
    capacity = GapCapacitySerializer()
    local = LocalCapacitySerializer(many=True)
    current = CurrentPositionSerializer(many=True)
    share_local = serializers.DictField(child=ShareLocalSerializer(), help_text="By gap group")
    values = GapValueSerializer(many=True)


# --- the region's gaps ---------------------------------------------------------------------------------


class RegionalGapRowSerializer(serializers.Serializer):
    """One financial year and kind of place of one authority's gap."""

    financial_year = serializers.CharField(help_text="April-March, e.g. 2026-27")
    month_end = serializers.DateField()
    group = serializers.CharField(help_text="Kind of place (gap group)")
    group_label = serializers.CharField()
    demand_mean = ProjectedFigureSerializer(help_text="Forecast children needing this kind of place")
    demand_p90 = ProjectedFigureSerializer()
    inhouse_places = ProjectedFigureSerializer()
    block_beds = ProjectedFigureSerializer()
    external_share = ProjectedFigureSerializer(help_text="Percent of demand to buy externally")
    local_places = ProjectedFigureSerializer(help_text="Registered places inside the area or within 20 miles")
    local_used_others = ProjectedFigureSerializer(help_text="Local places other authorities' children fill")


class RegionalGapAuthoritySerializer(serializers.Serializer):
    authority = serializers.CharField(help_text="DfE code")
    name = serializers.CharField()
    own = serializers.BooleanField(help_text="True for the caller's own authority (nothing suppressed)")
    data_available = serializers.BooleanField(help_text="False until the authority's gap has been computed")
    as_at = serializers.DateField(allow_null=True)
    rows = RegionalGapRowSerializer(many=True)


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "West Midlands seen from Walsall",
            value={
                "region": "E12000005",
                "region_name": "West Midlands",
                "suppression_threshold": 5,
                "authorities": [
                    {
                        "authority": "333",
                        "name": "Sandwell",
                        "own": False,
                        "data_available": True,
                        "as_at": "2026-03-31",
                        "rows": [
                            {
                                "financial_year": "2026-27",
                                "month_end": "2027-03-31",
                                "group": "secure",
                                "group_label": "Secure children's homes",
                                "demand_mean": {"value": None, "suppressed": True},
                                "demand_p90": {"value": 5, "suppressed": False},
                                "inhouse_places": {"value": None, "suppressed": True},
                                "block_beds": {"value": None, "suppressed": True},
                                "external_share": {"value": None, "suppressed": True},
                                "local_places": {"value": 8, "suppressed": False},
                                "local_used_others": {"value": 6, "suppressed": False},
                            }
                        ],
                    }
                ],
            },
            response_only=True,
        )
    ]
)
class RegionalGapsSerializer(serializers.Serializer):
    """The sufficiency gap of every authority of a region, by financial year and kind of place."""

    region = serializers.CharField()
    region_name = serializers.CharField()
    suppression_threshold = serializers.IntegerField()
    authorities = RegionalGapAuthoritySerializer(many=True)
