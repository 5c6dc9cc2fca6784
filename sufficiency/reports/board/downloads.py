"""The board report's tables as data files: every indicator, the sufficiency gap and placement finding.

Read from the report's own document (a draft's live one, or a published report's frozen one), so a
download holds exactly the figures the report shows: the indicators and the finding figures unrounded from
the values the document keeps, the gap's counts as the table prints them (whole children and places).
Numbers are numbers and each column (or, where units differ by row, a Unit column) names its unit.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from ..kpis.base import registry
from ..kpis.labels import unit_words

#: The tables a report offers, in page order.
TABLES = ("kpis", "gap", "finding")

#: The finding table's rows (by the label the report prints): the value the section keeps and its unit.
FINDING_ROWS: dict[str, tuple[str, str]] = {
    "Placement requests": ("placement_requests", "requests"),
    "of which planned": ("planned_requests", "requests"),
    "of which emergency (same day)": ("emergency_requests", "requests"),
    "Requests not (yet) placed": ("requests_not_placed", "requests"),
    "Median days from request to placement": ("median_days_to_place", "days"),
    "Placed to plan (the kind of home the child's plan preferred)": ("pct_placed_to_plan", "%"),
    "Fostering preferred but residential care used": ("foster_preferred_residential_used", "children"),
    "Extra annual cost of those residential placements": (
        "foster_preferred_residential_extra_cost",
        "£ a year",
    ),
    "Sibling groups split": ("sibling_groups_split", "sibling groups"),
    "Providers approached per request": ("providers_approached_per_request", "providers per request"),
}

#: The gap table's columns with their units.
GAP_HEADERS = [
    "Financial year",
    "Kind of place",
    "Demand, mean (children)",
    "Usable in-house places (places)",
    "Block beds (beds)",
    "To buy externally (children)",
    "Local places available (places)",
    "Local shortfall (places)",
]

_WHOLE = re.compile(r"^-?[\d,]+$")


def _text(cell: Any) -> str:
    return str(cell.get("text", "")) if isinstance(cell, dict) else str(cell)


def _count(cell: Any) -> Any:
    """A printed whole number ("1,234") as a number; anything else ("–", "c") as printed."""
    text = _text(cell).strip()
    if _WHOLE.match(text):
        return int(text.replace(",", ""))
    return None if text in {"", "–", "-"} else text


def _section(document: dict[str, Any], key: str) -> dict[str, Any] | None:
    return next((s for s in document.get("sections", []) if s.get("key") == key), None)


def _table(section: dict[str, Any] | None, table_id: str) -> dict[str, Any] | None:
    if not section:
        return None
    return next((t for t in section.get("tables", []) if t.get("id") == table_id), None)


def available(document: dict[str, Any]) -> list[str]:
    """The tables this report holds (a report without a gap assessment or placement requests has fewer)."""
    keys = ["kpis"] if document.get("kpis") else []
    if _table(_section(document, "forecast"), "table-gap"):
        keys.append("gap")
    if _table(_section(document, "finding"), "table-finding"):
        keys.append("finding")
    return keys


def _kpi_unit(entry: dict[str, Any]) -> str:
    kpi = registry.get(str(entry.get("key", "")))
    return unit_words(kpi) if kpi is not None else str(entry.get("unit", ""))


def board_table(document: dict[str, Any], key: str) -> tuple[str, Sequence[Any], Sequence[Sequence[Any]]]:
    """(title, headers, rows) of one of the report's tables (`TABLES`)."""
    as_at = str(document.get("as_at", ""))[:10]
    if key == "kpis":
        region = (document.get("authority") or {}).get("region") or "Region"
        headers = [
            "Group",
            "KPI",
            "Unit",
            f"Value on {as_at} (in the unit)",
            "Previous date",
            "Previous value (in the unit)",
            "Change (in the unit)",
            f"{region} (in the unit)",
            "England, published (in the unit)",
        ]
        rows = [
            [
                k.get("group", ""),
                k.get("name", ""),
                _kpi_unit(k),
                k.get("value"),
                k.get("previous_date"),
                k.get("previous_value"),
                k.get("change"),
                k.get("regional_value"),
                k.get("england_value"),
            ]
            for k in document.get("kpis", [])
        ]
        return f"Indicators on {as_at}", headers, rows
    if key == "gap":
        table = _table(_section(document, "forecast"), "table-gap") or {"caption": "", "rows": []}
        rows = [[_text(r[0]), _text(r[1]), *(_count(c) for c in r[2:])] for r in table["rows"]]
        return table["caption"], GAP_HEADERS, rows
    if key == "finding":
        section = _section(document, "finding") or {}
        table = _table(section, "table-finding") or {"caption": "", "rows": []}
        values = (section.get("data") or {}).get("values", {})
        rows = []
        for row in table["rows"]:
            label = _text(row[0])
            value_key, unit = FINDING_ROWS.get(label, ("", ""))
            rows.append([label, unit, values.get(value_key) if value_key else None])
        return table["caption"], ["Measure", "Unit", "Value (in the unit)"], rows
    raise KeyError(key)
