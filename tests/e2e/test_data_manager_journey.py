"""A data manager uploads SSDA903 files with errors: in strict mode nothing is imported and the error report
says why; by default the readable children are imported and the others held back, shown on the data quality
page; corrected files release them. Wolverhampton starts with an empty register (see conftest.E2E_USERS)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.ssda903_files import episodes, header

pytestmark = pytest.mark.e2e

DATA_MANAGER = "e2e.data.manager@demo.sufficiency.invalid"
CODE = "336"

# Synthetic children. The first upload has two mistakes a case management system export can contain:
# an impossible date of birth and a placement type that does not exist.
BAD_HEADER = header(
    {"CHILD": "E2E001", "DOB": "31/02/2012"},
    {"CHILD": "E2E002", "DOB": "03/01/2009", "SEX": "1"},
    {"CHILD": "E2E003", "DOB": "11/11/2016"},
)
GOOD_HEADER = header(
    {"CHILD": "E2E001", "DOB": "28/02/2012"},
    {"CHILD": "E2E002", "DOB": "03/01/2009", "SEX": "1"},
    {"CHILD": "E2E003", "DOB": "11/11/2016"},
)


def _episodes(place_of_second: str) -> bytes:
    return episodes(
        {"CHILD": "E2E001", "DECOM": "01/04/2024", "HOME_POST": "WV1 1RQ", "PL_POST": "WV1 1RQ"},
        {
            "CHILD": "E2E002",
            "DECOM": "10/06/2023",
            "PLACE": place_of_second,
            "PLACE_PROVIDER": "PR4",
            "HOME_POST": "WV1 1RQ",
            "PL_POST": "WS1 1TP",
        },
        {
            "CHILD": "E2E003",
            "DECOM": "15/09/2025",
            "PLACE": "U1",
            "HOME_POST": "WV1 1RQ",
            "PL_POST": "WV1 1RQ",
        },
    )


def _upload(page: Page, files: list[tuple[str, bytes]], *, strict: bool = False) -> None:
    page.get_by_label("SSDA903 files").set_input_files(
        [{"name": name, "mimeType": "text/csv", "buffer": content} for name, content in files]
    )
    if strict:
        page.get_by_label("Refuse the whole import (strict)").check()
    page.get_by_role("button", name="Upload and import").click()


def _children_in_register(e2e_server) -> int:
    return e2e_server.scalar(
        "select count(*) from placements_child c join authorities_localauthority a on a.id = c.authority_id "
        "where a.dfe_code = ?",
        (CODE,),
    )


def test_upload_with_errors_then_corrected_files(page: Page, sign_in, a11y, e2e_server) -> None:
    sign_in(page, DATA_MANAGER)
    a11y(page, "Home (data manager)")

    page.get_by_role("link", name="Data imports for Wolverhampton").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("import", ignore_case=True)
    a11y(page, "Import list")

    page.get_by_role("button", name="Upload SSDA903 files").click()
    expect(page.get_by_role("heading", name="Upload SSDA903 files")).to_be_visible()
    a11y(page, "Import form")

    # Submitting without a file: the GOV.UK error summary, linked to the field.
    page.get_by_role("button", name="Upload and import").click()
    expect(page).to_have_title(re.compile("^Error: "))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Select at least one SSDA903 CSV or XML file")
    a11y(page, "Import form with an error")

    # Strict: any row with an error refuses the whole import.
    _upload(page, [("header.csv", BAD_HEADER), ("episodes.csv", _episodes("Z9"))], strict=True)
    expect(page.get_by_role("heading", name="Nothing was imported")).to_be_visible()
    expect(page.locator("#import-status")).to_contain_text("Failed validation")
    a11y(page, "Import failed")
    assert _children_in_register(e2e_server) == 0, "a failed import must write nothing"

    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("Download the error report")).click()
    download = download_info.value
    assert download.suggested_filename.endswith("-errors.csv")
    report = list(csv.DictReader(io.StringIO(Path(download.path()).read_text(encoding="utf-8-sig"))))
    assert report, "the error report lists the problems"
    assert set(report[0]) == {"file", "row", "column", "value", "message", "code", "severity", "action"}
    problems = {(r["file"], r["column"], r["value"]) for r in report}
    assert any(f == "header.csv" and c.upper() == "DOB" and v == "31/02/2012" for f, c, v in problems), (
        problems
    )
    assert any(f == "episodes.csv" and c.upper() == "PLACE" and v == "Z9" for f, c, v in problems), problems
    assert all(r["row"] and r["message"] for r in report)
    assert {r["code"] for r in report} >= {"102", "146"}  # the DfE's own rule numbers

    # By default the child who can be read is imported; the two who cannot are held back, not dropped.
    page.get_by_role("button", name="Upload corrected files").click()
    expect(page.get_by_role("heading", name="Upload SSDA903 files")).to_be_visible()
    _upload(page, [("header.csv", BAD_HEADER), ("episodes.csv", _episodes("Z9"))])
    expect(page.get_by_role("heading", name="Import complete")).to_be_visible()
    expect(page.locator("main")).to_contain_text("2 (4 rows): not counted until corrected files are imported")
    a11y(page, "Import with children held back")
    assert _children_in_register(e2e_server) == 1

    page.get_by_role("link", name="Data quality").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Data quality")
    expect(page.locator("main")).to_contain_text("E2E001")
    expect(page.locator("main")).to_contain_text("E2E002")
    a11y(page, "Data quality")

    page.goto(f"/authorities/{CODE}/imports/new/")
    _upload(page, [("header.csv", GOOD_HEADER), ("episodes.csv", _episodes("K2"))])
    expect(page.get_by_role("heading", name="Import complete")).to_be_visible()
    expect(page.locator(".govuk-panel__body")).to_contain_text("3 children and 3 episodes")
    expect(page.locator("main")).to_contain_text("2 held back by the previous import and counted now")
    a11y(page, "Import succeeded")
    assert _children_in_register(e2e_server) == 3

    # The list shows the three attempts, newest first.
    page.get_by_role("link", name="All imports").click()
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(3)
    a11y(page, "Import list after three imports")


def test_keyboard_only_upload(page: Page, sign_in, keyboard, e2e_server) -> None:
    """Tab from the top of the page: the skip link first, visible focus everywhere, Enter submits."""
    sign_in(page, DATA_MANAGER)
    page.goto(f"/authorities/{CODE}/imports/new/")
    first = keyboard.tab(page)
    assert "govuk-skip-link" in first["cls"], f"the first Tab stop must be the skip link, not {first}"
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("#main-content$"))  # waits: the jump may land after the key press

    # A keyboard user reaches the file field and opens the chooser with Space; the test hands the chooser
    # its files (the operating system's dialog is outside the page).
    keyboard.tab_to(page, lambda f: f["tag"] == "input" and f["type"] == "file")
    files = [
        {"name": "header.csv", "mimeType": "text/csv", "buffer": GOOD_HEADER},
        {"name": "episodes.csv", "mimeType": "text/csv", "buffer": _episodes("K2")},
    ]
    try:
        with page.expect_file_chooser(timeout=5_000) as chooser:
            page.keyboard.press("Space")
        chooser.value.set_files(files)
    except PlaywrightTimeoutError:
        # Headless Chromium does not always raise the chooser for a synthetic key press under load.
        page.locator("input[type=file]:focus").set_input_files(files)
    keyboard.tab_to(page, lambda f: f["tag"] == "button" and "Upload and import" in f["text"])
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Import complete")).to_be_visible()
