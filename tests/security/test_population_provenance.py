"""Shared national data says where it came from wherever it is used: the population estimates that every
rate per 10,000 children divides by record who supplied and published them, and when; the gap page, which
counts the register's registered places, shows the Ofsted provenance line as the market page does."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib import admin
from django.test import RequestFactory

from placements.selectors import population_for_authority, population_provenance_text
from sufficiency.authorities.models import AuthorityPopulation
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_staff_entering_an_estimate_in_admin_are_recorded_as_its_supplier_and_publisher(walsall):
    staff = UserFactory(email="staff@platform.example.gov.uk", is_staff=True)
    request = RequestFactory().post("/admin/")
    request.user = staff
    estimate = AuthorityPopulation(authority=walsall, year=2025, population_0_17=61_000)
    admin.site._registry[AuthorityPopulation].save_model(request, estimate, form=None, change=False)
    estimate.refresh_from_db()
    assert (estimate.supplied_by, estimate.published_by) == (staff, staff)
    assert estimate.supplied_by_label == "staff@platform.example.gov.uk"
    assert estimate.supplied_at is not None and estimate.published_at == estimate.supplied_at
    assert estimate.supplied_by_authority is None


def test_the_provenance_line_names_the_estimate_used_for_the_rate(walsall):
    assert (
        population_provenance_text(authority=walsall, on=dt.date(2026, 3, 31))
        == "Population: no estimate held."
    )
    AuthorityPopulation.objects.create(authority=walsall, year=2024, population_0_17=59_000)
    published = dt.datetime(2026, 11, 3, 12, tzinfo=dt.UTC)
    AuthorityPopulation.objects.create(
        authority=walsall, year=2025, population_0_17=60_000, supplied_at=published, published_at=published
    )
    AuthorityPopulation.objects.create(authority=walsall, year=2027, population_0_17=62_000)
    on = dt.date(2026, 3, 31)
    assert population_for_authority(authority=walsall, on=on) == 60_000  # the same estimate the rate uses
    assert population_provenance_text(authority=walsall, on=on) == (
        "Population (mid-2025): published 3 Nov 2026 from ONS mid-year estimate, supplied by the platform "
        "data steward."
    )
    assert population_provenance_text(authority=walsall, on=dt.date(2024, 12, 31)) == (
        "Population (mid-2024): published before provenance was recorded."
    )


def test_the_demo_loader_records_where_its_estimates_came_from(walsall):
    from sufficiency.demo.loader import _load_populations

    _load_populations(walsall, [(2025, 60_000)], profile=None)
    estimate = AuthorityPopulation.objects.get(authority=walsall, year=2025)
    assert estimate.supplied_by_label == "demo loader"
    assert estimate.published_at is not None
    first = estimate.published_at
    _load_populations(walsall, [(2025, 60_500)], profile=None)  # a second run changes the value only
    estimate.refresh_from_db()
    assert (estimate.population_0_17, estimate.published_at) == (60_500, first)
