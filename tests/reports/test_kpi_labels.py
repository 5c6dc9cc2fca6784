"""Every KPI reads out its unit, numerator and denominator in words, and which direction is better."""

from __future__ import annotations

from sufficiency.reports.kpis import registry
from sufficiency.reports.kpis.base import KpiValue, Unit
from sufficiency.reports.kpis.labels import basis_words, direction_words, unit_words


def test_every_kpi_has_a_unit_and_a_direction_in_words():
    for kpi in registry:
        assert direction_words(kpi), kpi.key
        if kpi.unit != Unit.NUMBER:
            assert unit_words(kpi), kpi.key


def test_households_and_actions_are_not_children():
    assert unit_words(registry["fostering_households_approved"]) == "households"
    assert unit_words(registry["strategy_actions_overdue"]) == "actions"
    assert unit_words(registry["placement_requests"]) == "requests"
    assert unit_words(registry["children_in_care"]) == "children"


def test_percentages_name_their_denominator_and_averages_what_they_are_over():
    value = KpiValue(value=70.8, numerator=451, denominator=637)
    assert basis_words(registry["pct_foster_care"], value) == "451 of 637 children in care"
    mean = KpiValue(value=8.5, numerator=5388, denominator=637)
    assert basis_words(registry["mean_distance_miles"], mean) == (
        "average over 637 children in care with a known distance"
    )
    assert "of 1" not in basis_words(
        registry["mean_distance_miles"], KpiValue(value=638, numerator=638, denominator=1)
    )
    assert basis_words(registry["children_in_care"], KpiValue(value=637)) == ""


# The KPIs that count children (children in care, or children placed): they may use the default words.
CHILD_KPIS = {
    "children_in_care",
    "started_care_12m",
    "ceased_care_12m",
    "pct_uasc",
    "pct_aged_16_17",
    "pct_aged_under_5",
    "pct_section_20",
    "pct_foster_care",
    "pct_kinship_care",
    "children_in_residential",
    "residential_external",
    "residential_inhouse",
    "under_13_in_residential",
    "supported_accommodation",
    "placed_with_parents",
    "unregistered_placements",
    "children_in_settings_below_good",
    "stability_3_plus_placements",
}


def test_every_kpi_that_does_not_count_children_says_what_it_counts():
    from sufficiency.reports.kpis.labels import WORDS

    for kpi in registry:
        if kpi.key in CHILD_KPIS:
            continue
        assert kpi.key in WORDS or hasattr(kpi, "counts_of"), kpi.key


def test_places_households_homes_and_enquiries_read_right():
    assert unit_words(registry["fostering_usable_vacancies"]) == "places"
    assert unit_words(registry["fostering_enquiries_12m"]) == "enquiries"
    assert unit_words(registry["fostering_deregistrations_12m"]) == "households"
    assert unit_words(registry["homes_over_occupied"]) == "homes"
    pct = KpiValue(value=50.0, numerator=12, denominator=24)
    assert basis_words(registry["fostering_enquiry_to_approval_pct"], pct) == "12 of 24 enquiries"
    assert (
        basis_words(registry["residential_inhouse_occupancy_pct"], pct) == "12 of 24 places in in-house homes"
    )
    assert basis_words(registry["inhouse_foster_occupancy"], pct) == "12 of 24 usable in-house places"
    for key in (
        "fostering_enquiry_to_approval_pct",
        "residential_inhouse_occupancy_pct",
        "inhouse_foster_occupancy",
    ):
        assert "children" not in basis_words(registry[key], pct), key
