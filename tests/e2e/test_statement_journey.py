"""A commissioner takes the demo's drafted sufficiency statement from draft to published in the browser,
checking every page with axe; a board member then reads the published statement and downloads its Word
document and PDF."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

WALSALL = "335"
COMMISSIONER = "commissioner@demo.sufficiency.invalid"
BOARD_MEMBER = "board.member@demo.sufficiency.invalid"


def test_commissioner_takes_the_statement_from_draft_to_published(
    page: Page, sign_in, a11y, url_or_skip
) -> None:
    statements = url_or_skip("reports:statement-list", code=WALSALL)
    sign_in(page, COMMISSIONER)
    page.goto(statements)
    a11y(page, "Sufficiency statements")
    page.get_by_role("link", name="Placement sufficiency statement", exact=True).first.click()
    expect(page.get_by_role("heading", level=1, name="Placement sufficiency statement")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="2. Our children in care")).to_be_visible()
    a11y(page, "Draft statement")

    page.get_by_role("link", name="Write the narrative").click()
    a11y(page, "Statement narrative")
    page.get_by_label("Stability").fill("Fewer of our children moved home three or more times this year.")
    page.get_by_role("button", name="Save narrative").click()
    expect(
        page.get_by_text("Fewer of our children moved home three or more times this year.")
    ).to_be_visible()

    page.get_by_role("button", name="Send for review").click()
    expect(page.get_by_text("In review", exact=True).first).to_be_visible()
    page.get_by_role("button", name="Approve").click()
    page.get_by_role("button", name="Publish (figures and narrative are then frozen)").click()
    expect(page.get_by_text("Published as version 1")).to_be_visible()
    a11y(page, "Published statement")

    page.context.clear_cookies()
    sign_in(page, BOARD_MEMBER)
    page.goto(statements)
    page.get_by_role("link", name="Placement sufficiency statement", exact=True).first.click()
    expect(
        page.get_by_text("Fewer of our children moved home three or more times this year.")
    ).to_be_visible()
    for name, kind in (("Download as a Word document", "wordprocessingml"), ("Download as a PDF", "pdf")):
        response = page.request.get(page.get_by_role("link", name=name).get_attribute("href"))
        assert response.status == 200 and kind in response.headers["content-type"]
