"""The demo's places not available and recruitment funnel: shaped like councils' tables, deterministic,
and written once however often the demo is loaded."""

from __future__ import annotations

import datetime as dt

import pytest

from placements.models import FosteringHousehold, FosteringRecruitmentMonth, HouseholdPlacesUnavailable
from placements.supply.capacity import fostering_capacity_for_authority
from sufficiency.demo.supply import FUNNEL_MONTHS, demo_supply_load

pytestmark = pytest.mark.django_db
AS_AT = dt.date(2026, 3, 31)


@pytest.fixture
def households(walsall):
    for i in range(120):
        FosteringHousehold.objects.create(
            authority=walsall,
            reference=f"H{i:03}",
            route="in_house",
            approval_date=dt.date(2018, 1, 1),
            approved_places=1 + i % 3,
        )


def test_demo_supply_is_shaped_like_the_councils_tables_and_idempotent(walsall, households):
    first = demo_supply_load(authority=walsall, as_at=AS_AT, seed=2026)
    months = list(FosteringRecruitmentMonth.objects.filter(authority=walsall).order_by("month", "route"))
    assert first["funnel_months"] == len(months) == 2 * FUNNEL_MONTHS
    assert months[0].month == dt.date(2024, 1, 1) and months[-1].month == dt.date(2026, 3, 1)
    inhouse = [m for m in months if m.route == "in_house"]
    january = sum(m.enquiries for m in inhouse if m.month.month == 1) / 3
    august = sum(m.enquiries for m in inhouse if m.month.month == 8) / 2
    assert january > august
    assert all(m.enquiries >= m.initial_visits >= m.applications >= m.assessments_started for m in months)
    assert all(sum(m.deregistration_reasons.values()) == m.deregistrations for m in months)
    year = [m for m in inhouse if m.month >= dt.date(2025, 4, 1)]
    assert 200 <= sum(m.enquiries for m in year) <= 600  # tens a month, as Staffordshire's table
    assert 3 <= sum(m.approvals for m in year) <= 30  # a few a month, as Walsall's 8 a year

    records = list(HouseholdPlacesUnavailable.objects.filter(authority=walsall).select_related("household"))
    assert first["places_unavailable"] == len(records) and 8 <= len(records) <= 35
    assert all(r.places <= r.household.approved_places for r in records)
    assert any(r.end_date is None for r in records) and any(r.end_date is not None for r in records)
    capacity = fostering_capacity_for_authority(authority=walsall, on=AS_AT)["in_house"]
    open_places = sum(r.places for r in records if r.end_date is None or r.end_date >= AS_AT)
    assert capacity["unavailable_places"] == open_places
    assert capacity["usable_places"] == capacity["approved_places"] - open_places

    snapshot = [(m.month, m.route, m.enquiries, m.approvals) for m in months]
    second = demo_supply_load(authority=walsall, as_at=AS_AT, seed=2026)
    assert second == {"places_unavailable": 0, "funnel_months": 0}  # nothing rewritten
    assert FosteringRecruitmentMonth.history.count() == 2 * FUNNEL_MONTHS
    assert HouseholdPlacesUnavailable.objects.filter(authority=walsall).count() == len(records)
    again = FosteringRecruitmentMonth.objects.filter(authority=walsall).order_by("month", "route")
    assert [(m.month, m.route, m.enquiries, m.approvals) for m in again] == snapshot
