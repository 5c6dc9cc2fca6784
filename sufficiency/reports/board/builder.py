"""Assemble a board progress report: every section's numbers, tables and sentences, as one JSON document.

The document is what publishing freezes. It holds only JSON types (str, int, float, bool, None, lists,
dicts), formatted for print ("1,234", "12.5%", "£4.2m") alongside the raw numbers the tests and the next
report's "change since the last published report" read. Nothing in it identifies a child: counts only.

    document = build_document(report=report, previous=last_published_document)

Each section is a dict:
    key, number, title   the section (SectionChoices) and its printed number
    facts                generated sentences, in the board paper's voice
    commentary           the author's text for the section (plain text; templates escape it)
    tables               [{"caption", "headers": [{"text", "numeric"}], "rows": [[cell]], "id"}], where a
                         cell is a string or {"text": str, "tag": "green"|"yellow"|"red"|"grey"}
    charts               [{"id", "kind", "title", "alt"}] drawn by ``charts.render_charts`` from ``data``
    notes                definitions and caveats, printed small under the section
    empty                the empty-state sentence when the section has no data to show (never fake numbers)
    data                 the raw numbers behind the section

Sources that other features are still building (placement finding, the gap engine) are read through
guarded imports: while absent, their part of the report says so.

This module assembles the document; each part of the paper is built in ``sections/`` (``kpis``: key
figures and the KPI appendix; ``placements``: where children live, fostering, residential, supported
accommodation; ``finding``; ``forecast``: the forecast and the financial position; ``strategy``: the
introduction, progress and actions), from the building blocks and number formats in ``formatting``.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from forecasting.selectors import latest_forecast_run
from placements.selectors import register_data_date

from ..kpis import KpiSession
from ..selectors import kpi_rows_for_authority, strategy_current_for_authority
from .choices import SectionChoices
from .formatting import long_date, make_section
from .sections.finding import finding
from .sections.forecast import financial, forecast
from .sections.kpis import kpi_appendix, kpi_entries, summary
from .sections.placements import fostering, residential, supported, where_children_live
from .sections.strategy import actions, introduction, progress

if TYPE_CHECKING:
    from sufficiency.authorities.models import LocalAuthority

    from ..models import BoardReport


#: Bump when the document's shape changes; published documents keep the version they were built with.
SCHEMA_VERSION = 1


def build_document(
    *,
    report: BoardReport,
    previous: dict[str, Any] | None = None,
    session: KpiSession | None = None,
) -> dict[str, Any]:
    """The whole report for a draft: numbers as at its date, the author's commentary, and the change in
    every KPI since ``previous`` (the last published report's frozen document, if any)."""
    commentary = {s.section: s.commentary for s in report.sections.all()}
    return build_report_document(
        authority=report.authority,
        as_at=report.as_at,
        title=report.title,
        author_name=report.author_name,
        commentary=commentary,
        previous=previous,
        session=session,
    )


def build_report_document(
    *,
    authority: LocalAuthority,
    as_at: dt.date,
    title: str = "Placement sufficiency strategy update",
    author_name: str = "",
    commentary: dict[str, str] | None = None,
    previous: dict[str, Any] | None = None,
    session: KpiSession | None = None,
) -> dict[str, Any]:
    """Build every section from the selectors (one register load shared through ``session``)."""
    session = session or KpiSession(authority)
    commentary = commentary or {}
    ctx = session.context(as_at)
    rows = kpi_rows_for_authority(authority=authority, on=as_at, session=session)
    kpis = kpi_entries(rows, previous)
    by_key = {k["key"]: k for k in kpis}
    strategy = strategy_current_for_authority(authority=authority, on=as_at)
    run = latest_forecast_run(authority=authority)

    sections = [
        introduction(authority, as_at, strategy),
        summary(by_key, previous, as_at),
        make_section(SectionChoices.CONSULTATION,
                     empty="No update on consultation with children and young people was written for this report."),
        where_children_live(authority, ctx, by_key),
        fostering(authority, ctx, by_key),
        residential(authority, ctx, by_key),
        supported(ctx, by_key),
        finding(authority, ctx, by_key),
        forecast(authority, ctx, run),
        financial(authority, as_at, run),
        progress(strategy, as_at, session),
        actions(strategy, as_at),
        make_section(SectionChoices.CONCLUSION, empty="No closing commentary was written for this report."),
    ]  # fmt: skip
    for number, section in enumerate(sections, start=1):
        section["number"] = number
        section["commentary"] = (commentary.get(section["key"]) or "").strip()
        if section["commentary"] and section["key"] in (
            SectionChoices.CONSULTATION,
            SectionChoices.CONCLUSION,
        ):
            section["empty"] = None
    data_date = register_data_date(authority=authority)
    return {
        "schema": SCHEMA_VERSION,
        "title": title,
        "author_name": author_name,
        "authority": {
            "name": authority.name,
            "dfe_code": authority.dfe_code,
            "region": authority.region.name,
        },
        "as_at": as_at.isoformat(),
        "as_at_text": long_date(as_at),
        "previous_kpi_date": rows[0].previous_on.isoformat() if rows else None,
        "register_data_date": data_date.isoformat() if data_date else None,
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "comparison": _comparison(previous),
        "strategy": {"title": strategy.title, "period": strategy.period} if strategy else None,
        "sections": sections,
        "kpis": kpis,
        "kpi_appendix": kpi_appendix(kpis, previous),
    }


def _comparison(previous: dict[str, Any] | None) -> dict[str, Any] | None:
    if not previous:
        return None
    meeting = previous.get("meeting") or {}
    return {
        "version": previous.get("version"),
        "as_at": previous.get("as_at"),
        "as_at_text": long_date(previous.get("as_at")),
        "meeting_name": meeting.get("name", ""),
        "meeting_date_text": long_date(meeting.get("date")),
    }
