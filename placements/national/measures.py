"""Which published DfE figure answers which KPI. Pure.

Each measure names the filter values of the row (``cla_group`` and ``characteristic`` in the DfE's
children-looked-after tables) and the indicator column that holds the comparable figure, plus the column
holding the published count, which is compared with the authority's own count from its register.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .reader import Figure, filter_key


@dataclass(frozen=True)
class Measure:
    kpi_key: str
    label: str
    cla_group: str
    characteristic: str
    indicator: str
    count_indicator: str = "number"

    @property
    def filter_key(self) -> str:
        return filter_key({"cla_group": self.cla_group, "characteristic": self.characteristic})

    @property
    def filter_keys(self) -> tuple[str, ...]:
        """Where to look, in order: the characteristic row, and for totals also a table with no filter
        columns (the DfE's numbers-and-rates table has none)."""
        if self.cla_group == "Total" and self.characteristic == "Total":
            return (self.filter_key, "")
        return (self.filter_key,)


def _m(
    kpi_key: str, label: str, group: str, characteristic: str, indicator: str = "percentage", **kw
) -> Measure:
    return Measure(kpi_key, label, group, characteristic, indicator, **kw)


MEASURES: dict[str, Measure] = {
    m.kpi_key: m
    for m in (
        _m("children_in_care", "Children looked after at 31 March", "Total", "Total", "number"),
        _m("cla_rate_per_10000", "Rate per 10,000 children", "Total", "Total", "rate_per_10000"),
        _m("started_care_12m", "Started to be looked after in the year", "Started", "Total", "number"),
        _m("ceased_care_12m", "Ceased to be looked after in the year", "Ceased", "Total", "number"),
        _m(
            "pct_uasc",
            "Unaccompanied asylum-seeking children",
            "UASC status",
            "Unaccompanied asylum-seeking children",
        ),
        _m("pct_aged_16_17", "Aged 16 to 17", "Age group", "16 to 17 years"),
        _m("pct_aged_under_5", "Aged under 5", "Age group", "Under 5 years"),
        _m(
            "pct_section_20",
            "Single period of accommodation under section 20",
            "Legal status",
            "Single period of accommodation under section 20",
        ),
        _m("pct_foster_care", "Foster placements", "Placement", "Foster placements"),
        _m(
            "pct_kinship_care",
            "Foster placement with relative or friend",
            "Placement",
            "Foster placement with relative or friend",
        ),
        _m(
            "children_in_residential",
            "Secure homes and children's homes",
            "Placement",
            "Secure homes and children's homes",
            "number",
        ),
        _m("placed_with_parents", "Placed with parents", "Placement", "Placed with parents", "number"),
        _m(
            "supported_accommodation",
            "Independent and semi-independent living arrangements / supported accommodation",
            "Placement",
            "Supported accommodation",
            "number",
        ),
        _m(
            "pct_placed_outside_la",
            "Placed outside the local authority boundary",
            "Locality of placement",
            "Placed outside the local authority boundary",
        ),
        _m(
            "pct_placed_over_20_miles",
            "Placed more than 20 miles from home",
            "Distance between home and placement",
            "Over 20 miles",
        ),
        _m(
            "stability_3_plus_placements",
            "Three or more placements during the year",
            "Placement stability",
            "Three or more placements during the year",
        ),
        _m(
            "stability_long_term",
            "Long-term placement stability",
            "Placement stability",
            "Same placement for at least 2 years",
        ),
        _m(
            "care_leavers_suitable_accommodation",
            "Care leavers aged 19 to 21 in suitable accommodation",
            "Care leavers aged 19 to 21",
            "In suitable accommodation",
        ),
        _m(
            "care_leavers_eet",
            "Care leavers aged 19 to 21 in education, employment or training",
            "Care leavers aged 19 to 21",
            "In education, employment or training",
        ),
    )
}


def measures_fed(figures: Iterable[Figure]) -> dict[str, bool]:
    """For each KPI in `MEASURES`, whether the figures hold its row (its characteristic and indicator, any
    year or geography): what a file feeds. A file whose wording differs from the DfE's imports without an
    error but feeds nothing, and this says so."""
    held = {(f.filter_key, f.indicator) for f in figures}
    return {key: any((fk, m.indicator) in held for fk in m.filter_keys) for key, m in MEASURES.items()}
