"""Writes to board reports: create a draft, edit it and its commentary, publish it.

Each service is atomic, takes the acting user and writes an audit row (ids and field names only, never
commentary text). Publishing is one-way: it builds the document from the register as at the report's date,
draws the charts, renders the printable HTML and the PDF, and stores all of them, with SHA-256 digests, in a
`PublishedReport` that nothing changes afterwards.

Publishing takes 6-30 s (mostly drawing the PDF), so the web page does not do it: the publish page calls
`report_publish_request`, which records the meeting and a queued publish status on the draft and, on
commit, sends the report's id to a worker (task ``reports.board_report_publish``). The worker claims the
request by a conditional update (queued -> running; a redelivered task then does nothing), runs
`report_publish` (the work itself, still callable directly by the demo loader and tests) and records the
outcome: succeeded, or failed with a plain-English message and the draft untouched (`report_publish` is
atomic). The draft page polls `report_publish_status` until it can link to the published version. With
Celery eager (local and test settings) the work completes as the request's transaction commits.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from sufficiency.authorities.models import LocalAuthority
from sufficiency.core.audit import acting_user_or_none, audit, fields_update_audited
from sufficiency.core.jobs import JobQueue, job_claim, job_enqueue, jobs_requeue
from sufficiency.core.locking import check_version

from ..models import BoardReport, PublishedReport, ReportSection
from .builder import build_document
from .charts import render_charts
from .choices import BoardReportStatusChoices, PublishStatusChoices, SectionChoices
from .formatting import long_date
from .pdf import render_body_html, render_pdf, render_print_html, sha256_hex
from .selectors import latest_published_document

logger = logging.getLogger(__name__)

#: Longest commentary accepted for one section (a generous two pages of text).
COMMENTARY_MAX_CHARS = 20_000


def _check_draft(report: BoardReport) -> None:
    if report.status != BoardReportStatusChoices.DRAFT:
        raise ValidationError("This report has been published and can no longer be changed")


def _check_editable(report: BoardReport) -> None:
    """A draft can be changed unless it is being published (the worker is reading it)."""
    _check_draft(report)
    if report.is_publishing:
        raise ValidationError("This report is being published and can no longer be changed")


@transaction.atomic
def report_create(
    *,
    authority: LocalAuthority,
    as_at: dt.date,
    acting_user: Any,
    title: str = "",
    author_name: str = "",
    request: Any = None,
) -> BoardReport:
    """Start a draft board report for an authority, as at a date."""
    report = BoardReport(
        authority=authority,
        as_at=as_at,
        title=title.strip() or BoardReport._meta.get_field("title").get_default(),
        author_name=author_name.strip(),
        author=acting_user_or_none(acting_user),
    )
    report.full_clean()
    report.save()
    audit(action="board_report.created", actor=acting_user, authority=authority, obj=report, request=request)
    return report


@transaction.atomic
def report_update(
    *, report: BoardReport, acting_user: Any, request: Any = None, version: str | None = None, **data: Any
) -> BoardReport:
    """Change a draft's title, author name or 'as at' date (StaleEdit if saved by someone since `version`)."""
    _check_editable(report)
    check_version(report, version)
    fields_update_audited(
        report,
        data=data,
        allowed={"title", "author_name", "as_at"},
        action="board_report.updated",
        acting_user=acting_user,
        request=request,
    )
    return report


@transaction.atomic
def commentary_update(
    *,
    report: BoardReport,
    texts: dict[str, str],
    acting_user: Any,
    request: Any = None,
    version: str | None = None,
) -> BoardReport:
    """Save the author's commentary for some or all sections of a draft (plain text; blank clears it).
    Saving moves the report's version on, so two authors never overwrite each other's commentary: a form
    opened on an older `version` is refused (StaleEdit)."""
    _check_editable(report)
    check_version(report, version)
    valid = set(SectionChoices.values)
    unknown = set(texts) - valid
    if unknown:
        raise ValueError(f"unknown sections: {', '.join(sorted(unknown))}")
    existing = {s.section: s for s in ReportSection.objects.filter(report=report)}
    changed = []
    for section, text in texts.items():
        text = (text or "").replace("\r\n", "\n").strip()
        if len(text) > COMMENTARY_MAX_CHARS:
            raise ValidationError(
                {section: f"Commentary must be {COMMENTARY_MAX_CHARS:,} characters or fewer"}
            )
        row = existing.get(section)
        if row is None:
            if text:
                ReportSection.objects.create(report=report, section=section, commentary=text)
                changed.append(section)
        elif row.commentary != text:
            row.commentary = text
            row.save(update_fields=["commentary", "updated_at"])
            changed.append(section)
    if changed:
        report.save(update_fields=["updated_at"])
    audit(
        action="board_report.commentary_updated",
        actor=acting_user,
        authority=report.authority,
        obj=report,
        detail={"sections": sorted(changed)},
        request=request,
    )
    return report


