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
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections import Counter
from typing import TYPE_CHECKING, Any

import pandas as pd
from django.utils import timezone

from forecasting.choices import BASELINE
from forecasting.selectors import (
    backtest_frame,
    backtest_summary,
    cost_frame,
    forecast_value_frame,
    latest_forecast_run,
)
from placements import counting
from placements.categories import (
    ADOPTION,
    COARSE_GROUPS,
    FOSTERING_EXTERNAL,
    FOSTERING_INHOUSE,
    FOSTERING_KINSHIP,
    OTHER,
    PLANNING_CATEGORIES,
    PLANNING_CATEGORY_LABELS,
    RESIDENTIAL_EXTERNAL,
    RESIDENTIAL_INHOUSE,
    RESIDENTIAL_SCHOOL,
    RESIDENTIAL_SECURE,
    SUPPORTED,
    TEMPORARY,
    WITH_PARENTS,
)
from placements.choices import JudgementChoices
from placements.models import PlacementEpisode, Setting
from placements.selectors import register_data_date, spend_rollup_for_authority
from placements.supply_selectors import (
    block_beds_for_authority,
    household_capacity_for_authority,
    inhouse_home_rows,
)

from ..choices import ActionStatusChoices, RagChoices
from ..kpis import KpiSession
from ..kpis.base import Group, Unit
from ..models import Action, Objective, Strategy
from ..selectors import (
    KpiRow,
    action_summary_for_strategy,
    format_kpi_value,
    kpi_rows_for_authority,
    measure_progress_for_strategy,
    strategy_current_for_authority,
)
from .choices import SectionChoices

if TYPE_CHECKING:
    from sufficiency.authorities.models import LocalAuthority

    from ..models import BoardReport

#: Bump when the document's shape changes; published documents keep the version they were built with.
SCHEMA_VERSION = 1

#: The "where our children live" groups of a board paper (Walsall's table), in print order.
LIVING_GROUPS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("foster", "Living in foster care", COARSE_GROUPS["FOSTERING"]),
    ("residential", "Living in residential settings (children's homes, secure, residential schools)",
     COARSE_GROUPS["RESIDENTIAL"]),
    ("supported", "Living in supported accommodation (16 and 17 year olds)", (SUPPORTED,)),
    ("parents", "Living with their parents", (WITH_PARENTS,)),
    ("adoption", "Living with adopters (placed for adoption)", (ADOPTION,)),
    ("other", "Other placements (health, mother and baby, custody, temporary)", (OTHER, TEMPORARY)),
)  # fmt: skip

#: The indicators on the report's front page ("Key figures"), in print order.
HEADLINE_KPIS = (
    "children_in_care",
    "cla_rate_per_10000",
    "started_care_12m",
    "ceased_care_12m",
    "pct_foster_care",
    "pct_fostering_inhouse",
    "children_in_residential",
    "supported_accommodation",
    "pct_placed_over_20_miles",
    "pct_placed_outside_la",
    "pct_good_or_outstanding",
    "stability_3_plus_placements",
    "fostering_households_net_change",
)

RAG_TAGS = {
    RagChoices.GREEN: "green",
    RagChoices.AMBER: "yellow",
    RagChoices.RED: "red",
    RagChoices.NO_DATA: "grey",
}
ACTION_TAGS = {
    ActionStatusChoices.COMPLETE: "green",
    ActionStatusChoices.ON_TRACK: "turquoise",
    ActionStatusChoices.AT_RISK: "red",
    ActionStatusChoices.NOT_STARTED: "grey",
}
FORECAST_HORIZONS = (12, 24, 36)
JUDGEMENT_LABELS = dict(JudgementChoices.choices)
SUPPORTED_OUTCOMES = (
    JudgementChoices.SA_STRONG,
    JudgementChoices.SA_INCONSISTENT,
    JudgementChoices.SA_SERIOUS,
    JudgementChoices.NOT_YET_INSPECTED,
)


# --- formatting ---------------------------------------------------------------------------------------------
def long_date(day: dt.date | str | None) -> str:
    """31 March 2026 (no leading zero), as a board paper prints dates."""
    if day is None:
        return ""
    if isinstance(day, str):
        day = dt.date.fromisoformat(day[:10])
    return f"{day.day} {day:%B %Y}"


def fmt_count(value: float | int | None) -> str:
    return "No data" if value is None else f"{value:,.0f}"


def fmt_pct(numerator: float, denominator: float) -> str:
    return "–" if not denominator else f"{numerator / denominator * 100:.1f}%"


def fmt_money(value: float | None) -> str:
    """£47.3m, £850k or £950: how budget papers print spend."""
    if value is None or pd.isna(value):
        return "No data"
    if abs(value) >= 1_000_000:
        return f"£{value / 1_000_000:,.1f}m"
    if abs(value) >= 10_000:
        return f"£{value / 1_000:,.0f}k"
    return f"£{value:,.0f}"


def fmt_change(change: float | None, unit: Unit | str) -> str:
    """+1.5 percentage points, -12, no change; "–" when either value is missing."""
    if change is None:
        return "–"
    if change == 0:
        return "No change"
    unit = Unit(unit)
    if unit == Unit.PERCENT:
        return f"{change:+.1f} pts"
    if unit in (Unit.GBP_PER_WEEK, Unit.GBP_PER_YEAR):
        return f"{'+' if change > 0 else '-'}£{abs(change):,.0f}"
    if unit == Unit.COUNT:
        return f"{change:+,.0f}"
    return f"{change:+,.1f}"


def financial_year_of(day: dt.date) -> tuple[int, str]:
    """The financial year (April to March) a date falls in: (start year, "2025-26")."""
    start = day.year if day.month >= 4 else day.year - 1
    return start, f"{start}-{str(start + 1)[-2:]}"


def _header(text: str, numeric: bool = False) -> dict[str, Any]:
    return {"text": text, "numeric": numeric}


def _table(
    caption: str, headers: list[dict[str, Any]], rows: list[list[Any]], table_id: str
) -> dict[str, Any]:
    return {"id": table_id, "caption": caption, "headers": headers, "rows": rows}


def _section(key: SectionChoices, **parts: Any) -> dict[str, Any]:
    section = {
        "key": key.value,
        "title": key.label,
        "facts": [],
        "commentary": "",
        "tables": [],
        "charts": [],
        "notes": [],
        "empty": None,
        "data": {},
    }
    section.update(parts)
    return section


