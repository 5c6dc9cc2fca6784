"""The board report document built from the hand-built register (tests/reports/conftest.py), counted by
hand: Walsall on 31 March 2025 has 7 children in care, 6 on 31 December 2024."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from placements.selectors import spend_rollup_for_authority
from sufficiency.reports.board.builder import build_report_document
from sufficiency.reports.board.charts import render_charts
from sufficiency.reports.board.formatting import financial_year_of, fmt_money, long_date
from tests.reports.conftest import D

pytestmark = pytest.mark.django_db


def _sections(document):
    return {s["key"]: s for s in document["sections"]}


@pytest.fixture
def document(register, strategy):
    return build_report_document(
        authority=register["walsall"], as_at=D, commentary={"fostering": "Going well."}
    )


def test_document_is_plain_json_with_every_section_in_order(document):
    assert json.loads(json.dumps(document, allow_nan=False)) == document
    assert [s["number"] for s in document["sections"]] == list(range(1, 14))
    assert [s["key"] for s in document["sections"]][:4] == [
        "introduction",
        "summary",
        "consultation",
        "where_children_live",
    ]
    assert document["as_at_text"] == "31 March 2025"
    assert document["previous_kpi_date"] == "2024-12-31"
    assert document["comparison"] is None
    assert document["strategy"] == {"title": "Placement Sufficiency Strategy", "period": "2023-2026"}


def test_where_children_live_counts_by_hand(document):
    section = _sections(document)["where_children_live"]
    data = section["data"]
    assert data["total"] == 7
    assert data["previous_total"] == 6  # W5 left in November; W8 arrived in January
    assert data["groups"] == {
        "foster": 4,
        "residential": 2,
        "supported": 0,
        "parents": 0,
        "adoption": 0,
        "other": 1,
    }
    assert data["locality"] == {
        "distance_known": 5, "over_20_miles": 2, "within_20_miles": 3,
        "boundary_known": 4, "inside": 3, "outside": 1,
    }  # fmt: skip
    assert dict(map(tuple, data["by_area"])) == {"Walsall": 3, "Sandwell": 1, "Not known": 3}
    assert section["facts"][0] == (
        "At 31 March 2025 there were 7 children in our care, a rate of 1.2 per 10,000 children "
        "(31 December 2024: 6)."
    )
    living = section["tables"][0]
    assert living["rows"][0] == ["Living in foster care", "4", "57.1%", "4"]
    assert living["rows"][-1] == ["Total", "7", "100.0%", "6"]
    area = section["tables"][2]["rows"]
    assert area[0] == ["Walsall (our area)", "3", "42.9%"]
    assert ["Sandwell", "1", "14.3%"] in area
    assert area[-1] == ["Not known (no placement postcode)", "3", "42.9%"]


def test_fostering_and_residential_sections(document):
    sections = _sections(document)
    fostering = sections["fostering"]["data"]
    assert (fostering["inhouse"], fostering["external"], fostering["kinship"]) == (2, 1, 1)
    assert fostering["households"] == 2  # H1, H2 (H3 deregistered)
    assert (fostering["approved_12m"], fostering["deregistered_12m"], fostering["net_change"]) == (
        2,
        1,
        1,
    )  # the recruitment funnel, as the funnel table below says
    assert sections["fostering"]["commentary"] == "Going well."
    facts = " ".join(sections["fostering"]["facts"])
    assert "2 were usable" in facts and "leaving 0 usable vacancies" in facts
    assert "50 enquiries" in facts and "2 approvals" in facts
    recruitment = next(t for t in sections["fostering"]["tables"] if t["id"] == "table-foster-recruitment")
    assert recruitment["rows"][-3][1] == "1"  # deregistrations
    residential = sections["residential"]["data"]
    assert residential["by_category"] == {
        "residential_inhouse": 1, "residential_external": 1, "residential_secure": 0, "residential_school": 0
    }  # fmt: skip
    assert residential["homes"] == 1  # Rowan House, in-house


def test_sections_without_data_say_so_and_show_no_numbers(document):
    sections = _sections(document)
    assert sections["supported"]["empty"] == (
        "No young person in our care was living in supported accommodation on 31 March 2025."
    )
    assert (
        sections["finding"]["empty"]
        == "No placement requests were recorded in the 12 months to 31 March 2025."
    )
    assert sections["finding"]["tables"] == []
    assert sections["forecast"]["empty"] == "No forecast has been run for this authority yet."
    assert sections["consultation"]["empty"].startswith("No update on consultation")


def test_progress_rag_is_derived_from_the_measures(document):
    progress = _sections(document)["progress"]
    assert progress["data"]["rag_counts"] == {"green": 1, "amber": 1, "red": 1, "no_data": 1}
    by_key = {m["kpi_key"]: m["rag"] for m in progress["data"]["measures"]}
    assert by_key == {
        "pct_foster_care": "green",
        "pct_fostering_inhouse": "amber",
        "pct_placed_over_20_miles": "red",
        "median_days_to_place": "no_data",
    }
    red_row = next(
        r for r in progress["tables"][0]["rows"] if r[1] == "Children placed more than 20 miles from home"
    )
    assert red_row[2:6] == ["16.0%", "10.0% by 31 March 2026", "40.0%", "40.0%"]
    assert red_row[6] == {"text": "Off target", "tag": "red"}


def test_actions_section_counts_statuses_and_overdue(document):
    actions = _sections(document)["actions"]
    assert actions["data"]["by_status"] == {"not_started": 0, "on_track": 1, "at_risk": 1, "complete": 0}
    assert actions["data"]["overdue"] == 1
    statuses = [row[3] for row in actions["tables"][0]["rows"]]
    assert {"text": "At risk – overdue", "tag": "red"} in statuses


def test_financial_section_agrees_with_the_spend_rollup(register, document):
    financial = _sections(document)["financial"]["data"]
    assert financial["years"] == ["2022-23", "2023-24", "2024-25"]
    assert financial["partial_year"] is False
    spend = spend_rollup_for_authority(authority=register["walsall"], start=dt.date(2024, 4, 1), end=D)
    assert sum(financial["actual"]["2024-25"].values()) == pytest.approx(float(spend["spend"].sum()))
    # W2's agreed £12,000 a week for the 304 nights from 1 June 2024 to 31 March 2025 is in residential care
    assert financial["actual"]["2024-25"]["RESIDENTIAL"] >= 12_000 / 7 * 304 - 0.01


def test_every_kpi_is_in_the_appendix(document):
    from sufficiency.reports.kpis import registry

    assert [k["key"] for k in document["kpis"]] == registry.keys()
    rows = sum(len(group["table"]["rows"]) for group in document["kpi_appendix"])
    assert rows == len(registry)
    children = next(k for k in document["kpis"] if k["key"] == "children_in_care")
    assert (children["value"], children["previous_value"], children["value_text"]) == (7, 6, "7")
    assert children["change_since_last_report"] is None


def test_charts_are_static_svg_with_a_title(document):
    charts = render_charts(document)
    assert set(charts) == {"chart-by-category", "chart-spend", "chart-rag"}
    for svg in charts.values():
        assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert render_charts(document) == charts  # deterministic: no dates, fixed ids
    # Axes say what they measure (text stays text in the SVG).
    assert "Spend on placements" in charts["chart-spend"] and "Financial year" in charts["chart-spend"]
    assert "Children in care" in charts["chart-by-category"]


def test_formatting_helpers():
    assert long_date(dt.date(2026, 3, 1)) == "1 March 2026"
    assert financial_year_of(dt.date(2026, 3, 31)) == (2025, "2025-26")
    assert financial_year_of(dt.date(2026, 4, 1)) == (2026, "2026-27")
    assert (fmt_money(47_250_000), fmt_money(523_400), fmt_money(950)) == ("£47.2m", "£523k", "£950")
