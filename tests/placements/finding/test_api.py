"""GET /api/v1/placement-requests/: child-level, own authority only, pseudonymised child references."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient

from sufficiency.api.services import api_client_create
from sufficiency.authorities.models import AuditEvent

pytestmark = pytest.mark.django_db
URL = "/api/v1/placement-requests/"


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()
    yield
    cache.clear()


def _token(authority, scopes):
    return {
        "HTTP_AUTHORIZATION": f"Bearer {api_client_create(authority=authority, name='c', scopes=scopes)[1]}"
    }


def test_anonymous_gets_401():
    assert APIClient().get(URL).status_code == 401


def test_own_token_reads_pseudonymised_requests_and_the_read_is_audited(walsall, child, make_request):
    request = make_request(child_ref="C1001")
    referral = make_request()
    response = APIClient().get(URL, **_token(walsall, ["read:child"]))
    assert response.status_code == 200
    rows = {row["id"]: row for row in response.json()["results"]}
    assert set(rows) == {request.pk, referral.pk}
    assert (
        rows[request.pk]["child_reference"].startswith("P") and rows[request.pk]["child_reference"] != "C1001"
    )
    assert rows[referral.pk]["child_reference"] is None and rows[referral.pk]["referral"] is True
    body = response.content.decode()
    assert "WS1" not in body and "birth_month" not in body and "notes" not in body
    assert AuditEvent.objects.filter(action="api.placement-request_list_read").exists()


def test_another_authoritys_token_sees_nothing_and_gets_404(sandwell, make_request):
    request = make_request()
    client = APIClient()
    headers = _token(sandwell, ["read:child"])
    assert client.get(URL, **headers).json()["results"] == []
    assert client.get(f"{URL}{request.pk}/", **headers).status_code == 404


def test_an_aggregate_only_token_and_a_board_member_are_refused(walsall, board_member, make_request):
    make_request()
    assert APIClient().get(URL, **_token(walsall, ["read:aggregate"])).status_code == 403
    client = APIClient()
    client.force_authenticate(board_member)
    assert client.get(URL).status_code == 403


def test_a_placement_finder_signed_in_sees_the_real_reference(placement_finder, child, make_request):
    make_request(child_ref="C1001")
    client = APIClient()
    client.force_authenticate(placement_finder)
    assert client.get(URL).json()["results"][0]["child_reference"] == "C1001"


def test_the_requests_page_and_the_api_share_the_active_filter(placement_finder, make_request):
    """`?status=active` means the same on the requests page and the API: still being worked."""
    from rest_framework.test import APIClient

    from placements.models import PlacementRequest

    worked, closed = make_request(), make_request()
    PlacementRequest.objects.filter(pk=closed.pk).update(status="withdrawn")
    api = APIClient()
    api.force_login(placement_finder)
    listed = api.get("/api/v1/placement-requests/", {"status": "active"}).json()["results"]
    assert [row["id"] for row in listed] == [worked.pk]
    assert api.get("/api/v1/placement-requests/", {"status": "nonsense"}).status_code == 400
    page = Client()
    page.force_login(placement_finder)
    html = page.get("/authorities/335/placement-requests/", {"status": "active"}).content.decode()
    assert f"Request {worked.pk}<" in html and f"Request {closed.pk}<" not in html
    html = page.get("/authorities/335/placement-requests/", {"status": "all"}).content.decode()
    assert f"Request {closed.pk}<" in html
