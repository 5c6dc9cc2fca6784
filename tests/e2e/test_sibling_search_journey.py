"""A placement finder searches for a 14-year-old with two siblings: the search says how many candidates
can take all three together and lists agency carers beside in-house ones; the finder sends the referral,
places the child apart from the siblings, and the outcome reads "not to plan"."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

PLACEMENT_FINDER = "placement.finder@demo.sufficiency.invalid"


def test_placement_finder_searches_for_a_sibling_group_and_records_a_split_outcome(
    page: Page, sign_in, a11y, e2e_server
) -> None:
    sign_in(page, PLACEMENT_FINDER)
    page.get_by_role("link", name="Placement requests").first.click()
    page.get_by_role("button", name="Log a placement request").click()
    born = dt.date.today().year - 14
    birth = page.get_by_role("group", name=re.compile("Month and year of birth"))
    birth.get_by_label("Month").fill("1")
    birth.get_by_label("Year").fill(str(born))
    page.get_by_role("group", name=re.compile("^Sex")).get_by_label("Male", exact=True).check()
    page.get_by_role("group", name=re.compile("^Urgency")).get_by_label("Planned").check()
    page.get_by_role("group", name=re.compile("^Fostering")).get_by_label("Preferred", exact=True).check()
    page.get_by_role("group", name=re.compile("^Residential")).get_by_label(
        "Suitable but not preferred"
    ).check()
    page.get_by_role("group", name=re.compile("^Supported")).get_by_label("Unsuitable").check()
    page.get_by_text("Add more details (optional)").click()
    page.get_by_label("Brothers or sisters to place with the child").fill("2")
    page.get_by_role("button", name="Log request").click()
    expect(page).to_have_url(re.compile(r"/placement-requests/\d+/$"))
    found = re.search(r"/placement-requests/(\d+)/", page.url)
    assert found is not None
    request_id = int(found.group(1))

    page.get_by_role("button", name="Search for a placement").click()
    expect(page.get_by_role("heading", name="A group of 3 siblings")).to_be_visible()
    a11y(page, "Matching search for a sibling group")
    body = page.locator("main").inner_text()
    assert re.search(r"No candidate can take all 3 siblings together|can take all 3 siblings together", body)
    assert "Agency foster carers" in body, "the demo's agency carers are searched beside in-house carers"

    candidates = page.locator("input[name=candidate]:not([disabled])")
    assert candidates.count() >= 1
    candidates.nth(0).check()
    page.get_by_role("button", name="Send referral to the ticked providers").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("sent to 1")

    page.get_by_role("link", name=re.compile("^Place here")).first.click()
    page.get_by_role("group", name=re.compile("Were the siblings placed together")).get_by_label(
        "Placed apart"
    ).check()
    page.get_by_role("button", name="Record placement").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("The placement was recorded")
    expect(page.locator(".govuk-summary-card", has_text="Outcome")).to_contain_text(
        "the siblings were placed apart"
    )
    row = e2e_server.scalar(
        "select placed_to_plan || ',' || siblings_outcome from placements_placementrequest where id = ?",
        (request_id,),
    )
    assert row == "0,split"
