"""Computing and reading an authority's sufficiency gap (the calculation itself is forecasting/gap.py).

`gap_assessment_compute` runs in a worker after every successful forecast (so after every import, whose
hook recomputes the forecast, and every night), never in a web request; the dashboards only read it. It reads the register through placements' selectors, the latest
successful forecast, and Ofsted's settings, and replaces the authority's `GapAssessment`.

**Where "local" is.** A setting is local when it is in the authority's area (Ofsted's local authority) or
within 20 miles of the authority's reference point: the centre (mean OS grid reference) of a fixed
sample of the area's postcodes from the ONS Postcode Directory. A setting is placed by its postcode;
where Ofsted withholds it (children's homes' postcodes are published as REDACTED) by the centre of its
own authority's area. For a large county this radius is generous near the centre and tight at the edges;
settings anywhere inside the county always count.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
from django.db import transaction
from django.utils import timezone

from placements import geo
from placements import selectors as register
from placements.counting import in_care_on
from placements.supply.capacity import expected_turnover_for_authority, household_rows_for_authority
from placements.supply.selectors import (
    active_settings_rows,
    block_contract_rows,
    capacity_summary_for_authority,
    setting_occupancy,
)
from sufficiency.authorities.models import LocalAuthority
from sufficiency.core import periods

from . import gap
from .choices import BASELINE, RunStatusChoices
from .models import ForecastRun, ForecastValue, GapAssessment, GapValue

logger = logging.getLogger(__name__)

#: Postcodes sampled to place an authority's centre (a fixed seed keeps it stable between runs).
CENTRE_SAMPLE = 200


@lru_cache(maxsize=256)
def authority_centre(ons_code: str) -> tuple[float, float] | None:
    """Mean OS grid easting/northing of a fixed sample of an authority's postcodes (None if unknown)."""
    try:
        sample = geo.sample_postcodes(ons_code, CENTRE_SAMPLE, seed=0)
    except Exception:  # noqa: BLE001 - no postcode data for the code: the authority has no centre
        return None
    if not sample:
        return None
    located = geo.locate(pd.Series(sample))
    located = located.dropna(subset=["easting", "northing"])
    if located.empty:
        return None
    return float(located["easting"].mean()), float(located["northing"].mean())


SettingLocator = Callable[[pd.DataFrame, LocalAuthority], pd.Series]


def miles_from_authority(settings: pd.DataFrame, authority: LocalAuthority) -> pd.Series:
    """Miles (DfE formula, 1 d.p.) from the authority's centre to each setting (NaN when unknown).

    ``settings``: postcode, la_ons (the ONS code of the setting's authority, or None).
    """
    centre = authority_centre(authority.ons_code)
    if centre is None or settings.empty:
        return pd.Series(np.nan, index=settings.index, dtype=float)
    postcodes = settings["postcode"].fillna("").astype(str)
    located = geo.locate(postcodes.where(postcodes.str.len() > 0, None))
    east = located["easting"].to_numpy(dtype=float).copy()
    north = located["northing"].to_numpy(dtype=float).copy()
    missing = np.isnan(east) | np.isnan(north)
    for i in np.flatnonzero(missing):
        code = settings["la_ons"].iloc[i]
        fallback = authority_centre(code) if code else None
        if fallback is not None:
            east[i], north[i] = fallback
    miles = np.sqrt((east - centre[0]) ** 2 + (north - centre[1]) ** 2) / 1000 / geo.KM_PER_MILE
    return pd.Series(np.round(miles, 1), index=settings.index)


