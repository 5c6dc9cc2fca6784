"""Publishing off the request: the publish page queues the work, a worker claims it by a conditional
update (a redelivery does nothing; a dead worker's request can be claimed again), and a failure is
recorded in plain English with the draft left as it was. The status view is for the authority's editors."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from sufficiency.authorities.models import AuditEvent
from sufficiency.reports.board import services
from sufficiency.reports.board.choices import BoardReportStatusChoices, PublishStatusChoices
from sufficiency.reports.models import BoardReport, PublishedReport
from sufficiency.reports.tasks import board_report_publish_task
from tests.reports.conftest import D

pytestmark = pytest.mark.django_db
MEETING = dt.date(2025, 6, 2)


def _draft(walsall, la_user):
    return services.report_create(authority=walsall, as_at=D, acting_user=la_user)


def _queue(report, la_user):
    return services.report_publish_request(
        report=report, meeting_name="Corporate Parenting Board", meeting_date=MEETING, acting_user=la_user
    )


def _status_url(report):
    return reverse("reports:board-draft-publish-status", kwargs={"code": "335", "pk": report.pk})


def test_queued_request_is_published_on_commit(
    register, la_user, fast_pdf, django_capture_on_commit_callbacks
):
    report = _draft(register["walsall"], la_user)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        queued = _queue(report, la_user)
        assert queued.publish_status == PublishStatusChoices.QUEUED and not PublishedReport.objects.exists()
    assert len(callbacks) == 1
    report.refresh_from_db()
    published = PublishedReport.objects.get(report=report)
    assert report.status == BoardReportStatusChoices.PUBLISHED and report.version == published.version == 1
    assert report.publish_status == PublishStatusChoices.SUCCEEDED and report.publish_finished_at
    assert published.meeting_name == "Corporate Parenting Board" and published.published_by == la_user
    assert AuditEvent.objects.filter(action="board_report.publish_queued").exists()
    assert AuditEvent.objects.filter(action="board_report.published").exists()


def test_redelivery_does_nothing(register, la_user, fast_pdf, django_capture_on_commit_callbacks):
    report = _draft(register["walsall"], la_user)
    with django_capture_on_commit_callbacks(execute=True):
        _queue(report, la_user)
    assert board_report_publish_task.delay(report.pk).get() == "skipped or failed"
    assert services.report_publish_execute(report_id=report.pk) is None
    assert PublishedReport.objects.filter(report=report).count() == 1


def test_a_running_request_is_not_claimed_twice_until_its_worker_is_presumed_dead(
    register, la_user, fast_pdf, settings
):
    report = _draft(register["walsall"], la_user)
    _queue(report, la_user)  # on_commit never fires inside the test transaction: still queued
    assert services.report_publish_claim(report_id=report.pk)
    assert not services.report_publish_claim(report_id=report.pk)
    assert services.report_publish_execute(report_id=report.pk) is None
    long_ago = timezone.now() - dt.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 120)
    BoardReport.objects.filter(pk=report.pk).update(publish_started_at=long_ago)
    published = services.report_publish_execute(report_id=report.pk)
    assert published is not None and published.version == 1


def test_failure_is_recorded_and_the_draft_left_intact(register, la_user, monkeypatch):
    def broken(html):
        raise OSError("renderer crashed")

    monkeypatch.setattr(services, "render_pdf", broken)
    report = _draft(register["walsall"], la_user)
    services.commentary_update(report=report, texts={"conclusion": "Next steps."}, acting_user=la_user)
    _queue(report, la_user)
    assert services.report_publish_execute(report_id=report.pk) is None
    report.refresh_from_db()
    assert report.status == BoardReportStatusChoices.DRAFT and report.version is None
    assert report.publish_status == PublishStatusChoices.FAILED
    assert report.publish_error == services.PUBLISH_FAILED_MESSAGE and "renderer" not in report.publish_error
    assert report.sections.get(section="conclusion").commentary == "Next steps."
    assert not PublishedReport.objects.exists()
    assert AuditEvent.objects.filter(action="board_report.publish_failed").exists()
    status = services.report_publish_status(report=report)
    assert status["finished"] and not status["published"] and status["error"]
    # Asking again queues it afresh; the draft can still be edited once the request has failed.
    services.commentary_update(report=report, texts={"conclusion": "Changed."}, acting_user=la_user)
    assert _queue(report, la_user).publish_status == PublishStatusChoices.QUEUED


def test_a_draft_being_published_cannot_be_changed_or_queued_twice(register, la_user):
    report = _draft(register["walsall"], la_user)
    _queue(report, la_user)
    report.refresh_from_db()
    with pytest.raises(ValidationError):
        _queue(report, la_user)
    with pytest.raises(ValidationError):
        services.commentary_update(report=report, texts={"conclusion": "x"}, acting_user=la_user)
    with pytest.raises(ValidationError):
        services.report_delete(report=report, acting_user=la_user)


def test_publish_page_queues_and_the_draft_page_polls(client, register, la_user):
    report = _draft(register["walsall"], la_user)
    client.force_login(la_user)
    publish_url = reverse("reports:board-draft-publish", kwargs={"code": "335", "pk": report.pk})
    response = client.post(publish_url, {"meeting_name": "CPB", "meeting_date_day": "2", "meeting_date_month": "6",
                                         "meeting_date_year": "2025", "confirm": "on"})  # fmt: skip
    draft_url = reverse("reports:board-draft", kwargs={"code": "335", "pk": report.pk})
    assert response.status_code == 302 and response.url == draft_url
    page = client.get(draft_url).content.decode()
    assert "Publishing…" in page and 'data-status-url="' + _status_url(report) in page
    assert "js/board-publish-status.js" in page
    data = client.get(_status_url(report)).json()
    assert data == {
        "status": "queued", "label": "Waiting to publish", "finished": False, "published": False,
        "version": None, "error": "", "published_url": "",
    }  # fmt: skip


def test_status_view_links_to_the_published_version(client, register, la_user, fast_pdf):
    report = _draft(register["walsall"], la_user)
    _queue(report, la_user)
    services.report_publish_execute(report_id=report.pk)
    client.force_login(la_user)
    data = client.get(_status_url(report)).json()
    assert data["finished"] and data["published"] and data["version"] == 1
    assert data["published_url"] == reverse("reports:board-published", kwargs={"code": "335", "version": 1})


def test_status_view_is_404_to_other_authorities_and_board_members(
    client, register, la_user, other_la_user, board_member
):
    report = _draft(register["walsall"], la_user)
    _queue(report, la_user)
    for user in (other_la_user, board_member):
        client.force_login(user)
        assert client.get(_status_url(report)).status_code == 404
    # A Walsall report's id under Sandwell's code is 404 to Sandwell's commissioner too.
    client.force_login(other_la_user)
    url = reverse("reports:board-draft-publish-status", kwargs={"code": "333", "pk": report.pk})
    assert client.get(url).status_code == 404
