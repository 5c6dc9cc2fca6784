"""The DfE SSDA903 validation rules that matter for counting children in care, one named class each.

Each rule states in its docstring, in the DfE's and councils' own terms, what the return must say. A rule
looks at whole columns at once (pandas), so that checking a million episodes takes seconds, and reports
each breach as a row and column of a file, with a message saying what is allowed.

Rules see the *working tables* the reader builds (`Ssda903Tables`): one DataFrame per kind of file, with

- the canonical, cleaned columns in lower case (``decom`` as a date, ``place`` upper-cased, ...),
- the trimmed cell text as given, under the file's own upper-case column names (``DECOM``, ``PLACE``), which
  is what an error report quotes,
- ``_file`` (file name) and ``_row`` (spreadsheet row number) to locate each row.

Episodes are sorted by child and start date, so "the child's next episode" is the next row. Several
years' files have already been merged: a record repeated in a later year's file appears once.

Errors stop an import; warnings are shown but do not (see `Rule.severity`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np
import pandas as pd

from placements.categories import (
    CIN_CODES,
    ETHNIC_CODES,
    LS_CODES,
    PLACE_CODES,
    PLACE_PROVIDER_CODES,
    REASON_PLACE_CHANGE_CODES,
    REC_CODES,
    RNE_CODES,
    SEX_CODES,
    STILL_IN_CARE_REC,
)

from .normalise import NO_URN, date_problem, map_distinct
from .result import ERROR, WARNING, ImportIssue
from .schema import EPISODES, FILE_KINDS, HEADER, OC3, UASC

TEMPORARY_PLACES: frozenset[str] = frozenset({"T0", "T1", "T2", "T3", "T4"})
# Z1 takes no provider, nor do Z11-Z14 that replace it from 2025-26 (DfE rules 213, 526).
PLACES_WITHOUT_PROVIDER: frozenset[str] = TEMPORARY_PLACES | {"Z1", "Z11", "Z12", "Z13", "Z14"}
PARENTS_PROVIDER = "PR0"
PLACED_WITH_PARENTS = "P1"

# Ofsted URNs: two letters and six digits (children's homes, e.g. SC045099), or seven digits (settings
# registered since the URN scheme changed, e.g. supported accommodation); XXXXXXX means "no URN".
_URN = re.compile(r"^(?:[A-Z]{2}\d{6}|\d{7})$")


@dataclass
class Ssda903Tables:
    """The merged working tables that rules check (see the module docstring for their columns)."""

    header: pd.DataFrame
    episodes: pd.DataFrame
    uasc: pd.DataFrame
    oc3: pd.DataFrame
    given: frozenset[str] = field(default_factory=frozenset)

    def table(self, kind: str) -> pd.DataFrame:
        """The working table for a kind of file (``header``, ``episodes``, ``uasc``, ``oc3``)."""
        return getattr(self, kind)


@dataclass(frozen=True)
class Breach:
    """Rows of one table that break a rule, the column to point at and what to tell the user.

    ``mask`` is a boolean array over the table's rows. ``message`` is one message for every flagged row,
    or one message per flagged row, in row order.
    """

    table: str
    mask: np.ndarray
    column: str
    message: str | Sequence[str]


class Rule:
    """A named SSDA903 rule. Subclasses say what is required in their docstring and find breaches."""

    severity: ClassVar[str] = ERROR

    @classmethod
    def name(cls) -> str:
        """The rule's name as shown in reports (its class name)."""
        return cls.__name__

    @classmethod
    def summary(cls) -> str:
        """The first line of the rule's docstring: what the rule requires, in one sentence."""
        return (cls.__doc__ or "").strip().splitlines()[0]

    def check(self, tables: Ssda903Tables) -> Iterator[Breach]:
        """Yield every breach of this rule in the tables."""
        raise NotImplementedError


def _mask(series: pd.Series) -> np.ndarray:
    """A boolean NumPy mask from a comparison that may contain NA (NA counts as "no breach")."""
    return series.fillna(False).to_numpy(dtype=bool)


