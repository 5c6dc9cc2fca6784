"""Each demo role signs in and opens every page its navigation offers, in the browser: every link opens
(200), none is Django's debug page, and a page the role may not open is the service's own page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

pytestmark = pytest.mark.e2e

ROLES = {
    "commissioner@demo.sufficiency.invalid": {
        "Dashboards",
        "Children in care",
        "KPIs",
        "Sufficiency statements",
    },
    "placement.finder@demo.sufficiency.invalid": {"Placement requests", "Children in care"},
    "board.member@demo.sufficiency.invalid": {"Dashboards", "KPIs", "Board reports"},
    "data.manager@demo.sufficiency.invalid": {"Data imports", "Data quality"},
}
DEBUG_PAGE_MARKERS = ("Traceback", "Using the URLconf", "You're seeing this error because you have DEBUG")


def _navigation(page: Page) -> dict[str, str]:
    links = page.locator("a.govuk-service-navigation__link")
    return {
        links.nth(i).inner_text().strip(): links.nth(i).get_attribute("href") or ""
        for i in range(links.count())
    }


@pytest.mark.parametrize("email", sorted(ROLES))
def test_every_navigation_link_opens_for_the_role(page: Page, sign_in, email: str) -> None:
    sign_in(page, email)
    page.goto("/authorities/335/kpis/")
    navigation = _navigation(page)
    assert ROLES[email] <= set(navigation), navigation
    for label, href in navigation.items():
        response = page.goto(href)
        assert response is not None and response.status == 200, (label, href)
        content = page.content()
        assert not any(marker in content for marker in DEBUG_PAGE_MARKERS), (label, href)


def test_a_page_the_role_may_not_open_is_the_services_own_page(page: Page, sign_in) -> None:
    sign_in(page, "board.member@demo.sufficiency.invalid")
    response = page.goto("/authorities/335/children/")
    assert response is not None and response.status in (403, 404)
    content = page.content()
    assert "govuk-template__header" in content and not any(marker in content for marker in DEBUG_PAGE_MARKERS)
