"""The sufficiency gap: forecast demand against the places an authority has, and the places near it.

Pure pandas (no Django), so every number can be checked against a hand-built fixture. Three parts:

* **Demand against capacity** (:func:`demand_capacity_gap`), per financial year of the forecast horizon and
  per *gap group* (the kinds of place commissioners buy: foster care, children's homes, secure,
  residential schools, supported accommodation). Demand is the forecast number of children in the group's
  planning categories at the year's last projected month end (31 March when the horizon reaches it): the
  mean, and the 90th percentile summed over the group's categories (a cautious upper figure, as the
  categories' percentiles do not simply add). In-house capacity is today's (available in-house fostering
  places; usable places in open in-house homes); block-contracted beds are those in force at that month
  end. What is left must be bought externally: ``external = max(demand - in-house - block, 0)``.
* **The local gap** (:func:`local_capacity`, also in the gap rows): Ofsted-registered places of the group's
  provision types in settings *inside the authority's area or within 20 miles of it*, how many of them
  children of other authorities already fill, and how many the authority's own children fill. ``local
  available = max(places - used by other authorities, 0)`` and ``local shortfall = max(external -
  local available, 0)``: external demand even every free local place could not meet. ``local cover`` is
  local places / demand (Staffordshire found 3.5 times enough local residential places), and ``share
  local`` is the share of the authority's children in the group who live inside the area or within 20
  miles (Staffordshire: 36%).
* **The current position** (:func:`current_position`), per planning category, of the children in care on
  the date: placed more than 20 miles from home, placed outside the authority's boundary, and living in
  settings whose latest Ofsted judgement is Requires improvement or Inadequate (or the supported
  accommodation outcomes 2 and 3).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from forecasting.engine.summary import financial_year
from placements.categories import (
    FOSTERING_EXTERNAL,
    FOSTERING_INHOUSE,
    PLANNING_CATEGORIES,
    RESIDENTIAL_EXTERNAL,
    RESIDENTIAL_INHOUSE,
    RESIDENTIAL_SCHOOL,
    RESIDENTIAL_SECURE,
    SUPPORTED,
)

#: A setting is "near" when its location is within this many miles of the authority's reference point.
LOCAL_RADIUS_MILES = 20.0
#: Latest Ofsted judgements counted as "Requires improvement or Inadequate" (on either scale), with the
#: earlier framework's Adequate and standards not met. Not yet inspected, inspected within the ILACS
#: inspection and standards met are in neither set: those settings are not counted as judged.
BELOW_GOOD = frozenset(
    {"requires_improvement", "inadequate", "sa_inconsistent", "sa_serious", "adequate", "not_met"}
)
GOOD_OR_BETTER = frozenset({"outstanding", "good", "sa_strong"})

INHOUSE_FOSTERING = "fostering"
INHOUSE_RESIDENTIAL = "residential"


@dataclass(frozen=True)
class GapGroup:
    """A kind of place commissioners plan and buy, with the planning categories whose children need it,
    the Ofsted provision types that offer it, and which in-house capacity (if any) counts for it."""

    key: str
    label: str
    categories: tuple[str, ...]
    provision_types: tuple[str, ...]
    inhouse: str = ""


GAP_GROUPS: tuple[GapGroup, ...] = (
    GapGroup(
        "fostering",
        "Foster care (in-house and agency, not kinship)",
        (FOSTERING_INHOUSE, FOSTERING_EXTERNAL),
        ("independent_fostering_agency",),
        INHOUSE_FOSTERING,
    ),
    GapGroup(
        "residential",
        "Children's homes",
        (RESIDENTIAL_INHOUSE, RESIDENTIAL_EXTERNAL),
        ("childrens_home",),
        INHOUSE_RESIDENTIAL,
    ),
    GapGroup("secure", "Secure children's homes", (RESIDENTIAL_SECURE,), ("secure_childrens_home",)),
    GapGroup(
        "school",
        "Residential schools and other residential",
        (RESIDENTIAL_SCHOOL,),
        ("residential_special_school",),
    ),
    GapGroup("supported", "Supported accommodation (16-17)", (SUPPORTED,), ("supported_accommodation",)),
)
GAP_GROUP_BY_KEY = {group.key: group for group in GAP_GROUPS}
GROUP_OF_CATEGORY = {category: group.key for group in GAP_GROUPS for category in group.categories}
GROUP_OF_PROVISION = {ptype: group.key for group in GAP_GROUPS for ptype in group.provision_types}

GAP_COLUMNS = [
    "financial_year",
    "month_end",
    "group",
    "demand_mean",
    "demand_p90",
    "inhouse_places",
    "block_beds",
    "external_mean",
    "external_p90",
    "external_share",
    "local_places",
    "local_used_ours",
    "local_used_others",
    "local_available",
    "local_shortfall",
    "local_cover",
]


def demand_by_financial_year(forecast: pd.DataFrame) -> pd.DataFrame:
    """Forecast demand per financial year and planning category, at the year's last projected month end.

    ``forecast``: month_end, category, mean, p90 (one row per month and category, the baseline scenario's
    category dimension). Returns financial_year, month_end, category, mean, p90.
    """
    columns = ["financial_year", "month_end", "category", "mean", "p90"]
    if forecast.empty:
        return pd.DataFrame(columns=columns)
    frame = forecast.assign(month_end=pd.to_datetime(forecast["month_end"]))
    frame["financial_year"] = [financial_year(d) for d in frame["month_end"]]
    last = frame.groupby("financial_year")["month_end"].transform("max")
    out = frame.loc[frame["month_end"] == last, columns]
    return out.sort_values(["financial_year", "category"]).reset_index(drop=True)


def block_beds_on(contracts: pd.DataFrame, on: dt.date | pd.Timestamp) -> dict[str, int]:
    """Block-contracted beds in force on a date by planning category (``contracts``: category, beds,
    start_date, end_date; a contract counts from its start to its end date inclusive)."""
    if contracts.empty:
        return {}
    ts = pd.Timestamp(on)
    start = pd.to_datetime(contracts["start_date"])
    end = pd.to_datetime(contracts["end_date"])
    active = contracts.loc[(start <= ts) & (end >= ts)]
    return {str(k): int(v) for k, v in active.groupby("category")["beds"].sum().items()}


#: The columns of :func:`local_capacity`'s frame (a gap assessment keeps its rows).
LOCAL_COLUMNS = ["group", "settings", "places", "used_ours", "used_others", "free"]


def local_capacity(settings: pd.DataFrame, *, radius_miles: float = LOCAL_RADIUS_MILES) -> pd.DataFrame:
    """Local places per gap group: settings inside the authority's area or within ``radius_miles``.

    ``settings``: provision_type, places (registered places; NaN when Ofsted publishes none), inside_area
    (bool), miles (distance from the authority's reference point; NaN when unknown), used_ours and
    used_others (children in care living there now: this authority's and other authorities'). Returns
    group, settings, places, used_ours, used_others, free (places less every child living there), one row
    per gap group (zeros where nothing is local).
    """
    rows = []
    frame = settings.copy()
    if frame.empty:
        frame = pd.DataFrame(
            columns=["provision_type", "places", "inside_area", "miles", "used_ours", "used_others"]
        )
    miles = pd.to_numeric(frame["miles"], errors="coerce")
    local = frame["inside_area"].astype(bool) | (miles <= radius_miles)
    frame = frame.loc[local].assign(group=frame.loc[local, "provision_type"].map(GROUP_OF_PROVISION))
    for group in GAP_GROUPS:
        part = frame.loc[frame["group"] == group.key]
        places = int(pd.to_numeric(part["places"], errors="coerce").fillna(0).sum())
        ours = int(part["used_ours"].sum())
        others = int(part["used_others"].sum())
        rows.append(
            {
                "group": group.key,
                "settings": len(part),
                "places": places,
                "used_ours": ours,
                "used_others": others,
                "free": max(places - ours - others, 0),
            }
        )
    return pd.DataFrame(rows, columns=LOCAL_COLUMNS)


def demand_capacity_gap(
    demand: pd.DataFrame,
    *,
    inhouse_fostering_places: int,
    inhouse_residential_places: int,
    block_contracts: pd.DataFrame,
    local: pd.DataFrame,
) -> pd.DataFrame:
    """The gap per financial year and gap group (columns :data:`GAP_COLUMNS`).

    ``demand`` comes from :func:`demand_by_financial_year`; ``local`` from :func:`local_capacity`.
    """
    if demand.empty:
        return pd.DataFrame(columns=GAP_COLUMNS)
    local_by_group = local.set_index("group") if not local.empty else pd.DataFrame()
    inhouse = {INHOUSE_FOSTERING: inhouse_fostering_places, INHOUSE_RESIDENTIAL: inhouse_residential_places}
    rows = []
    for (year, month_end), part in demand.groupby(["financial_year", "month_end"], sort=True):
        by_category = part.set_index("category")
        blocks = block_beds_on(block_contracts, month_end)
        for group in GAP_GROUPS:
            cats = [c for c in group.categories if c in by_category.index]
            demand_mean = float(by_category.loc[cats, "mean"].sum()) if cats else 0.0
            demand_p90 = float(by_category.loc[cats, "p90"].sum()) if cats else 0.0
            own = int(inhouse.get(group.inhouse, 0))
            block = int(sum(blocks.get(c, 0) for c in group.categories))
            external_mean = max(demand_mean - own - block, 0.0)
            external_p90 = max(demand_p90 - own - block, 0.0)
            if group.key in local_by_group.index:
                loc = local_by_group.loc[group.key]
                places, ours, others = int(loc["places"]), int(loc["used_ours"]), int(loc["used_others"])
            else:
                places = ours = others = 0
            available = max(places - others, 0)
            rows.append(
                {
                    "financial_year": year,
                    "month_end": pd.Timestamp(month_end).date(),
                    "group": group.key,
                    "demand_mean": round(demand_mean, 1),
                    "demand_p90": round(demand_p90, 1),
                    "inhouse_places": own,
                    "block_beds": block,
                    "external_mean": round(external_mean, 1),
                    "external_p90": round(external_p90, 1),
                    "external_share": round(external_mean / demand_mean * 100, 1) if demand_mean else None,
                    "local_places": places,
                    "local_used_ours": ours,
                    "local_used_others": others,
                    "local_available": available,
                    "local_shortfall": round(max(external_mean - available, 0.0), 1),
                    "local_cover": round(places / demand_mean, 2) if demand_mean else None,
                }
            )
    return pd.DataFrame(rows, columns=GAP_COLUMNS)


CURRENT_COLUMNS = [
    "category",
    "children",
    "distance_known",
    "over_20_miles",
    "boundary_known",
    "outside_la",
    "local",
    "judged",
    "below_good",
]


def current_position(current: pd.DataFrame, *, radius_miles: float = LOCAL_RADIUS_MILES) -> pd.DataFrame:
    """Where the children in care on a date live, per planning category (columns :data:`CURRENT_COLUMNS`).

    ``current``: one row per child in care (counting rules applied), with category, distance_miles (NaN
    when unknown), placement_la_inside (True/False/NA) and judgement (the latest Ofsted judgement of the
    setting they live in, None when not at a registered setting). ``local`` counts children inside the
    boundary or placed within ``radius_miles`` of home; ``judged`` counts children at a setting with a
    judgement on either scale; ``below_good`` those judged Requires improvement or Inadequate.
    """
    frame = current
    miles = pd.to_numeric(frame.get("distance_miles", pd.Series(np.nan, index=frame.index)), errors="coerce")
    inside = frame.get("placement_la_inside", pd.Series(pd.NA, index=frame.index)).astype("boolean")
    judgement = frame.get("judgement", pd.Series(None, index=frame.index)).astype(object)
    flags = pd.DataFrame(
        {
            "category": frame["category"].to_numpy(),
            "children": 1,
            "distance_known": miles.notna().to_numpy(),
            "over_20_miles": (miles > radius_miles).to_numpy(),
            "boundary_known": inside.notna().to_numpy(),
            "outside_la": (inside == False).fillna(False).to_numpy(dtype=bool),  # noqa: E712
            "local": ((inside == True).fillna(False) | (miles <= radius_miles)).to_numpy(dtype=bool),  # noqa: E712
            "judged": judgement.isin(BELOW_GOOD | GOOD_OR_BETTER).to_numpy(),
            "below_good": judgement.isin(BELOW_GOOD).to_numpy(),
        }
    )
    sums = flags.groupby("category").sum(numeric_only=True)
    out = sums.reindex(list(PLANNING_CATEGORIES), fill_value=0).astype(int).reset_index()
    out = out.rename(columns={"index": "category"})
    return out[CURRENT_COLUMNS]


def share_local_by_group(position: pd.DataFrame) -> dict[str, dict[str, int]]:
    """Per gap group: the authority's children in it now, and how many live locally (inside the boundary or
    within 20 miles of home)."""
    out = {}
    for group in GAP_GROUPS:
        part = position.loc[position["category"].isin(group.categories)]
        out[group.key] = {"children": int(part["children"].sum()), "local": int(part["local"].sum())}
    return out
