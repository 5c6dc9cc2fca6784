"""Cleaning SSDA903 cell values into their canonical form, fast enough for a national-scale import.

Every function here takes a NumPy array of cell text (surrounding spaces already trimmed, blank cells as
``""``) and returns a cleaned array. A 903 column holds few distinct values (a few dozen codes, a few
thousand dates, one reference per child), so each function cleans every *distinct* value once in Python
and spreads the results back with ``numpy.take``: a million rows cost little more than their distinct
values.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import numpy as np
import pandas as pd

from placements.categories import LEGACY_SEX

NO_URN = "XXXXXXX"

# dd/mm/yyyy (as the DfE specifies) or yyyy-mm-dd (as databases and some tools export), optionally with a
# midnight time that spreadsheet programs add when they save a date cell as text.
_MIDNIGHT = r"(?:[ T]00:00(?::00(?:\.0+)?)?)?"
_DMY = re.compile(rf"^(\d{{1,2}})/(\d{{1,2}})/(\d{{4}}){_MIDNIGHT}$")
_ISO = re.compile(rf"^(\d{{4}})-(\d{{1,2}})-(\d{{1,2}}){_MIDNIGHT}$")

# A complete UK postcode with the space removed: outward code (area, district) then inward code.
_FULL_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")

_NAT = np.datetime64("NaT", "ns")


def map_distinct(values: np.ndarray, func: Callable[[str], object], dtype: object = object) -> np.ndarray:
    """Apply ``func`` to each distinct value of ``values`` once and return the results in row order."""
    if len(values) == 0:
        return np.empty(0, dtype=dtype)
    codes, uniques = pd.factorize(values)
    mapped = np.array([func(v) for v in uniques], dtype=dtype)
    return mapped.take(codes)


def _code(value: str) -> str | None:
    return value.upper() or None


def _sex(value: str) -> str | None:
    code = value.upper()
    return LEGACY_SEX.get(code, code) or None


def _id(value: str) -> str | None:
    return value or None


def _urn(value: str) -> str | None:
    code = value.upper()
    return None if code in ("", NO_URN) else code


def normalise_postcode(value: str) -> str | None:
    """A postcode in upper case with one space before the inward code, e.g. ``ws11tp`` -> ``WS1 1TP``.

    Some councils send only the district (``WS1``) or sector (``WS1 1``): such partial values are kept as
    given, upper-cased and with inner spaces collapsed to one.
    """
    text = " ".join(value.upper().split())
    match = _FULL_POSTCODE.match(text.replace(" ", ""))
    if match:
        return f"{match[1]} {match[2]}"
    return text or None


def parse_date(value: str) -> dt.date | None:
    """The date a cell holds (``dd/mm/yyyy`` or ``yyyy-mm-dd``), or None if blank or not a real date."""
    match = _DMY.match(value)
    if match:
        day, month, year = (int(g) for g in match.groups())
    else:
        match = _ISO.match(value)
        if not match:
            return None
        year, month, day = (int(g) for g in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def date_problem(value: str) -> str:
    """Plain-English explanation of why a non-blank cell is not a usable date."""
    if _DMY.match(value) or _ISO.match(value):
        return f"{value} is not a real date. Dates must be real calendar dates, written dd/mm/yyyy."
    return f"{value} is not a date in a format we can read. Write dates as dd/mm/yyyy (or yyyy-mm-dd)."


def _date64(value: str) -> np.datetime64:
    parsed = parse_date(value)
    return _NAT if parsed is None else np.datetime64(parsed, "ns")


_DTYPES: dict[str, str] = {"date": "datetime64[ns]"}

_CLEANERS: dict[str, Callable[[str], object]] = {
    "id": _id,
    "code": _code,
    "sex": _sex,
    "urn": _urn,
    "postcode": normalise_postcode,
}


def clean_column(values: np.ndarray, kind: str) -> tuple[np.ndarray, np.ndarray]:
    """Trim and clean one column of cell text as read: returns (trimmed text, cleaned values).

    Text kinds are cleaned to ``str`` or ``None`` (object arrays); dates to ``datetime64[ns]``, NaT for
    blank or unreadable cells (the date rules report those). Both results come from a single pass over
    the column's distinct values, the costliest step of an import.
    """
    if len(values) == 0:
        return np.empty(0, dtype=object), np.empty(0, dtype=_DTYPES.get(kind, object))
    codes, uniques = pd.factorize(values)
    trimmed = np.array([v.strip() for v in uniques], dtype=object)
    if kind == "date":
        cleaned = np.array([_date64(v) for v in trimmed], dtype="datetime64[ns]")
    else:
        clean = _CLEANERS[kind]
        cleaned = np.array([clean(v) for v in trimmed], dtype=object)
    return trimmed.take(codes), cleaned.take(codes)


def collection_year_end(dates: pd.Series) -> int | None:
    """The calendar year in which the SSDA903 collection year (1 April to 31 March) of the latest date ends.

    For example the latest date 15/01/2024 is in the 2023-24 collection, so this returns 2024.
    """
    latest = dates.max()
    if pd.isna(latest):
        return None
    return int(latest.year + (1 if latest.month >= 4 else 0))


def collection_year_label(year_end: int | None) -> str | None:
    """``2024`` -> ``"2023-24"``."""
    if year_end is None:
        return None
    return f"{year_end - 1}-{year_end % 100:02d}"
