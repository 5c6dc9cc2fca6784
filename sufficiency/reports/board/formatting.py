"""Formatting numbers and dates as a board paper prints them, and the document's building blocks (a table's
column, a table, a section).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sufficiency.core.formatting import (
    date_long,
    financial_year,
    financial_year_start,
    money_short,
    percent,
    whole,
)

from ..kpis.base import Unit
from .choices import SectionChoices

if TYPE_CHECKING:
    pass


def long_date(day: dt.date | str | None) -> str:
    """31 March 2026 (no leading zero), as a board paper prints dates; "" for none."""
    return date_long(day, empty="")


def fmt_count(value: float | int | None) -> str:
    return whole(value, empty="No data")


fmt_pct = percent
fmt_money = money_short  # £47.3m, £850k or £950; "No data" for none


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
    return financial_year_start(day), financial_year(day)


def column(text: str, numeric: bool = False) -> dict[str, Any]:
    return {"text": text, "numeric": numeric}


def make_table(
    caption: str, headers: list[dict[str, Any]], rows: list[list[Any]], table_id: str
) -> dict[str, Any]:
    return {"id": table_id, "caption": caption, "headers": headers, "rows": rows}


def make_section(key: SectionChoices, **parts: Any) -> dict[str, Any]:
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
