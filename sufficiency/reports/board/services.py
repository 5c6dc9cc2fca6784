"""Writes to board reports: create a draft, edit it and its commentary, publish it.

Each service is atomic, takes the acting user and writes an audit row (ids and field names only, never
commentary text). Publishing is one-way: it builds the document from the register as at the report's date,
draws the charts, renders the printable HTML and the PDF, and stores all of them, with SHA-256 digests, in a
`PublishedReport` that nothing changes afterwards.

Publishing runs in the request: on the demo region (about 650 children) it takes a few seconds (the
document about 1-2 s, the PDF about 2-3 s), well within a request's budget, and the author waits for the
result anyway. If it ever needs to move to Celery, the persisted-run pattern applies: a PUBLISHING status
claimed by conditional UPDATE, then this same function.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from sufficiency.authorities.models import LocalAuthority
from sufficiency.core.audit import audit

from ..models import BoardReport, PublishedReport, ReportSection
from .builder import build_document, long_date
from .charts import render_charts
from .choices import BoardReportStatusChoices, SectionChoices
from .pdf import render_body_html, render_pdf, render_print_html, sha256_hex
from .selectors import latest_published_document

#: Longest commentary accepted for one section (a generous two pages of text).
COMMENTARY_MAX_CHARS = 20_000


def _check_draft(report: BoardReport) -> None:
    if report.status != BoardReportStatusChoices.DRAFT:
        raise ValidationError("This report has been published and can no longer be changed")


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
        author=acting_user if getattr(acting_user, "is_authenticated", False) else None,
    )
    report.full_clean()
    report.save()
    audit(action="board_report.created", actor=acting_user, authority=authority, obj=report, request=request)
    return report


@transaction.atomic
def report_update(*, report: BoardReport, acting_user: Any, request: Any = None, **data: Any) -> BoardReport:
    """Change a draft's title, author name or 'as at' date."""
    _check_draft(report)
    allowed = {"title", "author_name", "as_at"}
    unknown = set(data) - allowed
    if unknown:
        raise ValueError(f"cannot set {', '.join(sorted(unknown))}")
    changed = [name for name, value in data.items() if getattr(report, name) != value]
    for name in changed:
        setattr(report, name, data[name])
    report.full_clean()
    report.save()
    audit(
        action="board_report.updated",
        actor=acting_user,
        authority=report.authority,
        obj=report,
        detail={"fields": sorted(changed)},
        request=request,
    )
    return report


@transaction.atomic
def commentary_update(
    *, report: BoardReport, texts: dict[str, str], acting_user: Any, request: Any = None
) -> BoardReport:
    """Save the author's commentary for some or all sections of a draft (plain text; blank clears it)."""
    _check_draft(report)
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
        published_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
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


@transaction.atomic
def report_delete(*, report: BoardReport, acting_user: Any, request: Any = None) -> None:
    """Discard a draft (published reports are kept for ever)."""
    _check_draft(report)
    audit(
        action="board_report.deleted",
        actor=acting_user,
        authority=report.authority,
        obj=report,
        request=request,
    )
    report.delete()
