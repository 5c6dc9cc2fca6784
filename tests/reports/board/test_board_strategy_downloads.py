"""The strategy page's measures and the board report's indicators, sufficiency gap and placement finding
tables download as CSV and XLSX: from the page's own figures (a published report's frozen document),
scoped and audited like the page, numbers as numbers with units in the headers, every cell inert."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from sufficiency.authorities.models import AuditEvent
from sufficiency.core.csv import BOM
from sufficiency.reports import services as strategy_services
from sufficiency.reports.board import services
from sufficiency.reports.board.downloads import GAP_HEADERS, board_table
from tests.dashboards.conftest import register as dashboards_register  # noqa: F401 - a fixture
from tests.dashboards.conftest import rollup  # noqa: F401 - a fixture
from tests.dashboards.register import AS_AT
from tests.placements.finding.conftest import make_request, placement_finder  # noqa: F401

pytestmark = pytest.mark.django_db

SNAKE_CASE = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)+$")
SHOWN_NUMBER = re.compile(r"^[+-]?(£[\d,.]+[mk]?|[\d,.]+%|\d{1,3}(,\d{3})+)$")  # "£41.83m", "20.7%", "1,234"


@pytest.fixture
def register(dashboards_register, make_request):  # noqa: F811 - the fixtures imported above
    """The dashboards' hand-built register with two placement requests (one an emergency)."""
    make_request()
    make_request(urgency="same_day", requested_on=dt.date(2025, 9, 1))
    return dashboards_register


@pytest.fixture
def strategy(register, la_user):
    walsall = register["walsall"]
    strategy = strategy_services.strategy_create(
        authority=walsall, acting_user=la_user, title="Sufficiency strategy", start_year=2025, end_year=2028
    )
    objective = strategy_services.objective_create(
        strategy=strategy, acting_user=la_user, number=1, title="Close to home"
    )
    for key, target, direction in (
        ("pct_placed_over_20_miles", 10, "lower"),
        ("children_in_care", 8, "lower"),
    ):
        strategy_services.measure_create(
            objective=objective,
            acting_user=la_user,
            kpi_key=key,
            baseline_value=12,
            target_value=target,
            target_date=dt.date(2028, 3, 31),
            direction=direction,
        )
    return strategy


@pytest.fixture
def reports(register, rollup, la_user, fast_pdf):  # noqa: F811 - rollup computes the gap
    walsall = register["walsall"]
    published = services.report_publish(
        report=services.report_create(authority=walsall, as_at=AS_AT, acting_user=la_user),
        meeting_name="Corporate Parenting Board",
        meeting_date=dt.date(2026, 5, 4),
        acting_user=la_user,
    )
    draft = services.report_create(authority=walsall, as_at=AS_AT, acting_user=la_user, title="Next update")
    return {
        "published": reverse("reports:board-published", kwargs={"code": "335", "version": published.version}),
        "draft": reverse("reports:board-draft", kwargs={"code": "335", "pk": draft.pk}),
        "document": published.document,
    }


def _links(client, url: str) -> list[str]:
    body = client.get(url).content.decode()
    return sorted(
        {link.replace("&amp;", "&") for link in re.findall(r'href="([^"]*download=csv[^"]*)"', body)}
    )


def _rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def _check_files(client, link: str, filename: str) -> list[list[str]]:
    """The CSV and XLSX of one table: data, not text; the same header in both. Returns the CSV rows."""
    response = client.get(link)
    assert response.status_code == 200, link
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.startswith(BOM.encode())
    assert re.match(rf'attachment; filename="{filename}"', response["Content-Disposition"]), response[
        "Content-Disposition"
    ]
    rows = _rows(response)
    assert rows and all(rows[0]), rows[0]
    assert not [h for h in rows[0] if SNAKE_CASE.match(h)], rows[0]
    cells = [cell for row in rows[1:] for cell in row]
    assert not [c for c in cells if SHOWN_NUMBER.match(c) or "&#" in c or "&amp;" in c or "<" in c], cells
    xlsx = client.get(link.replace("download=csv", "download=xlsx"))
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(xlsx.content), read_only=True).worksheets[0]
    assert list(next(sheet.iter_rows(values_only=True))) == rows[0]
    return rows


