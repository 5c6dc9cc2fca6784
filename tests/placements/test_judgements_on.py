"""The Ofsted judgement of a setting as at a date: one definition for KPIs, dashboards, board reports and
setting pages."""

from __future__ import annotations

import pandas as pd

from placements.counting import NOT_YET_INSPECTED, judgements_on

INSPECTIONS = pd.DataFrame(
    {
        "urn": ["SC1", "SC1", "SC2"],
        "date": pd.to_datetime(["2024-01-10", "2025-06-01", "2025-06-01"]),
        "judgement": ["requires_improvement", "good", "outstanding"],
    }
)
SETTINGS = pd.DataFrame(
    {
        "urn": ["SC1", "SC2", "SC3", "SC4"],
        "latest_judgement": ["good", "outstanding", "inadequate", ""],
        "latest_judgement_date": pd.to_datetime(["2025-06-01", "2025-06-01", None, None]),
    }
)


def _on(day):
    urns = pd.Series(["SC1", "SC2", "SC3", "SC4", "SC9"])
    return list(judgements_on(urns, inspections=INSPECTIONS, settings=SETTINGS, on=pd.Timestamp(day)))


def test_the_latest_inspection_on_or_before_the_date_counts():
    on_2025 = _on("2025-03-31")
    assert on_2025[0] == "requires_improvement"  # SC1's Good came later
    assert on_2025[1] == NOT_YET_INSPECTED  # SC2 first inspected after the date
    assert _on("2025-06-30")[:2] == ["good", "outstanding"]


def test_without_history_the_recorded_judgement_counts_when_undated_or_dated_by_then():
    result = _on("2025-03-31")
    assert result[2] == "inadequate"
    assert result[3] == NOT_YET_INSPECTED  # recorded with no judgement
    assert pd.isna(result[4])  # a URN the register holds no setting for
