"""Attack: out-of-range integers and dates in every list route's parameters, page and API, must never give
a 500 (the outside test found `ledger/?end=9999-12` and a 20-digit id in an API filter).

The routes are discovered from the URL configuration, so a new list page or endpoint is fuzzed without
editing this file. Pages answer 200 (with a GOV.UK error message), 302 or 404; the API answers 400 naming
the field, or 200/404.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from placements.finding import services as finding_services
from sufficiency.api.services import api_client_create
from sufficiency.authorities.models import Membership
from sufficiency.core.bounds import BoundedDateField, parse_id, parse_int, parse_month
from tests.factories import ChildFactory, EpisodeFactory, UserFactory

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"  # 20 digits: beyond any database integer
BAD_VALUES = [
    HUGE,
    f"-{HUGE}",
    "-1",
    "0",
    "abc",
    "9999-12",
    "0001-01",
    "9999-12-31",
    "0001-01-01",
    "1e309",
    "NaN",
]
# Day, month and year boxes of a GOV.UK date input.
BAD_DATES = [("31", "12", "9999"), ("1", "1", "1"), ("1", "1", "0"), (HUGE, "1", "2020"), ("1", "1", HUGE)]
SCALAR_PARAMS = ["page", "end", "start", "on", "as_at", "years", "status", "approach", "date", "period", "child",
                 "provider", "page_size", "in_care_on", "decom_after", "decom_before", "requested_from",
                 "requested_to", "placed_from", "placed_to", "fresh", "category", "max_distance_miles"]  # fmt: skip
DATE_INPUTS = ["on", "start", "end"]  # GOV.UK date inputs in filter forms: <name>_day, _month, _year
SKIP = re.compile(r"(/new/|/edit/|/import|/upload/|/publish/|/pdf/|/print/|/commentary/|confirm/|close/|"
                  r"/place/|/withdraw/|/not-placed/|/offer/|/decline/|sign-|two-factor|healthz|schema|docs)")  # fmt: skip


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def everyone(walsall):
    """A Walsall member holding every role but administrator (two-factor), so every page and endpoint opens."""
    user = UserFactory(email="all-roles@walsall.example.gov.uk")
    for role in ("commissioner", "placement_finder", "data_manager", "board_member"):
        Membership.objects.create(user=user, authority=walsall, role=role)
    child = ChildFactory(authority=walsall)
    EpisodeFactory(child=child, decom=dt.date(2024, 4, 1))
    finding_services.placement_request_create(
        authority=walsall,
        data={"requested_on": dt.date(2025, 6, 2), "urgency": "planned", "fostering": "preferred",
              "residential": "suitable", "supported": "unsuitable", "sex": "F",
              "birth_month": dt.date(2012, 5, 1), "home_postcode": "WS1 1"},
        acting_user=user,
    )  # fmt: skip
    return user


def _routes(resolver: URLResolver | None = None, prefix: str = "") -> list[str]:
    """Every GET route as a path template (Django and DRF patterns), e.g. 'authorities/<code>/children/'."""
    resolver = resolver or get_resolver()
    found = []
    for pattern in resolver.url_patterns:
        text = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if not text.startswith("admin"):
                found.extend(_routes(pattern, text))
        elif isinstance(pattern, URLPattern) and "format" not in text and "(?P<rest>" not in text:
            found.append(text.replace("^", "").replace("$", ""))
    return found


def _concrete(template: str, pk: str) -> str | None:
    path = "/" + template
    path = re.sub(r"<str:code>|\(\?P<code>\[0-9\]\{3\}\)", "335", path)
    path = re.sub(r"<str:region>|\(\?P<code>E\[0-9\]\{8\}\)", "E12000005", path)
    path = re.sub(r"<slug:page>", "overview", path)
    path = re.sub(r"<slug:key>", "nothing", path)
    path = re.sub(r"<int:\w+>|\(\?P<pk>\[\^/\.\]\+\)", pk, path)
    return None if "<" in path or "(?P" in path or SKIP.search(path) else path


def _list_routes() -> list[str]:
    return sorted(
        {p for t in _routes() if "<int:" not in t and "(?P<pk>" not in t if (p := _concrete(t, "1"))}
    )


def _detail_routes() -> list[str]:
    return sorted({p for t in _routes() if ("<int:" in t or "(?P<pk>" in t) if (p := _concrete(t, HUGE))})


def _queries() -> list[dict[str, str]]:
    queries = [dict.fromkeys(SCALAR_PARAMS, value) for value in BAD_VALUES]
    for day, month, year in BAD_DATES:
        query = {}
        for name in DATE_INPUTS:
            query.update({f"{name}_day": day, f"{name}_month": month, f"{name}_year": year})
        queries.append(query)
    return queries


def _assert_no_500(client, paths: list[str], queries: list[dict[str, str]], **headers) -> int:
    failures = []
    for path in paths:
        for query in queries:
            response = client.get(path, query, **headers)
            if response.status_code >= 500:
                failures.append(f"{path}?{next(iter(query.values()))!r}: {response.status_code}")
    assert not failures, "\n".join(failures)
    return len(paths) * len(queries)


def test_every_page_list_route_survives_huge_negative_and_malformed_parameters(everyone):
    client = Client(raise_request_exception=False)
    client.force_login(everyone)
    pages = [p for p in _list_routes() if not p.startswith("/api/")]
    assert any("ledger" in p for p in pages) and any("children" in p for p in pages)
    assert _assert_no_500(client, pages, _queries()) > 200


def test_every_api_list_route_survives_huge_negative_and_malformed_parameters(walsall, everyone):
    token = api_client_create(
        authority=walsall, name="fuzz", scopes=["read:child", "read:aggregate", "write:import"]
    )[1]
    client = APIClient(raise_request_exception=False)
    api = [p for p in _list_routes() if p.startswith("/api/")]
    assert "/api/v1/episodes/" in api and "/api/v1/placement-requests/" in api
    _assert_no_500(client, api, _queries(), HTTP_AUTHORIZATION=f"Bearer {token}")
    signed_in = APIClient(raise_request_exception=False)
    signed_in.force_login(everyone)
    _assert_no_500(signed_in, api, _queries())


def test_every_detail_route_with_a_20_digit_id_is_404_not_500(walsall, everyone):
    client = Client(raise_request_exception=False)
    client.force_login(everyone)
    details = _detail_routes()
    assert any("/placement-requests/" in p for p in details)
    for path in details:
        assert client.get(path).status_code == 404, path


def test_the_ledger_month_out_of_range_is_the_default_period_not_a_500(everyone):
    client = Client(raise_request_exception=False)
    client.force_login(everyone)
    for end in ("9999-12", "0001-01", "2026-13", HUGE):
        response = client.get("/authorities/335/placement-requests/ledger/", {"end": end})
        assert response.status_code == 200, end
        assert client.get("/authorities/335/placement-requests/ledger.csv", {"end": end}).status_code == 200


def test_a_20_digit_id_in_an_api_filter_is_a_400_naming_the_field(walsall, everyone):
    client = APIClient()
    client.force_login(everyone)
    for path, field in (("/api/v1/episodes/", "child"), ("/api/v1/settings/", "provider")):
        response = client.get(path, {field: HUGE})
        assert response.status_code == 400, path
        assert field in response.json()["errors"]
    response = client.get("/api/v1/placement-requests/", {"requested_from": "9999-12-31"})
    assert response.status_code == 400 and "requested_from" in response.json()["errors"]


def test_a_date_out_of_range_in_a_page_filter_is_a_govuk_error_message(everyone):
    client = Client()
    client.force_login(everyone)
    response = client.get("/authorities/335/children/", {"on_day": "31", "on_month": "12", "on_year": "9999"})
    assert response.status_code == 200
    assert (
        "govuk-error-message" in response.content.decode()
        or "govuk-error-summary" in response.content.decode()
    )


def test_the_parsers_refuse_what_they_cannot_bound():
    assert parse_month("2026-03") == dt.date(2026, 3, 1)
    assert parse_month("9999-12") is None and parse_month("2026-13") is None and parse_month("x") is None
    assert parse_int("12", minimum=1, maximum=50) == 12
    assert (
        parse_int(HUGE, minimum=1, maximum=50) is None and parse_int("1e3", minimum=0, maximum=9999) is None
    )
    assert parse_id(HUGE) is None and parse_id("0") is None and parse_id("42") == 42
    field = BoundedDateField()
    with pytest.raises(Exception, match="between"):
        field.to_internal_value("9999-12-31")
