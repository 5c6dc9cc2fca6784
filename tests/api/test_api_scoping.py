"""Who can see what through /api/v1/: every endpoint with the owner, an outsider (another authority's
token), an under-privileged token or role, and nobody at all."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.api.conftest import bearer

pytestmark = pytest.mark.django_db

# name -> (url builder, kind). kind: child (read:child), import (write:import), aggregate (read:aggregate),
# reference (anyone authenticated).
ENDPOINTS = {
    "child-list": (lambda r: reverse("api:child-list"), "child"),
    "child-detail": (lambda r: reverse("api:child-detail", kwargs={"pk": r["child"].pk}), "child"),
    "episode-list": (lambda r: reverse("api:episode-list"), "child"),
    "episode-detail": (lambda r: reverse("api:episode-detail", kwargs={"pk": r["episode"].pk}), "child"),
    "import-list": (lambda r: reverse("api:import-list"), "import"),
    "import-detail": (lambda r: reverse("api:import-detail", kwargs={"pk": r["job"].pk}), "import"),
    "import-errors": (lambda r: reverse("api:import-errors", kwargs={"pk": r["job"].pk}), "import"),
    "authority-cic": (
        lambda r: reverse("api:authority-children-in-care", kwargs={"code": "335"}),
        "aggregate",
    ),
    "region-cic": (
        lambda r: reverse("api:region-children-in-care", kwargs={"code": "E12000005"}),
        "aggregate",
    ),
    "authority-forecast": (lambda r: reverse("api:authority-forecast", kwargs={"code": "335"}), "aggregate"),
    "authority-gap": (lambda r: reverse("api:authority-gap", kwargs={"code": "335"}), "aggregate"),
    "authority-kpis": (lambda r: reverse("api:authority-kpis", kwargs={"code": "335"}), "aggregate"),
    "authority-spend": (lambda r: reverse("api:authority-spend", kwargs={"code": "335"}), "aggregate"),
    "region-forecasts": (
        lambda r: reverse("api:region-forecasts", kwargs={"code": "E12000005"}),
        "aggregate",
    ),
    "region-gaps": (lambda r: reverse("api:region-gaps", kwargs={"code": "E12000005"}), "aggregate"),
    # Vacancies follow the vacancy pages' policy (placements.permissions): child-level roles, read:child.
    "vacancy-list": (lambda r: reverse("api:vacancy-list"), "child"),
    "vacancy-detail": (lambda r: reverse("api:vacancy-detail", kwargs={"pk": r["vacancy"].pk}), "child"),
    "authority-list": (lambda r: reverse("api:authority-list"), "reference"),
    "authority-detail": (lambda r: reverse("api:authority-detail", kwargs={"code": "335"}), "reference"),
    "region-list": (lambda r: reverse("api:region-list"), "reference"),
    "region-detail": (lambda r: reverse("api:region-detail", kwargs={"code": "E12000005"}), "reference"),
    "setting-list": (lambda r: reverse("api:setting-list"), "reference"),
    "setting-detail": (lambda r: reverse("api:setting-detail", kwargs={"pk": r["setting"].pk}), "reference"),
    "provider-list": (lambda r: reverse("api:provider-list"), "reference"),
    "provider-detail": (
        lambda r: reverse("api:provider-detail", kwargs={"pk": r["provider"].pk}),
        "reference",
    ),
}
NAMES = list(ENDPOINTS)
DETAIL_CHILD_LEVEL = [
    "child-detail",
    "episode-detail",
    "import-detail",
    "import-errors",
    "authority-cic",
    "authority-forecast",
    "authority-gap",
    "authority-kpis",
    "authority-spend",
    "vacancy-detail",
]
REGIONAL = ["region-cic", "region-forecasts", "region-gaps"]


def _url(records, name):
    return ENDPOINTS[name][0](records)


@pytest.mark.parametrize("name", NAMES)
def test_anonymous_gets_401_with_the_error_body(api, records, name):
    response = api.get(_url(records, name))
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("name", NAMES)
def test_own_authoritys_token_with_the_scope_can_read(api, records, own_token, name):
    response = api.get(_url(records, name), **bearer(own_token))
    assert response.status_code == 200, response.content


@pytest.mark.parametrize("name", DETAIL_CHILD_LEVEL)
def test_another_authoritys_token_gets_404_for_child_level_objects(api, records, partner_api_client, name):
    response = api.get(_url(records, name), **bearer(partner_api_client))
    assert response.status_code == 404
    assert response.json() == {"status": 404, "code": "not_found", "detail": "Not found."}


@pytest.mark.parametrize("name", ["child-list", "episode-list", "import-list", "vacancy-list"])
def test_another_authoritys_lists_never_include_our_records(api, records, partner_api_client, name):
    response = api.get(_url(records, name), **bearer(partner_api_client))
    assert response.status_code == 200
    authorities = {row["authority"] for row in response.json()["results"]}
    assert authorities == {"333"}


@pytest.mark.parametrize("name", [n for n, (_, kind) in ENDPOINTS.items() if kind in ("child", "import")])
def test_aggregate_only_token_is_refused_child_level_and_imports(api, records, aggregate_only_token, name):
    response = api.get(_url(records, name), **bearer(aggregate_only_token))
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


@pytest.mark.parametrize("name", [n for n, (_, kind) in ENDPOINTS.items() if kind in ("aggregate", "import")])
def test_child_only_token_is_refused_aggregates_and_imports(api, records, child_only_token, name):
    assert api.get(_url(records, name), **bearer(child_only_token)).status_code == 403


@pytest.mark.parametrize("name", [n for n, (_, kind) in ENDPOINTS.items() if kind in ("child", "import")])
def test_board_member_session_is_refused_child_level_and_imports(api, records, board_member, name):
    api.force_login(board_member)
    assert api.get(_url(records, name)).status_code == 403


@pytest.mark.parametrize("name", DETAIL_CHILD_LEVEL)
def test_other_authoritys_session_gets_404(api, records, other_la_user, name):
    api.force_login(other_la_user)
    assert api.get(_url(records, name)).status_code == 404


@pytest.mark.parametrize("name", ["child-list", "child-detail", "episode-list", "episode-detail"])
def test_own_commissioner_session_reads_child_level_with_real_references(api, records, la_user, name):
    api.force_login(la_user)
    response = api.get(_url(records, name))
    assert response.status_code == 200
    assert "W0000" in response.content.decode()


def test_commissioner_session_cannot_open_imports(api, records, la_user):
    api.force_login(la_user)
    assert api.get(_url(records, "import-list")).status_code == 403


@pytest.mark.parametrize("name", REGIONAL)
def test_other_region_gets_404_for_the_regional_aggregate(api, records, london_token, name):
    assert api.get(_url(records, name), **bearer(london_token)).status_code == 404


def test_regional_aggregate_is_full_for_own_and_suppressed_for_others(
    api, records, partner_api_client, own_token
):
    url = _url(records, "region-cic") + "?on=2025-03-31"
    seen_by_sandwell = {
        row["authority"]: row for row in api.get(url, **bearer(partner_api_client)).json()["authorities"]
    }
    walsall = seen_by_sandwell["335"]
    assert walsall["own"] is False
    assert walsall["total"] == {"value": 8, "suppressed": False}
    by_category = {c["category"]: c for c in walsall["by_category"]}
    assert by_category["residential_secure"] == {
        **by_category["residential_secure"],
        "value": None,
        "suppressed": True,
    }
    # 8 - 7 would give the 1 back, so the smallest other count is suppressed with it (not a zero).
    assert by_category["fostering_inhouse"] == {**by_category["fostering_inhouse"], "value": None}
    assert by_category["adoption"]["value"] == 0  # zero may be shown: it identifies no child
    assert all(c["value"] is None for c in walsall["by_category"] if c["suppressed"])
    sandwell_own = seen_by_sandwell["333"]
    assert sandwell_own["own"] is True and sandwell_own["total"] == {"value": 1, "suppressed": False}

    seen_by_walsall = {
        row["authority"]: row for row in api.get(url, **bearer(own_token)).json()["authorities"]
    }
    walsall_full = {c["category"]: c["value"] for c in seen_by_walsall["335"]["by_category"]}
    assert walsall_full["fostering_inhouse"] == 7
    assert walsall_full["residential_secure"] == 1
    assert seen_by_walsall["333"]["total"] == {"value": None, "suppressed": True}
    assert seen_by_walsall["330"]["data_available"] is False


def test_a_token_cannot_post_an_import_for_another_authority(api, records, partner_api_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from placements.models import ImportJob

    upload = SimpleUploadedFile("header.csv", b"CHILD,SEX\n1,M\n", content_type="text/csv")
    response = api.post(
        reverse("api:import-list"),
        {"files": [upload], "authority": "335"},
        format="multipart",
        **bearer(partner_api_client),
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"authority": ["You cannot import for this authority."]}
    assert not ImportJob.objects.filter(authority__dfe_code="335", status="queued").exists()
