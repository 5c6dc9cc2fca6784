"""The key figures: the front page's headline indicators and the appendix of every KPI, each with its change
since the previous period and the last published report.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ...kpis.base import Group
from ...selectors import KpiRow, format_kpi_value
from ..choices import SectionChoices
from ..formatting import column, fmt_change, long_date, make_section, make_table

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


def kpi_entries(rows: list[KpiRow], previous: dict[str, Any] | None) -> list[dict[str, Any]]:
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
            **_published_texts(row),
            last_report_value=last,
            last_report_text=format_kpi_value(last, unit) if previous is not None else "–",
            change_since_last_report=change_since,
            change_since_last_report_text=fmt_change(change_since, unit) if previous is not None else "–",
        )
        out.append(entry)
    return out


def _published_texts(row: KpiRow) -> dict[str, Any]:
    """The published comparators' texts (the same `KpiRow.national` as the KPI page and the API): the
    statistical neighbours' average and range, the published region and whether the register's count
    differs from what the DfE published for the authority."""
    national = row.national
    if national is None:
        return {"neighbours_text": "–", "published_region_text": "–", "differs_text": ""}
    unit = row.kpi.unit
    sn = national.statistical_neighbours
    neighbours = "–"
    if sn["mean"] is not None:
        neighbours = format_kpi_value(sn["mean"], unit)
        if sn["n"] > 1:
            neighbours += f" ({format_kpi_value(sn['min'], unit)} to {format_kpi_value(sn['max'], unit)})"
    differs = ""
    if row.published_count_differs:
        differs = (
            f"{row.kpi.name}: register {row.own_count:,.0f}, published {national.published_own_count:,.0f} "
            f"(31 March {national.year})"
        )
    return {
        "neighbours_text": neighbours,
        "published_region_text": format_kpi_value(national.region, unit)
        if national.region is not None
        else "–",
        "differs_text": differs,
    }


def _kpi_row_cells(k: dict[str, Any], previous: dict[str, Any] | None) -> list[Any]:
    cells = [k["name"], k["value_text"], k["previous_text"]]
    if previous is not None:
        cells += [k["last_report_text"], k["change_since_last_report_text"]]
    cells += [k.get("neighbours_text", "–"), k.get("published_region_text", "–"), k["england_text"]]
    return cells


def differs_fact(entries: list[dict[str, Any]]) -> str:
    """One sentence naming the counts where the register differs from what the DfE published (or "")."""
    differing = [k["differs_text"] for k in entries if k.get("differs_text")]
    if not differing:
        return ""
    return (
        "The register's count differs from the count the Department for Education published for the "
        "authority for: " + "; ".join(differing) + "."
    )


def _kpi_headers(as_at_text: str, previous_on: str, previous: dict[str, Any] | None) -> list[dict[str, Any]]:
    headers = [column("Indicator"), column(as_at_text, True), column(f"{long_date(previous_on)}", True)]
    if previous is not None:
        headers += [
            column(f"Last report (version {previous.get('version')})", True),
            column("Change since last report", True),
        ]
    headers += [
        column("Statistical neighbours (range)", True),
        column("Region (published)", True),
        column("England", True),
    ]
    return headers


def summary(
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
    comparators = [k["comparators"] for k in entries if k.get("comparators")]
    if comparators:
        synthetic = any(
            "synthetic" in c.get("source", "").lower().split("statistical neighbours list:")[0]
            for c in comparators
        )
        lists = sorted(
            {c["statistical_neighbours_list"] for c in comparators if c.get("statistical_neighbours_list")}
        )
        facts.append(
            "Statistical neighbours (their average, and range), the region and England are "
            + (
                "synthetic figures in the layout of the Department for Education's published statistics (not "
                "its statistics)"
                if synthetic
                else "the Department for Education's published statistics"
            )
            + " for the latest year up to this date."
            + "".join(f" {label}." for label in lists)
        )
    fact = differs_fact(list(by_key.values()))
    if fact:
        facts.append(fact)
    table = make_table(
        "Headline indicators",
        _kpi_headers(long_date(as_at), previous_on, previous),
        [_kpi_row_cells(k, previous) for k in entries],
        "table-headline-kpis",
    )
    return make_section(
        SectionChoices.SUMMARY, facts=facts, tables=[table], data={"keys": list(HEADLINE_KPIS)}
    )


def kpi_appendix(kpis: list[dict[str, Any]], previous: dict[str, Any] | None) -> list[dict[str, Any]]:
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
        table = make_table(
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
