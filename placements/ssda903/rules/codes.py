"""Rules that a column holds one of the DfE's codes, following the code list of the row's collection year."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import ClassVar

import numpy as np

from placements.categories import (
    CIN_CODES,
    ETHNIC_CODES,
    LS_CODES,
    PLACE_PROVIDER_CODES,
    REASON_PLACE_CHANGE_CODES,
    REC_CODES,
    RNE_CODES,
    SEX_CODES,
)

from ..normalise import NO_URN, map_distinct
from ..schema import EPISODES, HEADER, OC3, UASC
from .base import Breach, MaskRule, Rule, Ssda903Tables
from .codes_by_year import (
    OC3_ACCOM,
    OC3_ACTIV,
    OC3_IN_TOUCH,
    PLACE_BY_YEAR,
    PROVIDER_OPTIONAL_PLACES_BY_YEAR,
    SEX_BY_YEAR,
    YearCodes,
    codes_text,
    for_year,
)

# Ofsted URNs: two letters and six digits (children's homes, e.g. SC045099), or seven digits (settings
# registered since the URN scheme changed, e.g. supported accommodation); XXXXXXX means "no URN".
_URN = re.compile(r"^(?:[A-Z]{2}\d{6}|\d{7})$")


class _KnownCodeRule(Rule):
    """Base for rules that a column holds one of the DfE's codes (blank allowed unless ``required``)."""

    table: ClassVar[str] = EPISODES
    column: ClassVar[str]
    allowed: ClassVar[frozenset[str]]
    meaning: ClassVar[str]
    required: ClassVar[bool] = False

    def check(self, tables: Ssda903Tables) -> Iterator[Breach]:
        bad = ~tables.isin(self.table, self.column, self.allowed)
        if not self.required:
            bad &= tables.filled(self.table, self.column)
        blank = "" if not self.required else " It must not be blank."
        yield Breach(
            self.table,
            bad,
            self.column,
            f"{self.column} is not a known {self.meaning} code.{blank} Allowed: {codes_text(self.allowed)}.",
        )


class _YearCodeRule(Rule):
    """Base for rules that a column holds a code valid in the row's collection year."""

    table: ClassVar[str] = EPISODES
    column: ClassVar[str]
    by_year: ClassVar[YearCodes]
    meaning: ClassVar[str]
    required: ClassVar[bool] = False

    def check(self, tables: Ssda903Tables) -> Iterator[Breach]:
        years = tables.years(self.table)
        bad = ~tables.isin_by_year(self.table, self.column, self.by_year)
        if not self.required:
            bad &= tables.filled(self.table, self.column)
        if not bad.any():
            return
        yield Breach(
            self.table,
            bad,
            self.column,
            [self._message(int(y)) for y in years[bad]],
        )

    def _message(self, year: int) -> str:
        label = f"{year - 1}-{year % 100:02d}"
        blank = " It must not be blank." if self.required else ""
        return (
            f"{self.column} is not a {self.meaning} code used in {label} returns.{blank} "
            f"Allowed in {label}: {codes_text(for_year(self.by_year, year))}."
        )


class SexMustBeKnownCode(_YearCodeRule):
    """SEX in the Header must be the code of the row's collection year: 1 (male) or 2 (female) up to
    2023-24, M, F or U (unknown) from 2024-25."""

    code = "101"
    tables = (HEADER,)
    table = HEADER
    column = "SEX"
    by_year = SEX_BY_YEAR
    meaning = "sex"
    required = True


class UascSexMustBeKnownCode(_KnownCodeRule):
    """SEX in the UASC file, when given, must be M, F or U (or 1 for male and 2 for female)."""

    tables = (UASC,)
    table = UASC
    column = "SEX"
    allowed = frozenset(SEX_CODES) | {"1", "2"}
    meaning = "sex"


class EthnicityMustBeKnownCode(_KnownCodeRule):
    """ETHNIC must be one of the DfE's ethnicity codes (e.g. WBRI, MWBC, AIND; REFU if refused, NOBT if not
    yet obtained)."""

    code = "103"
    tables = (HEADER,)
    table = HEADER
    column = "ETHNIC"
    allowed = frozenset(ETHNIC_CODES)
    meaning = "ethnicity"
    required = True


class ReasonForNewEpisodeMustBeKnownCode(_KnownCodeRule):
    """RNE (reason for new episode), when given, must be S, L, P, T, B or U."""

    code = "143"
    column = "RNE"
    allowed = frozenset(RNE_CODES)
    meaning = "reason for new episode"


class LegalStatusMustBeKnownCode(_KnownCodeRule):
    """LS (legal status), when given, must be a DfE legal status code (C1, C2, D1, E1, V2, V3, V4, L1-L3,
    J1-J3)."""

    code = "144"
    column = "LS"
    allowed = frozenset(LS_CODES)
    meaning = "legal status"


