"""Differencing across sources: a Sandwell board member holding a Sandwell API token collects every
figure about Walsall from the region page, its filters, its CSVs and the regional API aggregate on the
same date, and tries to solve for Walsall's suppressed cells. The page and the API serve cells of one
suppressed grid, so combining them gives nothing back."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from sufficiency.api.services import api_client_create
from tests.security.test_disclosure_attack import _collect_page, _recovered

pytestmark = pytest.mark.django_db


@pytest.fixture
def sandwell_board_member(sandwell):
    from sufficiency.authorities.models import Membership
    from tests.factories import UserFactory

    user = UserFactory(email="board@sandwell.example.gov.uk")
    Membership.objects.create(user=user, authority=sandwell, role="board_member")
    return user


def test_page_and_api_together_give_no_suppressed_cell_back(client, rollup, sandwell, sandwell_board_member):
    from sufficiency.dashboards.models import DashboardRollup
    from sufficiency.dashboards.services import dashboard_rollup_compute

    dashboard_rollup_compute(authority=sandwell)
    walsall = DashboardRollup.objects.get(authority__dfe_code="335")
    own = DashboardRollup.objects.get(authority__dfe_code="333")
    truth = {
        stored.authority_id: {
            (c, b): n for c, bands in stored.headline["by_category_age"].items() for b, n in bands.items()
        }
        for stored in (walsall, own)
    }
    assert any(0 < n < 5 for n in truth[walsall.authority_id].values())

    client.force_login(sandwell_board_member)
    names = {"Walsall": walsall.authority_id, "Sandwell": own.authority_id}
    published = _collect_page(client, names)

    _, token = api_client_create(authority=sandwell, name="Sandwell", scopes=["read:aggregate"])
    api = APIClient()
    url = reverse("api:region-children-in-care", kwargs={"code": "E12000005"})
    answer = api.get(url, {"on": walsall.as_at.isoformat()}, HTTP_AUTHORIZATION=f"Bearer {token}").json()
    for row in answer["authorities"]:
        la = names.get(row["name"])
        if la is None or not row["data_available"]:
            continue
        if not row["total"]["suppressed"]:
            published["total", la] = row["total"]["value"]
        for cell in row["by_category"]:
            if not cell["suppressed"]:
                key = ("category", la, cell["category"])
                # The page and the API agree wherever both publish a cell.
                assert published.get(key, cell["value"]) == cell["value"]
                published[key] = cell["value"]

    assert _recovered(truth, own.authority_id, published) == []
