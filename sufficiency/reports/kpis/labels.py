"""How each KPI's value is read out in words: what a count counts, and what a percentage or average is
taken over ("451 of 637 children in care", "average over 22 children"), so that no page shows a bare
"638 of 1" or calls households and actions "children".

A KPI may set `counts_of` / `taken_over` on its class; otherwise the table below (by key) or the
defaults ("children", "children in care") apply.
"""

from __future__ import annotations

from typing import Any

from .base import Direction, Unit

#: key -> (what a count counts, what a percentage's denominator or an average is taken over)
WORDS: dict[str, tuple[str, str]] = {
    "cla_rate_per_10000": ("children", "children aged 0 to 17"),
    "pct_fostering_inhouse": ("children", "children in non-kinship foster care"),
    "pct_placed_over_20_miles": ("children", "children in care with a known distance"),
    "pct_placed_outside_la": ("children", "children in care with a known placement authority"),
    "mean_distance_miles": ("children", "children in care with a known distance"),
    "mean_distance_residential_miles": ("children", "children in residential care with a known distance"),
    "pct_good_or_outstanding": ("children", "children in settings with an Ofsted grade"),
    "stability_long_term": ("children", "under-16s in care for 2.5 years or more"),
    "placement_requests": ("requests", "requests"),
    "pct_requests_emergency": ("requests", "requests"),
    "median_days_to_place": ("requests", "requests placed"),
    "pct_placed_to_plan": ("requests", "requests placed"),
    "foster_preferred_residential_used": ("children", "requests placed"),
    "foster_preferred_residential_extra_cost": ("children", "children placed in residential care"),
    "sibling_groups_split": ("sibling groups", "sibling groups"),
    "providers_approached_per_request": ("requests", "requests"),
    "high_cost_placements": ("placements", "placements"),
    "mean_weekly_cost_residential_external": ("children", "children in external children's homes"),
    "unit_cost_fostering_inhouse": ("children", "children in in-house foster care"),
    "fostering_households_approved": ("households", "households"),
    "fostering_places_approved": ("places", "places"),
    "fostering_households_net_change": ("households", "households"),
    "fostering_approvals_12m": ("households", "households"),
    "inhouse_foster_occupancy": ("places", "usable in-house places"),
    "fostering_usable_vacancies": ("places", "usable in-house places"),
    "fostering_expected_turnover": ("places", "in-house fostering placements"),
    "fostering_enquiries_12m": ("enquiries", "enquiries"),
    "fostering_enquiry_to_approval_pct": ("households", "enquiries"),
    "fostering_deregistrations_12m": ("households", "households"),
    "residential_inhouse_occupancy_pct": ("places", "places in in-house homes"),
    "homes_over_occupied": ("homes", "in-house homes"),
    "care_leavers_suitable_accommodation": ("care leavers", "care leavers aged 19 to 21 in touch"),
    "care_leavers_eet": ("care leavers", "care leavers aged 19 to 21 in touch"),
    "strategy_actions_on_track": ("actions", "strategy actions"),
    "strategy_actions_overdue": ("actions", "actions"),
}

DIRECTION_WORDS = {
    Direction.HIGHER: "Higher is better",
    Direction.LOWER: "Lower is better",
    Direction.NEUTRAL: "Neither: a fact to plan by",
}

_AVERAGES = {Unit.MILES, Unit.DAYS, Unit.GBP_PER_WEEK, Unit.NUMBER}


def _words(kpi: Any) -> tuple[str, str]:
    default = WORDS.get(kpi.key, ("children", "children in care"))
    return getattr(kpi, "counts_of", default[0]), getattr(kpi, "taken_over", default[1])


def unit_words(kpi: Any) -> str:
    """The unit shown beside a KPI: what a count counts, or the unit of measure."""
    unit = Unit(kpi.unit)
    if unit == Unit.COUNT:
        return _words(kpi)[0]
    return {
        Unit.PERCENT: "%",
        Unit.RATE_PER_10000: "per 10,000 children aged 0 to 17",
        Unit.DAYS: "days",
        Unit.MILES: "miles",
        Unit.GBP_PER_WEEK: "£ per week",
        Unit.GBP_PER_YEAR: "£ per year",
        Unit.NUMBER: "",
    }[unit]


def basis_words(kpi: Any, value: Any) -> str:
    """The numerator and denominator in words, or what an average is taken over; "" for plain counts
    and totals (their value is the whole figure)."""
    numerator, denominator = getattr(value, "numerator", None), getattr(value, "denominator", None)
    if not denominator:
        return ""
    unit = Unit(kpi.unit)
    counts_of, over = _words(kpi)
    if unit == Unit.PERCENT and numerator is not None:
        return f"{numerator:,.0f} of {denominator:,.0f} {over}"
    if unit == Unit.RATE_PER_10000 and numerator is not None:
        return f"{numerator:,.0f} {counts_of} in care; {denominator:,.0f} {over}"
    if unit == Unit.DAYS and kpi.key.startswith("median"):
        return f"median over {denominator:,.0f} {over}"
    if unit in _AVERAGES:
        return f"average over {denominator:,.0f} {over}"
    return ""


def direction_words(kpi: Any) -> str:
    return DIRECTION_WORDS.get(Direction(kpi.direction), "")
