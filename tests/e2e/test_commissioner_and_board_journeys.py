"""A commissioner browses the dashboards and downloads a CSV; a board member opens the latest published
report and its PDF. If the demo has no figures for a page, the journey skips with "awaiting ..." locally;
CI sets E2E_STRICT=1, which turns that skip into a failure. (The placement finder's journey is in
test_placement_finding_journey.py.)"""

from __future__ import annotations

import csv
import io
import os

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

WALSALL = "335"


def awaiting(what: str) -> None:
    """The page exists but the feature is not finished: skip, unless E2E_STRICT=1 (then fail)."""
    if os.environ.get("E2E_STRICT", "").lower() in {"1", "true", "yes"}:
        pytest.fail(f"awaiting {what}", pytrace=False)
    pytest.skip(f"awaiting {what}")


COMMISSIONER = "commissioner@demo.sufficiency.invalid"
BOARD_MEMBER = "board.member@demo.sufficiency.invalid"


def test_commissioner_browses_dashboards_and_downloads_a_csv(page: Page, sign_in, a11y, url_or_skip) -> None:
    pages = [
        (url_or_skip("dashboards:overview", code=WALSALL), "Dashboard: overview"),
        (url_or_skip("dashboards:forecast", code=WALSALL), "Dashboard: forecast"),
        (url_or_skip("dashboards:gap", code=WALSALL), "Dashboard: gap"),
    ]
    sign_in(page, COMMISSIONER)
    for path, name in pages:
        response = page.goto(path)
        assert response.status == 200, (name, response.status)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        a11y(page, name)

    # Every chart has a CSV of its table: download the first one the dashboards offer.
    csv_link = None
    for path, _ in pages:
        page.goto(path)
        links = page.locator("main a[href*='csv'], main a:has-text('CSV')")
        if links.count():
            csv_link = links.first
            break
    if csv_link is None:
        awaiting("dashboard figures in the demo (no dashboard offers a CSV yet)")
    with page.expect_download() as download_info:
        csv_link.click()
    with open(download_info.value.path(), encoding="utf-8-sig") as handle:
        rows = list(csv.reader(io.StringIO(handle.read())))
    assert len(rows) >= 2 and all(rows[0]), f"a CSV with a header and data, got {rows[:3]}"


def test_board_member_opens_latest_report_and_its_pdf(page: Page, sign_in, a11y, url_or_skip) -> None:
    reports = url_or_skip("reports:board-report-list", code=WALSALL)
    sign_in(page, BOARD_MEMBER)
    page.goto(reports)
    a11y(page, "Board reports")
    latest = page.locator("main a[href*='/board']")
    if not latest.count():
        awaiting("a published board report in the demo")
    latest.first.click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    a11y(page, "Board report")

    pdf_link = page.locator("a[href$='.pdf'], a[href*='pdf']").first
    response = page.request.get(pdf_link.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"].startswith("application/pdf")
    assert response.body()[:5] == b"%PDF-"