def test_the_strategy_measures_download_with_the_pages_values_and_units(client, la_user, strategy):
    client.force_login(la_user)
    url = reverse("reports:strategy-detail", kwargs={"code": "335", "pk": strategy.pk})
    body = client.get(url).content.decode()
    shown = re.findall(r'data-measure="([a-z0-9_]+)" data-value="([^"]*)" data-rag="([a-z_]*)"', body)
    links = _links(client, url)
    assert links == [f"{url}?download=csv&table=measures"], links
    rows = _check_files(client, links[0], r"335-strategy-measures\.csv")
    header = rows[0]
    assert header[:4] == ["Objective", "Measure", "Unit", "Baseline (in the unit)"]
    assert header[8] == f"Value on {AS_AT:%Y-%m-%d} (in the unit)"
    assert len(rows) - 1 == len(shown) == 2
    by_unit = {row[2]: row for row in rows[1:]}
    assert {"%", "children"} <= set(by_unit), by_unit
    assert (
        by_unit["%"][5] == "10" and by_unit["%"][6] == "2028-03-31" and by_unit["%"][7] == "Lower is better"
    )
    for (_key, value, _rag), row in zip(shown, rows[1:], strict=True):
        assert (float(row[8]) if row[8] else None) == (float(value) if value else None)
    events = AuditEvent.objects.filter(action="table.downloaded")
    assert {(e.object_id, e.detail["format"], e.authority.dfe_code, e.actor) for e in events} == {
        ("strategy:measures", "csv", "335", la_user),
        ("strategy:measures", "xlsx", "335", la_user),
    }


@pytest.mark.parametrize("which", ["draft", "published"])
def test_the_board_reports_tables_download_from_its_document(client, la_user, reports, which):
    client.force_login(la_user)
    url = reports[which]
    links = _links(client, url)
    assert [re.search(r"table=([a-z]+)", link).group(1) for link in links] == ["finding", "gap", "kpis"], (
        links
    )
    tables = {
        re.search(r"table=([a-z]+)", link).group(1): _check_files(
            client, link, rf"335-board-report-{AS_AT:%Y-%m-%d}-[a-z]+\.csv"
        )
        for link in links
    }
    # Every indicator, unrounded, with its unit in its own column.
    kpis = {row[1]: row for row in tables["kpis"][1:]}
    frozen = reports["document"]["kpis"]
    assert len(kpis) == len(frozen)
    for entry in frozen:
        row = kpis[entry["name"]]
        assert (float(row[3]) if row[3] else None) == entry["value"], entry["key"]
    assert kpis["Children in care"][2] == "children"
    # Placement finding: the two requests, one an emergency, with each row's unit.
    finding = {row[0]: row for row in tables["finding"][1:]}
    assert tables["finding"][0] == ["Measure", "Unit", "Value (in the unit)"]
    assert finding["Placement requests"][1:] == ["requests", "2"]
    assert finding["of which emergency (same day)"][1:] == ["requests", "1"]
    # The gap: counts as numbers under headers that name their units.
    assert tables["gap"][0] == GAP_HEADERS
    assert tables["gap"][1:] and all(
        re.fullmatch(r"-?\d*", cell) for row in tables["gap"][1:] for cell in row[2:]
    )


def test_a_board_member_downloads_the_published_tables_but_not_a_drafts(client, board_member, reports):
    client.force_login(board_member)
    links = _links(client, reports["published"])
    assert len(links) == 3 and all(client.get(link).status_code == 200 for link in links)
    assert client.get(f"{reports['draft']}?download=csv&table=kpis").status_code == 404


def test_another_authority_gets_404_for_the_downloads(client, other_la_user, reports, strategy):
    client.force_login(other_la_user)
    strategy_url = reverse("reports:strategy-detail", kwargs={"code": "335", "pk": strategy.pk})
    for url in (reports["published"], reports["draft"], strategy_url):
        table = "measures" if url == strategy_url else "kpis"
        for fmt in ("csv", "xlsx"):
            assert client.get(url, {"download": fmt, "table": table}).status_code == 404


def test_an_unknown_board_table_is_404(client, la_user, reports):
    client.force_login(la_user)
    assert client.get(reports["published"], {"download": "csv", "table": "nope"}).status_code == 404


def test_the_gap_download_reads_the_printed_counts_as_numbers():
    document = {
        "as_at": "2026-03-31",
        "sections": [
            {
                "key": "forecast",
                "tables": [
                    {
                        "id": "table-gap",
                        "caption": "Sufficiency gap",
                        "rows": [["2026-27", "Residential", "1,042", "12", "–", "25", "c", "-7"]],
                    }
                ],
            }
        ],
    }
    title, headers, rows = board_table(document, "gap")
    assert (title, headers) == ("Sufficiency gap", GAP_HEADERS)
    assert rows == [["2026-27", "Residential", 1042, 12, None, 25, "c", -7]]
