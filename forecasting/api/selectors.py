"""Reads composed for the API: an authority's forecast, and the region's forecasts and gaps with
small-number suppression for every authority other than the caller's own."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sufficiency.authorities.models import LocalAuthority, Region
from sufficiency.core.suppression import SUPPRESSION_THRESHOLD, suppress_small

from ..choices import BASELINE, DimensionChoices
from ..gap import GAP_GROUP_BY_KEY
from ..models import ForecastRun, ForecastValue, GapAssessment, GapValue
from ..selectors import latest_forecast_run

#: Months ahead of the forecast's as-at date that the regional view shows.
REGIONAL_HORIZONS = (12, 24, 36)
#: Gap columns that count children or places: suppressed under the threshold for other authorities.
GAP_COUNT_FIELDS = (
    "demand_mean",
    "demand_p90",
    "inhouse_places",
    "block_beds",
    "local_places",
    "local_used_others",
)


def scenario_names(*, run: ForecastRun) -> list[str]:
    """The scenarios a run holds values for: the baseline first, then the others by name."""
    names = set(ForecastValue.objects.filter(run=run).values_list("scenario", flat=True).distinct())
    return ([BASELINE] if BASELINE in names else []) + sorted(names - {BASELINE})


def _figure(value: float | None, own: bool) -> dict[str, Any]:
    """A figure in full for the caller's own authority; rounded to a whole number and suppressed under
    the threshold for any other."""
    if value is None:
        return {"value": None, "suppressed": False}
    if own:
        return {"value": round(float(value), 1), "suppressed": False}
    return suppress_small(int(round(float(value)))).as_dict()


def _regional_row(authority: LocalAuthority, own: bool) -> dict[str, Any]:
    return {"authority": authority.dfe_code, "name": authority.name, "own": own, "data_available": False}


def regional_forecasts(*, region: Region, own_authority_ids: Collection[int]) -> dict[str, Any]:
    """Per authority of the region, the baseline projection of the total children in care 12, 24 and 36
    months after its latest forecast's as-at date (mean and 80% interval). The caller's own authorities are
    shown in full, others as whole numbers with counts under the threshold suppressed."""
    rows = []
    for authority in region.authorities.order_by("name"):
        own = authority.pk in own_authority_ids
        row = _regional_row(authority, own) | {"as_at": None, "projections": []}
        run = latest_forecast_run(authority=authority)
        if run is not None:
            values = ForecastValue.objects.filter(
                run=run,
                scenario=BASELINE,
                dimension=DimensionChoices.TOTAL,
                months_ahead__in=REGIONAL_HORIZONS,
            ).order_by("months_ahead")
            row["data_available"] = True
            row["as_at"] = run.as_at
            row["projections"] = [
                {
                    "months_ahead": v.months_ahead,
                    "month_end": v.month_end,
                    "mean": _figure(v.mean, own),
                    "p10": _figure(v.p10, own),
                    "p90": _figure(v.p90, own),
                }
                for v in values
            ]
        rows.append(row)
    return {
        "region": region.code,
        "region_name": region.name,
        "scenario": BASELINE,
        "suppression_threshold": SUPPRESSION_THRESHOLD,
        "authorities": rows,
    }


def _gap_row(value: dict[str, Any], own: bool) -> dict[str, Any]:
    group = GAP_GROUP_BY_KEY.get(value["group"])
    figures = {field: _figure(value[field], own) for field in GAP_COUNT_FIELDS}
    share = value["external_share"]
    # The share of demand bought externally is (demand - in-house - block) / demand: with any of those
    # suppressed it would give the hidden one away, so it is withheld too.
    share_hidden = not own and any(
        figures[field]["suppressed"] for field in ("demand_mean", "inhouse_places", "block_beds")
    )
    return {
        "financial_year": value["financial_year"],
        "month_end": value["month_end"],
        "group": value["group"],
        "group_label": group.label if group else value["group"],
        **figures,
        "external_share": {
            "value": None if share_hidden or share is None else round(float(share), 1),
            "suppressed": bool(share_hidden),
        },
    }


def regional_gaps(*, region: Region, own_authority_ids: Collection[int]) -> dict[str, Any]:
    """Per authority of the region, its latest sufficiency gap rows (financial year x kind of place):
    forecast demand (mean, 90th percentile), in-house places, block-contracted beds, the external share,
    local places and how many of them other authorities' children fill. Full for the caller's own
    authorities; for others, counts under the threshold are suppressed (and the external share with them)."""
    assessments = {
        a.authority_id: a
        for a in GapAssessment.objects.filter(authority__region=region).only("authority", "as_at")
    }
    values_by_assessment: dict[int, list[dict[str, Any]]] = {}
    for value in (
        GapValue.objects.filter(assessment__in=[a.pk for a in assessments.values()])
        .order_by("financial_year", "group")
        .values("assessment_id", "financial_year", "month_end", "group", "external_share", *GAP_COUNT_FIELDS)
    ):
        values_by_assessment.setdefault(value["assessment_id"], []).append(value)
    rows = []
    for authority in region.authorities.order_by("name"):
        own = authority.pk in own_authority_ids
        row = _regional_row(authority, own) | {"as_at": None, "rows": []}
        assessment = assessments.get(authority.pk)
        if assessment is not None:
            row["data_available"] = True
            row["as_at"] = assessment.as_at
            row["rows"] = [_gap_row(v, own) for v in values_by_assessment.get(assessment.pk, [])]
        rows.append(row)
    return {
        "region": region.code,
        "region_name": region.name,
        "suppression_threshold": SUPPRESSION_THRESHOLD,
        "authorities": rows,
    }
