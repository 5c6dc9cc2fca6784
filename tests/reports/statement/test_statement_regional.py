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


@pytest.fixture
def region_of_two(walsall, sandwell):
    """30 Walsall children in in-house foster care; 15 Sandwell children with agency foster carers and 6 in
    an external children's home; all aged 12 or 13, in care since 2023 (no count is small)."""
    import datetime as dt

    from tests.factories import ChildFactory, EpisodeFactory

    for authority, n, place, provider in ((walsall, 30, "U4", "PR1"), (sandwell, 15, "U4", "PR4"),
                                          (sandwell, 6, "K2", "PR4")):  # fmt: skip
        for i in range(n):
            child = ChildFactory(authority=authority, dob=dt.date(2012, 1 + i % 12, 1))
            EpisodeFactory(child=child, decom=dt.date(2023, 1, 1), place=place, place_provider=provider)
    return build_regional_document(authority=walsall, region=walsall.region, as_at=D)


def test_regional_charts_draw_the_published_side_by_side_mix_and_ages(region_of_two):
    import re
    import zipfile

    from sufficiency.reports.statement.render import render_body_html, render_docx

    sections = _sections(region_of_two)
    charts = {c["id"]: (s, c) for s in sections.values() for c in s["charts"]}
    assert {"chart-region-children", "chart-region-placement-mix", "chart-children-age"} <= set(charts)
    # Each authority's children in care, as the side-by-side table prints them.
    section, chart = charts["chart-region-children"]
    side = next(t for t in section["tables"] if t["id"] == "table-region-side-by-side")
    row = next(r for r in side["rows"] if r[0] == registry["children_in_care"].name)
    rows = section["data"]["bars"]["chart-region-children"]["rows"]
    assert [(label, text) for label, _v, text in rows] == [("Sandwell", row[2]), ("Walsall", row[3])]
    assert [value for _l, value, _t in rows] == [21, 30]
    # The pooled mix: each type of placement and all children, as the table prints them.
    section, chart = charts["chart-region-placement-mix"]
    mix = {
        r[0]: r[1]
        for r in next(t for t in section["tables"] if t["id"] == "table-region-placement-mix")["rows"]
    }
    assert mix == {"Fostering: in-house": "30", "Fostering: external (IFA or another LA)": "15",
                   "Residential: external children's home": "6", "Total": "51"}  # fmt: skip
    bars = section["data"]["bars"]["chart-region-placement-mix"]["rows"]
    assert [(label, value, text) for label, value, text in bars] == [
        (label, int(text), text) for label, text in mix.items() if label != "Total"
    ]
    assert "Residential: external children's home 6" in chart["alt"]
    for section, chart in charts.values():
        for label, value, text in section["data"].get("bars", {}).get(chart["id"], {"rows": []})["rows"]:
            assert value is None or not 0 < value < 5
            assert not re.fullmatch(r"[1-4]", text)
            assert f"{label} {text}" in chart["alt"]
    body = render_body_html(region_of_two)
    with zipfile.ZipFile(io.BytesIO(render_docx(region_of_two))) as docx:
        xml = docx.read("word/document.xml").decode()
    for _section, chart in charts.values():
        assert chart["title"] in body
        assert chart["alt"].replace("'", "&apos;") in xml or chart["alt"].replace("'", "&#x27;") in xml or (
            chart["alt"] in xml)  # fmt: skip


def test_no_regional_chart_prints_a_count_of_1_to_4(regional):
    """On the hand-built register (Sandwell's one child beside Walsall's 7), every bar of every chart is
    suppressed or not small, and the alt text prints each bar as the table does."""
    import re

    drawn = 0
    for section in regional["sections"]:
        for chart in section["charts"]:
            for label, value, text in section["data"]["bars"][chart["id"]]["rows"]:
                drawn += 1
                assert value is None or not 0 < value < 5, (chart["id"], label, value)
                assert not re.fullmatch(r"[1-4]", text)
                assert f"{label} {text}" in chart["alt"]
    assert drawn >= 5
