"""How the service writes dates, money, counts, percentages and financial years: one function for each, used
by the pages, the board papers, the CSV and PDF exports and the forecasting and gap summaries.

Plain Python (no Django, no pandas), so every layer may use it. A missing value prints as `empty` ("–" on
pages; board papers pass "No data" or ""). Dates take a `datetime.date`, a `datetime`, a pandas Timestamp or
an ISO string.

| value                   | function            | example             |
|-------------------------|---------------------|---------------------|
| a date, in words        | `date_long`         | 5 January 2026      |
| a date, short           | `date_short`        | 5 Jan 2026          |
| a date, as figures      | `date_numeric`      | 05/01/2026          |
| a whole number          | `whole`             | 1,234               |
| a number with decimals  | `number`            | 1,234.5             |
| a share as a percentage | `percent`           | 12.5%               |
| money in pounds         | `money`             | £1,234              |
| money, as budget papers | `money_short`       | £47.3m, £850k, £950 |
| a change in a count     | `whole_change`      | +12, -8             |
| a change in spend       | `money_short_change`| +£1.2m, -£850k      |
| financial year          | `financial_year`    | 2025-26             |
| the month end of a date | `month_end`         | 2026-01-31          |

English financial years run from 1 April to 31 March.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from typing import Any

EMPTY = "–"


def _missing(value: Any) -> bool:
    """None, NaN and pandas' NaT/NA count as no value."""
    if value is None:
        return True
    try:
        return bool(value != value)  # NaN, NaT and NA are the values not equal to themselves
    except (TypeError, ValueError):
        return False


def as_date(value: Any) -> dt.date | None:
    """A date from a date, datetime, pandas Timestamp or ISO string (first ten characters); None if none."""
    if _missing(value) or value == "":
        return None
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    if isinstance(value, dt.datetime):  # pandas Timestamps are datetimes
        return value.date()
    return value


# --- dates ------------------------------------------------------------------------------------------------
def date_long(value: Any, empty: str = EMPTY) -> str:
    """5 January 2026 (no leading zero): how pages and board papers print a date in text."""
    day = as_date(value)
    return empty if day is None else f"{day.day} {day:%B %Y}"


def date_short(value: Any, empty: str = EMPTY) -> str:
    """5 Jan 2026: dates in tables and lists."""
    day = as_date(value)
    return empty if day is None else f"{day.day} {day:%b %Y}"


def date_numeric(value: Any, empty: str = EMPTY) -> str:
    """05/01/2026: as SSDA903 returns and their error reports write dates."""
    day = as_date(value)
    return empty if day is None else f"{day:%d/%m/%Y}"


def financial_year_start(value: Any) -> int:
    """The calendar year in which the financial year of a date starts (2025 for 31 March 2026)."""
    return value.year if value.month >= 4 else value.year - 1


def financial_year(value: Any) -> str:
    """'2025-26' for any date from 1 April 2025 to 31 March 2026."""
    start = financial_year_start(value)
    return f"{start}-{(start + 1) % 100:02d}"


def month_end(value: Any) -> dt.date:
    """The last day of the month of a date (a date, datetime or Timestamp)."""
    return dt.date(value.year, value.month, calendar.monthrange(value.year, value.month)[1])


# --- numbers ----------------------------------------------------------------------------------------------
def whole(value: Any, empty: str = EMPTY) -> str:
    """1,234: a count, rounded to a whole number."""
    return empty if _missing(value) else f"{round(float(value)):,}"


def number(value: Any, places: int = 1, empty: str = EMPTY) -> str:
    """1,234.5: a rate or mean, to `places` decimals."""
    return empty if _missing(value) else f"{float(value):,.{places}f}"


def share(numerator: Any, denominator: Any) -> float | None:
    """numerator / denominator as a percentage to one decimal, or None when it cannot be worked out."""
    if not denominator or _missing(numerator) or _missing(denominator):
        return None
    return round(float(numerator) / float(denominator) * 100, 1)


def percent(numerator: Any, denominator: Any, empty: str = EMPTY) -> str:
    """12.5%: numerator as a share of denominator; `empty` when the denominator is 0 or missing."""
    if not denominator or _missing(numerator) or _missing(denominator):
        return empty
    return f"{float(numerator) / float(denominator) * 100:.1f}%"


# --- money ------------------------------------------------------------------------------------------------
def money(value: Any, empty: str = EMPTY) -> str:
    """£1,234: pounds, whole."""
    return empty if _missing(value) else f"£{float(value):,.0f}"


def money_pence(value: Any, empty: str = EMPTY) -> str:
    """£1,234.50: pounds and pence (a weekly cost, a price below £1,000 that is not whole)."""
    return empty if _missing(value) else f"£{float(value):,.2f}"


def percentage(value: Any, empty: str = EMPTY) -> str:
    """12.5%: a figure that is already a percentage, to one decimal."""
    return empty if _missing(value) else f"{float(value):,.1f}%"


def money_short(value: Any, empty: str = "No data") -> str:
    """£47.3m, £850k or £950: how budget papers print spend (millions to one decimal, thousands from £10k)."""
    if _missing(value) or (isinstance(value, float) and math.isnan(value)):
        return empty
    amount = float(value)
    if abs(amount) >= 1_000_000:
        return f"£{amount / 1_000_000:,.1f}m"
    if abs(amount) >= 10_000:
        return f"£{amount / 1_000:,.0f}k"
    return f"£{amount:,.0f}"


# --- changes ----------------------------------------------------------------------------------------------
def whole_change(value: Any, empty: str = EMPTY) -> str:
    """+12, -8 or 0: a change in a count, rounded to a whole number, always signed (a plain number in
    a download)."""
    if _missing(value):
        return empty
    rounded = round(float(value))
    return f"{rounded:+,}" if rounded else "0"


def money_short_change(value: Any, empty: str = EMPTY) -> str:
    """+£1.2m, -£850k or £0: a change in spend, as `money_short` prints spend, always signed."""
    if _missing(value):
        return empty
    amount = float(value)
    text = money_short(abs(amount))
    if text in ("£0", "£0k", "£0.0m"):
        return "£0"
    return ("-" if amount < 0 else "+") + text