def draft_render(*, report: BoardReport) -> dict[str, Any]:
    """A draft's live document, charts and body HTML (compared with the last published report)."""
    document = build_document(report=report, previous=latest_published_document(authority=report.authority))
    document.update(status="draft", version=None, meeting=None)
    _add_texts(document)
    charts = render_charts(document)
    return {"document": document, "charts": charts, "body_html": render_body_html(document, charts)}


def _add_texts(document: dict[str, Any]) -> None:
    document["generated_text"] = long_date(document["generated_at"][:10])
    document["register_data_date_text"] = long_date(document.get("register_data_date"))


@transaction.atomic
def report_publish(
    *,
    report: BoardReport,
    meeting_name: str,
    meeting_date: dt.date,
    acting_user: Any,
    request: Any = None,
) -> PublishedReport:
    """Publish a draft for a named meeting: freeze the document, charts, printable HTML and PDF as the
    authority's next version. Irreversible; a report is published at most once."""
    report = BoardReport.objects.select_for_update().select_related("authority__region").get(pk=report.pk)
    _check_draft(report)
    if not meeting_name.strip():
        raise ValidationError({"meeting_name": "Enter the name of the meeting"})
    authority = report.authority
    last = (
        PublishedReport.objects.select_for_update()
        .for_authority(authority)
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
    )
    version = (last or 0) + 1
    published_at = timezone.now()
    document = build_document(report=report, previous=latest_published_document(authority=authority))
    document.update(
        status="published",
        version=version,
        meeting={
            "name": meeting_name.strip(),
            "date": meeting_date.isoformat(),
            "date_text": long_date(meeting_date),
        },
        published_at=published_at.isoformat(timespec="seconds"),
        published_text=long_date(timezone.localdate(published_at)),
    )
    _add_texts(document)
    # A JSON round trip proves the document is plain data and fixes exactly what is stored.
    document = json.loads(json.dumps(document, allow_nan=False))
    charts = render_charts(document)
    body_html = render_body_html(document, charts)
    html = render_print_html(document, body_html)
    pdf, pages = render_pdf(html)
    published = PublishedReport.objects.create(
        authority=authority,
        report=report,
        version=version,
        title=report.title,
        as_at=report.as_at,
        meeting_name=meeting_name.strip(),
        meeting_date=meeting_date,
        published_at=published_at,
        published_by=acting_user_or_none(acting_user),
        document=document,
        charts=charts,
        body_html=body_html,
        html=html,
        pdf=pdf,
        pdf_sha256=sha256_hex(pdf),
        document_sha256=sha256_hex(json.dumps(document, sort_keys=True)),
        page_count=pages,
    )
    report.status = BoardReportStatusChoices.PUBLISHED
    report.version = version
    report.meeting_name = meeting_name.strip()
    report.meeting_date = meeting_date
    report.save(update_fields=["status", "version", "meeting_name", "meeting_date", "updated_at"])
    audit(
        action="board_report.published",
        actor=acting_user,
        authority=authority,
        obj=published,
        detail={"report": report.pk, "version": version, "pages": pages, "pdf_sha256": published.pdf_sha256},
        request=request,
    )
    return published


# --- Publishing off the request ------------------------------------------------------------------------------
#: What the author reads when publishing fails for a reason other than a validation rule.
PUBLISH_FAILED_MESSAGE = (
    "The report could not be published because of an unexpected problem. The draft has not changed. "
    "Try again, and contact the service desk if it happens again."
)


