"""Who can see what in the register's pages. Another authority's record is always a 404."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from placements.models import ImportJob
from sufficiency.authorities.models import AuditEvent
from tests.conftest import PASSWORD
from tests.factories import ChildFactory, EpisodeFactory
from tests.ssda903_files import invalid_walsall_files, valid_walsall_files

pytestmark = pytest.mark.django_db


@pytest.fixture
def walsall_records(walsall):
    child = ChildFactory(authority=walsall, child_ref="W0042")
    EpisodeFactory(child=child, decom=dt.date(2024, 1, 1))
    job = ImportJob.objects.create(
        authority=walsall, status="failed", error_report="file,row\nx,2\n", error_count=1
    )
    return {"child": child, "job": job}


def _urls(records):
    code = "335"
    return {
        "child-list": (reverse("placements:child-list", kwargs={"code": code}), "child"),
        "child-detail": (
            reverse("placements:child-detail", kwargs={"code": code, "pk": records["child"].pk}),
            "child",
        ),
        "import-list": (reverse("placements:import-list", kwargs={"code": code}), "import"),
        "import-create": (reverse("placements:import-create", kwargs={"code": code}), "import"),
        "import-detail": (
            reverse("placements:import-detail", kwargs={"code": code, "pk": records["job"].pk}),
            "import",
        ),
        "import-status": (
            reverse("placements:import-status", kwargs={"code": code, "pk": records["job"].pk}),
            "import",
        ),
        "import-errors": (
            reverse("placements:import-errors", kwargs={"code": code, "pk": records["job"].pk}),
            "import",
        ),
    }


URL_NAMES = [
    "child-list",
    "child-detail",
    "import-list",
    "import-create",
    "import-detail",
    "import-status",
    "import-errors",
]


@pytest.mark.parametrize("name", URL_NAMES)
def test_another_authoritys_user_gets_404(client, walsall_records, other_la_user, name):
    url, _ = _urls(walsall_records)[name]
    client.force_login(other_la_user)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("name", URL_NAMES)
def test_anonymous_is_sent_to_sign_in(client, walsall_records, name):
    url, _ = _urls(walsall_records)[name]
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("name", URL_NAMES)
def test_board_members_and_regional_analysts_never_see_child_level_pages(
    client, walsall_records, board_member, regional_user, name
):
    url, _ = _urls(walsall_records)[name]
    for user in (board_member, regional_user):
        client.force_login(user)
        assert client.get(url).status_code == 404


@pytest.mark.parametrize("name", URL_NAMES)
def test_own_authority_with_the_right_role_can_open(client, walsall_records, la_user, data_manager, name):
    url, kind = _urls(walsall_records)[name]
    client.force_login(data_manager if kind == "import" else la_user)
    assert client.get(url).status_code == 200


def test_commissioner_cannot_open_imports(client, walsall_records, la_user):
    client.force_login(la_user)
    url, _ = _urls(walsall_records)["import-list"]
    assert client.get(url).status_code == 404


def test_child_in_another_authority_is_404_even_for_a_member_of_both_urls(client, walsall, sandwell, la_user):
    sandwell_child = ChildFactory(authority=sandwell, child_ref="S0001")
    client.force_login(la_user)
    url = reverse("placements:child-detail", kwargs={"code": "335", "pk": sandwell_child.pk})
    assert client.get(url).status_code == 404


def test_child_list_shows_children_in_care_on_the_date_and_audits_the_read(client, walsall, la_user):
    in_care = ChildFactory(authority=walsall, child_ref="W1000")
    EpisodeFactory(child=in_care, decom=dt.date(2025, 1, 1))
    left = ChildFactory(authority=walsall, child_ref="W2000")
    EpisodeFactory(child=left, decom=dt.date(2024, 1, 1), dec=dt.date(2025, 6, 1), rec="E13")
    client.force_login(la_user)
    url = reverse("placements:child-list", kwargs={"code": "335"})
    response = client.get(url, {"on_day": "1", "on_month": "7", "on_year": "2025"})
    content = response.content.decode()
    assert "W1000" in content
    assert "W2000" not in content
    assert AuditEvent.objects.filter(action="child.list_viewed", actor=la_user).exists()


def test_child_list_bad_date_shows_a_govuk_error(client, walsall, la_user):
    client.force_login(la_user)
    url = reverse("placements:child-list", kwargs={"code": "335"})
    response = client.get(url, {"on_day": "31", "on_month": "2", "on_year": "2025"})
    content = response.content.decode()
    assert "govuk-error-summary" in content
    assert "must be a real date" in content


@pytest.mark.django_db(transaction=True)
def test_data_manager_uploads_files_and_sees_the_result(client, walsall, data_manager):
    client.force_login(data_manager)
    uploads = [
        SimpleUploadedFile(name, content, content_type="text/csv") for name, content in valid_walsall_files()
    ]
    response = client.post(reverse("placements:import-create", kwargs={"code": "335"}), {"files": uploads})
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("placements:import-detail", kwargs={"code": "335", "pk": job.pk})
    page = client.get(response.url).content.decode()
    assert "Import complete" in page
    assert "2 children and 3 episodes" in page


@pytest.mark.django_db(transaction=True)
def test_strict_upload_with_errors_offers_the_error_report(client, walsall, data_manager):
    client.force_login(data_manager)
    uploads = [SimpleUploadedFile(n, c, content_type="text/csv") for n, c in invalid_walsall_files()]
    response = client.post(
        reverse("placements:import-create", kwargs={"code": "335"}), {"files": uploads, "strict": "strict"}
    )
    page = client.get(response.url).content.decode()
    assert "Nothing was imported" in page
    assert "EpisodeMustNotEndBeforeItStarts" in page and "episodes.csv row 3, child W0003" in page
    job = ImportJob.objects.get()
    report = client.get(reverse("placements:import-errors", kwargs={"code": "335", "pk": job.pk}))
    assert report["Content-Type"] == "text/csv; charset=utf-8"
    assert b"episodes.csv,3,DEC" in report.content


def test_upload_without_files_redisplays_with_an_error_summary(client, walsall, data_manager):
    client.force_login(data_manager)
    response = client.post(reverse("placements:import-create", kwargs={"code": "335"}), {})
    content = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in content
    assert "Select at least one SSDA903 CSV or XML file" in content


def test_sign_in_and_home_lists_the_users_authorities(client, la_user):
    response = client.post(reverse("login"), {"username": la_user.email, "password": PASSWORD})
    assert response.status_code == 302
    home = client.get(reverse("home")).content.decode()
    assert "Walsall" in home
    assert "Commissioner" in home
    assert "Sandwell" not in home
