"""The KPI catalogue (docs/domain.md section 6): every measure the register supports, each a named,
documented calculation with a stable key. Keys are part of the product's contract (strategy measures,
board reports and dashboard links store them): never rename one; retire it and add a new key instead.

Conventions shared by every definition:
* "children in care on the date" follows docs/domain.md section 3 (`placements.counting`): an episode current
  on the date, short breaks (V3/V4) excluded, under-18s only.
* Percentages are 0-100 to one decimal place; a percentage with nothing to divide by is "no data".
* "In the 12 months to the date" is the date less one year plus one day, to the date, inclusive.
* The previous value is the same KPI as at the previous date (see `context.previous_date`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from placements.categories import (
    COARSE_GROUPS,
    FOSTERING_EXTERNAL,
    FOSTERING_INHOUSE,
    FOSTERING_KINSHIP,
    RESIDENTIAL_EXTERNAL,
    RESIDENTIAL_INHOUSE,
    SUPPORTED,
    WITH_PARENTS,
)
from placements.choices import BELOW_GOOD_JUDGEMENTS, GOOD_OR_BETTER_JUDGEMENTS, UNGRADED_JUDGEMENTS
from placements.constants import DISTANCE_THRESHOLD_MILES
from placements.finding import ledger

from .base import Direction, Group, Kind, Kpi, KpiValue, Unit, register

if TYPE_CHECKING:
    from .context import KpiContext

RESIDENTIAL = COARSE_GROUPS["RESIDENTIAL"]
FOSTERING = COARSE_GROUPS["FOSTERING"]
# Settings with a judgement in BELOW_GOOD_JUDGEMENTS (or closed) are "below good" for the quality measures:
# Requires improvement or Inadequate on either scale, Adequate (earlier framework) and standards not met.
#: Placements in settings Ofsted does not register (SSDA903 from 2025-26: Z12 residential, Z13 other).
UNREGISTERED_PLACE = frozenset({"Z12", "Z13"})
#: DfE legal status for a single period of accommodation under section 20.
SECTION_20_LS = "V2"
#: What boards commonly call a high-cost placement (docs/domain.md section 4).
HIGH_COST_WEEKLY = 10_000.0
LONG_DISTANCE = DISTANCE_THRESHOLD_MILES


def _n(mask: pd.Series) -> int:
    return int(mask.sum())


# --- Demand ---------------------------------------------------------------------------------------------
@register
class ChildrenInCare(Kpi):
    key = "children_in_care"
    name = "Children in care"
    unit = Unit.COUNT
    group = Group.DEMAND
    definition = (
        "Children looked after on the date: a child with an SSDA903 episode that started on or before the "
        "date and had not ended by it (an episode ending on the date does not count), excluding short-break "
        "series (legal status V3 and V4) and young people who had turned 18. Each child counts once."
    )

    def compute(self, ctx: KpiContext) -> KpiValue:
        return KpiValue.count(len(ctx.current))


@register
class ClaRate(Kpi):
    key = "cla_rate_per_10000"
    name = "Children in care per 10,000 children"
    unit = Unit.RATE_PER_10000
    group = Group.DEMAND
    definition = (
        "Children in care on the date divided by the ONS mid-year estimate of 0-17 year olds living in the "
        "area (the latest estimate not after the date's year), times 10,000, to one decimal place. No data "
        "without a population estimate."
    )

    def compute(self, ctx: KpiContext) -> KpiValue:
        population = ctx.population
        if not population:
            return KpiValue.none()
        total = len(ctx.current)
        return KpiValue(round(total / population * 10_000, 1), float(total), float(population))


@register
class StartedCare(Kpi):
    key = "started_care_12m"
    name = "Children who started to be looked after"
    unit = Unit.COUNT
    group = Group.DEMAND
    kind = Kind.ROLLING_12M
    definition = (
        "Periods of care that started in the 12 months to the date: a period starts with an episode whose "
        "reason for new episode (RNE) is S. A child who came into care twice counts twice."
    )

    def compute(self, ctx: KpiContext) -> KpiValue:
        return KpiValue.count(ctx.snapshot["started_12m"])


@register
class CeasedCare(Kpi):
    key = "ceased_care_12m"
    name = "Children who ceased to be looked after"
    unit = Unit.COUNT
    group = Group.DEMAND
    kind = Kind.ROLLING_12M
    definition = (
        "Periods of care that ended in the 12 months to the date: the last episode of the period ended with "
        "a reason (REC) other than X1 (X1 means a new episode began the same day, still in care)."
    )

    def compute(self, ctx: KpiContext) -> KpiValue:
        return KpiValue.count(ctx.snapshot["ceased_12m"])


@register
class PctUasc(Kpi):
    key = "pct_uasc"
    name = "Unaccompanied asylum-seeking children"
    unit = Unit.PERCENT
    group = Group.DEMAND
    definition = (
        "Percentage of children in care on the date recorded as unaccompanied asylum-seeking children "
        "(SSDA903 UASC file) in the register."
    )

    def compute(self, ctx: KpiContext) -> KpiValue:
        return KpiValue.percent(_n(ctx.current["uasc"]), len(ctx.current))


@register
class PctAged16To17(Kpi):
    key = "pct_aged_16_17"
    name = "Children in care aged 16 or 17"
    unit = Unit.PERCENT
    group = Group.DEMAND
    definition = (
        "Percentage of children in care on the date aged 16 or 17 (age in completed years on the date). "
        "Children with no recorded date of birth count in the denominator only."
    )

    def compute(self, ctx: KpiContext) -> KpiValue:
        return KpiValue.percent(_n(ctx.current["age"] >= 16), len(ctx.current))


@register
class PctUnder5(Kpi):
    key = "pct_aged_under_5"
    name = "Children in care aged under 5"
    unit = Unit.PERCENT
    group = Group.DEMAND
    definition = "Percentage of children in care on the date aged under 5 (the DfE bands under 1 and 1 to 4)."

    def compute(self, ctx: KpiContext) -> KpiValue:
        return KpiValue.percent(_n(ctx.current["age"] < 5), len(ctx.current))


@register
class PctSection20(Kpi):
    key = "pct_section_20"
    name = "Children accommodated under section 20"
    unit = Unit.PERCENT
    group = Group.DEMAND
    definition = (
        "Percentage of children in care on the date whose legal status is V2 (a single period of "
        "accommodation under section 20 of the Children Act 1989, with parents' agreement)."
    )

    def compute(self, ctx: KpiContext) -> KpiValue:
        return KpiValue.percent(_n(ctx.current["ls"] == SECTION_20_LS), len(ctx.current))


# --- Placement mix --------------------------------------------------------------------------------------
@register
class PctFosterCare(Kpi):
    key = "pct_foster_care"
    name = "Children in foster care"
    unit = Unit.PERCENT
    direction = Direction.HIGHER
    group = Group.MIX
    definition = (
        "Percentage of children in care on the date placed in foster care of any kind: in-house, external "
        "(independent fostering agency or another authority) and kinship (PLACE U1-U6)."
    )

    def compute(self, ctx: KpiContext) -> KpiValue:
        return KpiValue.percent(_n(ctx.current["category"].isin(FOSTERING)), len(ctx.current))


@register
class PctFosteringInhouse(Kpi):
    key = "pct_fostering_inhouse"
    name = "In-house share of fostering (excluding kinship)"
    unit = Unit.PERCENT
    direction = Direction.HIGHER
    group = Group.MIX
    definition = (
        "Of children in care on the date in foster care with carers other than relatives or friends "
        "(PLACE U4-U6), the percentage with the authority's own carers (PLACE_PROVIDER PR1) rather than "
        "an independent fostering agency or another authority (PR2-PR5)."
    )

    def compute(self, ctx: KpiContext) -> KpiValue:
        cat = ctx.current["category"]
        inhouse = _n(cat == FOSTERING_INHOUSE)
        return KpiValue.percent(inhouse, inhouse + _n(cat == FOSTERING_EXTERNAL))


@register
class PctKinship(Kpi):
    key = "pct_kinship_care"
    name = "Children with kinship (connected) carers"
    unit = Unit.PERCENT
    group = Group.MIX
    definition = (
        "Percentage of children in care on the date placed with relatives or friends as foster carers "
        "(PLACE U1-U3)."
    )

    def compute(self, ctx: KpiContext) -> KpiValue:
        return KpiValue.percent(_n(ctx.current["category"] == FOSTERING_KINSHIP), len(ctx.current))


@register
class ChildrenInResidential(Kpi):
    key = "children_in_residential"
    name = "Children in residential care"
    unit = Unit.COUNT
    direction = Direction.LOWER
    group = Group.MIX
    definition = (
        "Children in care on the date in residential settings: children's homes (in-house and external, "
        "PLACE K2 and R1), secure children's homes (K1) and residential schools or employment (S1, P3)."
    )

    def compute(self, ctx: KpiContext) -> KpiValue:
        return KpiValue.count(_n(ctx.current["category"].isin(RESIDENTIAL)))


@register
class ResidentialExternal(Kpi):
    key = "residential_external"
    name = "Children in external children's homes"
    unit = Unit.COUNT
    direction = Direction.LOWER
    group = Group.MIX
    definition = (
        "Children in care on the date in children's homes the authority does not run (PLACE K2 or R1 with "
        "PLACE_PROVIDER PR2-PR5): private, voluntary or another authority's homes."
    )

    def compute(self, ctx: KpiContext) -> KpiValue:
        return KpiValue.count(_n(ctx.current["category"] == RESIDENTIAL_EXTERNAL))


@register
class ResidentialInhouse(Kpi):
    key = "residential_inhouse"
    name = "Children in the authority's own children's homes"
    unit = Unit.COUNT
    group = Group.MIX
    definition = "Children in care on the date in children's homes the authority runs (PLACE K2 or R1, PR1)."

    def compute(self, ctx: KpiContext) -> KpiValue:
        return KpiValue.count(_n(ctx.current["category"] == RESIDENTIAL_INHOUSE))


@register
class Under13InResidential(Kpi):
    key = "under_13_in_residential"
    name = "Children under 13 in residential care"
    unit = Unit.COUNT
    direction = Direction.LOWER
    group = Group.MIX
    definition = (
        "Children in care on the date aged under 13 (completed years) placed in residential settings (as "
        "for children_in_residential)."
    )

    def compute(self, ctx: KpiContext) -> KpiValue:
        cur = ctx.current
        return KpiValue.count(_n(cur["category"].isin(RESIDENTIAL) & (cur["age"] < 13)))


@register
class SupportedAccommodation(Kpi):
    key = "supported_accommodation"
    name = "Young people in supported accommodation"
    unit = Unit.COUNT
    group = Group.MIX
    definition = (
        "Children in care on the date in supported accommodation or independent living (PLACE K3, and the "
        "former codes H5 and P2): in practice 16 and 17 year olds."
    )

    def compute(self, ctx: KpiContext) -> KpiValue:
        return KpiValue.count(_n(ctx.current["category"] == SUPPORTED))


@register
class PlacedWithParents(Kpi):
    key = "placed_with_parents"
    name = "Children placed with parents"
    unit = Unit.COUNT
    group = Group.MIX
    definition = (
        "Children in care on the date placed with a parent or person with parental responsibility (P1)."
    )

    def compute(self, ctx: KpiContext) -> KpiValue:
        return KpiValue.count(_n(ctx.current["category"] == WITH_PARENTS))


@register
class UnregisteredPlacements(Kpi):
    key = "unregistered_placements"
    name = "Children in unregistered placements"
    unit = Unit.COUNT
    direction = Direction.LOWER
    group = Group.MIX
    definition = (
        "Children in care on the date in settings not registered with Ofsted, as SSDA903 records them from "
        "2025-26 (PLACE Z12, residential; Z13, non-residential). Earlier years' Z1 cannot be split and is "
        "not counted."
    )

    def compute(self, ctx: KpiContext) -> KpiValue:
        place = ctx.current["place"].astype(str).str.strip().str.upper()
        return KpiValue.count(_n(place.isin(UNREGISTERED_PLACE)))


# --- Locality -------------------------------------------------------------------------------------------
@register
class PctOver20Miles(Kpi):
    key = "pct_placed_over_20_miles"
    name = "Children placed more than 20 miles from home"
    unit = Unit.PERCENT
    direction = Direction.LOWER
    group = Group.LOCALITY
    definition = (
        "Of children in care on the date whose home-to-placement distance is known, the percentage placed "
        "strictly more than 20 miles away (DfE method: straight line between the home and placement "
        "postcodes' grid references; district centroids where only partial postcodes were supplied)."
    )

    def compute(self, ctx: KpiContext) -> KpiValue:
        miles = pd.to_numeric(ctx.current["distance_miles"], errors="coerce")
        return KpiValue.percent(_n(miles > LONG_DISTANCE), _n(miles.notna()))


@register
class PctOutsideLa(Kpi):
    key = "pct_placed_outside_la"
    name = "Children placed outside the authority's boundary"
    unit = Unit.PERCENT
    direction = Direction.LOWER
    group = Group.LOCALITY
    definition = (
        "Of children in care on the date whose placement postcode locates to an authority, the percentage "
        "placed outside the responsible authority's area (county districts roll up to their county)."
    )

    def compute(self, ctx: KpiContext) -> KpiValue:
        inside = ctx.current["placement_la_inside"].astype("boolean")
        return KpiValue.percent(_n((inside == False).fillna(False)), _n(inside.notna()))  # noqa: E712


@register
class MeanDistance(Kpi):
    key = "mean_distance_miles"
    name = "Average distance from home"
    unit = Unit.MILES
    direction = Direction.LOWER
    group = Group.LOCALITY
    definition = (
        "Mean home-to-placement distance in miles of children in care on the date with a known distance."
    )

    def compute(self, ctx: KpiContext) -> KpiValue:
        miles = pd.to_numeric(ctx.current["distance_miles"], errors="coerce").dropna()
        return KpiValue.mean(float(miles.sum()), len(miles))


@register
class MeanDistanceResidential(Kpi):
    key = "mean_distance_residential_miles"
    name = "Average distance from home: residential care"
    unit = Unit.MILES
    direction = Direction.LOWER
    group = Group.LOCALITY
    definition = (
        "Mean home-to-placement distance in miles of children in care on the date in residential settings "
        "(as for children_in_residential) with a known distance."
    )

    def compute(self, ctx: KpiContext) -> KpiValue:
        cur = ctx.current
        miles = pd.to_numeric(cur.loc[cur["category"].isin(RESIDENTIAL), "distance_miles"], errors="coerce")
        miles = miles.dropna()
        return KpiValue.mean(float(miles.sum()), len(miles))


# --- Quality --------------------------------------------------------------------------------------------
@register
class PctGoodOrOutstanding(Kpi):
    key = "pct_good_or_outstanding"
    name = "Children in settings judged Good or Outstanding"
    unit = Unit.PERCENT
    direction = Direction.HIGHER
    group = Group.QUALITY
    definition = (
        "Of children in care on the date placed at an Ofsted-registered setting (by the episode's URN) that "
        "had been judged by the date, the percentage whose setting's latest judgement on or before the "
        "date was Outstanding or Good (or, for supported accommodation, outcome 1: consistently strong). "
        "Settings not yet inspected, inspected within their authority's ILACS inspection or "
        "with standards met (not a grade) are left out."
    )

    def compute(self, ctx: KpiContext) -> KpiValue:
        judged = ctx.judgement_of_current
        judged = judged.loc[~judged["judgement"].isin({str(j) for j in UNGRADED_JUDGEMENTS})]
        good = judged["judgement"].isin({str(j) for j in GOOD_OR_BETTER_JUDGEMENTS})
        return KpiValue.percent(_n(good), len(judged))


@register
class ChildrenInSettingsBelowGood(Kpi):
    key = "children_in_settings_below_good"
    name = "Children in settings judged Requires improvement or Inadequate, or closed"
    unit = Unit.COUNT
    direction = Direction.LOWER
    group = Group.QUALITY
    definition = (
        "Children in care on the date placed at a setting whose latest Ofsted judgement on or before the date "
        "was Requires improvement or Inadequate (supported accommodation: outcome 2 or 3; also the earlier "
        "framework's Adequate and standards not met), or whose "
        "registration had closed by the date."
    )

    def compute(self, ctx: KpiContext) -> KpiValue:
        judged = ctx.judgement_of_current
        below = judged["judgement"].isin({str(j) for j in BELOW_GOOD_JUDGEMENTS}) | judged["closed"]
        return KpiValue.count(_n(below))


# --- Stability ------------------------------------------------------------------------------------------
@register
class Stability3Plus(Kpi):
    key = "stability_3_plus_placements"
    name = "Children with 3 or more placements in the year"
    unit = Unit.PERCENT
    direction = Direction.LOWER
    group = Group.STABILITY
    definition = (
        "Percentage of children in care on the date who had 3 or more placements in the 12 months to the "
        "date. The placement they were in when the 12 months began counts; a change of legal status only "
        "(RNE L) is not a new placement."
    )

    def compute(self, ctx: KpiContext) -> KpiValue:
        return KpiValue.percent(*ctx.stability_3_plus)


@register
class StabilityLongTerm(Kpi):
    key = "stability_long_term"
    name = "Long-term placement stability"
    unit = Unit.PERCENT
    direction = Direction.HIGHER
    group = Group.STABILITY
    definition = (
        "Of children in care on the date aged under 16 who had been looked after continuously for at least "
        "2.5 years, the percentage who had been in the same placement for at least 2 years, or who were "
        "placed for adoption and whose adoptive placement together with the placement before it had lasted "
        "2 years (DfE; formerly NI 63)."
    )

    def compute(self, ctx: KpiContext) -> KpiValue:
        return KpiValue.percent(*ctx.long_term_stability)


# --- Placement finding (the placement-finding feature: no data until it provides requests) ---------------
class _RequestKpi(Kpi):
    group = Group.FINDING
    kind = Kind.ROLLING_12M
    source = "placement_requests"

    def compute(self, ctx: KpiContext) -> KpiValue:
        requests = ctx.placement_requests
        if requests is None:
            return KpiValue.none()
        return self.from_requests(ctx, requests)

    def from_requests(self, ctx: KpiContext, requests: pd.DataFrame) -> KpiValue:
        raise NotImplementedError

    @staticmethod
    def requested_in_window(ctx: KpiContext, requests: pd.DataFrame) -> pd.DataFrame:
        """Requests made in the 12 months to the date (the unmet-need ledger's selection)."""
        return ledger.made_in(requests, ctx.window_start, ctx.ts)

    @staticmethod
    def placed_in_window(ctx: KpiContext, requests: pd.DataFrame) -> pd.DataFrame:
        """Requests placed in the 12 months to the date (the unmet-need ledger's selection)."""
        return ledger.placed_in(requests, ctx.window_start, ctx.ts)


@register
class PlacementRequests(_RequestKpi):
    key = "placement_requests"
    name = "Placement requests"
    unit = Unit.COUNT
    definition = (
        "Requests for a placement made in the 12 months to the date, planned and emergency (same-day)."
    )

    def from_requests(self, ctx: KpiContext, requests: pd.DataFrame) -> KpiValue:
        return KpiValue.count(len(self.requested_in_window(ctx, requests)))


@register
class PctEmergencyRequests(_RequestKpi):
    key = "pct_requests_emergency"
    name = "Emergency placement requests"
    unit = Unit.PERCENT
    direction = Direction.LOWER
    definition = "Of placement requests made in the 12 months to the date, the percentage that were emergency (same-day) searches."

    def from_requests(self, ctx: KpiContext, requests: pd.DataFrame) -> KpiValue:
        made = self.requested_in_window(ctx, requests)
        return KpiValue.percent(_n(made["emergency"].astype(bool)), len(made))


@register
class MedianDaysToPlace(_RequestKpi):
    key = "median_days_to_place"
    name = "Median days to place"
    unit = Unit.DAYS
    direction = Direction.LOWER
    regional = True
    definition = (
        "Median number of days from the request to the placement starting, over requests placed in the 12 "
        "months to the date (0 when placed the day it was asked for)."
    )

    def from_requests(self, ctx: KpiContext, requests: pd.DataFrame) -> KpiValue:
        placed = self.placed_in_window(ctx, requests)
        if placed.empty:
            return KpiValue(None, None, 0.0)
        days = (pd.to_datetime(placed["placed_on"]) - pd.to_datetime(placed["requested_on"])).dt.days
        return KpiValue(float(days.median()), None, float(len(days)))


@register
class PctPlacedToPlan(_RequestKpi):
    key = "pct_placed_to_plan"
    name = "Children placed to plan"
    unit = Unit.PERCENT
    direction = Direction.HIGHER
    definition = (
        "Of requests placed in the 12 months to the date whose outcome records whether the placement met the "
        "child's care plan, the percentage placed to plan."
    )

    def from_requests(self, ctx: KpiContext, requests: pd.DataFrame) -> KpiValue:
        plan = self.placed_in_window(ctx, requests)["placed_to_plan"].astype("boolean")
        return KpiValue.percent(_n(plan.fillna(False)), _n(plan.notna()))


def _foster_preferred_residential(requests: pd.DataFrame) -> pd.DataFrame:
    """The requests the ledger marks as fostering preferred but residential care used."""
    return requests.loc[requests["foster_preferred_residential"].astype(bool)]


@register
class FosterPreferredResidentialUsed(_RequestKpi):
    key = "foster_preferred_residential_used"
    name = "Fostering preferred but residential used"
    unit = Unit.COUNT
    direction = Direction.LOWER
    definition = (
        "Requests placed in the 12 months to the date where fostering was the preferred kind of placement "
        "but the child was placed in residential care (as for children_in_residential)."
    )

    def from_requests(self, ctx: KpiContext, requests: pd.DataFrame) -> KpiValue:
        return KpiValue.count(len(_foster_preferred_residential(self.placed_in_window(ctx, requests))))


@register
class FosterPreferredResidentialExtraCost(_RequestKpi):
    key = "foster_preferred_residential_extra_cost"
    name = "Extra annual cost of residential where fostering was preferred"
    unit = Unit.GBP_PER_YEAR
    direction = Direction.LOWER
    definition = (
        "For the requests counted by foster_preferred_residential_used with an agreed weekly cost: the sum of "
        "(agreed weekly cost less the authority's weekly unit cost of external fostering in force on the date "
        "placed: framework route, else spot, else the mean over routes), never below 0, times 52.18 weeks. "
        "No data without those costs. The unmet-need ledger's figure, from the same definition."
    )

    def from_requests(self, ctx: KpiContext, requests: pd.DataFrame) -> KpiValue:
        extra = _foster_preferred_residential(self.placed_in_window(ctx, requests))["extra_annual_cost"]
        total = ledger.total_extra_annual_cost(extra)
        if total is None:
            return KpiValue.none()
        return KpiValue(total, total, float(extra.notna().sum()))


@register
class SiblingGroupsSplit(_RequestKpi):
    key = "sibling_groups_split"
    name = "Sibling groups split"
    unit = Unit.COUNT
    direction = Direction.LOWER
    definition = "Requests to place a child with siblings, placed in the 12 months to the date, where the siblings were placed apart."

    def from_requests(self, ctx: KpiContext, requests: pd.DataFrame) -> KpiValue:
        placed = self.placed_in_window(ctx, requests)
        split = placed["sibling_group"].astype(bool) & placed["siblings_split"].astype("boolean").fillna(
            False
        )
        return KpiValue.count(_n(split))


@register
class ProvidersApproached(_RequestKpi):
    key = "providers_approached_per_request"
    name = "Providers approached per request"
    unit = Unit.NUMBER
    definition = (
        "Mean number of providers approached per placement request made in the 12 months to the date."
    )

    def from_requests(self, ctx: KpiContext, requests: pd.DataFrame) -> KpiValue:
        made = self.requested_in_window(ctx, requests)
        approached = pd.to_numeric(made["providers_approached"], errors="coerce").dropna()
        return KpiValue.mean(float(approached.sum()), len(approached))


# --- Cost -----------------------------------------------------------------------------------------------
@register
class HighCostPlacements(Kpi):
    key = "high_cost_placements"
    name = "High-cost placements"
    unit = Unit.COUNT
    direction = Direction.LOWER
    group = Group.COST
    definition = (
        "Children in care on the date whose current placement has an agreed weekly cost of £10,000 or more. "
        "Placements with no recorded cost are not counted."
    )

    def compute(self, ctx: KpiContext) -> KpiValue:
        return KpiValue.count(
            _n(pd.to_numeric(ctx.current["weekly_cost"], errors="coerce") >= HIGH_COST_WEEKLY)
        )


@register
class MeanWeeklyCostExternalResidential(Kpi):
    key = "mean_weekly_cost_residential_external"
    name = "Average weekly cost of an external children's home"
    unit = Unit.GBP_PER_WEEK
    direction = Direction.LOWER
    group = Group.COST
    definition = (
        "Mean agreed weekly cost of the current placements of children in care on the date in external "
        "children's homes, over those with a recorded cost, to the nearest pound."
    )

    def compute(self, ctx: KpiContext) -> KpiValue:
        cur = ctx.current
        cost = pd.to_numeric(cur.loc[cur["category"] == RESIDENTIAL_EXTERNAL, "weekly_cost"], errors="coerce")
        cost = cost.dropna()
        return KpiValue.mean(float(cost.sum()), len(cost), places=0)


@register
class UnitCostInhouseFostering(Kpi):
    key = "unit_cost_fostering_inhouse"
    name = "Weekly unit cost of in-house fostering"
    unit = Unit.GBP_PER_WEEK
    group = Group.COST
    definition = (
        "The authority's weekly unit cost of an in-house foster placement (category fostering: in-house, "
        "route in-house) effective on the date. Regionally: the mean over authorities that record one."
    )

    def compute(self, ctx: KpiContext) -> KpiValue:
        live = ctx.unit_cost_on(FOSTERING_INHOUSE, ("in_house",))
        return KpiValue.mean(float(live["weekly_cost"].sum()), len(live), places=2)


# --- Foster carer supply --------------------------------------------------------------------------------
def _inhouse_households(ctx: KpiContext) -> pd.DataFrame:
    households = ctx.data.households
    return households.loc[households["route"] == "in_house"]


def _approved_on(households: pd.DataFrame, ts: pd.Timestamp) -> pd.DataFrame:
    return households.loc[
        (households["approval_date"] <= ts)
        & (households["deregistration_date"].isna() | (households["deregistration_date"] > ts))
    ]


@register
class FosteringHouseholdsApproved(Kpi):
    key = "fostering_households_approved"
    name = "Approved in-house fostering households"
    unit = Unit.COUNT
    direction = Direction.HIGHER
    group = Group.CARERS
    definition = (
        "The authority's own fostering households approved on the date: approved on or before it and not "
        "deregistered by it."
    )

    def compute(self, ctx: KpiContext) -> KpiValue:
        return KpiValue.count(len(_approved_on(_inhouse_households(ctx), ctx.ts)))


@register
class FosteringPlacesApproved(Kpi):
    key = "fostering_places_approved"
    name = "Approved in-house fostering places"
    unit = Unit.COUNT
    direction = Direction.HIGHER
    group = Group.CARERS
    definition = "Places (children a household is approved for) across the in-house fostering households approved on the date."

    def compute(self, ctx: KpiContext) -> KpiValue:
        return KpiValue.count(int(_approved_on(_inhouse_households(ctx), ctx.ts)["approved_places"].sum()))


@register
class FosteringNetChange(Kpi):
    key = "fostering_households_net_change"
    name = "Net change in in-house fostering households"
    unit = Unit.COUNT
    direction = Direction.HIGHER
    group = Group.CARERS
    kind = Kind.ROLLING_12M
    definition = (
        "In-house fostering households approved less those deregistered, from the recruitment funnel for the "
        "12 calendar months ending with the date's month (the fostering service's own record, as on the "
        "recruitment page); where no month of that period is recorded, from the households' approval and "
        "deregistration dates in the 12 months to the date. Negative when more left than joined."
    )

    def compute(self, ctx: KpiContext) -> KpiValue:
        months = _funnel_12m(ctx)
        if months:
            from placements.supply.funnel import funnel_summary

            summary = funnel_summary(months)
            joined, left = summary["approvals"], summary["deregistrations"]
            return KpiValue(float(summary["net_households"]), float(joined), float(left))
        households = _inhouse_households(ctx)
        start, end = ctx.window_start, ctx.ts
        joined = _n(households["approval_date"].between(start, end))
        left = _n(households["deregistration_date"].between(start, end))
        return KpiValue(float(joined - left), float(joined), float(left))


@register
class FosteringApprovals(Kpi):
    key = "fostering_approvals_12m"
    name = "New in-house fostering households approved"
    unit = Unit.COUNT
    direction = Direction.HIGHER
    group = Group.CARERS
    kind = Kind.ROLLING_12M
    definition = (
        "In-house fostering households approved, from the recruitment funnel for the 12 calendar months ending "
        "with the date's month; where no month of that period is recorded, from the households' approval "
        "dates in the 12 months to the date."
    )

    def compute(self, ctx: KpiContext) -> KpiValue:
        months = _funnel_12m(ctx)
        if months:
            return KpiValue.count(sum(m.approvals for m in months))
        return KpiValue.count(_n(_inhouse_households(ctx)["approval_date"].between(ctx.window_start, ctx.ts)))


def _usable_by_route(ctx: KpiContext) -> dict[str, int]:
    """Usable fostering places on the date by route: approved places of the households approved on the
    date less the places not available (a carer's break, an investigation, own children, staying put,
    held for a sibling group; every place of a household on hold). See placements.supply.capacity."""
    from placements.models import FosteringHousehold, HouseholdPlacesUnavailable
    from placements.supply.capacity import household_capacity

    def load() -> tuple[list, list]:
        households = list(
            FosteringHousehold.objects.filter(authority_id__in=ctx.data.authority_ids).values_list(
                "id", "route", "approval_date", "deregistration_date", "status", "approved_places"
            )
        )
        unavailable = list(
            HouseholdPlacesUnavailable.objects.filter(authority_id__in=ctx.data.authority_ids).values_list(
                "household_id", "reason", "places", "start_date", "end_date"
            )
        )
        return households, unavailable

    households, unavailable = ctx.data.memo("fostering_households_unavailable", load)
    on = ctx.on
    held: dict[int, dict[str, int]] = {}
    for household_id, reason, places, start, end in unavailable:
        if start <= on and (end is None or end >= on):
            held.setdefault(household_id, {}).setdefault(reason, 0)
            held[household_id][reason] += places
    usable = {"in_house": 0, "agency": 0}
    for pk, route, approved_on, deregistered_on, status, places in households:
        if approved_on > on or (deregistered_on is not None and deregistered_on <= on):
            continue
        if status == "deregistered" and deregistered_on is None:
            continue
        row = household_capacity(
            reference="",
            route=route,
            approved=places,
            filled=0,
            unavailable=held.get(pk),
            on_hold=status == "on_hold",
        )
        usable[route] = usable.get(route, 0) + row.usable_places
    return usable


def _inhouse_fostered(ctx: KpiContext) -> int:
    current = ctx.current
    return _n(current["category"] == FOSTERING_INHOUSE) if not current.empty else 0


@register
class InhouseFosterOccupancy(Kpi):
    key = "inhouse_foster_occupancy"
    name = "In-house fostering occupancy"
    unit = Unit.PERCENT
    direction = Direction.HIGHER
    group = Group.CARERS
    definition = (
        "Children in care on the date placed with in-house foster carers (U4-U6, PR1) as a percentage of the "
        "usable places of in-house fostering households on the date: places approved less those not available "
        "(carer's break, under investigation, own children, staying put, held for a sibling group, household "
        "on hold). Can exceed 100 where carers look after more children than usable places under an exemption."
    )

    def compute(self, ctx: KpiContext) -> KpiValue:
        return KpiValue.percent(_inhouse_fostered(ctx), _usable_by_route(ctx)["in_house"])


@register
class FosteringUsableVacancies(Kpi):
    key = "fostering_usable_vacancies"
    name = "Usable in-house fostering vacancies"
    unit = Unit.COUNT
    direction = Direction.NEUTRAL
    group = Group.CARERS
    definition = (
        "Usable places of in-house fostering households on the date (approved places less those not "
        "available) less the children in care placed with in-house foster carers (U4-U6, PR1) on the date; "
        "never below 0."
    )

    def compute(self, ctx: KpiContext) -> KpiValue:
        return KpiValue.count(max(_usable_by_route(ctx)["in_house"] - _inhouse_fostered(ctx), 0))


@register
class FosteringExpectedTurnover(Kpi):
    key = "fostering_expected_turnover"
    name = "Expected turnover of in-house fostering places"
    unit = Unit.COUNT
    direction = Direction.NEUTRAL
    group = Group.CARERS
    kind = Kind.ROLLING_12M
    definition = (
        "In-house fostering places expected to come free in the next 12 months, shown beside the usable "
        "vacancies: the placements with in-house foster carers (U4-U6, PR1) that ended in the 12 months to "
        "the date (a child moving on or leaving care; a change of legal status does not end a placement), "
        "the recent rate of endings carried forward."
    )

    def compute(self, ctx: KpiContext) -> KpiValue:
        from placements.supply.capacity import expected_turnover

        return KpiValue.count(expected_turnover(ctx.data.prepared, on=ctx.on)["in_house"])


def _funnel_12m(ctx: KpiContext) -> list:
    """The in-house funnel months of the 12 calendar months ending with the date's month."""
    from placements.models import FosteringRecruitmentMonth
    from placements.supply.funnel import to_funnel_month, twelve_months_to

    start, end = twelve_months_to(ctx.on)

    def load() -> list:
        records = FosteringRecruitmentMonth.objects.filter(
            authority_id__in=ctx.data.authority_ids, route="in_house"
        )
        return [to_funnel_month(r) for r in records]

    return [m for m in ctx.data.memo("funnel_in_house", load) if start <= m.month <= end]


@register
class FosteringEnquiries(Kpi):
    key = "fostering_enquiries_12m"
    name = "Fostering enquiries to the authority's service"
    unit = Unit.COUNT
    direction = Direction.HIGHER
    group = Group.CARERS
    kind = Kind.ROLLING_12M
    definition = (
        "Enquiries about fostering for the authority's own service recorded in the recruitment funnel for the "
        "12 calendar months ending with the date's month; no data when no month of that period is recorded."
    )

    def compute(self, ctx: KpiContext) -> KpiValue:
        months = _funnel_12m(ctx)
        return KpiValue.count(sum(m.enquiries for m in months) if months else None)


@register
class FosteringEnquiryToApproval(Kpi):
    key = "fostering_enquiry_to_approval_pct"
    name = "Fostering enquiries converted to approvals"
    unit = Unit.PERCENT
    direction = Direction.HIGHER
    group = Group.CARERS
    kind = Kind.ROLLING_12M
    definition = (
        "In-house fostering households approved as a percentage of fostering enquiries, both from the "
        "recruitment funnel for the 12 calendar months ending with the date's month (a period's counts, not "
        "a cohort of enquirers followed through)."
    )

    def compute(self, ctx: KpiContext) -> KpiValue:
        months = _funnel_12m(ctx)
        return KpiValue.percent(sum(m.approvals for m in months), sum(m.enquiries for m in months))


@register
class FosteringDeregistrations(Kpi):
    key = "fostering_deregistrations_12m"
    name = "In-house fostering households deregistered"
    unit = Unit.COUNT
    direction = Direction.LOWER
    group = Group.CARERS
    kind = Kind.ROLLING_12M
    definition = (
        "In-house fostering households deregistered (for any reason) as recorded in the recruitment funnel for "
        "the 12 calendar months ending with the date's month; no data when no month of that period is recorded."
    )

    def compute(self, ctx: KpiContext) -> KpiValue:
        months = _funnel_12m(ctx)
        return KpiValue.count(sum(m.deregistrations for m in months) if months else None)


def _residential_occupancy(ctx: KpiContext) -> dict:
    """In-house homes' totals on the date, short-break homes left out (see placements.supply.occupancy)."""
    from placements.supply.occupancy import occupancy_totals, residential_occupancy_for_authority

    def load() -> dict:
        if ctx.data.authority is None:  # a region: these KPIs are the authority's own homes only
            return occupancy_totals([])
        result = residential_occupancy_for_authority(authority=ctx.data.authority, on=ctx.on)
        return occupancy_totals(r for r in result["homes"] if r.kind == "in_house")

    return ctx.data.memo(f"residential_occupancy:{ctx.on.isoformat()}", load)


@register
class ResidentialInhouseOccupancy(Kpi):
    key = "residential_inhouse_occupancy_pct"
    regional = False  # counted per home from every authority's episodes: one authority's own homes
    name = "In-house children's homes occupancy"
    unit = Unit.PERCENT
    direction = Direction.HIGHER
    group = Group.CARERS
    definition = (
        "Children in care on the date (of any authority) living in the authority's own children's homes as a "
        "percentage of those homes' usable places (registered places less places out of use, in open homes "
        "whose Ofsted registration is active). Short-break homes are counted apart and left out."
    )

    def compute(self, ctx: KpiContext) -> KpiValue:
        totals = _residential_occupancy(ctx)
        return KpiValue.percent(totals["children"], totals["places"])


@register
class HomesOverOccupied(Kpi):
    key = "homes_over_occupied"
    regional = False  # counted per home from every authority's episodes: one authority's own homes
    name = "In-house children's homes over-occupied"
    unit = Unit.COUNT
    direction = Direction.LOWER
    group = Group.CARERS
    definition = (
        "The authority's own children's homes (not short-break homes) with more children living there on the date "
        "than usable places; no data when the authority records no such home."
    )

    def compute(self, ctx: KpiContext) -> KpiValue:
        totals = _residential_occupancy(ctx)
        return KpiValue.count(totals["over_occupied"] if totals["homes"] else None)


# --- Care leavers ---------------------------------------------------------------------------------------
def care_leavers_19_21(ctx: KpiContext) -> pd.DataFrame:
    """OC3 records of the latest collection year complete on the date, for young people aged 19, 20 or 21
    on their birthday in that year (their age on 31 March at its end)."""
    from placements.categories import age_on

    from .context import collection_year_on

    year = collection_year_on(ctx.on)
    leavers = ctx.data.care_leavers
    rows = leavers.loc[leavers["collection_year"] == year]
    if rows.empty:
        return rows
    import datetime as dt

    end = dt.date(year, 3, 31)
    ages = rows["dob"].map(lambda dob: age_on(dob, end) if dob else None)
    return rows.loc[ages.between(19, 21)]


def accommodation_suitability(rows: pd.DataFrame) -> pd.Series:
    """Each OC3 record's accommodation as "suitable" or "unsuitable" (the ACCOM code's second character, 1
    or 2, as DfE reads it) or "other" (no information, not in touch, abroad: no suitability)."""
    accom = rows["accommodation"].astype(str).str.strip().str.upper()
    coded = accom.str.len() == 2
    return pd.Series(
        np.select(
            [coded & (accom.str[1] == "1"), coded & (accom.str[1] == "2")],
            ["suitable", "unsuitable"],
            "other",
        ),
        index=rows.index,
    )


@register
class CareLeaversSuitableAccommodation(Kpi):
    key = "care_leavers_suitable_accommodation"
    name = "Care leavers aged 19-21 in suitable accommodation"
    unit = Unit.PERCENT
    direction = Direction.HIGHER
    group = Group.CARE_LEAVERS
    kind = Kind.COLLECTION_YEAR
    definition = (
        "Of care leavers aged 19 to 21 in the SSDA903 OC3 return of the latest collection year complete on "
        "the date, the percentage whose accommodation was suitable. The OC3 ACCOM code's second character "
        "says suitability (DfE convention): 1 suitable, 2 unsuitable (e.g. B1, B2); codes without it "
        "(no information, not in touch, abroad) count in the denominator but not as suitable, as DfE does."
    )

    def compute(self, ctx: KpiContext) -> KpiValue:
        rows = care_leavers_19_21(ctx)
        return KpiValue.percent(_n(accommodation_suitability(rows) == "suitable"), len(rows))


@register
class CareLeaversEet(Kpi):
    key = "care_leavers_eet"
    name = "Care leavers aged 19-21 in education, employment or training"
    unit = Unit.PERCENT
    direction = Direction.HIGHER
    group = Group.CARE_LEAVERS
    kind = Kind.COLLECTION_YEAR
    definition = (
        "Of care leavers aged 19 to 21 in the OC3 return of the latest collection year complete on the date, "
        "the percentage in education, employment or training: OC3 ACTIV codes beginning F (full-time) or P "
        "(part-time); G codes are not in education, employment or training, 0 is not known."
    )

    def compute(self, ctx: KpiContext) -> KpiValue:
        rows = care_leavers_19_21(ctx)
        activity = rows["activity"].astype(str).str.strip().str.upper()
        return KpiValue.percent(_n(activity.str[:1].isin({"F", "P"})), len(rows))


# --- Strategy delivery ----------------------------------------------------------------------------------
def _actions_as_at(ctx: KpiContext) -> pd.DataFrame:
    """The actions of the authority's strategies covering the date, as they stood at the end of the date
    (from their change history): status and due date."""

    def load() -> pd.DataFrame:
        import datetime as dt

        from django.utils import timezone

        from sufficiency.reports.models import Action

        if ctx.authority is None:
            return pd.DataFrame(columns=["status", "due_date"])
        end_of_day = timezone.make_aware(dt.datetime.combine(ctx.on, dt.time.max))
        rows = (
            Action.history.as_of(end_of_day)
            .filter(
                strategy__authority=ctx.authority,
                strategy__start_year__lte=ctx.on.year,
                strategy__end_year__gte=ctx.on.year,
            )
            .values_list("status", "due_date")
        )
        return pd.DataFrame.from_records(list(rows), columns=["status", "due_date"])

    return ctx.data.memo(f"actions:{ctx.on.isoformat()}", load)


@register
class ActionsOnTrack(Kpi):
    key = "strategy_actions_on_track"
    name = "Strategy actions on track or complete"
    unit = Unit.PERCENT
    direction = Direction.HIGHER
    group = Group.DELIVERY
    regional = False
    source = "strategy"
    definition = (
        "Of the actions in the commissioning plans of the authority's strategies whose period covers the "
        "date, the percentage on track or complete as they stood at the end of the date (from their history)."
    )

    def compute(self, ctx: KpiContext) -> KpiValue:
        actions = _actions_as_at(ctx)
        return KpiValue.percent(_n(actions["status"].isin({"on_track", "complete"})), len(actions))


@register
class ActionsOverdue(Kpi):
    key = "strategy_actions_overdue"
    name = "Strategy actions overdue"
    unit = Unit.COUNT
    direction = Direction.LOWER
    group = Group.DELIVERY
    regional = False
    source = "strategy"
    definition = (
        "Actions in the commissioning plans of strategies covering the date whose due date had passed by the "
        "date and which were not complete at the end of it."
    )

    def compute(self, ctx: KpiContext) -> KpiValue:
        actions = _actions_as_at(ctx)
        due = pd.to_datetime(actions["due_date"])
        return KpiValue.count(_n(due.notna() & (due < ctx.ts) & (actions["status"] != "complete")))