class CategoryOfNeedMustBeKnownCode(_KnownCodeRule):
    """CIN (category of need), when given, must be N1 to N8."""

    code = "145"
    column = "CIN"
    allowed = frozenset(CIN_CODES)
    meaning = "category of need"


class PlacementTypeMustBeKnownCode(_YearCodeRule):
    """PLACE (placement type), when given, must be a placement type of the row's collection year: K3 from
    2024-25; H5, P2 and Z1 up to 2024-25; Z11-Z14 from 2025-26.

    (The DfE-aligned validator's 2024-25 list spells K3 in lower case, so it rejects K3; we follow the DfE's
    guidance, which introduced K3 in 2024-25.)
    """

    code = "146"
    column = "PLACE"
    by_year = PLACE_BY_YEAR
    meaning = "placement type"


class PlacementProviderMustBeKnownCode(Rule):
    """PLACE_PROVIDER, when given, must be PR0 to PR5, and must be blank for placements that have no
    provider: temporary placements (T0-T4) and Z1 up to 2024-25; T0-T4 and Z11-Z14 from 2025-26.

    (The validator's 2025-26 list leaves out T4, a temporary placement like T0-T3; we include it.)
    """

    code = "178"

    def check(self, tables: Ssda903Tables) -> Iterator[Breach]:
        e = tables.episodes
        given = tables.filled(EPISODES, "PLACE_PROVIDER")
        unknown = given & ~tables.isin(EPISODES, "place_provider", frozenset(PLACE_PROVIDER_CODES))
        no_provider = tables.isin_by_year(EPISODES, "place", PROVIDER_OPTIONAL_PLACES_BY_YEAR)
        yield Breach(
            EPISODES,
            unknown,
            "PLACE_PROVIDER",
            f"PLACE_PROVIDER is not a known placement provider code. Allowed: {codes_text(frozenset(PLACE_PROVIDER_CODES))}.",
        )
        extra = given & ~unknown & no_provider
        if extra.any():
            places = e["place"].to_numpy(dtype=object)[extra]
            yield Breach(
                EPISODES,
                extra,
                "PLACE_PROVIDER",
                [
                    f"PLACE_PROVIDER must be blank for placement type {p}, which has no provider."
                    for p in places
                ],
            )


class ReasonEpisodeCeasedMustBeKnownCode(_KnownCodeRule):
    """REC (reason episode ceased), when given, must be X1 or one of the E reasons a child leaves care."""

    code = "149"
    column = "REC"
    allowed = frozenset(REC_CODES)
    meaning = "reason episode ceased"


class ReasonPlacementChangedMustBeKnownCode(_KnownCodeRule):
    """REASON_PLACE_CHANGE, when given, must be a DfE reason for placement change (e.g. CARPL, ALLEG)."""

    code = "1009"
    column = "REASON_PLACE_CHANGE"
    allowed = frozenset(REASON_PLACE_CHANGE_CODES)
    meaning = "reason for placement change"


class UrnMustBeWellFormed(MaskRule):
    """URN, when given, must be an Ofsted URN (two letters and six digits such as SC045099, or seven
    digits) or XXXXXXX where the setting has no URN."""

    column = "URN"
    message = (
        "URN is not an Ofsted unique reference number. Give 8 characters such as SC045099, "
        "or 7 digits, or XXXXXXX if the setting has no URN."
    )

    def flag(self, t: Ssda903Tables) -> np.ndarray:
        raw = t.episodes["URN"].to_numpy()
        ok = map_distinct(raw, lambda v: v == "" or v.upper() == NO_URN or bool(_URN.match(v.upper())), bool)
        return ~ok


class CareLeaverInTouchMustBeKnownCode(_KnownCodeRule):
    """IN_TOUCH in the OC3 file must be YES, NO, DIED, REFU, NREQ or RHOM."""

    code = "131"
    tables = (OC3,)
    table = OC3
    column = "IN_TOUCH"
    allowed = OC3_IN_TOUCH
    meaning = "in touch"
    required = True


class CareLeaverActivityMustBeKnownCode(_KnownCodeRule):
    """ACTIV in the OC3 file must be a DfE activity code (F1, P1, F2, P2, F4, P4, F5, P5, G4, G5, G6) or 0."""

    code = "132"
    tables = (OC3,)
    table = OC3
    column = "ACTIV"
    allowed = OC3_ACTIV
    meaning = "care leaver activity"
    required = True


class CareLeaverAccommodationMustBeKnownCode(_KnownCodeRule):
    """ACCOM in the OC3 file must be a DfE accommodation code (B1 to Z2, e.g. B1, S2, Z1) or 0."""

    code = "133"
    tables = (OC3,)
    table = OC3
    column = "ACCOM"
    allowed = OC3_ACCOM
    meaning = "care leaver accommodation"
    required = True