def _fmt_date(value: pd.Timestamp) -> str:
    return value.strftime("%d/%m/%Y")


def _codes(codes: Sequence[str] | dict[str, str]) -> str:
    return ", ".join(codes)


# --- Fields and codes ------------------------------------------------------------------------------------


class RequiredFieldsMustBePresent(Rule):
    """Every row must give the fields counting depends on.

    A Header row needs CHILD, SEX and DOB; an episode needs CHILD, DECOM, RNE, LS and PLACE; UASC and OC3
    rows need CHILD.
    """

    REQUIRED: ClassVar[dict[str, tuple[str, ...]]] = {
        HEADER: ("CHILD", "SEX", "DOB"),
        EPISODES: ("CHILD", "DECOM", "RNE", "LS", "PLACE"),
        UASC: ("CHILD",),
        OC3: ("CHILD",),
    }

    def check(self, tables: Ssda903Tables) -> Iterator[Breach]:
        for kind, columns in self.REQUIRED.items():
            frame = tables.table(kind)
            label = FILE_KINDS[kind].label
            for column in columns:
                yield Breach(
                    kind,
                    (frame[column] == "").to_numpy(dtype=bool),
                    column,
                    f"{column} is blank. Every {label} row must give {column}.",
                )


class DatesMustBeRealDates(Rule):
    """Dates (DOB, DECOM, DEC, DUC) must be real calendar dates written dd/mm/yyyy (yyyy-mm-dd is also read).

    31/02/2020 is not a real date; 2020/02/01 and 1/2/20 are not formats we can read safely.
    """

    def check(self, tables: Ssda903Tables) -> Iterator[Breach]:
        for kind, file_kind in FILE_KINDS.items():
            frame = tables.table(kind)
            for column in file_kind.columns:
                if column.kind != "date":
                    continue
                raw = frame[column.name]
                mask = ((raw != "") & frame[column.canonical].isna()).to_numpy(dtype=bool)
                if mask.any():
                    yield Breach(kind, mask, column.name, map_distinct(raw.to_numpy()[mask], date_problem))


class _KnownCodeRule(Rule):
    """Base for rules that a column, when given, holds one of the DfE's codes."""

    table_kinds: ClassVar[tuple[str, ...]] = (EPISODES,)
    column: ClassVar[str]
    allowed: ClassVar[frozenset[str]]
    allowed_text: ClassVar[str]
    meaning: ClassVar[str]

    def check(self, tables: Ssda903Tables) -> Iterator[Breach]:
        for kind in self.table_kinds:
            values = tables.table(kind)[self.column.lower()]
            mask = (values.notna() & ~values.isin(self.allowed)).to_numpy(dtype=bool)
            yield Breach(
                kind,
                mask,
                self.column,
                f"{self.column} is not a known {self.meaning} code. Allowed: {self.allowed_text}.",
            )


class SexMustBeKnownCode(_KnownCodeRule):
    """SEX must be M (male), F (female) or U (unknown); returns up to 2023-24 used 1 (male) and 2 (female).

    Both conventions are accepted and 1/2 are stored as M/F.
    """

    table_kinds = (HEADER, UASC)
    column = "SEX"
    allowed = frozenset(SEX_CODES)
    allowed_text = "M, F or U (or 1 for male and 2 for female, as used up to 2023-24)"
    meaning = "sex"


class EthnicityMustBeKnownCode(_KnownCodeRule):
    """ETHNIC, when given, must be one of the DfE's ethnicity codes (e.g. WBRI, MWBC, AIND, REFU, NOBT)."""

    table_kinds = (HEADER,)
    column = "ETHNIC"
    allowed = frozenset(ETHNIC_CODES)
    allowed_text = _codes(ETHNIC_CODES)
    meaning = "ethnicity"


