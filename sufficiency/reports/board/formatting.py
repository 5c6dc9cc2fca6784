"""Formatting numbers and dates as a board paper prints them, and the document's building blocks (a table's
column, a table, a section).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..kpis.base import Unit
from .choices import SectionChoices

if TYPE_CHECKING:
    pass


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
