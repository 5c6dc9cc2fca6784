"""Attack: error reports name children (references, dates, values) and must not be kept for ever.

A finished import's report and its examples are blanked IMPORT_REPORT_RETENTION_DAYS after it finished (a
daily beat task), and as soon as a newer successful import of the same authority replaces the files the
report describes. Counts by problem stay, so the data quality trend is not lost.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from placements.models import ImportJob
from placements.services import import_job_create, import_reports_expire
from placements.tasks import import_reports_expire_task
from sufficiency.celery import app
from tests.ssda903_files import invalid_walsall_files, valid_walsall_files

pytestmark = pytest.mark.django_db(transaction=True)

SUMMARY = {
    "problems": [{"rule": "R", "count": 2, "examples": [{"file": "e.csv", "row": 2, "child": "W0001"}]}]
}


def _finished(authority, days_ago, **fields):
    finished = timezone.now() - dt.timedelta(days=days_ago)
    return ImportJob.objects.create(
        authority=authority,
        status=fields.pop("status", "failed"),
        finished_at=finished,
        error_report="file,row,column,value,message\ne.csv,2,CHILD,W0001,bad\n",
        summary=SUMMARY,
        error_count=1,
        **fields,
    )


def test_reports_older_than_the_retention_are_blanked(walsall):
    old = _finished(walsall, days_ago=31)
    recent = _finished(walsall, days_ago=29)
    assert import_reports_expire() == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.error_report == ""
    assert "W0001" not in str(old.summary)
    assert old.summary["problems"][0]["count"] == 2  # counts stay
    assert old.summary["report_expired"] is True
    assert "W0001" in recent.error_report
    assert import_reports_expire() == 0  # nothing left to do


@override_settings(IMPORT_REPORT_RETENTION_DAYS=7)
def test_retention_is_a_setting_and_time_travel_expires_the_rest(walsall):
    job = _finished(walsall, days_ago=8)
    recent = _finished(walsall, days_ago=1)
    assert import_reports_expire() == 1
    assert import_reports_expire(now=timezone.now() + dt.timedelta(days=7)) == 1
    job.refresh_from_db()
    recent.refresh_from_db()
    assert job.error_report == recent.error_report == ""


def test_the_periodic_task_is_scheduled_and_runs(walsall):
    assert any(
        entry["task"] == "placements.import_reports_expire" for entry in app.conf.beat_schedule.values()
    )
    _finished(walsall, days_ago=40)
    assert import_reports_expire_task.delay().get() == 1


def test_a_newer_successful_import_replaces_older_reports_of_the_authority(walsall, sandwell, data_manager):
    refused = import_job_create(
        authority=walsall, files=invalid_walsall_files(), acting_user=data_manager, strict=True
    )
    refused.refresh_from_db()
    assert refused.error_report
    other = _finished(sandwell, days_ago=1)
    newer = import_job_create(authority=walsall, files=valid_walsall_files(), acting_user=data_manager)
    newer.refresh_from_db()
    refused.refresh_from_db()
    other.refresh_from_db()
    assert newer.status == "succeeded"
    assert refused.error_report == ""
    assert all(not p["examples"] for p in refused.summary.get("problems", []))
    assert other.error_report  # another authority's report is untouched


def test_the_page_says_the_report_was_deleted(client, walsall, data_manager):
    job = _finished(walsall, days_ago=31)
    import_reports_expire()
    client.force_login(data_manager)
    page = client.get(reverse("placements:import-detail", kwargs={"code": "335", "pk": job.pk})).content
    assert b"was deleted" in page
    assert b"W0001" not in page
