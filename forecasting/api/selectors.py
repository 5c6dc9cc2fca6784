"""Reads composed for the API: an authority's forecast, and the region's forecasts and gaps with
disclosure control (primary and secondary suppression as one linked table) for every authority other
than the caller's own."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sufficiency.authorities.models import LocalAuthority, Region
from sufficiency.core.suppression import SUPPRESSION_THRESHOLD, Figure, Relation, suppress_linked

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


FORECAST_STATS = ("mean", "p10", "p90")


def _count(value: float | None) -> int | None:
    return None if value is None else int(round(float(value)))


def _shown(value: float | None, figure: Figure | None, own: bool) -> dict[str, Any]:
    """A figure in full for the caller's own authority; for any other, the whole number as the linked
    suppression published it."""
    if value is None:
        return {"value": None, "suppressed": False}
    if own:
        return {"value": round(float(value), 1), "suppressed": False}
    assert figure is not None
    return figure.as_dict()


def _regional_row(authority: LocalAuthority, own: bool) -> dict[str, Any]:
    return {"authority": authority.dfe_code, "name": authority.name, "own": own, "data_available": False}


def _regional_data(region: Region) -> tuple[dict[int, Any], dict[int, Any]]:
    """Each authority's latest baseline forecast at the regional horizons, and its latest gap rows."""
    forecasts: dict[int, tuple[ForecastRun, list[ForecastValue]]] = {}
    for authority in region.authorities.all():
        run = latest_forecast_run(authority=authority)
        if run is not None:
            values = list(
                ForecastValue.objects.filter(
                    run=run,
                    scenario=BASELINE,
                    dimension=DimensionChoices.TOTAL,
                    months_ahead__in=REGIONAL_HORIZONS,
                ).order_by("months_ahead")
            )
            forecasts[authority.pk] = (run, values)
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
    gaps = {la: (a, values_by_assessment.get(a.pk, [])) for la, a in assessments.items()}
    return forecasts, gaps


def regional_figures(
    *, forecasts: dict[int, Any], gaps: dict[int, Any], own_authority_ids: Collection[int]
) -> dict[Any, Figure]:
    """The region's forecasts and gaps as one linked table, suppressed by the one disclosure-control
    function (`suppress_linked`): primary suppression of counts 1 to 4, and secondary suppression across
    every sum a reader can form from what the API publishes. An authority's gap demand per kind of place
    at a month adds up to its forecast total at that month (both published), so the forecast total less
    the other kinds of place gives no suppressed demand back, nor the kinds of place the suppressed total.
    Totals the API does not publish (an authority's gap columns summed over kinds of place) link nothing.
    The caller's own authorities are known (never suppressed). Keys: ("forecast", la, months_ahead,
    stat), ("gap", la, financial_year, group, field)."""
    values: dict[Any, int] = {}
    relations: list[Relation] = []
    for la, (_run, projections) in forecasts.items():
        for v in projections:
            for stat in FORECAST_STATS:
                count = _count(getattr(v, stat))
                if count is not None:
                    values["forecast", la, v.months_ahead, stat] = count
    for la, (_assessment, rows) in gaps.items():
        by_year: dict[str, list[dict[str, Any]]] = {}
        for row in rows:
            by_year.setdefault(row["financial_year"], []).append(row)
            for field in GAP_COUNT_FIELDS:
                count = _count(row[field])
                if count is not None:
                    values["gap", la, row["financial_year"], row["group"], field] = count
        projections = forecasts.get(la, (None, []))[1]
        forecast_at = {v.month_end: v.months_ahead for v in projections}
        for year, year_rows in by_year.items():
            month = year_rows[0]["month_end"]
            if month not in forecast_at:
                continue
            forecast_key = ("forecast", la, forecast_at[month], "mean")
            parts = [("gap", la, year, r["group"], "demand_mean") for r in year_rows]
            parts = [p for p in parts if p in values]
            if forecast_key in values and parts:
                relations.append((forecast_key, parts))
    known = {k for k in values if k[1] in set(own_authority_ids)}
    return suppress_linked(values, relations, known=known)


def regional_forecasts(*, region: Region, own_authority_ids: Collection[int]) -> dict[str, Any]:
    """Per authority of the region, the baseline projection of the total children in care 12, 24 and 36
    months after its latest forecast's as-at date (mean and 80% interval). The caller's own authorities are
    shown in full, others as whole numbers through the region's linked suppression (`regional_figures`)."""
    forecasts, gaps = _regional_data(region)
    figures = regional_figures(forecasts=forecasts, gaps=gaps, own_authority_ids=own_authority_ids)
    rows = []
    for authority in region.authorities.order_by("name"):
        own = authority.pk in own_authority_ids
        row = _regional_row(authority, own) | {"as_at": None, "projections": []}
        if authority.pk in forecasts:
            run, values = forecasts[authority.pk]
            row["data_available"] = True
            row["as_at"] = run.as_at
            row["projections"] = [
                {
                    "months_ahead": v.months_ahead,
                    "month_end": v.month_end,
                    **{
                        stat: _shown(
                            getattr(v, stat),
                            figures.get(("forecast", authority.pk, v.months_ahead, stat)),
                            own,
                        )
                        for stat in FORECAST_STATS
                    },
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


def _gap_row(value: dict[str, Any], own: bool, la: int, linked: dict[Any, Figure]) -> dict[str, Any]:
    group = GAP_GROUP_BY_KEY.get(value["group"])
    figures = {
        field: _shown(
            value[field], linked.get(("gap", la, value["financial_year"], value["group"], field)), own
        )
        for field in GAP_COUNT_FIELDS
    }
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
    authorities; for others, whole numbers through the region's linked suppression (`regional_figures`,
    the same table the regional forecasts read), and the external share withheld with a suppressed part."""
    forecasts, gaps = _regional_data(region)
    figures = regional_figures(forecasts=forecasts, gaps=gaps, own_authority_ids=own_authority_ids)
    rows = []
    for authority in region.authorities.order_by("name"):
        own = authority.pk in own_authority_ids
        row = _regional_row(authority, own) | {"as_at": None, "rows": []}
        if authority.pk in gaps:
            assessment, values = gaps[authority.pk]
            row["data_available"] = True
            row["as_at"] = assessment.as_at
            row["rows"] = [_gap_row(v, own, authority.pk, figures) for v in values]
        rows.append(row)
    return {
        "region": region.code,
        "region_name": region.name,
        "suppression_threshold": SUPPRESSION_THRESHOLD,
        "authorities": rows,
    }
