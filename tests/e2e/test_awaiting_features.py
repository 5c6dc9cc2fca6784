"""Journeys for features being built now (dashboards, placement finding, board reports). Each skips with
"awaiting <url name>" until its URL name resolves, then runs by itself: when a feature lands, run
`make test-e2e` and align any step below whose label or button text the feature named differently."""

from __future__ import annotations

import csv
import io
import os
import re

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
PLACEMENT_FINDER = "placement.finder@demo.sufficiency.invalid"
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


def test_placement_finder_logs_searches_offers_and_places(page: Page, sign_in, a11y, url_or_skip) -> None:
    request_list = url_or_skip("placements:request-list", code=WALSALL)
    request_new = url_or_skip("placements:request-create", code=WALSALL)
    sign_in(page, PLACEMENT_FINDER)
    page.goto(request_list)
    a11y(page, "Placement requests")

    page.goto(request_new)
    a11y(page, "New placement request")
    # A new referral (no SSDA903 reference yet): month and year of birth, sex, date, urgency, kinds.
    birth = page.get_by_role("group", name=re.compile("Month and year of birth"))
    birth.get_by_label("Month").fill("5")
    birth.get_by_label("Year").fill("2012")
    page.get_by_role("group", name=re.compile("^Sex")).get_by_label("Female").check()
    date = page.get_by_role("group", name=re.compile("Date requested"))
    date.get_by_label("Day").fill("1")
    date.get_by_label("Month").fill("3")
    date.get_by_label("Year").fill("2026")
    page.get_by_role("group", name=re.compile("Urgency")).get_by_label("Planned").check()
    page.get_by_role("group", name=re.compile("^Fostering")).get_by_label("Preferred", exact=True).check()
    page.get_by_role("group", name=re.compile("^Residential")).get_by_label(
        "Suitable but not preferred"
    ).check()
    page.get_by_role("group", name=re.compile("^Supported")).get_by_label("Unsuitable").check()
    page.get_by_role("button", name="Log request").click()
    expect(page).to_have_url(re.compile(r"requests/\d+/"))
    a11y(page, "Placement request")

    search = page.get_by_role("link", name=re.compile("Search|Find", re.I))
    if not search.count():
        awaiting("a search link on the placement request page")
    search.first.click()
    expect(page.locator("table tbody tr").first).to_be_visible()
    a11y(page, "Placement search results")
    page.get_by_role("link", name=re.compile("offer", re.I)).first.click()
    a11y(page, "Record an offer")
    page.get_by_role("button", name=re.compile("offer|Save", re.I)).first.click()
    page.get_by_role("link", name=re.compile("Place", re.I)).first.click()
    a11y(page, "Place the child")
    page.get_by_role("button", name=re.compile("Place|Confirm", re.I)).first.click()
    expect(page.get_by_text(re.compile("Placed", re.I)).first).to_be_visible()


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
