"""The sufficiency gap under each scenario of the forecast, in the statement's forecast section, on the
hand-built register of tests/dashboards/register.py (numbers by hand).

The baseline forecasts 4 then 5 children in external homes, 3 then 4 in in-house foster care and 1 then 2
in supported accommodation (2026-27, 2027-28); Walsall has 3 usable in-house foster places and a block
contract for 2 residential beds that ends within 2027-28. A saved scenario, "More residential", forecasts
14 then 20 children in external homes, 6 then 7 in foster care and 1 then 1 in supported accommodation.
"""

from __future__ import annotations

import pytest

from forecasting import gap_services
from forecasting.gap import GAP_GROUPS
from forecasting.models import ForecastValue, Scenario
from sufficiency.reports.statement.builder import build_statement_document
from tests.dashboards.register import AS_AT, build_register, fake_locator

pytestmark = pytest.mark.django_db

SCENARIO = "more_residential"
#: (month end, external homes, in-house foster care, supported accommodation) under the scenario.
SCENARIO_MEANS = [
    ("2026-04-30", 12.0, 5.0, 1.0),
    ("2027-03-31", 14.0, 6.0, 1.0),
    ("2028-03-31", 20.0, 7.0, 1.0),
]


@pytest.fixture
def assessed(walsall, sandwell):
    import datetime as dt

    register = build_register()
    run = register["run"]
    Scenario.objects.create(
        authority=walsall,
        name=SCENARIO,
        description="Residential demand rises as fewer foster homes are found.",
    )
    for month_end, res, fos, sup in SCENARIO_MEANS:
        day = dt.date.fromisoformat(month_end)
        months_ahead = (day.year - 2026) * 12 + day.month - 3
        for key, mean in (("residential_external", res), ("fostering_inhouse", fos), ("supported", sup)):
            ForecastValue.objects.create(
                run=run, scenario=SCENARIO, month_end=day, months_ahead=months_ahead, dimension="category",
                key=key, mean=mean, p50=mean, p10=mean - 1, p90=mean + 1, p2_5=mean - 2, p97_5=mean + 2,
            )  # fmt: skip
    gap_services.gap_assessment_compute(authority=walsall, as_at=AS_AT, locator=fake_locator)
    return register


def test_scenario_gaps_set_each_scenario_against_the_assessments_places(assessed):
    gaps = gap_services.scenario_gaps(authority=assessed["walsall"])
    assert list(gaps) == ["baseline", SCENARIO]
    persisted = gap_services.gap_assessment_as_dict(authority=assessed["walsall"])["values"]
    assert sorted((v["financial_year"], v["group"], v["demand_mean"]) for v in gaps["baseline"]) == sorted(
        (v["financial_year"], v["group"], v["demand_mean"]) for v in persisted
    )
    by = {(v["financial_year"], v["group"]): v for v in gaps[SCENARIO]}
    residential = by["2026-27", "residential"]
    assert (residential["demand_mean"], residential["block_beds"], residential["external_mean"]) == (
        14.0,
        2,
        12.0,
    )
    assert (by["2027-28", "residential"]["block_beds"], by["2027-28", "residential"]["external_mean"]) == (
        0,
        20.0,
    )
    fostering = by["2026-27", "fostering"]
    assert (fostering["demand_mean"], fostering["inhouse_places"], fostering["external_mean"]) == (
        6.0,
        3,
        3.0,
    )