def local_settings_frame(
    *, authority: LocalAuthority, on: dt.date, locator: SettingLocator | None = None
) -> pd.DataFrame:
    """Registered settings of the kinds the gap groups use, inside the area or within 20 miles of it, with
    their places and how many children (ours and other authorities') live in each on the date."""
    rows = active_settings_rows(provision_types=list(gap.GROUP_OF_PROVISION))
    columns = [
        "setting_id", "urn", "name", "provision_type", "places", "la_id", "la_ons", "la_name", "postcode",
    ]  # fmt: skip
    frame = pd.DataFrame.from_records(rows, columns=columns)
    if frame.empty:
        return frame.assign(
            judgement=[], judgement_date=[], inside_area=[], miles=[], used_ours=[], used_others=[]
        )
    frame["inside_area"] = frame["la_id"] == authority.pk
    frame["miles"] = (locator or miles_from_authority)(frame, authority)
    local = frame["inside_area"] | (frame["miles"] <= gap.LOCAL_RADIUS_MILES)
    frame = frame.loc[local].reset_index(drop=True)
    # The judgement as at the date, by the one definition every page uses.
    judgements = register.judgements_for_urns_on(urns=[u for u in frame["urn"] if u], on=on)
    frame["judgement"] = frame["urn"].map(lambda u: judgements.get(u, (None, None))[0])
    frame["judgement_date"] = frame["urn"].map(lambda u: judgements.get(u, (None, None))[1])
    occupancy = setting_occupancy(authority=authority, setting_ids=frame["setting_id"].tolist(), on=on)
    frame["used_ours"] = [occupancy[pk]["own"] for pk in frame["setting_id"]]
    frame["used_others"] = [occupancy[pk]["other"] for pk in frame["setting_id"]]
    return frame


def block_contract_frame(*, authority: LocalAuthority) -> pd.DataFrame:
    rows = block_contract_rows(authority=authority)
    return pd.DataFrame.from_records(rows, columns=["category", "beds", "start_date", "end_date"])


def current_frame(*, authority: LocalAuthority, on: dt.date) -> pd.DataFrame:
    """Children in care on the date (counting rules applied) with the Ofsted judgement of their setting."""
    episodes = register.episode_frame_for_authority(authority=authority)
    children = register.child_frame_for_authority(authority=authority)
    current = in_care_on(episodes, on, children=children)
    urns = sorted({u for u in current.get("urn", pd.Series(dtype=object)).dropna() if u})
    judgements = register.judgements_for_urns_on(urns=urns, on=on)
    current["judgement"] = (
        current["urn"].map(lambda u: judgements.get(u, (None, None))[0]) if "urn" in current else None
    )
    return current


def demand_frame(*, run: ForecastRun | None, scenario: str = BASELINE) -> pd.DataFrame:
    """A scenario's forecast (the baseline by default) by category (month_end, category, mean, p90) of a
    run; empty without one."""
    if run is None:
        return pd.DataFrame(columns=["month_end", "category", "mean", "p90"])
    rows = ForecastValue.objects.filter(run=run, scenario=scenario, dimension="category").values_list(
        "month_end", "key", "mean", "p90"
    )
    return pd.DataFrame.from_records(list(rows), columns=["month_end", "category", "mean", "p90"])


def _latest_run(authority: LocalAuthority) -> ForecastRun | None:
    return (
        ForecastRun.objects.filter(authority=authority, status=RunStatusChoices.SUCCEEDED)
        .order_by("-finished_at", "-pk")
        .first()
    )


_LATEST = object()


def gap_assessment_compute(
    *,
    authority: LocalAuthority,
    as_at: dt.date | None = None,
    locator: SettingLocator | None = None,
    settings: pd.DataFrame | None = None,
    run: Any = _LATEST,
) -> GapAssessment | None:
    """Recompute and persist the authority's gap. None when the register holds nothing to count yet.

    ``settings`` (from :func:`local_settings_frame`) and ``run`` (a ForecastRun or None) may be passed by a
    caller that already has them; by default they are read here (the latest successful forecast).
    """
    if as_at is None:
        latest = register.register_data_date(authority=authority)
        if latest is None:
            return None
        as_at = periods.default_as_at(data_end=latest, today=timezone.localdate())
    if run is _LATEST:
        run = _latest_run(authority)
    capacity = capacity_summary_for_authority(authority=authority, on=as_at)
    # Foster care counts usable places (approved less those not available), not approved places.
    fostering_usable = sum(
        row.usable_places
        for row in household_rows_for_authority(authority=authority, on=as_at, route="in_house")
    )
    if settings is None:
        settings = local_settings_frame(authority=authority, on=as_at, locator=locator)
    local = gap.local_capacity(settings)
    demand = gap.demand_by_financial_year(demand_frame(run=run))
    table = gap.demand_capacity_gap(
        demand,
        inhouse_fostering_places=fostering_usable,
        inhouse_residential_places=capacity["residential"]["usable_places"],
        block_contracts=block_contract_frame(authority=authority),
        local=local,
    )
    position = gap.current_position(current_frame(authority=authority, on=as_at))
    with transaction.atomic():
        assessment, _ = GapAssessment.objects.update_or_create(
            authority=authority,
            defaults={
                "forecast_run": run,
                "as_at": as_at,
                "computed_at": timezone.now(),
                "local_radius_miles": gap.LOCAL_RADIUS_MILES,
                "capacity": {
                    "inhouse_fostering_places": fostering_usable,
                    "inhouse_fostering_approved_places": capacity["fostering"]["inhouse_available_places"],
                    # Shown beside usable places, not added to them: the gap compares places held now.
                    "inhouse_fostering_turnover": expected_turnover_for_authority(
                        authority=authority, on=as_at
                    )["in_house"],
                    "inhouse_residential_places": capacity["residential"]["usable_places"],
                    "block_beds": capacity["block_beds"],
                },
                "local": local.to_dict("records"),
                "current": position.to_dict("records"),
                "share_local": gap.share_local_by_group(position),
            },
        )
        GapValue.objects.filter(assessment=assessment).delete()
        GapValue.objects.bulk_create(
            [GapValue(assessment=assessment, **_clean(row)) for row in table.to_dict("records")]
        )
    return assessment


