"""Attack: reading vacancies through the API with an aggregate-only role or token, which the vacancy pages
refuse. Pages and API follow one policy (`placements.permissions.vacancy_authority_ids`)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse
from rest_framework.test import APIClient

from placements.permissions import vacancy_authority_ids
from placements.supply import services as supply_services
from sufficiency.api.services import api_client_create
from tests.factories import SettingFactory

pytestmark = pytest.mark.django_db
API = "/api/v1/vacancies/"


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def vacancy(walsall):
    home = SettingFactory(urn="SC777001", name="Rowan House", postcode="WV1 1RQ")
    return supply_services.vacancy_record(
        authority=walsall,
        setting=home,
        acting_user=None,
        age_min=8,
        age_max=17,
        categories=["residential_external"],
    )


def _page(client):
    return client.get(reverse("placements:vacancy-list", kwargs={"code": "335"}))


@pytest.mark.parametrize("role", ["board_member", "regional_user"])
def test_aggregate_only_roles_are_refused_by_the_page_and_the_api_alike(client, request, vacancy, role):
    person = request.getfixturevalue(role)
    client.force_login(person)
    assert _page(client).status_code == 404
    api = APIClient()
    api.force_login(person)
    assert api.get(API).status_code == 403
    assert api.get(f"{API}{vacancy.pk}/").status_code == 403


def test_an_aggregate_only_token_is_refused(walsall, vacancy):
    token = api_client_create(authority=walsall, name="analytics", scopes=["read:aggregate"])[1]
    api = APIClient()
    assert api.get(API, HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 403
    assert api.get(f"{API}{vacancy.pk}/", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 403


def test_a_commissioner_reads_them_on_the_page_and_the_api(client, la_user, walsall, vacancy):
    client.force_login(la_user)
    assert _page(client).status_code == 200
    api = APIClient()
    api.force_login(la_user)
    assert [row["id"] for row in api.get(API).json()["results"]] == [vacancy.pk]
    token = api_client_create(authority=walsall, name="finding", scopes=["read:child"])[1]
    assert api.get(f"{API}{vacancy.pk}/", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200


def test_the_policy_gives_the_same_authorities_to_pages_and_api(
    la_user, board_member, other_la_user, walsall
):
    for person, expected in ((la_user, [walsall.pk]), (board_member, []), (other_la_user, [other_la_user.memberships.first().authority_id])):  # fmt: skip
        request = RequestFactory().get("/")
        request.user = person
        assert sorted(vacancy_authority_ids(request)) == expected
