"""The "as at" date every figure for an authority is counted on, and the periods that follow from it.

Every page, CSV, PDF and API answer for an authority counts on one date. By default that is the month end
the register runs to (the data's own end), never later than today; a user may choose another date once
and it is kept while they move between pages. A date past the data's end is allowed but always flagged,
so that a screen never silently counts children "in care" on a day the register knows nothing about.

Periods ("last 12 months", "last full financial year", "so far this year") are derived from that date by
`period_for`, and by nothing else, so that two pages asked for "the last full year" on one date agree.
Pure: no Django, no database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from . import formatting
from .formatting import month_end

PeriodKind = Literal["last_12_months", "last_full_financial_year", "financial_year_to_date"]

PERIOD_LABELS: dict[str, str] = {
    "last_12_months": "Last 12 months",
    "last_full_financial_year": "Last full financial year",
    "financial_year_to_date": "So far this financial year",
}


def financial_year_start(day: dt.date) -> dt.date:
    """1 April of the financial year (April to March) that `day` falls in."""
    return dt.date(formatting.financial_year_start(day), 4, 1)


def financial_year_label(start: dt.date) -> str:
    """ "2025-26" for the year starting 1 April 2025."""
    return formatting.financial_year(start)


@dataclass(frozen=True)
class Period:
    """A closed date range [start, end] with the words a page shows for it."""

    kind: str
    start: dt.date
    end: dt.date
    label: str


def period_for(on: dt.date, kind: str) -> Period:
    """The one definition of each named period, derived from the as-at date `on`.

    - last 12 months: the twelve whole months ending with `on`'s month (to `on` itself);
    - last full financial year: the latest April-March year that has ended on or before `on` (a year
      ending on 31 March counts as full on 31 March itself);
    - so far this financial year: 1 April of `on`'s financial year to `on`.
    """
    if kind == "last_12_months":
        year, month = on.year, on.month - 11
        if month < 1:
            month += 12
            year -= 1
        return Period(kind, dt.date(year, month, 1), on, f"12 months to {on.day} {on:%B %Y}")
    if kind == "last_full_financial_year":
        end_year = on.year if (on.month, on.day) >= (3, 31) else on.year - 1
        start = dt.date(end_year - 1, 4, 1)
        return Period(kind, start, dt.date(end_year, 3, 31), financial_year_label(start))
    if kind == "financial_year_to_date":
        start = financial_year_start(on)
        return Period(kind, start, on, f"{financial_year_label(start)} to {on.day} {on:%B %Y}")
    raise ValueError(f"Unknown period {kind!r}")


@dataclass(frozen=True)
class AsAt:
    """The date an authority's figures are counted on, and what it rests on.

    `on` is the as-at date; `data_end` the last date the register holds (None: no data yet); `default`
    the date used when nobody chose one; `chosen` whether the user chose `on`; `past_data` whether `on`
    is after the month the data ends in (the page must say so).
    """

    on: dt.date
    data_end: dt.date | None
    default: dt.date
    chosen: bool

    @property
    def past_data(self) -> bool:
        """After the month the register runs to (the default month end itself is not: the banner names
        the data's own end beside it)."""
        return self.data_end is not None and self.on > month_end(self.data_end)

    def period(self, kind: str) -> Period:
        return period_for(self.on, kind)


def default_as_at(*, data_end: dt.date | None, today: dt.date) -> dt.date:
    """The month end the register runs to, never after today; today when there is no data yet."""
    if data_end is None:
        return today
    return min(month_end(data_end), today)


def as_at_resolve(*, data_end: dt.date | None, today: dt.date, requested: dt.date | None = None) -> AsAt:
    """The as-at date for an authority: `requested` when given (a user's choice or an API's `?on=`),
    else the default (see `default_as_at`)."""
    default = default_as_at(data_end=data_end, today=today)
    if requested is None:
        return AsAt(on=default, data_end=data_end, default=default, chosen=False)
    return AsAt(on=requested, data_end=data_end, default=default, chosen=True)
