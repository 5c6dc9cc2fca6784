"""The board report's and the KPI page's published comparator columns (statistical neighbours' average and
range, the published region, England) and the "differs from published" check, from the DfE-layout fixtures
and the hand-built register (Walsall: 7 children in care on 31 March 2025; the DfE-layout fixture publishes
440 for it)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from placements.national.services import national_statistics_import
from sufficiency.reports.board.builder import build_report_document
from tests.reports.conftest import D

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "dfe"
pytestmark = pytest.mark.django_db


@pytest.fixture
def published():
    names = ("la_cla_at_31_march.csv", "la_cla_rates_bom_crlf.csv", "la_cla_stability_financial_year.csv")
    assert national_statistics_import(files=[(n, (FIXTURES / n).read_bytes()) for n in names]).ok


def _summary(document):
    return next(s for s in document["sections"] if s["key"] == "summary")


def test_board_headline_table_has_neighbours_region_and_england_from_the_published_tables(
    register, strategy, published
):
    document = build_report_document(authority=register["walsall"], as_at=D, commentary={})
    table = _summary(document)["tables"][0]
    headers = [h["text"] if isinstance(h, dict) else h for h in table["headers"]]
    assert headers[-3:] == ["Statistical neighbours (range)", "Region (published)", "England"]
    rows = {r[0]: r for r in table["rows"]}
    rate = next(r for name, r in rows.items() if "per 10,000" in name.lower() or "rate" in name.lower())
    # Neighbours Birmingham 64 and Sandwell 80 (the other eight not published); West Midlands 75; England 67.
    assert rate[-3:] == ["72.0 (64.0 to 80.0)", "75.0", "67.0"]
    kpis = {k["key"]: k for k in document["kpis"]}
    assert kpis["cla_rate_per_10000"]["comparators"]["statistical_neighbours"]["n"] == 2
    # Walsall's foster share is suppressed ("c") in the table: the neighbours still show, Walsall's own
    # published figure does not, and nothing is compared.
    assert kpis["pct_foster_care"]["comparators"]["published_own"] is None
    assert kpis["pct_foster_care"]["differs_text"] == ""
    # The neighbours come from the synthetic list loaded by the migration: the report says so.
    facts = " ".join(_summary(document)["facts"])
    assert "are the Department for Education's published statistics for the latest year" in facts
    assert (
        "Statistical neighbours list: Statistical neighbours (synthetic stand-in for the DfE's list) (synthetic stand-in, not the DfE's list)."
        in facts
    )


def test_board_report_says_where_the_register_differs_from_what_was_published(register, strategy, published):
    document = build_report_document(authority=register["walsall"], as_at=D, commentary={})
    facts = " ".join(_summary(document)["facts"])
    assert "differs from the count the Department for Education published" in facts
    assert "register 7, published 440 (31 March 2025)" in facts


def test_board_report_without_national_statistics_shows_dashes(register, strategy):
    document = build_report_document(authority=register["walsall"], as_at=D, commentary={})
    table = _summary(document)["tables"][0]
    assert all(row[-3:] == ["–", "–", "–"] for row in table["rows"])
    assert "differs" not in " ".join(_summary(document)["facts"])


def test_kpi_page_shows_neighbours_published_region_and_the_difference(client, la_user, register, published):
    client.force_login(la_user)
    url = reverse("reports:kpi-list", kwargs={"code": "335"})
    html = client.get(url, {"on_day": "31", "on_month": "3", "on_year": "2025"}).content.decode()
    assert "Statistical neighbours (published)" in html
    assert (
        'data-neighbours="cla_rate_per_10000">72.0<br><span class="govuk-body-s">range 64.0 to 80.0' in html
    )
    assert "published 75.0" in html
    assert 'data-differs="children_in_care"' in html and "register 7, published 440" in html
    assert 'data-differs="pct_foster_care"' not in html
    source = html.split('id="kpi-national-source">')[1].split("</p>")[0]
    assert "la_cla_rates_bom_crlf.csv" in source and "not the DfE&#x27;s list" in source
    assert "are the Department for Education's published statistics for the latest year" in html


def test_synthetic_figures_are_called_synthetic_on_the_board_report_and_the_kpi_page(
    client, la_user, register, strategy
):
    data = (FIXTURES / "la_cla_rates_bom_crlf.csv").read_bytes()
    outcome = national_statistics_import(
        files=[("demo.csv", data)], publisher="Synthetic demo table in the DfE's published layout"
    )
    assert outcome.ok
    document = build_report_document(authority=register["walsall"], as_at=D, commentary={})
    facts = " ".join(_summary(document)["facts"])
    assert (
        "are synthetic figures in the layout of the Department for Education's published statistics" in facts
    )
    assert "are the Department for Education's published statistics" not in facts
    client.force_login(la_user)
    url = reverse("reports:kpi-list", kwargs={"code": "335"})
    html = client.get(url, {"on_day": "31", "on_month": "3", "on_year": "2025"}).content.decode()
    assert "are synthetic figures in the layout of the Department for Education" in html
    assert "are the Department for Education's published statistics" not in html
