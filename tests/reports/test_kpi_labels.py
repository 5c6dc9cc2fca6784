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