class ReasonForNewEpisodeMustBeKnownCode(_KnownCodeRule):
    """RNE (reason for new episode) must be S, L, P, T, B or U."""

    column = "RNE"
    allowed = frozenset(RNE_CODES)
    allowed_text = _codes(RNE_CODES)
    meaning = "reason for new episode"


class LegalStatusMustBeKnownCode(_KnownCodeRule):
    """LS (legal status) must be a DfE legal status code (C1, C2, D1, E1, V2, V3, V4, L1-L3, J1-J3)."""

    column = "LS"
    allowed = frozenset(LS_CODES)
    allowed_text = _codes(LS_CODES)
    meaning = "legal status"


class CategoryOfNeedMustBeKnownCode(_KnownCodeRule):
    """CIN (category of need), when given, must be N1 to N8."""

    column = "CIN"
    allowed = frozenset(CIN_CODES)
    allowed_text = _codes(CIN_CODES)
    meaning = "category of need"


class PlacementTypeMustBeKnownCode(_KnownCodeRule):
    """PLACE (placement type) must be a DfE placement type code (e.g. U4, K2, H5, P1, T0, Z11)."""

    column = "PLACE"
    allowed = frozenset(PLACE_CODES)
    allowed_text = _codes(PLACE_CODES)
    meaning = "placement type"


class PlacementProviderMustBeKnownCode(_KnownCodeRule):
    """PLACE_PROVIDER, when given, must be PR0 to PR5."""

    column = "PLACE_PROVIDER"
    allowed = frozenset(PLACE_PROVIDER_CODES)
    allowed_text = _codes(PLACE_PROVIDER_CODES)
    meaning = "placement provider"


class ReasonEpisodeCeasedMustBeKnownCode(_KnownCodeRule):
    """REC (reason episode ceased), when given, must be X1 or one of the E reasons a child leaves care."""

    column = "REC"
    allowed = frozenset(REC_CODES)
    allowed_text = _codes(REC_CODES)
    meaning = "reason episode ceased"


class ReasonPlacementChangedMustBeKnownCode(_KnownCodeRule):
    """REASON_PLACE_CHANGE, when given, must be a DfE reason for placement change (e.g. CARPL, ALLEG)."""

    column = "REASON_PLACE_CHANGE"
    allowed = frozenset(REASON_PLACE_CHANGE_CODES)
    allowed_text = _codes(REASON_PLACE_CHANGE_CODES)
    meaning = "reason for placement change"


class UrnMustBeWellFormed(Rule):
    """URN, when given, must be an Ofsted URN (two letters and six digits such as SC045099, or seven
    digits) or XXXXXXX where the setting has no URN."""

    def check(self, tables: Ssda903Tables) -> Iterator[Breach]:
        raw = tables.episodes["URN"].to_numpy()
        ok = map_distinct(raw, lambda v: v == "" or v.upper() == NO_URN or bool(_URN.match(v.upper())), bool)
        yield Breach(
            EPISODES,
            ~ok,
            "URN",
            "URN is not an Ofsted unique reference number. Give 8 characters such as SC045099, "
            "or 7 digits, or XXXXXXX if the setting has no URN.",
        )


class PlacementProviderRequiredUnlessTemporary(Rule):
    """PLACE_PROVIDER may be blank only for temporary placements (T0-T4), Z1 and Z11-Z14; every other
    placement must say who provides it (PR0-PR5)."""

    def check(self, tables: Ssda903Tables) -> Iterator[Breach]:
        e = tables.episodes
        mask = _mask(
            e["place_provider"].isna() & e["place"].notna() & ~e["place"].isin(PLACES_WITHOUT_PROVIDER)
        )
        yield Breach(
            EPISODES,
            mask,
            "PLACE_PROVIDER",
            [
                f"PLACE_PROVIDER is blank for placement type {p}. It may be blank only for temporary "
                "placements (T0-T4), Z1 and Z11-Z14; otherwise give PR0-PR5."
                for p in e["place"].to_numpy()[mask]
            ],
        )


