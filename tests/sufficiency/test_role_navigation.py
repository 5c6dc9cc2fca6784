"""Each role's navigation lists only the pages it may open, every link it shows opens for that role, the
region page keeps the dashboard tabs, and a page a role may not open (or no page at all) is the
service's own 404 or 403 page, even with DEBUG on."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import resolve, reverse
from lxml import html

from sufficiency.core.context_processors import NAVIGATION

WALSALL = "335"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    """Administrators must enrol a second factor first (tested in tests/security); here the subject is
    what each role is offered once signed in."""
    settings.TWO_FACTOR_ROLES = []


@pytest.fixture
def placement_finder(walsall):
    """A Walsall placement finder: works placement requests, reads children."""
    from sufficiency.authorities.models import Membership
    from tests.factories import UserFactory

    user = UserFactory(email="finder@walsall.example.gov.uk")
    Membership.objects.create(user=user, authority=walsall, role="placement_finder")
    return user


@pytest.fixture
def administrator(walsall):
    from sufficiency.authorities.models import Membership
    from tests.factories import UserFactory

    user = UserFactory(email="admin@walsall.example.gov.uk")
    Membership.objects.create(user=user, authority=walsall, role="administrator")
    return user


#: What each role of the demo must be offered (and must not be): from the role sets of the pages.
EXPECTED = {
    "la_user": {
        "shown": {"Dashboards", "Children in care", "Supply", "Placement requests", "Data quality", "KPIs"},
        "hidden": {"Data imports"},
    },
    "placement_finder": {
        "shown": {"Children in care", "Placement requests", "Supply", "KPIs"},
        "hidden": {"Data imports", "Data quality"},
    },
    "data_manager": {
        "shown": {"Data imports", "Data quality", "Children in care", "Dashboards"},
        "hidden": set(),
    },
    "board_member": {
        "shown": {"Dashboards", "KPIs", "Strategy", "Board reports", "Sufficiency statements", "Supply"},
        "hidden": {"Children in care", "Placement requests", "Data imports", "Data quality"},
    },
    "regional_user": {
        "shown": {"Dashboards", "KPIs", "Board reports"},
        "hidden": {"Children in care", "Placement requests", "Data imports", "Data quality"},
    },
    "administrator": {"shown": {entry.label for entry in NAVIGATION}, "hidden": set()},
}


def _nav(response):
    tree = html.fromstring(response.content)
    return {
        a.text_content().strip(): a.get("href")
        for a in tree.xpath(
            "//nav[@aria-label='Menu']//a[contains(@class, 'govuk-service-navigation__link')]"
        )
    }


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_every_navigation_link_on_the_home_page_opens_for_the_role(client, role, request):
    user = request.getfixturevalue(role)
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    links = _nav(response)
    assert EXPECTED[role]["shown"] <= set(links), (role, sorted(links))
    assert not EXPECTED[role]["hidden"] & set(links), (role, sorted(links))
    # The landing page lists the same pages for the authority, and every other link on it opens too.
    tree = html.fromstring(response.content)
    body_links = {a.get("href").split("#")[0] for a in tree.xpath("//main//section//a")}
    assert {url for label, url in links.items() if label != "Your authorities"} <= body_links
    for url in body_links:
        assert client.get(url).status_code == 200, (role, url)
    for label, url in links.items():
        answer = client.get(url)
        assert answer.status_code == 200, (role, label, url, answer.status_code)
        # The page the link opens offers the same navigation (nothing appears or vanishes on the way).
        if label != "Your authorities":
            assert set(_nav(answer)) == set(links), (role, label)


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_a_role_is_not_offered_a_page_it_may_not_open(client, role, request):
    """Every page of the table the role is not offered answers 404 for it: the table and the pages
    agree for every role, not only those the test names."""
    user = request.getfixturevalue(role)
    client.force_login(user)
    links = _nav(client.get(reverse("home")))
    for entry in NAVIGATION:
        url = reverse(entry.url_name, kwargs={"code": WALSALL})
        if entry.label not in links:
            assert client.get(url).status_code in (403, 404), (role, entry.label)


def test_the_navigation_table_uses_the_role_sets_the_pages_check():
    for entry in NAVIGATION:
        view = resolve(reverse(entry.url_name, kwargs={"code": WALSALL})).func.view_class
        assert frozenset(view.allowed_roles) == entry.roles, entry.label


def test_the_region_page_keeps_the_dashboard_tabs_and_the_navigation(client, board_member, walsall):
    client.force_login(board_member)
    response = client.get(reverse("dashboards:region", kwargs={"region": walsall.region.code}))
    assert response.status_code == 200
    tree = html.fromstring(response.content)
    tabs = {a.text_content().strip(): a.get("href") for a in tree.xpath("//nav[@aria-label='Dashboards']//a")}
    assert tabs["Overview"] == reverse("dashboards:overview", kwargs={"code": WALSALL})
    assert {"Forecast", "Sufficiency gap", "Market", f"{walsall.region.name} region"} <= set(tabs)
    current = tree.xpath("//nav[@aria-label='Dashboards']//a[@aria-current='page']")
    assert [a.text_content().strip() for a in current] == [f"{walsall.region.name} region"]
    assert "KPIs" in _nav(response) and "Children in care" not in _nav(response)


@pytest.mark.parametrize("debug", [True, False])
def test_a_forbidden_page_is_the_service_404_with_or_without_debug(client, board_member, settings, debug):
    settings.DEBUG = debug
    client.force_login(board_member)
    for url in (reverse("placements:child-list", kwargs={"code": WALSALL}), "/no/such/page/"):
        response = client.get(url)
        assert response.status_code == 404
        body = response.content.decode()
        assert "Page not found" in body, url
        assert "DEBUG = True" not in body and "URLconf" not in body, url
        # The service's page, with the person's navigation.
        assert "govuk-service-navigation__link" in body


def test_a_missing_slash_still_redirects_with_debug(client, board_member, settings):
    settings.DEBUG = True
    client.force_login(board_member)
    response = client.get(f"/authorities/{WALSALL}/kpis")
    assert response.status_code == 301 and response["Location"].endswith("/kpis/")


def test_permission_denied_and_bad_request_are_service_pages_with_debug(rf, board_member, settings):
    from django.core.exceptions import SuspiciousOperation

    from sufficiency.core.middleware import ServiceErrorPagesMiddleware

    settings.DEBUG = True
    request = rf.get(f"/authorities/{WALSALL}/kpis/")
    request.user = board_member
    middleware = ServiceErrorPagesMiddleware(lambda r: None)
    denied = middleware.process_exception(request, PermissionDenied("no"))
    assert denied.status_code == 403
    assert "You do not have permission to see this page" in denied.content.decode()
    bad = middleware.process_exception(request, SuspiciousOperation("odd"))
    assert bad.status_code == 400 and "could not understand that request" in bad.content.decode()
    assert middleware.process_exception(request, ValueError("boom")) is None  # 500 keeps its path


def test_a_person_of_several_authorities_gets_each_authoritys_pages_on_the_landing_page(
    client, board_member, sandwell
):
    from sufficiency.authorities.models import Membership

    Membership.objects.create(user=board_member, authority=sandwell, role="commissioner")
    client.force_login(board_member)
    response = client.get(reverse("home"))
    assert list(_nav(response)) == ["Your authorities"]  # which authority's pages would be ambiguous
    tree = html.fromstring(response.content)

    def pages(code):
        section = tree.xpath(f"//section[@aria-labelledby='authority-{code}']")[0]
        return {" ".join(a.text_content().split()) for a in section.xpath(".//a")}

    assert "Children in care for Sandwell" in pages("333")
    assert "Children in care for Walsall" not in pages(WALSALL)
    assert "KPIs for Walsall" in pages(WALSALL)
