"""How the API behaves: pagination, ETags, throttling, errors, filters, uploads and audit of reads."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from placements.models import ImportJob
from sufficiency.authorities.models import AuditEvent
from tests.api.conftest import bearer
from tests.ssda903_files import valid_walsall_files

pytestmark = pytest.mark.django_db


def test_cursor_pagination_walks_every_child_once(api, records, own_token):
    url = reverse("api:child-list") + "?page_size=3"
    seen = []
    while url:
        body = api.get(url, **bearer(own_token)).json()
        assert set(body) == {"next", "previous", "results"}
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
    assert len(seen) == len(set(seen)) == 8


def test_etag_gives_304_when_nothing_changed(api, records, own_token):
    url = reverse("api:setting-list")
    first = api.get(url, **bearer(own_token))
    etag = first["ETag"]
    assert etag.startswith('"')
    again = api.get(url, HTTP_IF_NONE_MATCH=etag, **bearer(own_token))
    assert again.status_code == 304
    assert again.content == b""
    assert api.get(url, HTTP_IF_NONE_MATCH='"other"', **bearer(own_token)).status_code == 200


@override_settings(API_THROTTLE_RATES={"client": "3/minute", "user": "3/minute", "anon": "3/minute"})
def test_throttling_per_client_gives_429(api, walsall, sandwell, make_token):
    _, token = make_token(walsall)
    _, other = make_token(sandwell)
    url = reverse("api:region-list")
    statuses = [api.get(url, **bearer(token)).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    body = api.get(url, **bearer(token))
    assert body.json()["code"] == "throttled"
    assert "Retry-After" in body
    assert api.get(url, **bearer(other)).status_code == 200  # another client has its own allowance


def test_invalid_filter_gives_400_with_field_errors(api, records, own_token):
    response = api.get(reverse("api:episode-list") + "?in_care_on=not-a-date", **bearer(own_token))
    assert response.status_code == 400
    body = response.json()
    assert body["status"] == 400 and body["code"] == "invalid"
    assert "in_care_on" in body["errors"]


def test_unknown_api_path_is_a_json_404(api, own_token):
    response = api.get("/api/v1/no-such-thing/", **bearer(own_token))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_an_unhandled_failure_is_a_json_500_without_internals(api, own_token, client, monkeypatch):
    from django.db import OperationalError

    from sufficiency.api import views
    from sufficiency.authorities import views as authority_views

    def database_down(*args, **kwargs):
        raise OperationalError("could not connect to server: secret-host:5432")

    monkeypatch.setattr(views.AuthorityViewSet, "get_queryset", database_down)
    api.raise_request_exception = False
    response = api.get("/api/v1/authorities/", **bearer(own_token))
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "status": 500,
        "code": "server_error",
        "detail": "The server could not complete the request; try again shortly.",
    }
    # People get the HTML error page, as before.
    monkeypatch.setattr(authority_views.HomeView, "dispatch", database_down)
    client.raise_request_exception = False
    page = client.get("/")
    assert page.status_code == 500
    assert page["Content-Type"].startswith("text/html")
    assert "secret-host" not in page.content.decode()


def test_episode_filter_in_care_on_matches_the_counting_rule(api, records, own_token):
    import datetime as dt

    from tests.factories import EpisodeFactory

    EpisodeFactory(child=records["child"], decom=dt.date(2020, 1, 1), dec=dt.date(2020, 6, 1), rec="X1")
    url = reverse("api:episode-list") + "?in_care_on=2020-03-01"
    rows = api.get(url, **bearer(own_token)).json()["results"]
    assert [r["decom"] for r in rows] == ["2020-01-01"]


def test_child_level_reads_are_audited_without_personal_data(api, records, own_token):
    api.get(reverse("api:child-list") + "?in_care_on=2025-01-01", **bearer(own_token))
    api.get(reverse("api:child-detail", kwargs={"pk": records["child"].pk}), **bearer(own_token))
    events = AuditEvent.objects.filter(action__in=["api.child_list_read", "api.child_read"])
    assert events.count() == 2
    assert all(e.authority.dfe_code == "335" for e in events)
    assert "W0000" not in str(list(events.values()))


def test_post_import_returns_202_and_a_job_to_poll_then_409_while_it_is_queued(api, walsall, own_token):
    uploads = [SimpleUploadedFile(n, c, content_type="text/csv") for n, c in valid_walsall_files()]
    response = api.post(
        reverse("api:import-list"), {"files": uploads}, format="multipart", **bearer(own_token)
    )
    assert response.status_code == 202, response.content
    job = ImportJob.objects.get()
    assert job.authority == walsall
    assert response["Location"] == reverse("api:import-detail", kwargs={"pk": job.pk})
    assert response.json()["status"] == "queued"
    poll = api.get(response["Location"], **bearer(own_token)).json()
    assert poll["id"] == job.pk
    again = [SimpleUploadedFile(n, c, content_type="text/csv") for n, c in valid_walsall_files()]
    conflict = api.post(reverse("api:import-list"), {"files": again}, format="multipart", **bearer(own_token))
    assert conflict.status_code == 409
    assert conflict.json()["code"] == "conflict"


def test_post_import_rejects_a_non_csv_file_with_a_field_error(api, walsall, own_token):
    upload = SimpleUploadedFile("episodes.xlsx", b"PK\x03\x04", content_type="application/octet-stream")
    response = api.post(
        reverse("api:import-list"), {"files": [upload]}, format="multipart", **bearer(own_token)
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"files": ["episodes.xlsx must be a CSV, XML or zip file"]}
    assert not ImportJob.objects.exists()


def test_post_import_without_files_is_400(api, walsall, own_token):
    response = api.post(reverse("api:import-list"), {}, format="multipart", **bearer(own_token))
    assert response.status_code == 400
    assert "files" in response.json()["errors"]


def test_post_import_needs_the_write_scope(api, walsall, make_token):
    _, token = make_token(walsall, ["read:child", "read:aggregate"])
    upload = SimpleUploadedFile("header.csv", b"CHILD\n1\n", content_type="text/csv")
    response = api.post(reverse("api:import-list"), {"files": [upload]}, format="multipart", **bearer(token))
    assert response.status_code == 403


@pytest.mark.django_db(transaction=True)
def test_strict_import_job_refuses_and_the_error_report_downloads(api, walsall, make_token):
    from tests.ssda903_files import invalid_walsall_files

    _, token = make_token(walsall)
    uploads = [SimpleUploadedFile(n, c, content_type="text/csv") for n, c in invalid_walsall_files()]
    response = api.post(
        reverse("api:import-list"), {"files": uploads, "strict": "true"}, format="multipart", **bearer(token)
    )
    assert response.status_code == 202
    job = api.get(response["Location"], **bearer(token)).json()
    assert job["strict"] is True
    assert job["status"] == "failed"
    assert job["error_count"] > 0
    report = api.get(job["error_report_url"], **bearer(token))
    assert report["Content-Type"] == "text/csv; charset=utf-8"
    assert b"episodes.csv,3,DEC" in report.content
    assert AuditEvent.objects.filter(action="import.error_report_downloaded").exists()


@pytest.mark.django_db(transaction=True)
def test_import_job_under_the_policy_imports_and_its_summary_keeps_to_counts(api, walsall, make_token):
    from tests.ssda903_files import invalid_walsall_files

    _, token = make_token(walsall)
    uploads = [SimpleUploadedFile(n, c, content_type="text/csv") for n, c in invalid_walsall_files()]
    response = api.post(reverse("api:import-list"), {"files": uploads}, format="multipart", **bearer(token))
    job = api.get(response["Location"], **bearer(token)).json()
    assert job["strict"] is False and job["status"] == "succeeded"
    assert job["summary"]["counts"]["quarantined_children"] == 1
    problems = job["summary"]["problems"]
    assert problems and all("examples" not in p for p in problems)
    assert "W0003" not in str(job["summary"])
    report = api.get(job["error_report_url"], **bearer(token)).content
    assert b",quarantined" in report


def test_own_authority_snapshot_is_complete(api, records, own_token):
    body = api.get(
        reverse("api:authority-children-in-care", kwargs={"code": "335"}) + "?on=2025-03-31",
        **bearer(own_token),
    ).json()
    assert body["total"] == 8
    assert body["by_category"]["residential_secure"] == 1


def test_session_api_post_needs_csrf(walsall, data_manager):
    from rest_framework.test import APIClient

    api = APIClient(enforce_csrf_checks=True)
    api.force_login(data_manager)
    upload = SimpleUploadedFile("header.csv", b"CHILD\n1\n", content_type="text/csv")
    response = api.post(reverse("api:import-list"), {"files": [upload]}, format="multipart")
    assert response.status_code == 403
