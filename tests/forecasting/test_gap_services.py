"""The gap engine against the hand-built register of tests/dashboards/register.py (numbers by hand)."""

from __future__ import annotations

import pytest

from forecasting import gap_services
from forecasting.models import GapAssessment, GapValue
from tests.dashboards.register import AS_AT, build_register, fake_locator

pytestmark = pytest.mark.django_db


@pytest.fixture
def register(walsall, sandwell):
    return build_register()


def test_gap_assessment_is_persisted_with_hand_checked_numbers(register):
    assessment = gap_services.gap_assessment_compute(
        authority=register["walsall"], as_at=AS_AT, locator=fake_locator
    )
    assert assessment.forecast_run == register["run"]
    values = {(v.financial_year, v.group): v for v in GapValue.objects.filter(assessment=assessment)}
    assert sorted({year for year, _ in values}) == ["2026-27", "2027-28"]  # April 2026 is in 2026-27

    res = values[("2026-27", "residential")]
    assert res.month_end.isoformat() == "2027-03-31"
    assert (res.demand_mean, res.demand_p90) == (4.0, 5.0)
    assert res.inhouse_places == 0
    assert res.block_beds == 2  # the block contract is in force on 31 March 2027
    assert res.external_mean == 2.0
    # Local homes: SC0001 (in Walsall, 4 places) and SC0002 (9 miles, 3 places); SC0003 is 60 miles away.
    assert res.local_places == 7
    assert res.local_used_ours == 3  # C1, C2 at SC0001 and C3 at SC0002
    assert res.local_used_others == 1  # the Sandwell child at SC0001
    assert res.local_available == 6
    assert res.local_shortfall == 0
    assert res.local_cover == pytest.approx(1.75)

    later = values[("2027-28", "residential")]
    assert later.block_beds == 0 and later.external_mean == 5.0

    fostering = values[("2026-27", "fostering")]
    assert fostering.inhouse_places == 3
    assert fostering.external_mean == 0.0  # 3 children forecast, 3 in-house places

    assessment = GapAssessment.objects.get(authority=register["walsall"])
    current = {row["category"]: row for row in assessment.current}
    assert current["residential_external"]["children"] == 3
    assert current["residential_external"]["over_20_miles"] == 1  # C2
    assert current["residential_external"]["outside_la"] == 1  # C3 in Sandwell
    assert current["residential_external"]["below_good"] == 2  # C1, C2 at a home judged Requires improvement
    assert current["supported"]["below_good"] == 1  # outcome 3 on the supported accommodation scale
    assert current["fostering_inhouse"]["children"] == 2  # C7 left on 1 March 2026
    # C1 and C2 live inside the boundary (C2 25 miles from home, still local); C3 is 12 miles away.
    assert assessment.share_local["residential"] == {"children": 3, "local": 3}


def test_recomputing_replaces_the_assessment(register):
    for _ in range(2):
        gap_services.gap_assessment_compute(authority=register["walsall"], as_at=AS_AT, locator=fake_locator)
    assert GapAssessment.objects.count() == 1
    assert GapValue.objects.count() == 2 * 5  # 2 financial years x 5 kinds of place


def test_no_register_no_assessment(walsall):
    assert gap_services.gap_assessment_compute(authority=walsall) is None
    assert gap_services.gap_assessment_as_dict(authority=walsall) is None
