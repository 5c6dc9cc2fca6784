"""The statement document built from the hand-built register (tests/reports/conftest.py): Walsall on
31 March 2025 has 7 children in care; every headline figure is the KPI catalogue's for the same date."""

from __future__ import annotations

import json

import pytest

from sufficiency.reports.kpis import KpiSession, registry
from sufficiency.reports.kpis.context import previous_date
from sufficiency.reports.statement.builder import SECTION_KPIS, build_statement_document
from sufficiency.reports.statement.choices import StatementSectionChoices
from tests.reports.conftest import D

pytestmark = pytest.mark.django_db


def _sections(document):
    return {s["key"]: s for s in document["sections"]}


@pytest.fixture
def document(register, strategy):
    return build_statement_document(
        authority=register["walsall"], as_at=D, narrative={"stability": "Our children move less often."}
    )


def test_every_section_in_the_councils_order_as_plain_json(document):
    assert json.loads(json.dumps(document, allow_nan=False)) == document
    assert [s["key"] for s in document["sections"]] == list(StatementSectionChoices.values)
    assert [s["number"] for s in document["sections"]] == list(range(1, 12))
    assert _sections(document)["stability"]["narrative"] == "Our children move less often."
    assert document["comparison"] is None


def test_section_figures_equal_the_kpi_catalogue_for_the_same_date(document, register):
    ctx = KpiSession(register["walsall"]).context(D)
    before = KpiSession(register["walsall"]).context(previous_date(D, "year"))
    sections = _sections(document)
    checked = 0
    for key, kpi_keys in SECTION_KPIS.items():
        entries = {e["key"]: e for e in sections[key]["kpis"]}
        assert list(entries) == list(kpi_keys)
        for kpi_key in kpi_keys:
            assert entries[kpi_key]["value"] == registry[kpi_key].evaluate(ctx).value, kpi_key
            assert entries[kpi_key]["previous_value"] == registry[kpi_key].evaluate(before).value, kpi_key
            checked += 1
    assert checked >= 40
    children = {e["key"]: e for e in sections["children"]["kpis"]}
    assert children["children_in_care"]["value"] == 7
    assert children["children_in_care"]["text"] == "7"


def test_breakdowns_by_age_ethnicity_and_legal_status_add_up(document):
    data = _sections(document)["children"]["data"]
    assert sum(data["by_age"].values()) == 7
    assert sum(data["by_ethnicity"].values()) == 7
    assert sum(data["by_legal_status"].values()) == 7
    # W2 is the only child accommodated under section 20 (V2); W4 the only child under 5.
    assert data["by_legal_status"]["V2 Single period of accommodation under section 20"] == 1
    assert data["by_age"]["1 to 4"] == 1


def test_small_counts_are_suppressed_in_published_tables(document):
    tables = {t["id"]: t for t in _sections(document)["children"]["tables"]}
    legal = tables["table-children-legal"]
    printed = {row[0]: row[1] for row in legal["rows"]}
    # 6 children on C2, 1 on V2: the 1 is suppressed, and so is the 6 (else 7 - 6 gives it away).
    assert printed["V2 Single period of accommodation under section 20"] == "fewer than 5"
    assert printed["C2 Full care order"] == "fewer than 5"
    assert printed["Total"] == "7"
    flat = json.dumps(
        [s["tables"] for s in document["sections"]] + [s["facts"] for s in document["sections"]]
    )
    assert "W1" not in flat and "W2" not in flat  # no child reference anywhere a reader sees


def test_what_we_will_do_carries_the_strategy_actions(document):
    section = _sections(document)["what_we_will_do"]
    assert section["tables"], "objectives, measures and actions are tabled"
    assert any("action" in t["caption"].lower() for t in section["tables"])


def test_board_tables_and_sentences_are_made_fit_to_publish(document):
    where = _sections(document)["where_they_live"]
    table = next(t for t in where["tables"] if t["id"] == "table-by-category")
    printed = {row[0]: row[1:] for row in table["rows"]}
    # 2 children with in-house foster carers: suppressed, and its share withheld with it.
    assert printed["Fostering: in-house"][:2] == ["fewer than 5", "–"]
    assert not any(cell in ("1", "2", "3", "4") for row in table["rows"] for cell in row[1:])
    # "5 children started ... and 1 ceased" names a count of 1: left out, with a note saying so.
    assert not any("1 ceased" in fact for fact in where["facts"])
    assert any("suppressed count of children are left out" in note for note in where["notes"])
    supply = {t["id"] for t in _sections(document)["supply"]["tables"]}
    assert "table-foster-carers" not in supply  # the same figures are in the key-figures table


def test_suppress_table_adds_a_second_cell_where_a_total_would_give_one_away():
    from sufficiency.reports.statement.builder import publishable_fact, suppress_table

    table = {
        "id": "t",
        "caption": "c",
        "headers": [
            {"text": "Kind"},
            {"text": "Children", "numeric": True},
            {"text": "Share", "numeric": True},
        ],
        "rows": [["A", "3", "10.0%"], ["B", "7", "23.3%"], ["C", "20", "66.7%"], ["Total", "30", "100.0%"]],
    }
    out = {row[0]: row[1:] for row in suppress_table(table)["rows"]}
    assert out["A"] == ["fewer than 5", "–"]
    assert out["B"] == ["fewer than 5", "–"]  # next smallest, else 30 - 7 - 20 gives A
    assert out["C"] == ["20", "66.7%"] and out["Total"] == ["30", "100.0%"]
    assert table["rows"][0][1] == "3"  # the original is untouched
    assert publishable_fact("On 31 March 2025 there were 12 children, 3 or more placements for 6.")
    assert not publishable_fact("2 live in residential settings.")
    assert publishable_fact("Spend was £4.2m in 2024-25, 1.5 points up.")


def test_supply_lists_the_block_contracts_running_on_the_date_with_beds_unsuppressed(register, strategy):
    """Beds are places, not children: a contract of 2 beds is printed as 2, not "fewer than 5"."""
    import datetime as dt
    from decimal import Decimal

    from placements.models import BlockContract

    walsall = register["walsall"]
    common = {
        "authority": walsall,
        "category": "residential_external",
        "weekly_cost_per_bed": Decimal("4800"),
    }
    BlockContract.objects.create(
        reference="B-1", provider_name="Oak Care", beds=2, start_date=dt.date(2024, 4, 1),
        end_date=dt.date(2026, 3, 31), **common,
    )  # fmt: skip
    BlockContract.objects.create(
        reference="B-2",
        provider_name="Elm Homes",
        beds=6,
        start_date=dt.date(2025, 4, 1),
        end_date=dt.date(2027, 3, 31),
        **common,
    )  # fmt: skip (starts after the date: not listed)
    supply = _sections(build_statement_document(authority=walsall, as_at=D))["supply"]
    table = next(t for t in supply["tables"] if t["id"] == "statement-block-contracts")
    assert [row[0] for row in table["rows"]] == ["Oak Care", "Total"]
    assert table["rows"][0][3] == "2" and table["rows"][0][5] == "£4,800"
    assert table["rows"][-1][3] == "2"
