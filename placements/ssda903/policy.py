"""The import policy: what happens to rows that break the DfE rules, so that a real return can be counted.

Real council extracts always carry some rows that break a rule. Refusing the whole return for them would
leave the council with nothing; counting them as given could count a child twice or in the wrong place.
The policy in between, applied to the merged working tables (see `rules.Ssda903Tables`):

* **Count every child whose record can be read one way only.** A broken rule that does not change how
  the child is counted (an unknown ethnicity code, a missing placement provider, an age that looks
  unlikely) is *reported* and the row is counted as given.
* **Repair only where one reading is clearly right, and say so.** Each `RepairRule` changes values in
  a way the rest of the record makes certain (an open episode cannot have a reason it ended; an episode
  ends when the child's next one starts) and leaves one notice per row it changed.
* **Hold back (quarantine) what cannot be read.** Each `QuarantineRule` finds rows that cannot be read
  one way only (no date of birth, an episode whose start cannot be read, a placement code of no year) and
  holds back the child: all their rows in every table, kept with the reason so the data team can fix the
  source and import again. A held-back child is in no count.
* **Never drop anything silently.** Every row removed or changed is in the notices.

Pure pandas, no Django. Each rule looks at whole columns at once. `apply_policy` runs `POLICY` in order:
exact duplicates first, then the quarantine rules (so repairs only see records that can be read), then
the repairs.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import ClassVar

import numpy as np
import pandas as pd

from placements.categories import (
    CIN_CODES,
    ETHNIC_CODES,
    LS_CODES,
    PLACE_PROVIDER_CODES,
    REASON_PLACE_CHANGE_CODES,
    REC_CODES,
    RNE_CODES,
    SEX_CODES,
    STILL_IN_CARE_REC,
)
from placements.constants import MAX_CHILD_REF, MAX_POSTCODE

from .result import (
    QUARANTINE_COLUMNS,
    QUARANTINED,
    REPAIR_COLUMNS,
    REPAIRED,
    empty_quarantine,
    empty_repairs,
)
from .rules import Ssda903Tables
from .rules.codes_by_year import PLACE_BY_YEAR
from .schema import EPISODES, FILE_KINDS, HEADER, OC3, UASC

TABLES: tuple[str, ...] = (HEADER, EPISODES, UASC, OC3)
NEW_PERIOD_RNE = "S"  # reason for new episode: started to be looked after

# Codes of any collection year: PLACE from the year lists of the rules, LS (the same every year) from
# `placements.categories`.
PLACE_CODES_ANY_YEAR: frozenset[str] = frozenset().union(*PLACE_BY_YEAR.values())
LS_CODES_ANY_YEAR: frozenset[str] = frozenset(LS_CODES)


@dataclass(frozen=True)
class PolicyOutcome:
    """The tables after the policy, with a notice for every row repaired and every row held back."""

    tables: Ssda903Tables
    repairs: pd.DataFrame
    quarantine: pd.DataFrame


class PolicyRule:
    """A named rule of the import policy. The docstring's first paragraph says, in plain words, what it
    does; ``codes`` are the DfE validation rules it answers (blank where the DfE has none)."""

    action: ClassVar[str]
    codes: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def name(cls) -> str:
        return cls.__name__

    @classmethod
    def description(cls) -> str:
        """The docstring's first paragraph on one line."""
        text = (cls.__doc__ or "").strip().split("\n\n")[0]
        return " ".join(text.split())

    @classmethod
    def code(cls) -> str:
        return ", ".join(cls.codes)

    def apply(self, tables: Ssda903Tables) -> tuple[Ssda903Tables, pd.DataFrame]:
        """The tables after this rule, and one notice per affected row."""
        raise NotImplementedError


