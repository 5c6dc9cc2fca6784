"""The regional statement: the region's figures pooled, each authority side by side with small numbers
suppressed as one linked table (Sandwell holds one child in the hand-built register, Walsall 7: the region's
8 less Walsall's 7 would give Sandwell's one child back), the regional forecast; and the command."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from sufficiency.reports.kpis import KpiSession, registry
from sufficiency.reports.statement import services
from sufficiency.reports.statement.builder import build_regional_document
from tests.reports.conftest import D

pytestmark = pytest.mark.django_db


@pytest.fixture
def regional(register):
    walsall = register["walsall"]
    return build_regional_document(authority=walsall, region=walsall.region, as_at=D)


def _sections(document):
    return {s["key"]: s for s in document["sections"]}


def test_pooled_figures_are_the_catalogues_regional_values(regional, register):
    pooled = KpiSession(register["walsall"]).regional_context(D)
    context = _sections(regional)["context"]
    entries = {e["key"]: e for e in context["kpis"]}
    assert entries["children_in_care"]["value"] == registry["children_in_care"].evaluate(pooled).value == 8
    # Printed, 8 less Walsall's own 7 would give Sandwell's one child to Walsall.
    assert entries["children_in_care"]["text"] == "fewer than 5"
    assert regional["region"]["authorities"] == ["Sandwell", "Walsall"]


def test_each_authority_side_by_side_with_small_numbers_suppressed(regional):
    table = next(
        t for t in _sections(regional)["context"]["tables"] if t["id"] == "table-region-side-by-side"
    )
    headers = [h["text"] for h in table["headers"]]
    assert headers[2:] == ["Sandwell", "Walsall"]
    rows = {row[0]: row for row in table["rows"]}
    cic = rows[registry["children_in_care"].name]
    # Sandwell's one child; Walsall's 7 (the region's 8 less it gives Sandwell's); the region's 8 (less
    # Walsall's own 7, which Walsall knows).
    assert cic[1:] == ["fewer than 5", "fewer than 5", "fewer than 5"]
    # The rate per 10,000 times the public population gives the count back: withheld with it.
    rate = rows[registry["cla_rate_per_10000"].name]
    assert all(text.startswith("Withheld") for text in rate[1:])
    # A ratio made of Sandwell's one child is withheld too, never printed as 100.0%.
    foster = rows[registry["pct_foster_care"].name]
    assert foster[2].startswith("Withheld")
    printed = " ".join(str(c) for row in table["rows"] for c in row)
    assert "100.0%" not in printed


def test_regional_forecast_table_lists_every_authority(regional):
    forecast = _sections(regional)["forecast"]
    table = next(t for t in forecast["tables"] if t["id"] == "table-region-forecast")
    assert [row[0] for row in table["rows"]] == ["Sandwell", "Walsall", "Total"]
    # "Now" is the same cell as the side-by-side children in care: suppressed in every row with it.
    assert [row[1] for row in table["rows"]] == ["fewer than 5"] * 3
    assert table["rows"][0][2] == "No forecast"
    # No gap sentence states the suppressed total.
    assert not any("children were in care" in fact for fact in forecast["facts"])


def test_command_writes_the_current_draft_as_docx_html_and_pdf(register, la_user, tmp_path):
    from docx import Document

    walsall = register["walsall"]
    statement = services.statement_create(authority=walsall, as_at=D, acting_user=la_user)
    services.narrative_update(
        statement=statement, texts={"context": "Drafted narrative."}, acting_user=la_user
    )
    out = tmp_path / "statement.docx"
    call_command(
        "sufficiency_statement", "--authority", walsall.dfe_code, "--date", "2025-03-31",
        "--format", "docx", "--output", str(out), stdout=io.StringIO(),
    )  # fmt: skip
    word = Document(str(out))
    assert "Drafted narrative." in [p.text for p in word.paragraphs]
    html = tmp_path / "region.html"
    call_command(
        "sufficiency_statement", "--region", walsall.region.code, "--date", "2025-03-31",
        "--format", "html", "--output", str(html), stdout=io.StringIO(),
    )  # fmt: skip
    text = html.read_text()
    assert '<html lang="en-GB">' in text and "Sandwell" in text and "fewer than 5" in text
    pdf = tmp_path / "s.pdf"
    call_command(
        "sufficiency_statement", "--authority", walsall.dfe_code, "--date", "2025-03-31",
        "--format", "pdf", "--output", str(pdf), stdout=io.StringIO(),
    )  # fmt: skip
    assert pdf.read_bytes().startswith(b"%PDF")
    with pytest.raises(CommandError):
        call_command(
            "sufficiency_statement", "--authority", "999", "--date", "2025-03-31",
            "--format", "pdf", "--output", str(pdf),
        )  # fmt: skip
    with pytest.raises(CommandError):
        call_command(
            "sufficiency_statement", "--authority", walsall.dfe_code, "--date", "2025-02-30",
            "--format", "pdf", "--output", str(pdf),
        )  # fmt: skip