def test_the_statement_prints_the_gap_under_each_scenario_and_says_which_is_which(assessed):
    document = build_statement_document(authority=assessed["walsall"], as_at=AS_AT)
    forecast = next(s for s in document["sections"] if s["key"] == "forecast")
    tables = {t["id"]: t for t in forecast["tables"]}
    rows = {(r[0], r[1], r[2]): r[3:] for r in tables["table-gap-scenarios"]["rows"]}
    # Under the scenario: 14 children in children's homes against 2 block beds leaves 12 to buy.
    assert rows["More residential", "2026-27", "Children's homes"] == ["14", "0", "2", "12"]
    assert rows["More residential", "2027-28", "Children's homes"] == ["20", "0", "0", "20"]
    assert rows["More residential", "2026-27", "Foster care (in-house and agency, not kinship)"] == [
        "6",
        "3",
        "0",
        "3",
    ]
    # One child in supported accommodation: the demand and what is left to buy are suppressed.
    supported = rows["More residential", "2026-27", "Supported accommodation (16-17)"]
    assert supported == ["fewer than 5", "0", "0", "fewer than 5"]
    # The baseline's rows print what the gap table prints, kind of place by kind of place.
    labels = {g.key.capitalize(): g.label for g in GAP_GROUPS}
    gap = [[r[0], labels[r[1]], *r[2:6]] for r in tables["table-gap"]["rows"]]
    baseline = [[k[1], k[2], *v] for k, v in rows.items() if k[0] == "Baseline"]
    assert sorted(baseline) == sorted(gap)
    assert len(baseline) == 10
    notes = " ".join(forecast["notes"])
    assert "Baseline: the forecast if recent trends continue." in notes
    assert "More residential: Residential demand rises as fewer foster homes are found." in notes


def _gap_cells(document) -> list[tuple[str, str, int | None, int | None]]:
    """Every row of the gap tables as a reader reads it: (table, row, demand, to buy), None where withheld.
    Where something is left to buy, demand is to buy plus the printed places and beds."""
    import re

    read = []
    for table in (t for s in document["sections"] for t in s["tables"]):
        if table["id"] not in ("table-gap", "table-gap-scenarios"):
            continue
        headers = [h["text"] for h in table["headers"]]
        demand = next(i for i, h in enumerate(headers) if h.startswith("Demand"))
        to_buy = next(i for i, h in enumerate(headers) if "buy" in h)
        for row in table["rows"]:
            cells = [str(c.get("text", "") if isinstance(c, dict) else c).replace(",", "") for c in row]
            number = [int(c) if re.fullmatch(r"\d+", c) else None for c in cells]
            read.append((table["id"], " ".join(cells[:demand]), number[demand], number[to_buy]))
    return read


def test_no_small_forecast_demand_is_printed_or_worked_out_in_either_gap_table(assessed):
    document = build_statement_document(authority=assessed["walsall"], as_at=AS_AT)
    read = _gap_cells(document)
    assert {t for t, *_ in read} == {"table-gap", "table-gap-scenarios"}
    withheld = [r for r in read if r[2] is None]
    assert withheld  # the one child in supported accommodation, in both tables
    # (What is left to buy may be small where its demand is printed: it is that demand less places.)
    for table, row, demand, to_buy in read:
        assert demand is None or not 0 < demand < 5, (table, row, demand)
        if demand is None:  # to buy plus the places would give it back
            assert not to_buy, (table, row, to_buy)


def test_without_its_suppression_the_gap_under_a_scenario_prints_a_small_demand(assessed, monkeypatch):
    """The check above reads the scenario table: printed as computed, it shows the demand of 1."""
    from sufficiency.reports.statement import builder

    monkeypatch.setattr(builder, "_gap_table", lambda table, *args, **kwargs: table)
    document = build_statement_document(authority=assessed["walsall"], as_at=AS_AT)
    small = [r for r in _gap_cells(document) if r[2] is not None and 0 < r[2] < 5]
    assert {t for t, *_ in small} == {"table-gap", "table-gap-scenarios"}


def test_a_statement_with_scenario_gaps_publishes_as_plain_data(assessed):
    """Publishing stores the document as JSON: the scenario gaps' month ends must be ISO strings (a date
    object made the publish button a 500)."""
    import json

    from sufficiency.reports.models import Statement
    from sufficiency.reports.statement import services
    from tests.factories import UserFactory

    walsall = assessed["walsall"]
    gaps = gap_services.scenario_gaps(authority=walsall)
    assert all(isinstance(row["month_end"], str) for rows in gaps.values() for row in rows)
    json.dumps(gaps, allow_nan=False)
    author = UserFactory()
    statement = Statement.objects.create(
        authority=walsall, title="Placement sufficiency statement", as_at=AS_AT, status="approved"
    )
    version = services.statement_publish(statement=statement, acting_user=author)
    stored = version.document["sections"][8]["data"]["scenario_gaps"][SCENARIO]
    assert {row["month_end"] for row in stored} <= {month_end for month_end, *_ in SCENARIO_MEANS}
