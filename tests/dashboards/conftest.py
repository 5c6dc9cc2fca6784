"""Fixtures of the dashboard tests: the hand-built register of register.py, with its rollup computed."""

from __future__ import annotations

import pytest

from tests.dashboards.register import build_register, fake_locator


@pytest.fixture
def register(walsall, sandwell, monkeypatch):
    from forecasting import gap_services

    # Distances from the authority's centre come from the fixture, not the postcode directory.
    monkeypatch.setattr(gap_services, "miles_from_authority", fake_locator)
    return build_register()


@pytest.fixture
def rollup(register):
    from forecasting.gap_services import gap_assessment_compute
    from sufficiency.dashboards.services import dashboard_rollup_compute

    gap_assessment_compute(authority=register["walsall"])  # as forecasting does after each forecast
    return dashboard_rollup_compute(authority=register["walsall"])
