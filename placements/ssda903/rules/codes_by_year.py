"""SSDA903 code lists that change from one collection year to the next: the one place they are defined.

A collection year is named by the calendar year in which it ends (31 March): ``2025`` is 2024-25. Each
list below gives the year it took effect; a row uses the latest list whose year is not after the row's
collection year (so a list holds until the next change). Years before the first entry use the first.

The changes encoded here follow the DfE's SSDA903 guidance and validation rules:

- SEX: 1 (male) and 2 (female) up to 2023-24; M, F or U (unknown) from 2024-25.
- PLACE: K3 (supported accommodation registered with Ofsted) is added in 2024-25; in 2025-26 H5
  (semi-independent living) and P2 (independent living) end, and Z1 (other placements) is split into
  Z11-Z14.
- Placements with no provider (PLACE_PROVIDER must be blank): temporary placements (T0-T4); from
  2025-26 also Z11-Z14.
- Placements that never have an Ofsted URN, and those exempt from needing one, narrow as H5 and P2 move
  into Ofsted registration (2023-24 and 2024-25).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar

import numpy as np
import pandas as pd

from placements.categories import PLACE_CODES

# The newest collection year the rules know (2026-27). A row whose year is unknown is checked as the latest
# year present in the upload, or as this year when no row has a known year.
NEWEST_YEAR = 2027
OLDEST_YEAR = 2023  # the DfE base rule set (2022-23); earlier returns are checked against it

TEMPORARY_PLACES: frozenset[str] = frozenset({"T0", "T1", "T2", "T3", "T4"})
_Z1_SPLIT: frozenset[str] = frozenset({"Z11", "Z12", "Z13", "Z14"})

# Every PLACE code (with its label) is listed once, in placements.categories; this module says only which
# years each is valid in: K3 came in 2024-25, Z11-Z14 in 2025-26, when H5, P2 and Z1 ended.
_BASE_PLACES: frozenset[str] = frozenset(PLACE_CODES) - {"K3"} - _Z1_SPLIT

YearCodes = Mapping[int, frozenset[str]]
T = TypeVar("T")

SEX_BY_YEAR: YearCodes = {
    OLDEST_YEAR: frozenset({"1", "2"}),
    2025: frozenset({"M", "F", "U"}),
}

PLACE_BY_YEAR: YearCodes = {
    OLDEST_YEAR: _BASE_PLACES,
    2025: _BASE_PLACES | {"K3"},
    2026: (_BASE_PLACES | {"K3"} | _Z1_SPLIT) - {"H5", "P2", "Z1"},
}

# PLACE_PROVIDER must be blank for these placements (DfE 213), and may be blank only for these and Z1 up
# to 2024-25 (DfE 526, 178).
NO_PROVIDER_PLACES_BY_YEAR: YearCodes = {
    OLDEST_YEAR: TEMPORARY_PLACES,
    2026: TEMPORARY_PLACES | _Z1_SPLIT,
}
PROVIDER_OPTIONAL_PLACES_BY_YEAR: YearCodes = {
    OLDEST_YEAR: TEMPORARY_PLACES | {"Z1"},
    2026: TEMPORARY_PLACES | _Z1_SPLIT,
}

_NOT_OFSTED = frozenset({"P1", "P3", "R1", "R2", "R5"}) | TEMPORARY_PLACES
# Placements that must not give a URN (DfE 222).
URN_FORBIDDEN_PLACES_BY_YEAR: YearCodes = {
    OLDEST_YEAR: _NOT_OFSTED | {"H5", "P2", "Z1"},
    2024: _NOT_OFSTED | {"P2", "Z1"},
    2025: _NOT_OFSTED | {"Z1"},
    2026: _NOT_OFSTED | _Z1_SPLIT,
}
# Placements that need no URN (DfE 218); every other placement in England must give one.
URN_EXEMPT_PLACES_BY_YEAR: YearCodes = {
    OLDEST_YEAR: _NOT_OFSTED | {"H5", "P2", "Z1"},
    2025: _NOT_OFSTED | {"Z1"},
    2026: _NOT_OFSTED | _Z1_SPLIT,
}

# The minimum age for supported and independent living placements (DfE 370, 371): (PLACE, age) by year.
# None: the rule does not apply that year.
INDEPENDENT_LIVING_MIN_AGE_BY_YEAR: Mapping[int, tuple[str, int] | None] = {
    OLDEST_YEAR: ("P2", 15),
    2024: ("P2", 16),
    2025: None,
}
SEMI_INDEPENDENT_MIN_AGE_BY_YEAR: Mapping[int, tuple[str, int] | None] = {
    OLDEST_YEAR: ("H5", 14),
    2024: ("H5", 16),
    2025: ("K3", 16),
}

OC3_IN_TOUCH: frozenset[str] = frozenset({"YES", "NO", "DIED", "REFU", "NREQ", "RHOM"})
OC3_ACTIV: frozenset[str] = frozenset({"F1", "P1", "F2", "P2", "F4", "P4", "F5", "P5", "G4", "G5", "G6", "0"})
OC3_ACCOM: frozenset[str] = frozenset(
    {"B1", "B2", "C1", "C2", "D1", "D2", "E1", "E2", "G1", "G2", "H1", "H2", "K1", "K2", "R1", "R2", "S2"}
    | {"T1", "T2", "U1", "U2", "V1", "V2", "W1", "W2", "X2", "Y1", "Y2", "Z1", "Z2", "0"}
)


def for_year(by_year: Mapping[int, T], year: int) -> T:
    """The entry of a year-keyed table in force in collection year ``year``."""
    keys = sorted(by_year)
    chosen = keys[0]
    for key in keys:
        if key <= year:
            chosen = key
    return by_year[chosen]


def per_year(years: np.ndarray, func: Callable[[int, np.ndarray], np.ndarray]) -> np.ndarray:
    """Apply ``func(year, positions)`` to the rows of each distinct year; returns a boolean mask.

    ``func`` returns a boolean array for the given row positions. Tables hold a handful of years, so
    this is one vectorised pass per year.
    """
    out = np.zeros(len(years), dtype=bool)
    for year in pd.unique(years):
        positions = np.flatnonzero(years == year)
        out[positions] = func(int(year), positions)
    return out


def isin_by_year(values: pd.Series, years: np.ndarray, by_year: YearCodes) -> np.ndarray:
    """True where the value is in the code list of its row's year (blank values are not in any list)."""
    array = values.to_numpy(dtype=object)
    return per_year(years, lambda year, pos: pd.Series(array[pos]).isin(for_year(by_year, year)).to_numpy())


def codes_text(codes: frozenset[str]) -> str:
    """A code list for a message, in a stable order."""
    return ", ".join(sorted(codes))
