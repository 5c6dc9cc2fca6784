"""Reads of board reports. Callers have already resolved an authority the user may see (AuthorityMixin);
these selectors never cross authorities.

Who sees what: commissioners and administrators see drafts and published reports; every other reader of
the authority's aggregates (board members, regional analysts, placement finders, data managers) sees
published reports only. A draft is a 404 to them.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from sufficiency.authorities.models import LocalAuthority

from ..models import BoardReport, PublishedReport
from .choices import BoardReportStatusChoices


def draft_list(*, authority: LocalAuthority) -> QuerySet[BoardReport]:
    """The authority's unpublished board reports, newest first."""
    return (
        BoardReport.objects.for_authority(authority)
        .filter(status=BoardReportStatusChoices.DRAFT)
        .select_related("author")
        .order_by("-as_at", "-id")
    )


def draft_get(*, authority: LocalAuthority, pk: int) -> BoardReport:
    """One of the authority's drafts (DoesNotExist if published, or another authority's)."""
    return (
        BoardReport.objects.for_authority(authority)
        .filter(status=BoardReportStatusChoices.DRAFT)
        .select_related("authority__region")
        .prefetch_related("sections")
        .get(pk=pk)
    )


def report_get(*, authority: LocalAuthority, pk: int) -> BoardReport:
    """One of the authority's board reports, draft or published (DoesNotExist if another authority's)."""
    return BoardReport.objects.for_authority(authority).get(pk=pk)


def published_list(*, authority: LocalAuthority) -> QuerySet[PublishedReport]:
    """Published reports, newest version first, without the heavy frozen columns."""
    return (
        PublishedReport.objects.for_authority(authority)
        .defer("document", "charts", "body_html", "html", "pdf")
        .select_related("published_by")
        .order_by("-version")
    )


def published_get(*, authority: LocalAuthority, version: int) -> PublishedReport:
    """One published report by its version (DoesNotExist if the authority has no such version)."""
    return PublishedReport.objects.for_authority(authority).get(version=version)


def latest_published_document(*, authority: LocalAuthority) -> dict[str, Any] | None:
    """The frozen document of the authority's latest published report: what a new draft compares every KPI
    with ("change since the last published report")."""
    row = (
        PublishedReport.objects.for_authority(authority)
        .order_by("-version")
        .values_list("document", flat=True)
        .first()
    )
    return row


def published_changes(*, published: PublishedReport, limit: int = 5) -> dict[str, Any]:
    """How the live figures for a published report's date differ from the figures it froze: the report
    is never changed, but its page says when a later import has changed what it reported (each KPI
    compared to one decimal place, as the report shows it)."""
    from ..selectors import format_kpi_value, kpi_page_rows

    frozen = {k["key"]: k.get("value") for k in (published.document or {}).get("kpis", [])}
    rows, _snapshot = kpi_page_rows(authority=published.authority, on=published.as_at)
    changed = []
    for row in rows:
        if row.key not in frozen:
            continue
        then, now = frozen[row.key], row.value.value
        same = (then is None and now is None) or (
            then is not None and now is not None and round(float(then), 1) == round(float(now), 1)
        )
        if not same:
            changed.append(
                {
                    "name": row.kpi.name,
                    "then": format_kpi_value(then, row.kpi.unit),
                    "now": format_kpi_value(now, row.kpi.unit),
                }
            )
    return {"count": len(changed), "examples": changed[:limit]}