class ParentsProviderOnlyWhenPlacedWithParents(Rule):
    """PLACE_PROVIDER PR0 (parents) should be used only with placement type P1 (placed with parents).

    A warning: the episode is still counted, by its placement type.
    """

    severity = WARNING

    def check(self, tables: Ssda903Tables) -> Iterator[Breach]:
        e = tables.episodes
        mask = _mask((e["place_provider"] == PARENTS_PROVIDER) & (e["place"] != PLACED_WITH_PARENTS))
        yield Breach(
            EPISODES,
            mask,
            "PLACE_PROVIDER",
            [
                f"PLACE_PROVIDER is PR0 (parents) but the placement type is {p}. PR0 is only used with "
                "P1 (placed with parents); give the provider of this placement (PR1-PR5)."
                for p in e["place"].astype(object).fillna("blank").to_numpy()[mask]
            ],
        )


# --- Dates within an episode -------------------------------------------------------------------------------


class EpisodeMustNotEndBeforeItStarts(Rule):
    """An episode's end date (DEC), when given, must be on or after its start date (DECOM)."""

    def check(self, tables: Ssda903Tables) -> Iterator[Breach]:
        e = tables.episodes
        yield Breach(
            EPISODES,
            _mask(e["dec"] < e["decom"]),
            "DEC",
            "DEC (date episode ceased) is before DECOM (date episode commenced). "
            "An episode must end on or after the day it starts.",
        )


class EpisodeMustNotStartBeforeBirth(Rule):
    """An episode cannot start (DECOM) before the child's date of birth (DOB in the Header)."""

    def check(self, tables: Ssda903Tables) -> Iterator[Breach]:
        e = tables.episodes
        h = tables.header
        if h.empty:
            return
        dob_by_child = (
            h.loc[h["child"].notna()].drop_duplicates("child", keep="last").set_index("child")["dob"]
        )
        dob = e["child"].map(dob_by_child)
        yield Breach(
            EPISODES,
            _mask(e["decom"] < dob),
            "DECOM",
            "DECOM (date episode commenced) is before the child's date of birth (DOB in the Header file). "
            "An episode must start on or after the child's date of birth.",
        )


class EndDateAndReasonMustBeGivenTogether(Rule):
    """An episode that has ended gives both its end date (DEC) and the reason it ended (REC); an open
    episode gives neither."""

    def check(self, tables: Ssda903Tables) -> Iterator[Breach]:
        e = tables.episodes
        dec_given = e["DEC"] != ""
        rec_given = e["REC"] != ""
        yield Breach(
            EPISODES,
            (dec_given & ~rec_given).to_numpy(dtype=bool),
            "REC",
            "REC (reason episode ceased) is blank but DEC (date episode ceased) is given. "
            "Give both for an episode that has ended, or neither for an open episode.",
        )
        yield Breach(
            EPISODES,
            (rec_given & ~dec_given).to_numpy(dtype=bool),
            "DEC",
            "DEC (date episode ceased) is blank but REC (reason episode ceased) is given. "
            "Give both for an episode that has ended, or neither for an open episode.",
        )


# --- One child's episodes together ----------------------------------------------------------------------


@dataclass(frozen=True)
class _NextEpisode:
    """For each episode, the same child's next episode: whether there is one, its DECOM and position."""

    exists: pd.Series
    decom: pd.Series
    index: np.ndarray  # row position of the next episode in the table, -1 when there is none


def _next_episode(e: pd.DataFrame) -> _NextEpisode:
    """Each episode's next episode for the same child (episodes are sorted by child, then DECOM).

    Episodes without a readable CHILD or DECOM are left out (other rules report them), so they neither
    have nor are a "next episode".
    """
    positions = np.flatnonzero((e["child"].notna() & e["decom"].notna()).to_numpy())
    child = e["child"].to_numpy(dtype=object)[positions]
    same_child = child[:-1] == child[1:]
    index = np.full(len(e), -1)
    index[positions[:-1][same_child]] = positions[1:][same_child]
    exists = index >= 0
    decom = np.full(len(e), np.datetime64("NaT"), dtype="datetime64[ns]")
    decom[exists] = e["decom"].to_numpy()[index[exists]]
    return _NextEpisode(pd.Series(exists, index=e.index), pd.Series(decom, index=e.index), index)