def _clean(row: dict[str, Any]) -> dict[str, Any]:
    return {k: (None if isinstance(v, float) and np.isnan(v) else v) for k, v in row.items()}


def _json_row(row: dict[str, Any]) -> dict[str, Any]:
    """A gap row as plain JSON-ready data: NaN as None, month ends as ISO dates (a published statement
    stores its document as JSON)."""
    return {k: v.isoformat()[:10] if isinstance(v, dt.date) else v for k, v in _clean(row).items()}


def gap_assessment_as_dict(*, authority: LocalAuthority) -> dict[str, Any] | None:
    """The persisted gap as plain JSON-ready data (for the dashboards rollup and the API)."""
    assessment = GapAssessment.objects.filter(authority=authority).first()
    if assessment is None:
        return None
    values = [
        _json_row(row) for row in GapValue.objects.filter(assessment=assessment).values(*gap.GAP_COLUMNS)
    ]
    return {
        "as_at": assessment.as_at.isoformat(),
        "computed_at": assessment.computed_at.isoformat(),
        "forecast_run": assessment.forecast_run_id,
        "radius_miles": assessment.local_radius_miles,
        "capacity": assessment.capacity,
        "local": assessment.local,
        "current": assessment.current,
        "share_local": assessment.share_local,
        "values": values,
    }


def scenario_gaps(*, authority: LocalAuthority) -> dict[str, list[dict[str, Any]]]:
    """The gap under every scenario of the forecast run the authority's latest assessment used (the baseline
    first, then the scenarios by name): each scenario's demand by category against the assessment's own
    places (usable in-house places and the local places it recorded) and the block contracts, through the
    same calculation (`gap.demand_capacity_gap`). The baseline's rows are the assessment's. JSON-ready (ISO
    dates). Empty when there is no assessment or it had no forecast."""
    assessment = GapAssessment.objects.filter(authority=authority).select_related("forecast_run").first()
    if assessment is None or assessment.forecast_run is None:
        return {}
    run = assessment.forecast_run
    names = set(
        ForecastValue.objects.filter(run=run, dimension="category")
        .values_list("scenario", flat=True)
        .distinct()
    )
    capacity = assessment.capacity or {}
    local = pd.DataFrame.from_records(assessment.local or [], columns=gap.LOCAL_COLUMNS)
    contracts = block_contract_frame(authority=authority)
    out: dict[str, list[dict[str, Any]]] = {}
    if BASELINE in names:
        out[BASELINE] = [
            _json_row(row) for row in GapValue.objects.filter(assessment=assessment).values(*gap.GAP_COLUMNS)
        ]
    for name in sorted(names - {BASELINE}):
        table = gap.demand_capacity_gap(
            gap.demand_by_financial_year(demand_frame(run=run, scenario=name)),
            inhouse_fostering_places=int(capacity.get("inhouse_fostering_places", 0)),
            inhouse_residential_places=int(capacity.get("inhouse_residential_places", 0)),
            block_contracts=contracts,
            local=local,
        )
        out[name] = [_json_row(row) for row in table.to_dict("records")]
    order = {g.key: i for i, g in enumerate(gap.GAP_GROUPS)}
    return {
        name: sorted(rows, key=lambda r: (str(r["financial_year"]), order.get(str(r["group"]), len(order))))
        for name, rows in out.items()
    }
