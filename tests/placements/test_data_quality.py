"""The data quality page and the import result page under the import policy: who sees them, what they
show, and that reading held-back children is audited. Another authority's page is a 404."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from placements.importing import ssda903_import
from placements.models import ImportJob, ImportQualityReport, QuarantinedRecord
from sufficiency.authorities.models import AuditEvent
from tests.ssda903_files import episodes, header, invalid_walsall_files, valid_walsall_files

pytestmark = pytest.mark.django_db

URL = reverse("placements:data-quality", kwargs={"code": "335"})


def _broken_then_fixed(walsall):
    ssda903_import(authority=walsall, files=valid_walsall_files())
    ssda903_import(
        authority=walsall,
        files=[
            ("header.csv", header({"CHILD": "W0001", "DOB": "17/05/2012"}, {"CHILD": "W0007", "DOB": ""})),
            (
                "episodes.csv",
                episodes(
                    {"CHILD": "W0001", "DECOM": "01/04/2024"}, {"CHILD": "W0007", "DECOM": "01/05/2024"}
                ),
            ),
        ],
    )


def test_data_manager_sees_trend_changes_and_held_back_children(client, walsall, data_manager):
    _broken_then_fixed(walsall)
    client.force_login(data_manager)
    response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Children held back (1)" in page
    assert "Child W0007" in page and "DateOfBirthNotReadable" in page and "header.csv row 3" in page
    assert "DOB is blank or not a real date" in page
    # The trend table has one column per import, and the rule that was broken.
    assert 'id="quality-trend"' in page and "DateOfBirthMustBeRealDate" in page
    title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
    assert title.strip().startswith("Data quality – Walsall") and "<" not in title
    assert page.count('id="policy"') == 1
    # Two imports: a chart, with its table alternative.
    assert 'id="quality-trend-chart"' in page and "Children held back</th>" in page
    # What changed: W0002 and their two episodes removed, W0007 held back (so not added), W0001's episode
    # changed (its placement postcode is no longer given).
    assert ImportQualityReport.objects.filter(authority=walsall).first().changes == {
        "previous": True,
        "children_added": 0,
        "children_removed": 1,
        "children_changed": 0,
        "episodes_added": 0,
        "episodes_removed": 2,
        "episodes_changed": 1,
    }
    assert "What changed since the previous import" in page
    assert re.search(r"Episodes</th>\s*<td[^>]*>0</td>\s*<td[^>]*>2</td>\s*<td[^>]*>1</td>", page)
    assert "DateOfBirthNotReadable" in page and "How the import handles problems" in page
    event = AuditEvent.objects.get(action="import.quality_viewed")
    assert event.authority == walsall and event.detail == {"children_shown": 1}


def test_commissioner_sees_the_page_but_not_the_import_links(client, walsall, la_user):
    _broken_then_fixed(walsall)
    client.force_login(la_user)
    page = client.get(URL).content.decode()
    assert "Child W0007" in page
    assert reverse("placements:import-create", kwargs={"code": "335"}) not in page


def test_board_member_cannot_open_the_page(client, walsall, board_member):
    client.force_login(board_member)
    assert client.get(URL).status_code == 404


def test_another_authoritys_page_is_a_404_and_shows_nothing(client, walsall, sandwell, other_la_user):
    _broken_then_fixed(walsall)
    client.force_login(other_la_user)
    assert client.get(URL).status_code == 404
    own = client.get(reverse("placements:data-quality", kwargs={"code": "333"})).content.decode()
    assert "W0007" not in own and "No SSDA903 import yet" in own
    assert QuarantinedRecord.objects.filter(authority=sandwell).count() == 0


def test_page_before_any_import(client, walsall, data_manager):
    client.force_login(data_manager)
    page = client.get(URL).content.decode()
    assert "No SSDA903 import yet" in page and "No child is held back" in page


def test_upload_page_offers_strict_mode_and_links_to_data_quality(client, walsall, data_manager):
    client.force_login(data_manager)
    page = client.get(reverse("placements:import-create", kwargs={"code": "335"})).content.decode()
    assert "Refuse the whole import (strict)" in page and "Import what can be counted" in page
    assert URL in page
    listing = client.get(reverse("placements:import-list", kwargs={"code": "335"})).content.decode()
    assert URL in listing


@pytest.mark.django_db(transaction=True)
def test_policy_upload_shows_counts_and_first_examples_and_is_audited(client, walsall, data_manager):
    client.force_login(data_manager)
    uploads = [SimpleUploadedFile(n, c, content_type="text/csv") for n, c in invalid_walsall_files()]
    response = client.post(reverse("placements:import-create", kwargs={"code": "335"}), {"files": uploads})
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert not job.strict and job.status == "succeeded"
    page = client.get(response.url).content.decode()
    assert "Import complete" in page
    assert "Children held back" in page
    assert "EpisodeEndsBeforeItStarts" in page and "Held back" in page
    assert "episodes.csv row 3, child W0003, DEC “01/03/2024”" in page
    assert AuditEvent.objects.filter(action="import.examples_viewed").exists()
    report = client.get(reverse("placements:import-errors", kwargs={"code": "335", "pk": job.pk})).content
    assert report.startswith(b"\xef\xbb\xbffile,row,column,value,message,code,severity,action")
    assert b",quarantined" in report


def test_home_links_to_data_quality_for_data_managers(client, walsall, data_manager):
    client.force_login(data_manager)
    assert URL in client.get(reverse("home")).content.decode()


def test_page_queries_do_not_grow_with_held_back_rows(
    client, walsall, data_manager, django_assert_max_num_queries
):
    _broken_then_fixed(walsall)
    client.force_login(data_manager)
    client.get(URL)  # warm the session and membership caches
    with django_assert_max_num_queries(14):
        assert client.get(URL).status_code == 200
