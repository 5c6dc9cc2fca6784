"""Every endpoint's date and id parameters go through the one set of guards (`sufficiency.core.api`,
`sufficiency.core.bounds`): a date far in the future or a 20-digit id is a 400 naming the parameter.

The parameters are read from the OpenAPI schema, so a new endpoint's date or id parameter is checked
without editing this file; the children-in-care endpoints (which once had guards of their own) must be
among them.
"""

from __future__ import annotations

import pytest
from drf_spectacular.generators import SchemaGenerator

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"  # 20 digits: beyond any database integer
NOT_IDS = {"page_size"}  # a page size is clamped to the largest page (documented), not refused


def _parameters() -> list[tuple[str, str, str]]:
    """(path, parameter, kind) for every GET query parameter that is a date or a number."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    found = []
    for path, operations in schema["paths"].items():
        for parameter in operations.get("get", {}).get("parameters", []):
            kind = parameter["schema"].get("format") or parameter["schema"].get("type")
            wanted = kind in ("date", "number", "integer") and parameter["name"] not in NOT_IDS
            if parameter["in"] == "query" and wanted:
                found.append((path, parameter["name"], "date" if kind == "date" else "id"))
    return found


def _url(path: str) -> str:
    """Walsall (335) and its region, the West Midlands (E12000005)."""
    return path.replace("{code}", "E12000005" if "/regions/" in path else "335")


def test_the_schema_lists_the_date_and_id_parameters_of_every_endpoint():
    found = {(path, name) for path, name, _ in _parameters()}
    assert ("/api/v1/authorities/{code}/children-in-care/", "on") in found
    assert ("/api/v1/regions/{code}/children-in-care/", "on") in found
    assert ("/api/v1/authorities/{code}/kpis/", "on") in found
    assert ("/api/v1/episodes/", "child") in found and ("/api/v1/settings/", "provider") in found


def test_every_date_and_id_parameter_out_of_range_is_a_400_naming_it(api, own_token):
    checked = []
    for path, name, kind in _parameters():
        for value in ("9999-12-31", "0001-01-01") if kind == "date" else (HUGE, f"-{HUGE}"):
            response = api.get(_url(path), {name: value}, HTTP_AUTHORIZATION=f"Bearer {own_token}")
            assert response.status_code == 400, (path, name, value, response.status_code)
            assert name in response.json()["errors"], (path, name, response.json())
            checked.append(path)
    assert len(set(checked)) >= 7


def test_a_date_in_range_is_accepted_by_the_children_in_care_endpoints(api, own_token):
    for path in ("/api/v1/authorities/335/children-in-care/", "/api/v1/regions/E12000005/children-in-care/"):
        response = api.get(path, {"on": "2025-03-31"}, HTTP_AUTHORIZATION=f"Bearer {own_token}")
        assert response.status_code == 200, path