@transaction.atomic
def report_publish_request(
    *,
    report: BoardReport,
    meeting_name: str,
    meeting_date: dt.date,
    acting_user: Any,
    request: Any = None,
) -> BoardReport:
    """Ask for a draft to be published for a named meeting: records the meeting and a queued status on the
    draft and sends it to a worker when the transaction commits. Refused while a request is in progress."""
    report = BoardReport.objects.select_for_update().get(pk=report.pk)
    _check_draft(report)
    if report.is_publishing:
        raise ValidationError("This report is already being published")
    if not meeting_name.strip():
        raise ValidationError({"meeting_name": "Enter the name of the meeting"})
    report.meeting_name = meeting_name.strip()
    report.meeting_date = meeting_date
    report.publish_status = PublishStatusChoices.QUEUED
    report.publish_requested_by = acting_user_or_none(acting_user)
    report.publish_requested_at = timezone.now()
    report.publish_started_at = None
    report.publish_finished_at = None
    report.publish_error = ""
    report.save(
        update_fields=[
            "meeting_name", "meeting_date", "publish_status", "publish_requested_by", "publish_requested_at",
            "publish_started_at", "publish_finished_at", "publish_error", "updated_at",
        ]
    )  # fmt: skip
    audit(
        action="board_report.publish_queued",
        actor=acting_user,
        authority=report.authority,
        obj=report,
        request=request,
    )
    report_id = report.pk
    transaction.on_commit(lambda: report_publish_enqueue(report_id=report_id))
    return report


# A request to publish lives on the draft itself; only drafts are published.
REPORT_PUBLISHING = JobQueue(
    model=BoardReport,
    task="sufficiency.reports.tasks.board_report_publish_task",
    label="publishing board report",
    status="publish_status",
    started_at="publish_started_at",
    queued_since="publish_requested_at",
    scope=Q(status=BoardReportStatusChoices.DRAFT),
)


def report_publish_enqueue(*, report_id: int) -> bool:
    """Send a queued request to the workers. With the broker down it stays queued (the row is the outbox)
    and `report_publish_requeue` sends it again."""
    return job_enqueue(REPORT_PUBLISHING, report_id)


def report_publish_claim(*, report_id: int) -> bool:
    """Claim a queued request (or one whose worker died) by a conditional update: one worker wins."""
    return job_claim(REPORT_PUBLISHING, report_id)


def report_publish_execute(*, report_id: int) -> PublishedReport | None:
    """Claim a request to publish and carry it out with `report_publish`; record the outcome. A second
    delivery of the same task does nothing. On failure the draft is left as it was."""
    if not report_publish_claim(report_id=report_id):
        logger.info("board report %s: publish already claimed or finished; nothing to do", report_id)
        return None
    report = BoardReport.objects.select_related("authority", "publish_requested_by").get(pk=report_id)
    try:
        with transaction.atomic():
            published = report_publish(
                report=report,
                meeting_name=report.meeting_name,
                meeting_date=report.meeting_date,
                acting_user=report.publish_requested_by,
            )
            BoardReport.objects.filter(pk=report_id).update(
                publish_status=PublishStatusChoices.SUCCEEDED, publish_finished_at=timezone.now()
            )
    except Exception as exc:  # noqa: BLE001 - recorded on the draft for its author, never lost
        if isinstance(exc, ValidationError):
            message = " ".join(exc.messages)
        else:
            logger.exception("publishing board report %s failed (%s)", report_id, type(exc).__name__)
            message = PUBLISH_FAILED_MESSAGE
        BoardReport.objects.filter(pk=report_id).update(
            publish_status=PublishStatusChoices.FAILED,
            publish_finished_at=timezone.now(),
            publish_error=message,
        )
        audit(
            action="board_report.publish_failed",
            actor=report.publish_requested_by,
            authority=report.authority,
            obj=report,
            detail={"error": type(exc).__name__},
        )
        return None
    return published


def report_publish_status(*, report: BoardReport) -> dict[str, Any]:
    """What the draft page's poller reads: the status, whether it has finished, the version once
    published and the failure message (no personal data)."""
    published = report.status == BoardReportStatusChoices.PUBLISHED
    status = PublishStatusChoices.SUCCEEDED if published else report.publish_status
    return {
        "status": status,
        "label": PublishStatusChoices(status).label,
        "finished": status not in (PublishStatusChoices.QUEUED, PublishStatusChoices.RUNNING),
        "published": published,
        "version": report.version if published else None,
        "error": report.publish_error if status == PublishStatusChoices.FAILED else "",
    }


def report_publish_requeue(*, older_than_seconds: int = 120) -> int:
    """Re-send requests queued while the broker was down, and requests whose worker died."""
    return jobs_requeue(REPORT_PUBLISHING, older_than_seconds=older_than_seconds)


@transaction.atomic
def report_delete(*, report: BoardReport, acting_user: Any, request: Any = None) -> None:
    """Discard a draft (published reports are kept for ever; a draft being published is kept too)."""
    _check_editable(report)
    audit(
        action="board_report.deleted",
        actor=acting_user,
        authority=report.authority,
        obj=report,
        request=request,
    )
    report.delete()
