"""The OpenAPI schema is the contract: it builds without warnings, validates, and documents every endpoint."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_schema_builds_without_warnings_and_validates():
    out = io.StringIO()
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", "/dev/stdout", stdout=out)


def test_schema_documents_errors_examples_and_the_bearer_token(client):
    response = client.get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["components"]["securitySchemes"]["apiToken"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "An API client token from `manage.py create_api_client` (shown once).",
    }
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert {"401", "403", "404", "429"} <= set(operation["responses"]), (method, path)
            assert operation.get("summary"), (method, path)
    assert "examples" in str(schema["paths"]["/api/v1/children/{id}/"])


def test_docs_page_is_served_from_our_own_static_files(client):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in page
    assert "cdn" not in page.lower()
    assert "script-src 'self'" in response["Content-Security-Policy"]
