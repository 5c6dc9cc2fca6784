"""Schemathesis against the live schema, through the WSGI app (no server): every endpoint, with a partner
token (Sandwell, every scope), must never answer 5xx and must answer as the schema says."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings

from sufficiency.api.services import api_client_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_schema(walsall, sandwell, settings):
    """The schema as the running app serves it, with Walsall and Sandwell rows to find."""
    from tests.api.conftest import ALL_SCOPES
    from tests.factories import ChildFactory, EpisodeFactory, SettingFactory

    settings.API_THROTTLE_RATES = {"client": None, "user": None, "anon": None}
    for authority in (walsall, sandwell):
        child = ChildFactory(authority=authority)
        EpisodeFactory(child=child)
    SettingFactory()
    _, token = api_client_create(authority=sandwell, name="Schemathesis partner", scopes=ALL_SCOPES)
    from sufficiency.wsgi import application

    loaded = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", application)
    loaded.config.headers = {"Authorization": f"Bearer {token}"}
    return loaded


CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.response_schema_conformance,
    schemathesis.checks.status_code_conformance,
]


def test_api_conforms_to_its_schema(api_schema):
    """Each operation in turn with a few generated cases (bounded: the whole run takes well under a minute).
    Operations are driven one by one with Hypothesis inside this test, which works on the pytest version we
    use (schemathesis' lazy fixture loader does not)."""
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 16
    statuses: dict[str, set[int]] = {}
    for operation in operations:

        @given(case=operation.as_strategy())
        @hypothesis_settings(
            max_examples=12,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def check(case):
            response = case.call_and_validate(checks=CHECKS)
            statuses.setdefault(case.operation.label, set()).add(response.status_code)

        check()
    assert len(statuses) == len(operations)
    # The partner token really reached the data: the reference and list endpoints answered 200.
    assert 200 in statuses["GET /api/v1/children/"]
    assert 200 in statuses["GET /api/v1/regions/"]


OWN_AGGREGATE_CASES = [
    ("/api/v1/authorities/{code}/forecast/", {"code": "335"}, {}),
    ("/api/v1/authorities/{code}/forecast/", {"code": "335"}, {"scenario": "Edge of care"}),
    ("/api/v1/authorities/{code}/gap/", {"code": "335"}, {}),
    ("/api/v1/authorities/{code}/kpis/", {"code": "335"}, {"on": "2025-03-31"}),
    ("/api/v1/authorities/{code}/spend/", {"code": "335"}, {"start": "2024-01-01", "end": "2025-03-31"}),
    ("/api/v1/regions/{code}/forecasts/", {"code": "E12000005"}, {}),
    ("/api/v1/regions/{code}/gaps/", {"code": "E12000005"}, {}),
    ("/api/v1/vacancies/", {}, {"fresh": "false"}),
]


def test_aggregates_with_data_conform_to_the_schema(records, own_token, settings):
    """The generated cases above mostly reach other authorities (404): here the owner reads forecasts,
    gaps, KPIs, spend and vacancies that exist, and every body must match the schema."""
    from sufficiency.wsgi import application

    settings.API_THROTTLE_RATES = {"client": None, "user": None, "anon": None}
    loaded = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", application)
    for path, path_parameters, query in OWN_AGGREGATE_CASES:
        case = loaded[path]["GET"].Case(
            path_parameters=path_parameters, query=query, headers={"Authorization": f"Bearer {own_token}"}
        )
        response = case.call_and_validate(checks=CHECKS)
        assert response.status_code == 200, (path, response.text)