def _rows(frame: pd.DataFrame, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return (
        frame["_file"].to_numpy(dtype=object)[mask],
        frame["_row"].to_numpy(dtype="int64")[mask],
        frame["CHILD"].to_numpy(dtype=object)[mask],
    )


def _longer_than(values: pd.Series, limit: int) -> np.ndarray:
    """Which cells hold text longer than ``limit``, measured once per distinct value."""
    codes, uniques = pd.factorize(values.to_numpy(dtype=object))
    if not len(uniques):
        return np.zeros(len(values), dtype=bool)
    long = np.fromiter((len(str(u)) > limit for u in uniques), dtype=bool, count=len(uniques))
    return (codes >= 0) & long[np.maximum(codes, 0)]


def _fmt(values: pd.Series) -> np.ndarray:
    """Dates as the files write them (dd/mm/yyyy), blank when missing."""
    return values.dt.strftime("%d/%m/%Y").fillna("").to_numpy(dtype=object)


# --- Repairs ---------------------------------------------------------------------------------------------


class RepairRule(PolicyRule):
    """A change to values (or removal of a repeated row) where one reading is clearly right."""

    action = REPAIRED

    def repairs(self, tables: Ssda903Tables) -> Iterator[tuple[str, pd.DataFrame, pd.DataFrame]]:
        """Yield (table, repaired table, notices) for each table this rule changes."""
        raise NotImplementedError

    def apply(self, tables: Ssda903Tables) -> tuple[Ssda903Tables, pd.DataFrame]:
        changed: dict[str, pd.DataFrame] = {}
        notices = []
        for kind, frame, found in self.repairs(tables):
            changed[kind] = frame
            if not found.empty:
                notices.append(found)
        out = replace(tables, **changed) if changed else tables
        found_all = pd.concat(notices, ignore_index=True) if notices else empty_repairs()
        return out, found_all

    def notices(
        self,
        kind: str,
        frame: pd.DataFrame,
        mask: np.ndarray,
        column: str,
        before: np.ndarray | str,
        after: np.ndarray | str,
        message: np.ndarray | str,
    ) -> pd.DataFrame:
        files, rows, children = _rows(frame, mask)
        count = len(rows)

        def col(v: np.ndarray | str) -> np.ndarray:
            return np.full(count, v, dtype=object) if isinstance(v, str) else np.asarray(v, dtype=object)

        return pd.DataFrame(
            {
                "table": np.full(count, kind, dtype=object),
                "file": files,
                "row": rows,
                "child": children,
                "column": np.full(count, column, dtype=object),
                "value": col(before),
                "repaired": col(after),
                "rule": np.full(count, self.name(), dtype=object),
                "code": np.full(count, self.code(), dtype=object),
                "message": col(message),
            },
            columns=REPAIR_COLUMNS,
        )


class ExactDuplicateRowsKeptOnce(RepairRule):
    """A row that repeats an earlier row of the same file in every cell is counted once.

    Exports sometimes write a row twice. The copies say the same thing, so keeping one loses nothing.
    (Rows that share a child, or a child and start date, but differ in any cell are not duplicates: see
    `ConflictingHeaderRows` and `ConflictingEpisodeRows`.)
    """

    def repairs(self, tables: Ssda903Tables) -> Iterator[tuple[str, pd.DataFrame, pd.DataFrame]]:
        for kind in TABLES:
            frame = tables.table(kind)
            if len(frame) < 2:
                continue
            raw = ["_file", *(c.name for c in FILE_KINDS[kind].columns)]
            # Only rows sharing a file, child (and start date) can repeat each other: comparing every
            # cell of those few is much cheaper than hashing every cell of every row.
            key = ["_file", "CHILD", "DECOM"] if kind == EPISODES else ["_file", "CHILD"]
            candidates = np.flatnonzero(frame.duplicated(key, keep=False).to_numpy(dtype=bool))
            if not len(candidates):
                continue
            subset = frame.iloc[candidates]
            repeated = np.zeros(len(frame), dtype=bool)
            repeated[candidates] = subset.duplicated(raw, keep="first").to_numpy(dtype=bool)
            if not repeated.any():
                continue
            first_of = subset.groupby(raw, sort=False)["_row"].transform("first")
            first_row = first_of.to_numpy()[repeated[candidates]]
            messages = np.array(
                [
                    f"This row repeats row {int(r)} of the same file exactly; it was counted once."
                    for r in first_row
                ],
                dtype=object,
            )
            found = self.notices(kind, frame, repeated, "", "", "", messages)
            yield kind, frame.loc[~repeated].reset_index(drop=True), found


class UnknownSexReadAsNotKnown(RepairRule):
    """A blank or unknown SEX is recorded as U (not known).

    The child is counted; only breakdowns by sex show them as "not known", which is what the return says.
    """

    codes = ("101",)

    def repairs(self, tables: Ssda903Tables) -> Iterator[tuple[str, pd.DataFrame, pd.DataFrame]]:
        h = tables.header
        mask = (~h["sex"].isin(frozenset(SEX_CODES))).to_numpy(dtype=bool)
        if not mask.any():
            return
        h = h.copy()
        found = self.notices(
            HEADER,
            h,
            mask,
            "SEX",
            h["SEX"].to_numpy(dtype=object)[mask],
            "U",
            "SEX is blank or not a known code, so it was recorded as U (not known).",
        )
        h.loc[mask, "sex"] = "U"
        yield HEADER, h, found


class ReasonOnOpenEpisodeIgnored(RepairRule):
    """REC (reason episode ceased) given on an episode with no end date (DEC) is ignored: the episode is open.

    An episode without an end date has not ended, so it cannot have a reason it ended. If a later
    episode follows, `OverlappingEpisodeCutAtNextStart` then ends it when that one starts.
    """

    codes = ("148",)

    def repairs(self, tables: Ssda903Tables) -> Iterator[tuple[str, pd.DataFrame, pd.DataFrame]]:
        e = tables.episodes
        mask = ((e["DEC"] == "") & e["rec"].notna()).to_numpy(dtype=bool)
        if not mask.any():
            return
        e = e.copy()
        found = self.notices(
            EPISODES,
            e,
            mask,
            "REC",
            e["REC"].to_numpy(dtype=object)[mask],
            "",
            "REC is given but DEC is blank: the episode is open, so the reason it ended was ignored.",
        )
        e.loc[mask, "rec"] = None
        e.loc[mask, "REC"] = ""
        yield EPISODES, e, found


def _overlaps_next(e: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Episodes still open, or ending after, when the same child's next episode starts; and whether that
    next episode starts a new period of care (RNE S)."""
    has_next, nxt = _next_decom(e)
    dec = e["dec"].to_numpy(dtype="datetime64[ns]")
    with np.errstate(invalid="ignore"):
        overlaps = has_next & (np.isnat(dec) | (dec > nxt))
    rne = e["rne"].to_numpy(dtype=object)
    next_starts_period = np.zeros(len(e), dtype=bool)
    if len(e) > 1:
        next_starts_period[:-1] = has_next[:-1] & (rne[1:] == NEW_PERIOD_RNE)
    return overlaps, next_starts_period


def _next_decom(e: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """For each episode, whether the same child has a later episode, and that episode's DECOM.

    Quarantine has already held back episodes without a child or a readable DECOM, and two episodes of
    one child starting the same day, so the next row of the sorted table is the next episode.
    """
    child = e["child"].to_numpy(dtype=object)
    decom = e["decom"].to_numpy(dtype="datetime64[ns]")
    has_next = np.zeros(len(e), dtype=bool)
    nxt = np.full(len(e), np.datetime64("NaT"), dtype="datetime64[ns]")
    if len(e) > 1:
        has_next[:-1] = child[:-1] == child[1:]
        nxt[:-1] = np.where(has_next[:-1], decom[1:], np.datetime64("NaT"))
    return has_next, nxt


class OverlappingEpisodeCutAtNextStart(RepairRule):
    """An episode that is still open, or ends after the child's next episode starts, is ended on the day the
    next one starts, with REC X1 (the child stayed looked after), unless the next one starts a new period
    of care (see `OverlapIntoNewPeriodOfCare`).

    A child is in one placement at a time, and the later episode says where they were from its start. So
    the earlier episode ended that day, and as an episode followed, the child was still looked after.
    """

    codes = ("142", "501", "433")

    def repairs(self, tables: Ssda903Tables) -> Iterator[tuple[str, pd.DataFrame, pd.DataFrame]]:
        e = tables.episodes
        _, nxt = _next_decom(e)
        dec = e["dec"].to_numpy(dtype="datetime64[ns]")
        # (An overlap into a new period of care, RNE S, was held back by OverlapIntoNewPeriodOfCare.)
        mask, _ = _overlaps_next(e)
        if not mask.any():
            return
        e = e.copy()
        new_dec = pd.Series(nxt[mask])
        before = np.where(np.isnat(dec[mask]), "open", _fmt(pd.Series(dec[mask])))
        after = _fmt(new_dec)
        found = self.notices(
            EPISODES,
            e,
            mask,
            "DEC",
            before,
            after,
            np.array(
                [
                    f"The child's next episode starts on {a}, so this episode was ended that day with REC X1."
                    for a in after
                ],
                dtype=object,
            ),
        )
        e.loc[mask, "dec"] = nxt[mask]
        e.loc[mask, "DEC"] = after
        e.loc[mask, "rec"] = STILL_IN_CARE_REC
        e.loc[mask, "REC"] = STILL_IN_CARE_REC
        yield EPISODES, e, found


class EndWithoutReasonBeforeSameDayEpisodeIsX1(RepairRule):
    """An episode with an end date (DEC) but no reason (REC), followed by the child's next episode starting
    that same day, is given REC X1.

    X1 is the one reason that fits: an episode began the same day, so the child stayed looked after.
    (Not when that episode starts a new period of care, RNE S: then the child left care, reason not
    recorded, and the row is counted as given.)
    """

    codes = ("148",)

    def repairs(self, tables: Ssda903Tables) -> Iterator[tuple[str, pd.DataFrame, pd.DataFrame]]:
        e = tables.episodes
        has_next, nxt = _next_decom(e)
        dec = e["dec"].to_numpy(dtype="datetime64[ns]")
        _, next_starts_period = _overlaps_next(e)
        # If the next episode starts a new period of care (RNE S), the child left care: not X1.
        mask = has_next & e["rec"].isna().to_numpy(dtype=bool) & ~np.isnat(dec) & (dec == nxt)
        mask &= ~next_starts_period
        if not mask.any():
            return
        e = e.copy()
        found = self.notices(
            EPISODES,
            e,
            mask,
            "REC",
            "",
            STILL_IN_CARE_REC,
            "REC is blank but the child's next episode starts on this DEC, so REC was read as X1.",
        )
        e.loc[mask, "rec"] = STILL_IN_CARE_REC
        e.loc[mask, "REC"] = STILL_IN_CARE_REC
        yield EPISODES, e, found


class X1WithoutNextEpisodeEndsPeriodOfCare(RepairRule):
    """An episode ended X1 with no episode of the child starting that day is read as the period of care
    ending on its DEC (REC left blank: the reason is not recorded).

    X1 promises an episode starting the same day. Without one, the record shows the child's care ending
    on that date; we do not guess which leaving reason applies.
    """

    codes = ("388",)

    def repairs(self, tables: Ssda903Tables) -> Iterator[tuple[str, pd.DataFrame, pd.DataFrame]]:
        e = tables.episodes
        has_next, nxt = _next_decom(e)
        dec = e["dec"].to_numpy(dtype="datetime64[ns]")
        x1 = (e["rec"] == STILL_IN_CARE_REC).to_numpy(dtype=bool) & ~np.isnat(dec)
        mask = x1 & ~(has_next & (dec == nxt))
        if not mask.any():
            return
        e = e.copy()
        found = self.notices(
            EPISODES,
            e,
            mask,
            "REC",
            STILL_IN_CARE_REC,
            "",
            "REC is X1 but no episode of this child starts on this DEC, so the period of care was read "
            "as ending on DEC (reason not recorded).",
        )
        e.loc[mask, "rec"] = None
        e.loc[mask, "REC"] = ""
        yield EPISODES, e, found


class UnreadableDetailNotKept(RepairRule):
    """An ethnicity, category of need, reason for placement change or URN that is not a known code, or a
    postcode too long to be one, is not kept: the row is counted without it.

    None of these decides whether, or where, a child is counted. Keeping a value we cannot read would put
    a wrong code in breakdowns, so the field is left blank and the notice quotes what the file gave.
    """

    codes = ("103", "145", "1009", "1008", "392c")

    FIELDS: ClassVar[tuple[tuple[str, str, frozenset[str] | None, str], ...]] = (
        (HEADER, "ETHNIC", frozenset(ETHNIC_CODES), "103"),
        (EPISODES, "CIN", frozenset(CIN_CODES), "145"),
        (EPISODES, "REASON_PLACE_CHANGE", frozenset(REASON_PLACE_CHANGE_CODES), "1009"),
        (EPISODES, "HOME_POST", None, "392c"),
        (EPISODES, "PL_POST", None, "392c"),
    )

    def repairs(self, tables: Ssda903Tables) -> Iterator[tuple[str, pd.DataFrame, pd.DataFrame]]:
        from .rules import UrnMustBeWellFormed  # the URN pattern lives with the rule that checks it

        for kind in (HEADER, EPISODES):
            frame = tables.table(kind)
            notices = []
            copied = False
            for table, column, allowed, code in self.FIELDS:
                if table != kind:
                    continue
                values = frame[column.lower()]
                if allowed is None:
                    mask = _longer_than(values, MAX_POSTCODE)
                    why = (
                        f"{column} is longer than a postcode ({MAX_POSTCODE} characters), so it was not kept."
                    )
                else:
                    mask = (values.notna() & ~values.isin(allowed)).to_numpy(dtype=bool)
                    why = f"{column} is not a known code, so it was not kept; the row is counted without it."
                if not mask.any():
                    continue
                if not copied:
                    frame, copied = frame.copy(), True
                found = self.notices(kind, frame, mask, column, frame[column].to_numpy(object)[mask], "", why)
                found["code"] = code
                notices.append(found)
                frame.loc[mask, column.lower()] = None
            if kind == EPISODES:
                urn_breach = next(iter(UrnMustBeWellFormed().check(tables)), None)
                if urn_breach is not None and urn_breach.mask.any():
                    mask = urn_breach.mask
                    if not copied:
                        frame, copied = frame.copy(), True
                    found = self.notices(
                        kind,
                        frame,
                        mask,
                        "URN",
                        frame["URN"].to_numpy(object)[mask],
                        "",
                        "URN is not an Ofsted unique reference number, so it was not kept; the episode is "
                        "counted without a link to a setting.",
                    )
                    found["code"] = "1008"
                    notices.append(found)
                    frame.loc[mask, "urn"] = None
            if copied:
                yield kind, frame, pd.concat(notices, ignore_index=True)


# --- Quarantine ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cause:
    """Rows of one table that cannot be read, the column to point at, what to say and the DfE code."""

    table: str
    mask: np.ndarray
    column: str
    message: str
    code: str = ""


class QuarantineRule(PolicyRule):
    """Finds rows that cannot be read one way only; the whole child is held back (all their rows)."""

    action = QUARANTINED

    def causes(self, tables: Ssda903Tables) -> Iterator[Cause]:
        raise NotImplementedError

    def apply(self, tables: Ssda903Tables) -> tuple[Ssda903Tables, pd.DataFrame]:
        causes = [c for c in self.causes(tables) if c.mask.any()]
        if not causes:
            return tables, empty_quarantine()
        return hold_back(tables, causes, self.name(), self.code())


def hold_back(
    tables: Ssda903Tables, causes: Sequence[Cause], rule: str, default_code: str
) -> tuple[Ssda903Tables, pd.DataFrame]:
    """Remove the children of the cause rows from every table; one notice per row removed.

    A cause row without a child reference is held back on its own (it belongs to no one we can name).
    Each child's other rows carry the first reason found for them, with where it is.
    """
    # The first cause of each child: its message and location, to quote on the child's other rows.
    reasons: dict[str, tuple[str, str]] = {}
    cause_masks: dict[str, np.ndarray] = {}
    cause_notes: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = {}
    for cause in causes:
        frame = tables.table(cause.table)
        mask = cause.mask & ~cause_masks.get(cause.table, np.zeros(len(frame), dtype=bool))
        if not mask.any():
            continue
        cause_masks[cause.table] = cause_masks.get(cause.table, np.zeros(len(frame), dtype=bool)) | mask
        files, rows, children = _rows(frame, mask)
        count = len(rows)
        column = np.full(count, cause.column, dtype=object)
        values = (
            frame[cause.column].to_numpy(dtype=object)[mask] if cause.column else np.full(count, "", object)
        )
        message = np.full(count, cause.message, dtype=object)
        code = np.full(count, cause.code or default_code, dtype=object)
        previous = cause_notes.get(cause.table)
        positions = np.flatnonzero(mask)
        if previous is None:
            cause_notes[cause.table] = (positions, column, values, np.stack([message, code]))
        else:
            cause_notes[cause.table] = (
                np.concatenate([previous[0], positions]),
                np.concatenate([previous[1], column]),
                np.concatenate([previous[2], values]),
                np.concatenate([previous[3], np.stack([message, code])], axis=1),
            )
        first = pd.DataFrame(
            {"child": children, "file": files, "row": rows, "message": message, "code": code}
        )
        first = first.loc[first["child"] != ""].drop_duplicates("child")
        for child, file, row, text, why in first.itertuples(index=False, name=None):
            # One entry per child held back (not per row).
            reasons.setdefault(child, (f"{text} ({file} row {int(row)})", why))

    held_children = pd.Index(list(reasons), dtype=object)
    kept: dict[str, pd.DataFrame] = {}
    notices = []
    for kind in TABLES:
        frame = tables.table(kind)
        in_held = frame["CHILD"].isin(held_children).to_numpy(dtype=bool) & (frame["CHILD"] != "").to_numpy(
            bool
        )
        mask = in_held | cause_masks.get(kind, np.zeros(len(frame), dtype=bool))
        if not mask.any():
            continue
        files, rows, children = _rows(frame, mask)
        count = len(rows)
        columns = np.full(count, "", dtype=object)
        values = np.full(count, "", dtype=object)
        # One look-up per held-back row (not per row of the table).
        found = [reasons.get(c, ("", default_code)) for c in children]
        messages = np.array(
            [f"Held back with the rest of this child's record: {r[0]}" for r in found], dtype=object
        )
        rule_codes = np.array([r[1] for r in found], dtype=object)
        if kind in cause_notes:
            positions, c_column, c_values, c_text = cause_notes[kind]
            # Positions of the held rows, so a cause row's own notice replaces the generic one.
            where = np.searchsorted(np.flatnonzero(mask), positions)
            columns[where] = c_column
            values[where] = c_values
            messages[where] = c_text[0]
            rule_codes[where] = c_text[1]
        raw = [c.name for c in FILE_KINDS[kind].columns]
        cells = frame.loc[mask, raw].to_dict("records")
        notices.append(
            pd.DataFrame(
                {
                    "table": np.full(count, kind, dtype=object),
                    "file": files,
                    "row": rows,
                    "child": children,
                    "column": columns,
                    "value": values,
                    "rule": np.full(count, rule, dtype=object),
                    "code": rule_codes,
                    "message": messages,
                    "values": pd.Series(cells, dtype=object).to_numpy(),
                },
                columns=QUARANTINE_COLUMNS,
            )
        )
        kept[kind] = frame.loc[~mask].reset_index(drop=True)
    out = replace(tables, **kept)
    return out, pd.concat(notices, ignore_index=True) if notices else empty_quarantine()


class RowWithoutChildReference(QuarantineRule):
    """A row with a blank CHILD cannot be joined to any child, so it is held back on its own."""

    codes = ()

    def causes(self, tables: Ssda903Tables) -> Iterator[Cause]:
        for kind in TABLES:
            frame = tables.table(kind)
            yield Cause(kind, (frame["CHILD"] == "").to_numpy(dtype=bool), "CHILD", "CHILD is blank.")


class ChildReferenceTooLong(QuarantineRule):
    """A child reference longer than the SSDA903 allows (10 characters) cannot be stored, so the child is
    held back."""

    def causes(self, tables: Ssda903Tables) -> Iterator[Cause]:
        for kind in TABLES:
            frame = tables.table(kind)
            yield Cause(
                kind,
                _longer_than(frame["CHILD"], MAX_CHILD_REF),
                "CHILD",
                f"CHILD is longer than {MAX_CHILD_REF} characters.",
            )


class ChildWithoutHeaderRow(QuarantineRule):
    """A child with episodes (or UASC or care leaver rows) but no row in the Header file is held back: we
    do not know their date of birth or sex, so we cannot count them by age."""

    def causes(self, tables: Ssda903Tables) -> Iterator[Cause]:
        if HEADER not in tables.given:
            return
        known = pd.Index(tables.header["CHILD"].unique())
        for kind in (EPISODES, UASC, OC3):
            frame = tables.table(kind)
            yield Cause(
                kind,
                (~frame["CHILD"].isin(known)).to_numpy(dtype=bool),
                "CHILD",
                "This child has no row in the Header file.",
            )


class ConflictingHeaderRows(QuarantineRule):
    """A child with two different Header rows in one file is held back: we cannot tell which is right.

    (Rows that are exact copies are counted once; the same child in a later year's file replaces the
    earlier year's row.)
    """

    def causes(self, tables: Ssda903Tables) -> Iterator[Cause]:
        h = tables.header
        yield Cause(
            HEADER,
            h.duplicated(["_file", "CHILD"], keep=False).to_numpy(dtype=bool),
            "CHILD",
            "This child has more than one Header row in this file, and they differ.",
        )


class DateOfBirthNotReadable(QuarantineRule):
    """A child whose date of birth (DOB) is blank or not a real date is held back: their age, and so
    whether they are a child in care at all, cannot be known."""

    codes = ("102",)

    def causes(self, tables: Ssda903Tables) -> Iterator[Cause]:
        h = tables.header
        yield Cause(
            HEADER,
            h["dob"].isna().to_numpy(dtype=bool),
            "DOB",
            "DOB is blank or not a real date (dd/mm/yyyy).",
        )


class EpisodeStartNotReadable(QuarantineRule):
    """A child with an episode whose start date (DECOM) is blank or not a real date is held back: we cannot
    tell when they were where."""

    codes = ("141",)

    def causes(self, tables: Ssda903Tables) -> Iterator[Cause]:
        e = tables.episodes
        yield Cause(
            EPISODES,
            e["decom"].isna().to_numpy(dtype=bool),
            "DECOM",
            "DECOM is blank or not a real date (dd/mm/yyyy).",
        )


class EpisodeEndNotReadable(QuarantineRule):
    """A child with an episode whose end date (DEC) is given but is not a real date is held back: the
    episode might have ended on any day."""

    codes = ("147",)

    def causes(self, tables: Ssda903Tables) -> Iterator[Cause]:
        e = tables.episodes
        yield Cause(
            EPISODES,
            ((e["DEC"] != "") & e["dec"].isna()).to_numpy(dtype=bool),
            "DEC",
            "DEC is not a real date (dd/mm/yyyy).",
        )


class CodeNeededForCountingNotKnown(QuarantineRule):
    """A child with an episode whose placement type (PLACE) or legal status (LS) is blank or not a code of
    any year, or whose RNE, REC or PLACE_PROVIDER is not a known code, is held back: which placement
    category, whether the child was looked after, started or left care cannot be known."""

    codes = ("146", "144", "143", "149", "178")

    CHECKS: ClassVar[tuple[tuple[str, frozenset[str], bool, str], ...]] = (
        ("PLACE", PLACE_CODES_ANY_YEAR, True, "146"),
        ("LS", LS_CODES_ANY_YEAR, True, "144"),
        ("RNE", frozenset(RNE_CODES), True, "143"),
        ("REC", frozenset(REC_CODES), False, "149"),
        ("PLACE_PROVIDER", frozenset(PLACE_PROVIDER_CODES), False, "178"),
    )

    def causes(self, tables: Ssda903Tables) -> Iterator[Cause]:
        e = tables.episodes
        for column, allowed, required, code in self.CHECKS:
            values = e[column.lower()]
            unknown = ~values.isin(allowed)
            if not required:
                unknown &= values.notna()
            state = "blank or not a known code" if required else "not a known code"
            yield Cause(EPISODES, unknown.to_numpy(dtype=bool), column, f"{column} is {state}.", code)


class ConflictingEpisodeRows(QuarantineRule):
    """A child with two different episodes starting on the same day (same DECOM) in one file is held back:
    we cannot tell which placement they were in."""

    def causes(self, tables: Ssda903Tables) -> Iterator[Cause]:
        e = tables.episodes
        yield Cause(
            EPISODES,
            e.duplicated(["_file", "CHILD", "decom"], keep=False).to_numpy(dtype=bool),
            "DECOM",
            "This child has more than one episode starting on this date in this file, and they differ.",
        )


class EpisodeEndsBeforeItStarts(QuarantineRule):
    """A child with an episode whose end date (DEC) is before its start date (DECOM) is held back: one of
    the two dates is wrong and we cannot tell which."""

    codes = ("356",)

    def causes(self, tables: Ssda903Tables) -> Iterator[Cause]:
        e = tables.episodes
        yield Cause(
            EPISODES,
            (e["dec"] < e["decom"]).fillna(False).to_numpy(dtype=bool),
            "DEC",
            "DEC is before DECOM.",
        )


class EpisodeStartsBeforeBirth(QuarantineRule):
    """A child with an episode starting (DECOM) before their date of birth is held back: either date may be
    wrong, and their age cannot be known."""

    def causes(self, tables: Ssda903Tables) -> Iterator[Cause]:
        e, h = tables.episodes, tables.header
        if e.empty or h.empty:
            return
        dob = e["CHILD"].map(h.drop_duplicates("CHILD").set_index("CHILD")["dob"])
        yield Cause(
            EPISODES,
            (e["decom"] < dob).fillna(False).to_numpy(dtype=bool),
            "DECOM",
            "DECOM is before the child's date of birth.",
        )


class OverlapIntoNewPeriodOfCare(QuarantineRule):
    """A child with an episode still open, or ending after, when their next episode starts a new period of
    care (RNE S) is held back: the child must have left care in between, but when, and why, is unknown."""

    codes = ("142", "501")

    def causes(self, tables: Ssda903Tables) -> Iterator[Cause]:
        e = tables.episodes
        overlaps, next_starts_period = _overlaps_next(e)
        yield Cause(
            EPISODES,
            overlaps & next_starts_period,
            "DEC",
            "This episode is open, or ends after, when the child's next episode starts a new period of care "
            "(RNE S): when the child left care is unknown.",
        )


# Order matters: exact duplicates first (so copies are not conflicts), then quarantine (so repairs only
# see records that can be read), then the repairs, open episodes before overlaps before X1 checks.
POLICY: tuple[PolicyRule, ...] = (
    ExactDuplicateRowsKeptOnce(),
    RowWithoutChildReference(),
    ChildReferenceTooLong(),
    ChildWithoutHeaderRow(),
    ConflictingHeaderRows(),
    DateOfBirthNotReadable(),
    EpisodeStartNotReadable(),
    EpisodeEndNotReadable(),
    CodeNeededForCountingNotKnown(),
    ConflictingEpisodeRows(),
    EpisodeEndsBeforeItStarts(),
    EpisodeStartsBeforeBirth(),
    OverlapIntoNewPeriodOfCare(),
    UnknownSexReadAsNotKnown(),
    ReasonOnOpenEpisodeIgnored(),
    OverlappingEpisodeCutAtNextStart(),
    EndWithoutReasonBeforeSameDayEpisodeIsX1(),
    X1WithoutNextEpisodeEndsPeriodOfCare(),
    UnreadableDetailNotKept(),
)

# Rule breaches the policy counts as given (reported only), in plain words, for the documentation.
COUNTED_AS_GIVEN = (
    "An episode with an end date (DEC) but no reason (REC) and no episode starting that day: the period "
    "of care ends on DEC, reason not recorded (DfE 148).",
    "A placement with a blank PLACE_PROVIDER: counted as provided outside the council, as the council "
    "always records its own provision as PR1 (DfE 526).",
    "Every other DfE rule (such as an age that looks unlikely for a placement): reported, counted as given.",
)


def apply_policy(tables: Ssda903Tables, policy: Sequence[PolicyRule] = POLICY) -> PolicyOutcome:
    """Apply the policy's rules in order; the tables keep only children who can be counted, repaired."""
    repairs = [empty_repairs()]
    quarantine = [empty_quarantine()]
    for rule in policy:
        tables, notices = rule.apply(tables)
        if notices.empty:
            continue
        (quarantine if rule.action == QUARANTINED else repairs).append(notices)
    return PolicyOutcome(
        tables,
        pd.concat(repairs, ignore_index=True),
        pd.concat(quarantine, ignore_index=True),
    )