def _where(e: pd.DataFrame, index: np.ndarray) -> list[str]:
    files = e["_file"].to_numpy()[index]
    rows = e["_row"].to_numpy()[index]
    return [f"{f} row {r}" for f, r in zip(files, rows, strict=True)]


class EpisodesMustNotOverlap(Rule):
    """A child's episodes must not overlap: each episode ends (DEC) on or before the day the child's next
    episode starts (DECOM), and only the child's latest episode may be open (no DEC).

    An episode ending on the day the next starts is normal (REC X1).
    """

    def check(self, tables: Ssda903Tables) -> Iterator[Breach]:
        e = tables.episodes
        following = _next_episode(e)
        has_next, next_decom, next_index = following.exists, following.decom, following.index
        # Two episodes starting the same day are reported by EpisodeMustAppearOnceInFile instead.
        later_start = has_next & (next_decom > e["decom"])
        overlaps = _mask(later_start & (e["dec"] > next_decom))
        open_early = _mask(later_start & (e["DEC"] == ""))
        for mask, problem in (
            (overlaps, "This episode ends after the child's next episode starts ({start}, {where})."),
            (
                open_early,
                "This episode has no end date but the child has a later episode ({start}, {where}).",
            ),
        ):
            if not mask.any():
                continue
            starts = [_fmt_date(d) for d in next_decom[mask]]
            yield Breach(
                EPISODES,
                mask,
                "DEC",
                [
                    problem.format(start=s, where=w)
                    + " Each episode must end on or before the day the next one starts."
                    for s, w in zip(starts, _where(e, next_index[mask]), strict=True)
                ],
            )


class SameDayMoveMustBeFollowedByNewEpisode(Rule):
    """An episode that ceased with REC X1 (a new episode begins the same day, still looked after) must be
    followed by an episode for the same child starting (DECOM) on the day it ended (DEC)."""

    def check(self, tables: Ssda903Tables) -> Iterator[Breach]:
        e = tables.episodes
        following = _next_episode(e)
        has_next, next_decom, next_index = following.exists, following.decom, following.index
        x1 = (e["rec"] == STILL_IN_CARE_REC) & e["dec"].notna() & e["decom"].notna()
        mask = _mask(x1 & ~(has_next & (next_decom == e["dec"])))
        if not mask.any():
            return
        messages = []
        flagged_next = next_index[mask]
        wheres = _where(e, np.where(flagged_next >= 0, flagged_next, 0))
        for position, start, where in zip(flagged_next, next_decom.to_numpy()[mask], wheres, strict=True):
            if position >= 0:
                found = f"the child's next episode starts on {_fmt_date(pd.Timestamp(start))} ({where})"
            else:
                found = "there is no later episode for this child"
            messages.append(
                f"REC is X1 (a new episode starts the same day) but {found}. Either add the episode that "
                "starts on this DEC, or give the reason the child left care (an E code)."
            )
        yield Breach(EPISODES, mask, "REC", messages)


class EpisodeChildMustBeInHeader(Rule):
    """Every child with an episode must have a row in the Header file (one Header per child)."""

    def check(self, tables: Ssda903Tables) -> Iterator[Breach]:
        if HEADER not in tables.given:
            return  # the missing Header file is reported once, not once per episode
        e = tables.episodes
        mask = _mask(e["child"].notna() & ~e["child"].isin(tables.header["child"].dropna()))
        yield Breach(
            EPISODES,
            mask,
            "CHILD",
            "This child has an episode but no row in the Header file. Add the child to the Header file.",
        )


