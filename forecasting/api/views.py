"""Forecast and gap endpoints, mixed into the authorities and regions viewsets of `sufficiency.api.views`:

* `GET /authorities/{code}/forecast/?scenario=` and `/authorities/{code}/gap/`: your own authority only.
* `GET /regions/{code}/forecasts/` and `/regions/{code}/gaps/`: every authority of your region, yours in
  full, the others with small numbers suppressed.

Nothing is computed here: forecasts and gaps are computed by workers and read as stored. Before the first
one exists the answer is 404 with a detail saying so.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from sufficiency.core.api import caller_region, own_authority

from ..choices import BASELINE
from ..gap_services import gap_assessment_as_dict
from ..selectors import forecast_as_json, latest_forecast_run
from .selectors import regional_forecasts, regional_gaps, scenario_names
from .serializers import (
    ForecastInputSerializer,
    ForecastSerializer,
    GapAssessmentSerializer,
    RegionalForecastsSerializer,
    RegionalGapsSerializer,
)

NO_FORECAST = "No forecast has been computed for this authority yet: import its data and run one."
NO_GAP = "No sufficiency gap has been computed for this authority yet: it follows an import or a forecast."
ACTION_OPTIONS = {"detail": True, "methods": ["get"], "pagination_class": None, "filter_backends": []}

__all__ = ["AuthorityForecastActions", "RegionForecastActions"]


class AuthorityForecastActions:
    """`forecast` and `gap` actions of the authorities viewset (scope `read:aggregate`, own authority)."""

    @extend_schema(
        summary="The latest forecast of your own authority, for one scenario",
        tags=["forecasts"],
        parameters=[
            OpenApiParameter(
                "scenario", OpenApiTypes.STR, description="Scenario name (default baseline); see `scenarios`"
            )
        ],
        responses={200: ForecastSerializer},
    )
    @action(url_path="forecast", url_name="forecast", **ACTION_OPTIONS)
    def forecast(self, request: Request, code: str | None = None) -> Response:
        """Your own authority only (404 otherwise, and 404 until a forecast has succeeded). An unknown
        scenario is 400, listing the scenarios the forecast holds."""
        authority = own_authority(self, request)
        params = ForecastInputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        run = latest_forecast_run(authority=authority)
        if run is None:
            raise NotFound(NO_FORECAST)
        names = scenario_names(run=run)
        if not names:
            raise NotFound(NO_FORECAST)
        scenario = params.validated_data.get("scenario") or BASELINE
        if scenario not in names:
            raise ValidationError({"scenario": [f"Unknown scenario: choose one of {', '.join(names)}."]})
        document = forecast_as_json(run=run, scenario=scenario) | {"scenarios": names}
        return Response(ForecastSerializer(document).data)

    @extend_schema(
        summary="The sufficiency gap of your own authority",
        tags=["gaps"],
        responses={200: GapAssessmentSerializer},
    )
    @action(url_path="gap", url_name="gap", **ACTION_OPTIONS)
    def gap(self, request: Request, code: str | None = None) -> Response:
        """Your own authority only (404 otherwise, and 404 until the gap has been computed)."""
        authority = own_authority(self, request)
        assessment = gap_assessment_as_dict(authority=authority)
        if assessment is None:
            raise NotFound(NO_GAP)
        return Response(GapAssessmentSerializer({"authority": authority.dfe_code, **assessment}).data)


class RegionForecastActions:
    """`forecasts` and `gaps` actions of the regions viewset (scope `read:aggregate`, own region)."""

    @extend_schema(
        summary="Projected children in care in every authority of the region (suppressed for others)",
        tags=["forecasts"],
        responses={200: RegionalForecastsSerializer},
    )
    @action(url_path="forecasts", url_name="forecasts", **ACTION_OPTIONS)
    def forecasts(self, request: Request, code: str | None = None) -> Response:
        """The baseline total 12, 24 and 36 months ahead (mean, 10th and 90th percentiles) per authority of
        your region (404 for another region). Other authorities' figures are whole numbers, suppressed under
        5."""
        region, ids = caller_region(self, request)
        return Response(
            RegionalForecastsSerializer(regional_forecasts(region=region, own_authority_ids=ids)).data
        )

    @extend_schema(
        summary="The sufficiency gaps of every authority of the region (suppressed for others)",
        tags=["gaps"],
        responses={200: RegionalGapsSerializer},
    )
    @action(url_path="gaps", url_name="gaps", **ACTION_OPTIONS)
    def gaps(self, request: Request, code: str | None = None) -> Response:
        """Per authority of your region (404 for another region) and financial year and kind of place:
        demand, in-house and block capacity, the external share, local places and those used by other
        authorities. Other authorities' counts under 5 are suppressed, and the external share with them."""
        region, ids = caller_region(self, request)
        return Response(RegionalGapsSerializer(regional_gaps(region=region, own_authority_ids=ids)).data)
