"""A commissioner browses the register (children in care, one child) and the supply pages (Ofsted settings,
in-house capacity, block contracts, vacancies); another authority's commissioner cannot open them."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

COMMISSIONER = "commissioner@demo.sufficiency.invalid"
SANDWELL_COMMISSIONER = "sandwell.commissioner@demo.sufficiency.invalid"
WALSALL = "335"


def test_commissioner_browses_children_in_care(page: Page, sign_in, a11y) -> None:
    sign_in(page, COMMISSIONER)
    a11y(page, "Home (commissioner)")
    page.get_by_role("link", name="Children in care for Walsall").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Children in care")
    rows = page.locator("table tbody tr")
    expect(rows.first).to_be_visible()
    assert rows.count() > 10, "the demo has Walsall children in care today"
    a11y(page, "Children in care")

    page.locator("table tbody tr a").first.click()
    expect(page.get_by_role("link", name=re.compile("Back|children", re.I)).first).to_be_visible()
    expect(page.locator("table").first).to_be_visible()
    a11y(page, "Child detail")


SUPPLY_PAGES = [
    ("supply/", "Supply overview"),
    ("supply/settings/", "Settings (Ofsted register)"),
    ("supply/households/", "Fostering households"),
    ("supply/homes/", "In-house homes"),
    ("supply/contracts/", "Block contracts"),
    ("supply/vacancies/", "Vacancies"),
]


def test_commissioner_browses_supply(page: Page, sign_in, a11y) -> None:
    sign_in(page, COMMISSIONER)
    page.get_by_role("link", name="Supply for Walsall").click()
    for path, name in SUPPLY_PAGES:
        response = page.goto(f"/authorities/{WALSALL}/{path}")
        assert response.status == 200, (path, response.status)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        a11y(page, name)

    page.goto(f"/authorities/{WALSALL}/supply/settings/")
    page.locator("table tbody tr a").first.click()
    expect(page).to_have_url(re.compile(r"/supply/settings/\d+/$"))
    a11y(page, "Setting detail")


def test_commissioner_reads_kpis_and_strategy(page: Page, sign_in, a11y, url_or_skip) -> None:
    kpis = url_or_skip("reports:kpi-list", code=WALSALL)
    strategy = url_or_skip("reports:strategy-list", code=WALSALL)
    sign_in(page, COMMISSIONER)
    for path, name in [(kpis, "KPIs"), (strategy, "Strategy list")]:
        response = page.goto(path)
        assert response.status == 200, (path, response.status)
        a11y(page, name)


def test_other_authority_gets_not_found(page: Page, sign_in, a11y) -> None:
    sign_in(page, SANDWELL_COMMISSIONER)
    response = page.goto(f"/authorities/{WALSALL}/children/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert "Traceback" not in page.content()
    a11y(page, "Not found")


def test_commissioner_puts_a_home_on_a_framework_and_ends_it(page: Page, sign_in, a11y) -> None:
    """The frameworks page: an empty form re-displays with the error summary; a home is added with a tier,
    listed, and ended."""
    sign_in(page, COMMISSIONER)
    frameworks = f"/authorities/{WALSALL}/supply/frameworks/"
    page.goto(frameworks)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Framework memberships")
    a11y(page, "Framework memberships")
    on_a_framework = set(re.findall(r"\bSC\d{6}\b", page.locator("main").inner_text()))
    page.goto(f"/authorities/{WALSALL}/supply/settings/")
    urn = next(
        u for u in re.findall(r"\bSC\d{6}\b", page.locator("main").inner_text()) if u not in on_a_framework
    )

    page.goto(frameworks)
    page.get_by_role("button", name="Add a framework membership").click()
    page.get_by_role("button", name="Save").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("Enter the Ofsted URN of the home or fostering agency")
    expect(summary).to_contain_text("Enter the name of the framework")
    a11y(page, "Framework membership form with errors")

    page.get_by_label("Ofsted URN of the home or fostering agency").fill(urn)
    page.get_by_label("Framework", exact=True).fill("E2E Residential Framework")
    page.get_by_label("Tier").fill("2")
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(r"/supply/frameworks/$"))
    row = page.locator("table tbody tr", has_text=urn)
    expect(row).to_contain_text("E2E Residential Framework")
    expect(row).to_contain_text("2")

    row.get_by_role("link", name="End").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("End framework membership")
    a11y(page, "End framework membership")
    page.get_by_role("button", name="End membership").click()
    expect(page).to_have_url(re.compile(r"/supply/frameworks/$"))
    expect(page.locator("table tbody tr", has_text=urn)).to_have_count(0)