# --- the document -------------------------------------------------------------------------------------------
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
    kpis = _kpi_entries(rows, previous)
    by_key = {k["key"]: k for k in kpis}
    strategy = strategy_current_for_authority(authority=authority, on=as_at)
    run = latest_forecast_run(authority=authority)

    sections = [
        _introduction(authority, as_at, strategy),
        _summary(by_key, previous, as_at),
        _section(SectionChoices.CONSULTATION, empty="No update on consultation with children and young people "
                 "was written for this report."),
        _where_children_live(authority, ctx, by_key),
        _fostering(authority, ctx, by_key),
        _residential(authority, ctx, by_key),
        _supported(ctx, by_key),
        _finding(authority, ctx, by_key),
        _forecast(authority, ctx, run),
        _financial(authority, as_at, run),
        _progress(strategy, as_at, session),
        _actions(strategy, as_at),
        _section(SectionChoices.CONCLUSION, empty="No closing commentary was written for this report."),
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
        "kpi_appendix": _kpi_appendix(kpis, previous),
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


# --- KPIs ---------------------------------------------------------------------------------------------------
def _kpi_entries(rows: list[KpiRow], previous: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Every KPI with its value, previous quarter, regional and England figures and the change since the
    last published report (same key in that report's frozen ``kpis``)."""
    before = {k["key"]: k.get("value") for k in (previous or {}).get("kpis", [])}
    out = []
    for row in rows:
        entry = row.as_dict()
        unit = row.kpi.unit
        last = before.get(row.key)
        change_since = (
            None
            if previous is None or last is None or row.value.value is None
            else round(row.value.value - last, 2)
        )
        entry.update(
            value_text=format_kpi_value(row.value.value, unit),
            previous_text=format_kpi_value(row.previous.value, unit),
            regional_text=format_kpi_value(row.regional.value, unit) if row.regional else "–",
            england_text=format_kpi_value(row.england.value, unit) if row.england else "–",
            last_report_value=last,
            last_report_text=format_kpi_value(last, unit) if previous is not None else "–",
            change_since_last_report=change_since,
            change_since_last_report_text=fmt_change(change_since, unit) if previous is not None else "–",
        )
        out.append(entry)
    return out


def _kpi_row_cells(k: dict[str, Any], previous: dict[str, Any] | None) -> list[Any]:
    cells = [k["name"], k["value_text"], k["previous_text"]]
    if previous is not None:
        cells += [k["last_report_text"], k["change_since_last_report_text"]]
    cells.append(k["england_text"])
    return cells


def _kpi_headers(as_at_text: str, previous_on: str, previous: dict[str, Any] | None) -> list[dict[str, Any]]:
    headers = [_header("Indicator"), _header(as_at_text, True), _header(f"{long_date(previous_on)}", True)]
    if previous is not None:
        headers += [
            _header(f"Last report (version {previous.get('version')})", True),
            _header("Change since last report", True),
        ]
    headers.append(_header("England", True))
    return headers


def _summary(
    by_key: dict[str, dict[str, Any]], previous: dict[str, Any] | None, as_at: dt.date
) -> dict[str, Any]:
    entries = [by_key[k] for k in HEADLINE_KPIS if k in by_key]
    previous_on = entries[0]["previous_date"] if entries else as_at.isoformat()
    facts = [
        f"The table shows the headline indicators as at {long_date(as_at)} and three months earlier "
        f"({long_date(previous_on)})"
        + (
            f", and the change since the last report to the Board (version {previous.get('version')}, as at "
            f"{long_date(previous.get('as_at'))})."
            if previous
            else ". This is the first report published from the system, so there is no earlier report to "
            "compare with."
        ),
        "Every indicator, with its definition, is listed in Appendix A.",
    ]
    table = _table(
        "Headline indicators",
        _kpi_headers(long_date(as_at), previous_on, previous),
        [_kpi_row_cells(k, previous) for k in entries],
        "table-headline-kpis",
    )
    return _section(SectionChoices.SUMMARY, facts=facts, tables=[table], data={"keys": list(HEADLINE_KPIS)})


def _kpi_appendix(kpis: list[dict[str, Any]], previous: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Appendix A: every KPI by group, with definitions."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for k in kpis:
        groups.setdefault(k["group"], []).append(k)
    out = []
    for group in Group:
        entries = groups.get(str(group))
        if not entries:
            continue
        previous_on = entries[0]["previous_date"]
        table = _table(
            f"{group} indicators",
            _kpi_headers(long_date(entries[0]["date"]), previous_on, previous),
            [_kpi_row_cells(k, previous) for k in entries],
            f"table-kpi-{group.name.lower()}",
        )
        out.append(
            {
                "group": str(group),
                "table": table,
                "definitions": [{"name": k["name"], "definition": k["definition"]} for k in entries],
            }
        )
    return out


def _kv(by_key: dict[str, dict[str, Any]], key: str) -> float | None:
    entry = by_key.get(key)
    return entry["value"] if entry else None


# --- sections -----------------------------------------------------------------------------------------------
def _introduction(authority: LocalAuthority, as_at: dt.date, strategy: Strategy | None) -> dict[str, Any]:
    strategy_text = (
        f"progress against the {strategy.title} ({strategy.period})"
        if strategy
        else "progress in securing sufficiency"
    )
    facts = [
        f"This report updates the Corporate Parenting Board on {authority.name}'s placement sufficiency as at "
        f"{long_date(as_at)}: where our children in care live, the foster carers, children's homes and "
        f"supported accommodation available to them, forecast demand and cost, and {strategy_text}.",
        "The local authority has a duty under section 22G of the Children Act 1989 to take steps to secure, so "
        "far as reasonably practicable, sufficient accommodation within its area which meets the needs of the "
        "children it looks after.",
        "The figures are generated from the authority's placement register (its SSDA903 return, Ofsted provider "
        "data, its foster carer and children's home records and its costs). The commentary is written by the "
        "report's author.",
    ]
    return _section(SectionChoices.INTRODUCTION, facts=facts)


def _placement_authorities(authority: LocalAuthority, ctx: Any) -> list[tuple[str, int]]:
    """Children in care on the date by the authority area they live in (one query)."""
    current = ctx.current
    if current.empty:
        return []
    rows = PlacementEpisode.objects.filter(authority=authority, decom__lte=ctx.on).values_list(
        "child__child_ref", "decom", "placement_la__name"
    )
    frame = pd.DataFrame.from_records(list(rows), columns=["child", "decom", "placement_la"])
    frame["decom"] = pd.to_datetime(frame["decom"])
    merged = current[["child", "decom"]].merge(frame, on=["child", "decom"], how="left")
    counts = merged["placement_la"].fillna("Not known").value_counts()
    return [(str(name), int(n)) for name, n in counts.items()]


def _where_children_live(
    authority: LocalAuthority, ctx: Any, by_key: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    current = ctx.current
    previous = ctx.at(dt.date.fromisoformat(by_key["children_in_care"]["previous_date"])).current
    total = len(current)
    if total == 0:
        return _section(
            SectionChoices.WHERE_CHILDREN_LIVE,
            empty=f"The register holds no children in care on {long_date(ctx.on)}.",
        )
    by_category = {c: int((current["category"] == c).sum()) for c in PLANNING_CATEGORIES}
    previous_by_category = {c: int((previous["category"] == c).sum()) for c in PLANNING_CATEGORIES}
    groups = [
        {
            "key": key,
            "label": label,
            "children": sum(by_category[c] for c in cats),
            "previous": sum(previous_by_category[c] for c in cats),
        }
        for key, label, cats in LIVING_GROUPS
    ]
    previous_text = long_date(by_key["children_in_care"]["previous_date"])
    living_rows = [[g["label"], fmt_count(g["children"]), fmt_pct(g["children"], total), fmt_count(g["previous"])]
                   for g in groups]  # fmt: skip
    living_rows.append(["Total", fmt_count(total), "100.0%", fmt_count(len(previous))])
    category_rows = [
        [PLANNING_CATEGORY_LABELS[c], fmt_count(by_category[c]), fmt_pct(by_category[c], total),
         fmt_count(previous_by_category[c])]
        for c in PLANNING_CATEGORIES
        if by_category[c] or previous_by_category[c]
    ]  # fmt: skip
    miles = pd.to_numeric(current["distance_miles"], errors="coerce")
    inside = current["placement_la_inside"].astype("boolean")
    locality = {
        "distance_known": int(miles.notna().sum()),
        "over_20_miles": int((miles > 20).sum()),
        "within_20_miles": int((miles <= 20).sum()),
        "boundary_known": int(inside.notna().sum()),
        "inside": int((inside == True).sum()),  # noqa: E712 (nullable boolean)
        "outside": int((inside == False).sum()),  # noqa: E712
    }
    places = _placement_authorities(authority, ctx)
    own = [(n, c) for n, c in places if n == authority.name]
    others = sorted(
        [(n, c) for n, c in places if n not in (authority.name, "Not known")], key=lambda x: (-x[1], x[0])
    )
    unknown = [(n, c) for n, c in places if n == "Not known"]
    shown, rest = others[:10], others[10:]
    la_rows = [[f"{authority.name} (our area)", fmt_count(own[0][1] if own else 0),
                fmt_pct(own[0][1] if own else 0, total)]]  # fmt: skip
    la_rows += [[name, fmt_count(n), fmt_pct(n, total)] for name, n in shown]
    if rest:
        la_rows.append(
            [
                f"{len(rest)} other authorities",
                fmt_count(sum(n for _, n in rest)),
                fmt_pct(sum(n for _, n in rest), total),
            ]
        )
    if unknown:
        la_rows.append(
            ["Not known (no placement postcode)", fmt_count(unknown[0][1]), fmt_pct(unknown[0][1], total)]
        )
    rate = _kv(by_key, "cla_rate_per_10000")
    prev_total = by_key["children_in_care"]["previous_value"]
    facts = [
        f"At {long_date(ctx.on)} there were {total:,} children in our care"
        + (f", a rate of {rate:,.1f} per 10,000 children" if rate is not None else "")
        + (f" ({previous_text}: {prev_total:,.0f})." if prev_total is not None else "."),
        f"In the 12 months to {long_date(ctx.on)}, {fmt_count(_kv(by_key, 'started_care_12m'))} children started "
        f"to be looked after and {fmt_count(_kv(by_key, 'ceased_care_12m'))} ceased to be looked after.",
    ]
    foster = groups[0]["children"]
    facts.append(
        f"Most of our children live in foster care ({fmt_pct(foster, total)}, {foster:,} children); "
        f"{groups[1]['children']:,} live in residential settings and {groups[2]['children']:,} in supported "
        "accommodation."
        if foster * 2 > total
        else f"{fmt_pct(foster, total)} of our children ({foster:,}) live in foster care; {groups[1]['children']:,} "
        f"live in residential settings and {groups[2]['children']:,} in supported accommodation."
    )
    if locality["distance_known"]:
        facts.append(
            f"Of the {locality['distance_known']:,} children whose distance from home is known, "
            f"{locality['over_20_miles']:,} ({fmt_pct(locality['over_20_miles'], locality['distance_known'])}) live more "
            f"than 20 miles from home."
        )
    if locality["boundary_known"]:
        facts.append(
            f"{locality['inside']:,} children ({fmt_pct(locality['inside'], locality['boundary_known'])} of those whose "
            f"placement area is known) live inside {authority.name}'s boundary and {locality['outside']:,} outside it."
        )
    quality = by_key.get("pct_good_or_outstanding")
    if quality and quality["value"] is not None:
        facts.append(
            f"{quality['value_text']} of children placed in Ofsted-registered settings that have been inspected live "
            f"in settings judged Good or Outstanding; {fmt_count(_kv(by_key, 'children_in_settings_below_good'))} "
            "live in settings judged Requires improvement or Inadequate, or since closed."
        )
    chart_rows = [
        (PLANNING_CATEGORY_LABELS[c], by_category[c]) for c in PLANNING_CATEGORIES if by_category[c]
    ]
    alt = (
        f"Bar chart of the {total:,} children in care on {long_date(ctx.on)} by type of placement: "
        + "; ".join(f"{label} {n:,}" for label, n in sorted(chart_rows, key=lambda r: -r[1]))
        + "."
    )
    return _section(
        SectionChoices.WHERE_CHILDREN_LIVE,
        facts=facts,
        tables=[
            _table(
                f"Where our children live, {long_date(ctx.on)}",
                [
                    _header("Where children live"),
                    _header("Children", True),
                    _header("Share", True),
                    _header(previous_text, True),
                ],
                living_rows,
                "table-where-live",
            ),
            _table(
                "Children in care by type of placement",
                [
                    _header("Type of placement"),
                    _header("Children", True),
                    _header("Share", True),
                    _header(previous_text, True),
                ],
                category_rows,
                "table-by-category",
            ),
            _table(
                "Where our children live, by local authority area",
                [_header("Local authority area"), _header("Children", True), _header("Share", True)],
                la_rows,
                "table-by-area",
            ),
        ],  # fmt: skip
        charts=[
            {
                "id": "chart-by-category",
                "kind": "by_category",
                "title": "Children in care by type of placement",
                "alt": alt,
            }
        ],  # fmt: skip
        notes=[
            "Children in care: an SSDA903 episode open on the date, excluding short-break series (V3, V4) and "
            "young people who had turned 18. Distance is the straight line between the home and placement "
            "postcodes (DfE method)."
        ],
        data={
            "total": total,
            "previous_total": len(previous),
            "by_category": by_category,
            "groups": {g["key"]: g["children"] for g in groups},
            "locality": locality,
            "by_area": [[name, n] for name, n in places],
            "chart": [[label, n] for label, n in chart_rows],
        },
    )


def _kpi_table(
    caption: str, keys: list[str], by_key: dict[str, dict[str, Any]], table_id: str
) -> dict[str, Any]:
    entries = [by_key[k] for k in keys if k in by_key]
    as_at = entries[0]["date"] if entries else ""
    previous_on = entries[0]["previous_date"] if entries else ""
    rows = [
        [k["name"], k["value_text"], k["previous_text"],
         fmt_change(None if k["value"] is None or k["previous_value"] is None else k["value"] - k["previous_value"],
                    k["unit"])]
        for k in entries
    ]  # fmt: skip
    headers = [_header("Indicator"), _header(long_date(as_at), True), _header(long_date(previous_on), True),
               _header("Change", True)]  # fmt: skip
    return _table(caption, headers, rows, table_id)


def _fostering(authority: LocalAuthority, ctx: Any, by_key: dict[str, dict[str, Any]]) -> dict[str, Any]:
    current = ctx.current
    inhouse = int((current["category"] == FOSTERING_INHOUSE).sum()) if len(current) else 0
    external = int((current["category"] == FOSTERING_EXTERNAL).sum()) if len(current) else 0
    kinship = int((current["category"] == FOSTERING_KINSHIP).sum()) if len(current) else 0
    households = _kv(by_key, "fostering_households_approved")
    net = by_key.get("fostering_households_net_change") or {}
    joined = net.get("numerator")
    left = net.get("denominator")
    facts = []
    fostered = inhouse + external + kinship
    if fostered:
        facts.append(
            f"At {long_date(ctx.on)}, {fostered:,} children were living in foster care: {inhouse:,} with our own "
            f"(in-house) foster carers, {external:,} with independent fostering agencies or other authorities' "
            f"carers and {kinship:,} with family and friends (kinship) carers."
        )
        share = by_key.get("pct_fostering_inhouse")
        if share and share["value"] is not None:
            facts.append(f"Of children in foster care with carers other than relatives or friends, {share['value_text']} "
                         "live with in-house carers.")  # fmt: skip
    if households is not None:
        facts.append(
            f"We had {households:,.0f} approved in-house fostering households offering "
            f"{fmt_count(_kv(by_key, 'fostering_places_approved'))} places"
            + (
                f"; occupancy was {by_key['inhouse_foster_occupancy']['value_text']}."
                if by_key.get("inhouse_foster_occupancy", {}).get("value") is not None
                else "."
            )
        )
    if joined is not None:
        facts.append(
            f"In the 12 months to {long_date(ctx.on)} we approved {joined:,.0f} new in-house fostering households "
            f"and {left:,.0f} left (deregistered): a net change of {net['value']:+,.0f}."
        )
    capacity = household_capacity_for_authority(authority=authority)
    capacity_rows = []
    for route, route_label in (("in_house", "In-house"), ("agency", "Agency (independent fostering)")):
        for status, status_label in (("available", "Available"), ("on_hold", "On hold")):
            cell = capacity.get(f"{route}:{status}", {"households": 0, "places": 0})
            if cell["households"]:
                capacity_rows.append([f"{route_label}: {status_label.lower()}", fmt_count(cell["households"]),
                                      fmt_count(cell["places"])])  # fmt: skip
    tables = [
        _table(
            "Children in foster care",
            [_header("Type of foster care"), _header("Children", True), _header("Share of fostered children", True)],
            [["In-house foster carers", fmt_count(inhouse), fmt_pct(inhouse, fostered)],
             ["Independent fostering agencies and other authorities", fmt_count(external), fmt_pct(external, fostered)],
             ["Kinship (family and friends) carers", fmt_count(kinship), fmt_pct(kinship, fostered)],
             ["Total", fmt_count(fostered), fmt_pct(fostered, fostered)]],
            "table-fostered",
        ),
        _kpi_table(
            "In-house foster carers",
            ["fostering_households_approved", "fostering_places_approved", "fostering_approvals_12m",
             "fostering_households_net_change", "inhouse_foster_occupancy", "pct_fostering_inhouse"],
            by_key,
            "table-foster-carers",
        ),
    ]  # fmt: skip
    if capacity_rows:
        tables.append(
            _table(
                "Fostering households on the register by status (when the report was prepared)",
                [_header("Households"), _header("Households", True), _header("Approved places", True)],
                capacity_rows,
                "table-foster-capacity",
            )
        )
    if not fostered and households is None:
        return _section(
            SectionChoices.FOSTERING, empty="The register holds no fostering placements or households."
        )
    return _section(
        SectionChoices.FOSTERING,
        facts=facts,
        tables=tables,
        data={
            "inhouse": inhouse,
            "external": external,
            "kinship": kinship,
            "households": households,
            "approved_12m": joined,
            "deregistered_12m": left,
            "net_change": net.get("value"),
        },
    )


def _judgement_on(ctx: Any, urn: str | None) -> str:
    """A setting's latest Ofsted judgement on or before the report's date ("not_yet_inspected" if none)."""
    if not urn:
        return JudgementChoices.NOT_YET_INSPECTED
    info = ctx.data.judgements
    inspections = info["inspections"]
    dated = inspections.loc[(inspections["urn"] == urn) & (inspections["date"] <= ctx.ts)]
    if not dated.empty:
        return str(dated["judgement"].iloc[-1])
    settings = info["settings"].loc[info["settings"]["urn"] == urn]
    if not settings.empty and inspections.loc[inspections["urn"] == urn].empty:
        row = settings.iloc[0]
        if row["latest_judgement"] and (
            pd.isna(row["latest_judgement_date"]) or row["latest_judgement_date"] <= ctx.ts
        ):
            return str(row["latest_judgement"])
    return JudgementChoices.NOT_YET_INSPECTED


def _residential(authority: LocalAuthority, ctx: Any, by_key: dict[str, dict[str, Any]]) -> dict[str, Any]:
    current = ctx.current
    counts = {c: int((current["category"] == c).sum()) if len(current) else 0
              for c in (RESIDENTIAL_INHOUSE, RESIDENTIAL_EXTERNAL, RESIDENTIAL_SECURE, RESIDENTIAL_SCHOOL)}  # fmt: skip
    homes = inhouse_home_rows(authority=authority, on=ctx.on)
    open_homes = [h for h in homes if h["home"].status == "open"]
    home_rows = []
    for h in homes:
        judgement = _judgement_on(ctx, h["home"].setting.urn if h["home"].setting_id else None)
        home_rows.append(
            [h["home"].name, h["home"].setting.urn if h["home"].setting_id else "–",
             JUDGEMENT_LABELS.get(judgement, judgement), h["home"].get_status_display(), fmt_count(h["usable_places"]),
             fmt_count(h["own_children"]), fmt_count(h["other_children"]),
             "–" if h["occupancy_rate"] is None else f"{h['occupancy_rate']}%"]
        )  # fmt: skip
    usable = sum(h["usable_places"] for h in open_homes)
    occupied = sum(h["occupied"] for h in open_homes)
    blocks = block_beds_for_authority(authority=authority, on=ctx.on)
    residential_total = sum(counts.values())
    facts = []
    if residential_total:
        facts.append(
            f"At {long_date(ctx.on)}, {residential_total:,} children lived in residential settings: "
            f"{counts[RESIDENTIAL_INHOUSE]:,} in our own children's homes, {counts[RESIDENTIAL_EXTERNAL]:,} in "
            f"external children's homes, {counts[RESIDENTIAL_SECURE]:,} in secure children's homes and "
            f"{counts[RESIDENTIAL_SCHOOL]:,} in residential schools or other residential settings."
        )
    if open_homes:
        good = sum(1 for row in home_rows if row[2] in ("Outstanding", "Good"))
        facts.append(
            f"We run {len(open_homes):,} children's home{'s' if len(open_homes) != 1 else ''} with {usable:,} usable "
            f"places; on {long_date(ctx.on)} {occupied:,} were occupied ({fmt_pct(occupied, usable)}). "
            f"{good:,} of our {len(homes):,} homes are judged Good or Outstanding by Ofsted."
        )
    under_13 = _kv(by_key, "under_13_in_residential")
    if under_13:
        facts.append(f"{under_13:,.0f} children under 13 were living in residential care.")
    high_cost = _kv(by_key, "high_cost_placements")
    if high_cost:
        facts.append(
            f"{high_cost:,.0f} placement{'s' if high_cost != 1 else ''} cost £10,000 a week or more."
        )
    elif high_cost is not None:
        facts.append("No placement costs £10,000 a week or more.")
    if blocks:
        facts.append(
            f"Block contracts in force reserve {sum(blocks.values()):,} beds: "
            + "; ".join(f"{PLANNING_CATEGORY_LABELS.get(c, c)} {n:,}" for c, n in sorted(blocks.items()))
            + "."
        )
    tables = [
        _table(
            "Children in residential settings",
            [_header("Setting"), _header("Children", True)],
            [[PLANNING_CATEGORY_LABELS[c], fmt_count(n)] for c, n in counts.items()]
            + [["Total", fmt_count(residential_total)]],
            "table-residential",
        ),
    ]
    if home_rows:
        tables.append(
            _table(
                f"Our children's homes on {long_date(ctx.on)}",
                [_header("Home"), _header("Ofsted URN"), _header("Latest Ofsted judgement"), _header("Status"),
                 _header("Usable places", True), _header("Our children", True),
                 _header("Other authorities' children", True), _header("Occupancy", True)],
                home_rows,
                "table-homes",
            )
        )  # fmt: skip
    tables.append(
        _kpi_table(
            "Residential indicators",
            ["children_in_residential", "residential_external", "under_13_in_residential", "high_cost_placements",
             "mean_weekly_cost_residential_external", "mean_distance_residential_miles"],
            by_key,
            "table-residential-kpis",
        )
    )  # fmt: skip
    if not residential_total and not homes:
        return _section(SectionChoices.RESIDENTIAL, empty="No child lived in a residential setting on the date and "
                        "the authority runs no children's homes.")  # fmt: skip
    return _section(
        SectionChoices.RESIDENTIAL,
        facts=facts,
        tables=tables,
        data={
            "by_category": counts,
            "homes": len(open_homes),
            "usable_places": usable,
            "occupied": occupied,
            "block_beds": blocks,
        },
    )


def _supported(ctx: Any, by_key: dict[str, dict[str, Any]]) -> dict[str, Any]:
    current = ctx.current
    supported = current.loc[current["category"] == SUPPORTED] if len(current) else current
    n = len(supported)
    if not n:
        return _section(
            SectionChoices.SUPPORTED,
            empty=f"No young person in our care was living in supported accommodation on {long_date(ctx.on)}.",
            data={"young_people": 0},
        )
    urns = sorted({str(u) for u in supported["urn"].dropna() if str(u).strip()})
    no_urn = int(supported["urn"].isna().sum())
    settings = {s.urn: s for s in Setting.objects.filter(urn__in=urns)}
    by_outcome: Counter[str] = Counter()
    young_by_outcome: Counter[str] = Counter()
    registered: Counter[str] = Counter()
    for urn in urns:
        outcome = _judgement_on(ctx, urn)
        by_outcome[outcome] += 1
        young_by_outcome[outcome] += int((supported["urn"] == urn).sum())
        setting = settings.get(urn)
        registered[setting.get_registration_status_display() if setting else "Not on the Ofsted list"] += 1
    outcome_keys = [o for o in SUPPORTED_OUTCOMES if by_outcome.get(o)] + [
        o for o in by_outcome if o not in SUPPORTED_OUTCOMES
    ]
    rows = [
        [JUDGEMENT_LABELS.get(o, o), fmt_count(by_outcome[o]), fmt_count(young_by_outcome[o])]
        for o in outcome_keys
    ]
    if no_urn:
        rows.append(["No Ofsted URN recorded for the placement", "–", fmt_count(no_urn)])
    facts = [
        f"At {long_date(ctx.on)}, {n:,} young people in our care lived in supported accommodation "
        f"({by_key['supported_accommodation']['previous_text']} three months earlier).",
        f"They lived in {len(urns):,} Ofsted-registered settings"
        + (f"; {no_urn:,} placements have no Ofsted URN recorded." if no_urn else "."),
    ]
    inspected = sum(by_outcome[o] for o in (JudgementChoices.SA_STRONG, JudgementChoices.SA_INCONSISTENT,
                                            JudgementChoices.SA_SERIOUS))  # fmt: skip
    if urns:
        facts.append(
            f"{inspected:,} of these settings have been inspected: {by_outcome[JudgementChoices.SA_STRONG]:,} were "
            f"found to deliver a consistently strong service (outcome 1), {by_outcome[JudgementChoices.SA_INCONSISTENT]:,} "
            f"inconsistent (outcome 2) and {by_outcome[JudgementChoices.SA_SERIOUS]:,} to have serious or widespread "
            f"weaknesses (outcome 3); {by_outcome[JudgementChoices.NOT_YET_INSPECTED]:,} await their first inspection."
        )
    tables = [
        _table(
            "Supported accommodation settings used, by latest Ofsted outcome",
            [_header("Latest Ofsted outcome"), _header("Settings", True), _header("Young people", True)],
            rows,
            "table-supported-outcomes",
        )
    ]
    if registered:
        tables.append(
            _table(
                "Supported accommodation settings used, by Ofsted registration status",
                [_header("Registration status"), _header("Settings", True)],
                [[status, fmt_count(count)] for status, count in sorted(registered.items())],
                "table-supported-registration",
            )
        )
    return _section(
        SectionChoices.SUPPORTED,
        facts=facts,
        tables=tables,
        notes=["Supported accommodation for 16 and 17 year olds has been registered with Ofsted since October "
               "2023 and is judged on a three-outcome scale, not the four grades used for children's homes."],
        data={"young_people": n, "settings": len(urns), "no_urn": no_urn, "by_outcome": dict(by_outcome)},
    )  # fmt: skip


def _finding_source() -> Any:
    """``placements.finding.selectors.placement_finding_kpis`` when the placement-finding feature is
    installed, else None."""
    try:
        module = importlib.import_module("placements.finding.selectors")
    except ImportError:
        return None
    return getattr(module, "placement_finding_kpis", None)


def _finding(authority: LocalAuthority, ctx: Any, by_key: dict[str, dict[str, Any]]) -> dict[str, Any]:
    start = counting.window_start(ctx.on).date()
    period = f"the 12 months to {long_date(ctx.on)}"
    source = _finding_source()
    values: dict[str, Any]
    if source is not None:
        values = dict(source(authority=authority, start=start, end=ctx.on))
        origin = "placement_finding"
    else:
        values = {k["key"]: k["value"] for k in by_key.values() if k["group"] == str(Group.FINDING)}
        origin = "kpi_catalogue"
    requests = values.get("placement_requests")
    if not requests:
        return _section(
            SectionChoices.FINDING,
            empty=f"No placement requests were recorded in {period}.",
            data={"source": origin, "values": _jsonable(values)},
        )

    def v(key: str) -> Any:
        return values.get(key)

    rows = [
        ["Placement requests", fmt_count(requests)],
        ["of which planned", fmt_count(v("planned_requests"))],
        ["of which emergency (same day)", fmt_count(v("emergency_requests"))],
        ["Requests not (yet) placed", fmt_count(v("requests_not_placed"))],
        ["Median days from request to placement", "No data" if v("median_days_to_place") is None
         else f"{v('median_days_to_place'):,.0f}"],
        ["Placed to plan (the kind of home the child's plan preferred)", "No data" if v("pct_placed_to_plan") is None
         else f"{v('pct_placed_to_plan'):.1f}%"],
        ["Fostering preferred but residential care used", fmt_count(v("foster_preferred_residential_used"))],
        ["Extra annual cost of those residential placements", fmt_money(v("foster_preferred_residential_extra_cost"))],
        ["Sibling groups split", fmt_count(v("sibling_groups_split"))],
        ["Providers approached per request", "No data" if v("providers_approached_per_request") is None
         else f"{v('providers_approached_per_request'):.1f}"],
    ]  # fmt: skip
    facts = [
        f"In {period} the placements team received {requests:,} requests for a home"
        + (
            f", {v('emergency_requests'):,} of them emergencies"
            if v("emergency_requests") is not None
            else ""
        )
        + "."
    ]
    if v("foster_preferred_residential_used"):
        facts.append(
            f"{v('foster_preferred_residential_used'):,} children whose plan preferred foster care were placed in "
            f"residential care because no suitable foster home was found, at an estimated extra cost of "
            f"{fmt_money(v('foster_preferred_residential_extra_cost'))} a year."
        )
    return _section(
        SectionChoices.FINDING,
        facts=facts,
        tables=[
            _table(
                f"Placement finding, {period}",
                [_header("Measure"), _header("Value", True)],
                rows,
                "table-finding",
            )
        ],  # fmt: skip
        data={"source": origin, "values": _jsonable(values)},
    )


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in values.items():
        if value is None or isinstance(value, (str, bool, int)):
            out[key] = value
        elif isinstance(value, float):
            out[key] = None if pd.isna(value) else value
        else:
            try:
                out[key] = None if pd.isna(value) else float(value)
            except (TypeError, ValueError):
                out[key] = str(value)
    return out


def _gap_source(authority: LocalAuthority) -> dict[str, Any] | None:
    """The persisted sufficiency gap (``forecasting.gap_services.gap_assessment_as_dict``) when the gap
    engine is installed and has assessed this authority, else None."""
    try:
        module = importlib.import_module("forecasting.gap_services")
    except ImportError:
        return None
    loader = getattr(module, "gap_assessment_as_dict", None)
    return loader(authority=authority) if loader else None


def _forecast(authority: LocalAuthority, ctx: Any, run: Any) -> dict[str, Any]:
    if run is None:
        return _section(SectionChoices.FORECAST, empty="No forecast has been run for this authority yet.")
    values = forecast_value_frame(run=run, scenario=BASELINE)
    totals = values.loc[values["dimension"] == "total"].sort_values("month_end")
    if totals.empty:
        return _section(SectionChoices.FORECAST, empty="The latest forecast holds no projections.")
    history_start = (pd.Timestamp(run.as_at or ctx.on) - pd.DateOffset(months=35)).date()
    history_end = run.as_at or ctx.on
    episodes = ctx.data.episodes
    history = (
        counting.monthly_counts(ctx.data.prepared, ctx.data.children, history_start, history_end)
        if not episodes.empty
        else pd.DataFrame(columns=["month_end", "total"])
    )
    horizon_rows = []
    projected = []
    for months in FORECAST_HORIZONS:
        row = totals.loc[totals["months_ahead"] == months]
        if row.empty:
            continue
        r = row.iloc[0]
        projected.append({"months_ahead": months, "month_end": r["month_end"].isoformat(), "mean": float(r["mean"]),
                          "p10": float(r["p10"]), "p90": float(r["p90"]), "p2_5": float(r["p2_5"]),
                          "p97_5": float(r["p97_5"])})  # fmt: skip
        horizon_rows.append(
            [f"{months // 12} year{'s' if months > 12 else ''} ({long_date(r['month_end'])})", f"{r['mean']:,.0f}",
             f"{r['p10']:,.0f} to {r['p90']:,.0f}", f"{r['p2_5']:,.0f} to {r['p97_5']:,.0f}"]
        )  # fmt: skip
    categories = values.loc[values["dimension"] == "category"]
    current_counts = ctx.current["category"].value_counts() if len(ctx.current) else pd.Series(dtype=int)
    category_rows = []
    for category in PLANNING_CATEGORIES:
        cat = categories.loc[categories["key"] == category]
        if cat.empty:
            continue
        cells = [PLANNING_CATEGORY_LABELS[category], fmt_count(int(current_counts.get(category, 0)))]
        for months in FORECAST_HORIZONS:
            at = cat.loc[cat["months_ahead"] == months]
            cells.append("–" if at.empty else f"{at.iloc[0]['mean']:,.0f}")
        category_rows.append(cells)
    backtests = backtest_summary(backtest_frame(run=run))
    backtest_rows = [
        [long_date(b["origin"]), long_date(b["checked_to"]), fmt_count(b["total"]["actual"]),
         "–" if b["total"]["mean"] is None else f"{b['total']['mean']:,.0f}",
         "–" if b["total"]["ape"] is None else f"{b['total']['ape']:.1f}%",
         "–" if b["total_in_80_share"] is None else f"{b['total_in_80_share'] * 100:.0f}%"]
        for b in backtests
    ]  # fmt: skip
    as_at_text = long_date(run.as_at) if run.as_at else "the date the register runs to"
    facts = [
        f"The latest forecast was run on {long_date(run.finished_at.date()) if run.finished_at else 'an unknown date'} "
        f"from the register as at {as_at_text}, simulating {run.n_paths:,} possible futures from the rates at "
        f"which children entered, moved between and left placements over the previous {run.reference_years} years."
    ]
    if projected:
        last = projected[-1]
        first = projected[0]
        facts.append(
            f"On current trends we expect about {first['mean']:,.0f} children in care by {long_date(first['month_end'])} "
            f"(80% likely between {first['p10']:,.0f} and {first['p90']:,.0f}) and about {last['mean']:,.0f} by "
            f"{long_date(last['month_end'])} (between {last['p10']:,.0f} and {last['p90']:,.0f})."
        )
    if backtests:
        errors = [b["total"]["ape"] for b in backtests if b["total"]["ape"] is not None]
        if errors:
            facts.append(
                "Tested against what actually happened, forecasts made from earlier dates were within "
                f"{max(errors):.1f}% of the actual number of children in care (see the accuracy table)."
            )
    gap = _gap_source(authority)
    tables = [
        _table("Projected children in care (baseline scenario)",
               [_header("Time ahead"), _header("Projected (mean)", True), _header("80% interval", True),
                _header("95% interval", True)],
               horizon_rows, "table-forecast"),
    ]  # fmt: skip
    if category_rows:
        tables.append(
            _table(
                "Projected children in care by type of placement (mean)",
                [_header("Type of placement"), _header(f"Now ({long_date(ctx.on)})", True)]
                + [_header(f"In {m // 12} year{'s' if m > 12 else ''}", True) for m in FORECAST_HORIZONS],
                category_rows,
                "table-forecast-categories",
            )
        )
    if backtest_rows:
        tables.append(
            _table(
                "Forecast accuracy: forecasts from earlier dates against what happened",
                [_header("Forecast made from"), _header("Checked to"), _header("Actual", True),
                 _header("Forecast", True), _header("Error", True), _header("Months inside the 80% interval", True)],
                backtest_rows,
                "table-backtest",
            )
        )  # fmt: skip
    notes = [
        "The forecast is a stochastic simulation: the 80% interval is the range four in five simulated futures "
        "fall within. Intervals widen the further ahead the forecast looks."
    ]
    gap_data = None
    if gap and gap.get("values"):
        gap_rows = [
            [str(g["financial_year"]), str(g["group"]).replace("_", " ").capitalize(), f"{g['demand_mean']:,.0f}",
             fmt_count(g["inhouse_places"]), fmt_count(g["block_beds"]), f"{g['external_mean']:,.0f}",
             fmt_count(g["local_available"]), f"{g['local_shortfall']:,.0f}"]
            for g in gap["values"]
        ]  # fmt: skip
        tables.append(
            _table(
                f"Sufficiency gap: forecast demand against our places (assessed {long_date(gap['as_at'])})",
                [_header("Financial year"), _header("Kind of place"), _header("Demand (mean)", True),
                 _header("In-house places", True), _header("Block beds", True), _header("To buy externally", True),
                 _header("Local places available", True), _header("Local shortfall", True)],
                gap_rows,
                "table-gap",
            )
        )  # fmt: skip
        gap_data = {"as_at": gap["as_at"], "rows": len(gap_rows)}
    else:
        notes.append("The sufficiency gap assessment (forecast demand against in-house, block and local places) "
                     "is not yet available for this authority; this section shows forecast demand only.")  # fmt: skip
    fan = {
        "history": [[pd.Timestamp(r.month_end).date().isoformat(), int(r.total)] for r in history.itertuples()],
        "forecast": [[r.month_end.isoformat(), float(r.mean), float(r.p10), float(r.p90), float(r.p2_5), float(r.p97_5)]
                     for r in totals.itertuples()],
    }  # fmt: skip
    alt = (
        "Fan chart of children in care: the actual monthly count for the three years to "
        f"{as_at_text}" + (f" ({fan['history'][-1][1]:,} at the end)" if fan["history"] else "")
        + ", then the forecast mean with shaded 80% and 95% intervals"
        + (f", reaching {projected[-1]['mean']:,.0f} (80% interval {projected[-1]['p10']:,.0f} to "
           f"{projected[-1]['p90']:,.0f}) by {long_date(projected[-1]['month_end'])}." if projected else ".")
    )  # fmt: skip
    return _section(
        SectionChoices.FORECAST,
        facts=facts,
        tables=tables,
        charts=[{"id": "chart-forecast", "kind": "fan", "title": "Children in care: actual and forecast", "alt": alt}],
        notes=notes,
        data={"run_id": run.pk, "run_as_at": run.as_at.isoformat() if run.as_at else None, "projected": projected,
              "fan": fan, "gap": gap_data},
    )  # fmt: skip


def _financial(authority: LocalAuthority, as_at: dt.date, run: Any) -> dict[str, Any]:
    first_year, _ = financial_year_of(as_at)
    years = [first_year - 2, first_year - 1, first_year]
    labels = [f"{y}-{str(y + 1)[-2:]}" for y in years]
    spend = spend_rollup_for_authority(authority=authority, start=dt.date(years[0], 4, 1), end=as_at)
    group_of = {c: g for g, cats in COARSE_GROUPS.items() for c in cats}
    group_labels = {"FOSTERING": "Foster care", "RESIDENTIAL": "Residential care",
                    "SUPPORTED": "Supported accommodation", "OTHER": "Other placements"}  # fmt: skip
    actual: dict[str, dict[str, float]] = {label: {} for label in labels}
    if not spend.empty:
        spend = spend.assign(
            fy=pd.to_datetime(spend["month_end"]).map(lambda d: financial_year_of(d.date())[1]),
            group=spend["category"].map(group_of).fillna("OTHER"),
        )
        for (fy, group), value in spend.groupby(["fy", "group"])["spend"].sum().items():
            if fy in actual:
                actual[fy][group] = float(value)
    actual_total = {fy: sum(v.values()) for fy, v in actual.items()}
    partial = not (as_at.month == 3 and as_at.day == 31)
    headers = [_header("Placement type")] + [
        _header(f"{label}{' (to date)' if partial and label == labels[-1] else ''}", True) for label in labels
    ]
    rows = [[group_labels[g]] + [fmt_money(actual[fy].get(g, 0.0)) for fy in labels] for g in group_labels]
    rows.append(["Total"] + [fmt_money(actual_total[fy]) for fy in labels])
    forecast_years: list[dict[str, Any]] = []
    if run is not None:
        costs = cost_frame(run=run, scenario=BASELINE)
        for row in costs.loc[costs["dimension"] == "total"].sort_values("financial_year").itertuples():
            forecast_years.append({"financial_year": row.financial_year, "months": int(row.months),
                                   "mean": float(row.spend_mean), "p10": float(row.spend_p10),
                                   "p90": float(row.spend_p90)})  # fmt: skip
    if not any(actual_total.values()) and not forecast_years:
        return _section(SectionChoices.FINANCIAL, empty="No placement costs are recorded for this authority.")
    facts = []
    if any(actual_total.values()):
        facts.append(
            f"Placement spend in {labels[-1]}{' to ' + long_date(as_at) if partial else ''} was "
            f"{fmt_money(actual_total[labels[-1]])}, against {fmt_money(actual_total[labels[-2]])} in {labels[-2]} "
            f"and {fmt_money(actual_total[labels[0]])} in {labels[0]}."
        )
        residential = actual[labels[-1]].get("RESIDENTIAL", 0.0)
        if actual_total[labels[-1]]:
            facts.append(f"Residential care accounted for {fmt_pct(residential, actual_total[labels[-1]])} of spend in "
                         f"{labels[-1]}.")  # fmt: skip
    if forecast_years:
        nxt = forecast_years[0]
        facts.append(
            f"On the baseline forecast, placements are projected to cost {fmt_money(nxt['mean'])} in "
            f"{nxt['financial_year']} (80% interval {fmt_money(nxt['p10'])} to {fmt_money(nxt['p90'])})."
        )
    tables = [_table("Actual placement spend by financial year", headers, rows, "table-spend")]
    if forecast_years:
        tables.append(
            _table(
                "Forecast placement spend by financial year (baseline scenario)",
                [_header("Financial year"), _header("Months forecast", True), _header("Projected spend", True),
                 _header("80% interval", True)],
                [[y["financial_year"], fmt_count(y["months"]), fmt_money(y["mean"]),
                  f"{fmt_money(y['p10'])} to {fmt_money(y['p90'])}"] for y in forecast_years],
                "table-spend-forecast",
            )
        )  # fmt: skip
    alt = (
        "Bar chart of placement spend by financial year: actual "
        + "; ".join(f"{fy} {fmt_money(actual_total[fy])}" for fy in labels)
        + (", then forecast " + "; ".join(f"{y['financial_year']} {fmt_money(y['mean'])} (80% interval "
                                          f"{fmt_money(y['p10'])} to {fmt_money(y['p90'])})" for y in forecast_years)
           if forecast_years else "")
        + "."
    )  # fmt: skip
    return _section(
        SectionChoices.FINANCIAL,
        facts=facts,
        tables=tables,
        charts=[{"id": "chart-spend", "kind": "spend", "title": "Placement spend: actual and forecast", "alt": alt}],
        notes=["Actual spend is calculated from the register: each night in placement priced at the agreed weekly "
               "cost where one is recorded, otherwise at the authority's unit cost for the type of placement and "
               "route. It is not the ledger; budget monitoring remains the finance team's."],
        data={"years": labels, "actual": actual, "actual_total": actual_total, "partial_year": partial,
              "forecast": forecast_years},
    )  # fmt: skip


def _progress(strategy: Strategy | None, as_at: dt.date, session: KpiSession) -> dict[str, Any]:
    if strategy is None:
        return _section(SectionChoices.PROGRESS, empty=f"No sufficiency strategy covering {as_at.year} is recorded, "
                        "so there are no targets to report against.")  # fmt: skip
    progress = measure_progress_for_strategy(strategy=strategy, on=as_at, session=session)
    objectives = list(Objective.objects.filter(strategy=strategy).order_by("number", "id"))
    rows = []
    rag_counts: Counter[str] = Counter()
    measures = []
    for objective in objectives:
        for item in progress.get(objective.pk, []):
            unit = item.kpi.unit if item.kpi else Unit.NUMBER
            m = item.measure
            rag_counts[item.rag.value] += 1
            baseline = (
                "–"
                if m.baseline_value is None
                else format_kpi_value(float(m.baseline_value), unit)
                + (f" ({long_date(m.baseline_date)})" if m.baseline_date else "")
            )
            rows.append(
                [f"{objective.number}. {objective.title}", item.name, baseline,
                 f"{format_kpi_value(float(m.target_value), unit)} by {long_date(m.target_date)}",
                 format_kpi_value(item.value.value, unit), format_kpi_value(item.previous.value, unit),
                 {"text": item.rag.label, "tag": RAG_TAGS[item.rag]}]
            )  # fmt: skip
            measures.append({"objective": objective.number, "kpi_key": m.kpi_key, "value": item.value.value,
                             "target": float(m.target_value), "direction": m.direction, "rag": item.rag.value})  # fmt: skip
    if not rows:
        return _section(SectionChoices.PROGRESS, empty=f"The {strategy.title} has no measures with targets yet.",
                        data={"strategy": strategy.title})  # fmt: skip
    total = len(rows)
    facts = [
        f"The {strategy.title} ({strategy.period}) has {len(objectives):,} objectives measured by {total:,} "
        f"indicators. As at {long_date(as_at)}, {rag_counts[RagChoices.GREEN]:,} are on target (green), "
        f"{rag_counts[RagChoices.AMBER]:,} are short of target but within tolerance (amber) and "
        f"{rag_counts[RagChoices.RED]:,} are off target (red)"
        + (
            f"; {rag_counts[RagChoices.NO_DATA]:,} have no data yet."
            if rag_counts[RagChoices.NO_DATA]
            else "."
        )
    ]
    alt = (
        f"Bar showing the status of {total} measures: {rag_counts[RagChoices.GREEN]} on target, "
        f"{rag_counts[RagChoices.AMBER]} within tolerance, {rag_counts[RagChoices.RED]} off target, "
        f"{rag_counts[RagChoices.NO_DATA]} no data."
    )
    return _section(
        SectionChoices.PROGRESS,
        facts=facts,
        tables=[
            _table(
                "Progress against the strategy's targets",
                [_header("Objective"), _header("Measure"), _header("Baseline"), _header("Target"),
                 _header("Now", True), _header("Three months ago", True), _header("Status")],
                rows,
                "table-progress",
            )
        ],  # fmt: skip
        charts=[{"id": "chart-rag", "kind": "rag", "title": "Measures by status", "alt": alt}],
        notes=["Green: at or better than the target. Amber: short of the target by no more than the tolerance "
               "the strategy sets for the measure. Red: further short than that. No data: the register does not "
               "yet hold the figure."],
        data={"strategy": strategy.title, "rag_counts": {r.value: rag_counts.get(r.value, 0) for r in RagChoices},
              "measures": measures},
    )  # fmt: skip


def _actions(strategy: Strategy | None, as_at: dt.date) -> dict[str, Any]:
    if strategy is None:
        return _section(SectionChoices.ACTIONS, empty="No sufficiency strategy is recorded, so there is no action plan "
                        "to report on.")  # fmt: skip
    summary = action_summary_for_strategy(strategy=strategy, on=as_at)
    if not summary["total"]:
        return _section(SectionChoices.ACTIONS, empty=f"The {strategy.title} has no actions in its plan yet.",
                        data=summary)  # fmt: skip
    actions = Action.objects.filter(strategy=strategy).select_related("objective").order_by("due_date", "id")
    labels = dict(ActionStatusChoices.choices)
    rows = []
    for action in actions:
        overdue = (
            action.due_date is not None
            and action.due_date < as_at
            and action.status != ActionStatusChoices.COMPLETE
        )
        when = action.timescale or ""
        if action.due_date:
            when = f"{when} (due {long_date(action.due_date)})".strip()
        leads = " / ".join(x for x in (action.childrens_services_lead, action.commissioning_lead) if x)
        status = {"text": labels[action.status] + (" – overdue" if overdue else ""),
                  "tag": "red" if overdue else ACTION_TAGS.get(action.status, "grey")}  # fmt: skip
        rows.append([action.activity, when or "–", leads or "–", status, action.update_notes or "–"])
    by_status = summary["by_status"]
    facts = [
        f"The action plan has {summary['total']:,} actions: {by_status['complete']:,} complete, "
        f"{by_status['on_track']:,} on track, {by_status['at_risk']:,} at risk and {by_status['not_started']:,} "
        f"not started. {summary['overdue']:,} {'is' if summary['overdue'] == 1 else 'are'} overdue."
    ]
    return _section(
        SectionChoices.ACTIONS,
        facts=facts,
        tables=[
            _table(
                "Actions and their status",
                [
                    _header("Action"),
                    _header("Timescale"),
                    _header("Leads"),
                    _header("Status"),
                    _header("Latest update"),
                ],
                rows,
                "table-actions",
            )
        ],
        data=summary,
    )