class ChildMustAppearOnceInHeader(Rule):
    """A Header file has one row per child: the same CHILD must not appear twice in one file.

    (The same child in different years' Header files is expected: the later file's row is used.)
    """

    def check(self, tables: Ssda903Tables) -> Iterator[Breach]:
        h = tables.header
        yield from _duplicates(
            h,
            HEADER,
            ["_file", "child"],
            "CHILD",
            "This child already has a Header row in this file ({first}). Give each child one Header row.",
        )


class EpisodeMustAppearOnceInFile(Rule):
    """A child cannot have two episodes starting on the same day (same CHILD and DECOM) in one file."""

    def check(self, tables: Ssda903Tables) -> Iterator[Breach]:
        e = tables.episodes
        yield from _duplicates(
            e,
            EPISODES,
            ["_file", "child", "decom"],
            "DECOM",
            "This child already has an episode starting on this date in this file ({first}). "
            "Each episode must start on a different day; remove or correct the duplicate.",
        )


def _duplicates(
    frame: pd.DataFrame, kind: str, key: list[str], column: str, message: str
) -> Iterator[Breach]:
    """Flag the second and later rows with the same key, pointing at the first."""
    keyed = frame[key].notna().all(axis=1)
    dup = _mask(frame[key].duplicated(keep="first") & keyed)
    if not dup.any():
        return
    first_row = frame.loc[keyed].groupby(key, sort=False)["_row"].transform("first")
    firsts = first_row.reindex(frame.index).to_numpy()[dup]
    yield Breach(kind, dup, column, [message.format(first=f"row {int(r)}") for r in firsts])


ALL_RULES: tuple[Rule, ...] = (
    RequiredFieldsMustBePresent(),
    DatesMustBeRealDates(),
    SexMustBeKnownCode(),
    EthnicityMustBeKnownCode(),
    ReasonForNewEpisodeMustBeKnownCode(),
    LegalStatusMustBeKnownCode(),
    CategoryOfNeedMustBeKnownCode(),
    PlacementTypeMustBeKnownCode(),
    PlacementProviderMustBeKnownCode(),
    ReasonEpisodeCeasedMustBeKnownCode(),
    ReasonPlacementChangedMustBeKnownCode(),
    UrnMustBeWellFormed(),
    PlacementProviderRequiredUnlessTemporary(),
    ParentsProviderOnlyWhenPlacedWithParents(),
    EpisodeMustNotEndBeforeItStarts(),
    EpisodeMustNotStartBeforeBirth(),
    EndDateAndReasonMustBeGivenTogether(),
    EpisodesMustNotOverlap(),
    SameDayMoveMustBeFollowedByNewEpisode(),
    EpisodeChildMustBeInHeader(),
    ChildMustAppearOnceInHeader(),
    EpisodeMustAppearOnceInFile(),
)


def run_rules(
    tables: Ssda903Tables, rules: Sequence[Rule] = ALL_RULES
) -> tuple[list[ImportIssue], list[ImportIssue]]:
    """Check the tables against every rule; return (errors, warnings), each in rule order."""
    errors: list[ImportIssue] = []
    warnings: list[ImportIssue] = []
    for rule in rules:
        target = errors if rule.severity == ERROR else warnings
        for breach in rule.check(tables):
            target.extend(_issues(tables.table(breach.table), breach, rule))
    return errors, warnings


def _issues(frame: pd.DataFrame, breach: Breach, rule: Rule) -> list[ImportIssue]:
    """Format a breach as one ImportIssue per flagged row (the only per-row Python loop)."""
    index = np.flatnonzero(breach.mask)
    if len(index) == 0:
        return []
    files = frame["_file"].to_numpy()[index]
    rows = frame["_row"].to_numpy()[index]
    values = frame[breach.column].to_numpy()[index]
    messages = [breach.message] * len(index) if isinstance(breach.message, str) else breach.message
    name, severity = rule.name(), rule.severity
    return [
        ImportIssue(f, int(r), breach.column, v, m, name, severity)
        for f, r, v, m in zip(files, rows, values, messages, strict=True)
    ]
