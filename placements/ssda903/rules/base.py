"""What every SSDA903 rule shares: the working tables, the rule and breach types, and how rules are run.

Rules see the *working tables* the reader builds (`Ssda903Tables`): one DataFrame per kind of file, with

- the canonical, cleaned columns in lower case (``decom`` as a date, ``place`` upper-cased, ...),
- the trimmed cell text as given, under the file's own upper-case column names (``DECOM``, ``PLACE``), which
  is what a report quotes,
- ``_file`` and ``_row`` (spreadsheet row number) to locate each row, and ``_year``: the collection year
  (its end, e.g. 2025 for 2024-25) of the file the row came from, 0 when unknown.

Episodes are sorted by child and start date, so "the child's next episode" is the next row. Several
years' files have already been merged: a record repeated in a later year's file appears once.

Rules only *report*: they find the rows that break each rule on the data as given, never change data, and
never decide whether an import goes ahead (that is the import policy's job).

**Which year a row is checked as.** An episode is checked as the collection year of its file. A Header or
UASC row is checked as the latest year among the child's episodes (the Header file's own year is worked out
from dates of birth, which say little about the return it belongs to); an OC3 row, and any row whose year is
unknown, as the latest year present in the upload (or the newest year the rules know when none is).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from ..result import ERROR, WARNING, ImportIssue
from ..schema import EPISODES, FILE_KINDS, HEADER, OC3
from .codes_by_year import NEWEST_YEAR

__all__ = [
    "ERROR",
    "WARNING",
    "Breach",
    "MaskRule",
    "Rule",
    "Ssda903Tables",
    "add_years",
    "as_mask",
    "fmt_date",
    "run_rules",
]


@dataclass
class Ssda903Tables:
    """The merged working tables that rules check (see the module docstring for their columns).

    Derived arrays that several rules need (each row's collection year, the child's date of birth, the
    child's previous and next episodes) are worked out once and kept in ``_cache``.
    """

    header: pd.DataFrame
    episodes: pd.DataFrame
    uasc: pd.DataFrame
    oc3: pd.DataFrame
    given: frozenset[str] = field(default_factory=frozenset)
    # Episodes replaced by the same episode (CHILD and DECOM) in a later year's file: last year's version of
    # an episode still open at the end of last year, for the rules comparing one year's return with the next.
    superseded_episodes: pd.DataFrame | None = None
    _cache: dict[Any, Any] = field(default_factory=dict, repr=False, compare=False)

    def table(self, kind: str) -> pd.DataFrame:
        """The working table for a kind of file (``header``, ``episodes``, ``uasc``, ``oc3``)."""
        return getattr(self, kind)

    def _cached(self, key: Any, build: Any) -> Any:
        if key not in self._cache:
            self._cache[key] = build()
        return self._cache[key]

    # --- Collection years --------------------------------------------------------------------------------

    def latest_year(self) -> int:
        """The latest collection year of any row, or the rules' newest year when no row has one."""

        def build() -> int:
            years = [int(t["_year"].max()) for t in self._frames() if "_year" in t and len(t)]
            known = [y for y in years if y > 0]
            return max(known) if known else NEWEST_YEAR

        return self._cached("latest_year", build)

    def years(self, kind: str) -> np.ndarray:
        """The collection year (its end) each row of a table is checked as (see the module docstring)."""
        return self._cached(("years", kind), lambda: self._years(kind))

    def _years(self, kind: str) -> np.ndarray:
        frame = self.table(kind)
        latest = self.latest_year()
        own = _own_years(frame)
        if kind == EPISODES or not len(frame):
            return np.where(own > 0, own, latest)
        # Header, UASC and OC3 rows: the year of their own return where the reader placed the file in the
        # year of an Episodes file; otherwise (a file placed by its own dates, e.g. dates of birth) the
        # latest year among the child's episodes, and for care leavers the latest year of the upload.
        episode_years = pd.Series(self.years(EPISODES), index=self.episodes.index)
        placed = np.isin(own, episode_years.unique()) & (own > 0)
        if kind == OC3:
            return np.where(placed, own, latest).astype("int64")
        by_child = episode_years.groupby(self.episodes["child"].to_numpy(dtype=object)).max()
        mapped = by_child.reindex(frame["child"].to_numpy(dtype=object)).to_numpy(dtype=float)
        fallback = np.where(np.isnan(mapped), latest, mapped).astype("int64")
        return np.where(placed, own, fallback).astype("int64")

    def collection_start(self, kind: str) -> pd.Series:
        """1 April at the start of each row's collection year."""
        return self._cached(("start", kind), lambda: self._year_date(kind, -1, 4, 1))

    def collection_end(self, kind: str) -> pd.Series:
        """31 March at the end of each row's collection year."""
        return self._cached(("end", kind), lambda: self._year_date(kind, 0, 3, 31))

    def _year_date(self, kind: str, offset: int, month: int, day: int) -> pd.Series:
        years = self.years(kind)
        codes, uniques = pd.factorize(years)
        dates = np.array([np.datetime64(f"{y + offset:04d}-{month:02d}-{day:02d}", "ns") for y in uniques])
        values = dates.take(codes) if len(years) else np.empty(0, dtype="datetime64[ns]")
        return pd.Series(values, index=self.table(kind).index, dtype="datetime64[ns]")

    # --- Fast comparisons on code columns ------------------------------------------------------------------

    def codes(self, kind: str, column: str) -> tuple[np.ndarray, np.ndarray]:
        """A column factorised once: (an integer code per row, -1 for blank; the distinct values).

        Comparing small integers is far faster than comparing a million Python strings, and a code column
        holds a few dozen distinct values, so rules compare codes (`isin`, `eq`, `filled`).
        """

        if column.isupper() and _SAME_AS_CLEANED.get((kind, column)):
            # A code or reference cleaned by upper-casing alone: blank exactly when the cleaned value is.
            return self.codes(kind, column.lower())

        def build() -> tuple[np.ndarray, np.ndarray]:
            values = self.table(kind)[column].to_numpy(dtype=object)
            codes, uniques = pd.factorize(values)
            if column.isupper():  # cell text: a blank cell is "", made -1 like a missing code
                blank = np.flatnonzero(uniques == "")
                if len(blank):
                    codes = np.where(codes == blank[0], -1, codes)
            return codes, uniques

        return self._cached(("codes", kind, column), build)

    def isin(self, kind: str, column: str, values: frozenset[str] | set[str]) -> np.ndarray:
        """True for rows whose ``column`` is one of ``values`` (blank is never in).

        Cell text (an upper-case column name) is compared upper-cased, as the cleaned codes are.
        """
        codes, uniques = self.codes(kind, column)
        lookup = np.zeros(len(uniques) + 1, dtype=bool)  # the last entry answers for blank (-1)
        text = column.isupper()
        lookup[: len(uniques)] = [(u.upper() if text else u) in values for u in uniques]
        return lookup[codes]

    def eq(self, kind: str, column: str, value: str) -> np.ndarray:
        """True for rows whose ``column`` equals ``value``."""
        return self.isin(kind, column, {value})

    def filled(self, kind: str, column: str) -> np.ndarray:
        """True for rows where ``column`` is not blank."""
        return self.codes(kind, column)[0] >= 0

    def isin_by_year(self, kind: str, column: str, by_year: Any) -> np.ndarray:
        """True where ``column`` is in the code list of the row's collection year (see `codes_by_year`)."""
        from .codes_by_year import for_year, per_year

        return per_year(
            self.years(kind),
            lambda year, pos: self.isin(kind, column, for_year(by_year, year))[pos],
        )

    # --- The child's Header row ----------------------------------------------------------------------------

    def header_by_child(self) -> pd.DataFrame:
        """One Header row per child (the last if a file repeats a child), indexed by CHILD."""

        def build() -> pd.DataFrame:
            h = self.header
            return h.loc[h["child"].notna()].drop_duplicates("child", keep="last").set_index("child")

        return self._cached("header_by_child", build)

    def birthday(self, kind: str, age: int) -> pd.Series:
        """The child's ``age``-th birthday (from the Header's DOB) on each row of a table."""
        return self._cached(("birthday", kind, age), lambda: add_years(self.dob(kind), age))

    def dob(self, kind: str) -> pd.Series:
        """The child's date of birth from the Header, on each row of a table (NaT when not known)."""
        if kind == HEADER:
            return self.header["dob"]
        return self._cached(("dob", kind), lambda: self.from_header(kind, "dob"))

    def from_header(self, kind: str, column: str) -> pd.Series:
        """A column of the child's Header row, on each row of a table (missing when the child has none)."""
        frame = self.table(kind)
        values = self.header_by_child()[column].reindex(frame["child"].to_numpy(dtype=object)).to_numpy()
        return pd.Series(values, index=frame.index)

    def in_header(self, kind: str) -> np.ndarray:
        """True for rows whose CHILD has a Header row."""
        frame = self.table(kind)
        return frame["child"].isin(self.header_by_child().index).to_numpy(dtype=bool)

    # --- The child's previous and next episode ----------------------------------------------------------

    def next_episode(self) -> np.ndarray:
        """For each episode, the row position of the same child's next episode (-1 when none).

        Episodes without a readable CHILD or DECOM are left out (other rules report them), so they neither
        have nor are a next or previous episode.
        """
        return self._cached("next", lambda: _neighbours(self.episodes)[1])

    def previous_episode(self) -> np.ndarray:
        """For each episode, the row position of the same child's previous episode (-1 when none)."""
        return self._cached("previous", lambda: _neighbours(self.episodes)[0])

    def _frames(self) -> list[pd.DataFrame]:
        return [self.header, self.episodes, self.uasc, self.oc3]


# Cell-text columns whose cleaned value is the text upper-cased (blank when blank), so that comparisons on
# the cell text can use the cleaned column's codes (`Ssda903Tables.codes`).
_SAME_AS_CLEANED: dict[tuple[str, str], bool] = {
    (kind.name, column.name): column.kind in ("code", "id")
    for kind in FILE_KINDS.values()
    for column in kind.columns
}


def _own_years(frame: pd.DataFrame) -> np.ndarray:
    if "_year" not in frame:
        return np.zeros(len(frame), dtype="int64")
    return frame["_year"].to_numpy(dtype="int64")


def _neighbours(e: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    positions = np.flatnonzero((e["child"].notna() & e["decom"].notna()).to_numpy())
    child = e["child"].to_numpy(dtype=object)[positions]
    same_child = child[:-1] == child[1:]
    following = np.full(len(e), -1)
    previous = np.full(len(e), -1)
    following[positions[:-1][same_child]] = positions[1:][same_child]
    previous[positions[1:][same_child]] = positions[:-1][same_child]
    return previous, following


def take(values: pd.Series | np.ndarray, index: np.ndarray, fill: Any = None) -> np.ndarray:
    """``values`` at row positions ``index`` (-1 gives ``fill``): the value on a neighbouring episode."""
    array = values.to_numpy() if isinstance(values, pd.Series) else values
    out = array.take(np.where(index >= 0, index, 0)) if len(array) else array.copy()
    if array.dtype.kind == "M":
        out = out.copy()
        out[index < 0] = np.datetime64("NaT")
    else:
        out = out.astype(object)
        out[index < 0] = fill
    return out


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
    """An SSDA903 rule. Subclasses say what is required in their docstring and find breaches.

    ``code`` is the DfE's rule code (as councils see it in the DfE-aligned validator), or "" for a check of
    ours with no DfE equivalent. ``severity`` is ``error`` for the DfE's errors and ``warning`` for its
    queries and our advisory checks. ``first_year`` and ``last_year`` bound the collection years (their
    end, inclusive; None is open) whose rows the rule applies to; `run_rules` applies them per row.
    ``tables`` names the files the rule reads, for the rules' documentation.
    """

    code: ClassVar[str] = ""
    severity: ClassVar[str] = ERROR
    first_year: ClassVar[int | None] = None
    last_year: ClassVar[int | None] = None
    tables: ClassVar[tuple[str, ...]] = (EPISODES,)

    @classmethod
    def name(cls) -> str:
        """The rule's name as shown in reports (its class name)."""
        return cls.__name__

    @classmethod
    def summary(cls) -> str:
        """The first line of the rule's docstring: what the rule requires, in one sentence."""
        return " ".join((cls.__doc__ or "").strip().split("\n\n")[0].split())

    @classmethod
    def years_text(cls) -> str:
        """The collection years the rule applies to, e.g. ``2023-24 to 2024-25`` or ``all years``."""

        def label(year: int) -> str:
            return f"{year - 1}-{year % 100:02d}"

        if cls.first_year is None and cls.last_year is None:
            return "all years"
        if cls.first_year is None:
            return f"up to {label(cls.last_year)}"  # type: ignore[arg-type]  # a class attribute: not narrowed by the None test above
        if cls.last_year is None:
            return f"from {label(cls.first_year)}"
        return f"{label(cls.first_year)} to {label(cls.last_year)}"

    def applies(self, tables: Ssda903Tables, kind: str) -> np.ndarray | None:
        """Which rows of a table are in the rule's years (None: every row)."""
        if self.first_year is None and self.last_year is None:
            return None
        years = tables.years(kind)
        inside = np.ones(len(years), dtype=bool)
        if self.first_year is not None:
            inside &= years >= self.first_year
        if self.last_year is not None:
            inside &= years <= self.last_year
        return inside

    def check(self, tables: Ssda903Tables) -> Iterator[Breach]:
        """Yield every breach of this rule in the tables."""
        raise NotImplementedError


class MaskRule(Rule):
    """A rule that flags rows of one table, pointing at one column, with one message."""

    table: ClassVar[str] = EPISODES
    column: ClassVar[str]
    message: ClassVar[str]

    def flag(self, t: Ssda903Tables) -> pd.Series | np.ndarray:
        """True for each row of ``table`` that breaks the rule."""
        raise NotImplementedError

    def check(self, tables: Ssda903Tables) -> Iterator[Breach]:
        if not len(tables.table(self.table)):
            return
        yield Breach(self.table, as_mask(self.flag(tables)), self.column, self.message)


def as_mask(values: pd.Series | np.ndarray) -> np.ndarray:
    """A boolean NumPy mask from a comparison that may contain NA (NA counts as "no breach")."""
    if isinstance(values, pd.Series):
        return values.fillna(False).to_numpy(dtype=bool)
    return np.asarray(values, dtype=bool)


def add_years(dates: pd.Series, years: int) -> pd.Series:
    """Each date plus a number of whole years (29 February becomes 28 February in other years)."""
    return dates + pd.DateOffset(years=years)


def fmt_date(value: pd.Timestamp) -> str:
    return value.strftime("%d/%m/%Y")


def run_rules(
    tables: Ssda903Tables, rules: Sequence[Rule] | None = None
) -> tuple[list[ImportIssue], list[ImportIssue]]:
    """Check the tables against every rule; return (errors, warnings), each in rule order.

    Only rows in a rule's collection years are reported. Each issue carries the rule's name, severity and
    DfE code.
    """
    if rules is None:
        from . import ALL_RULES

        rules = ALL_RULES
    errors: list[ImportIssue] = []
    warnings: list[ImportIssue] = []
    for rule in rules:
        target = errors if rule.severity == ERROR else warnings
        for breach in rule.check(tables):
            mask = breach.mask
            inside = rule.applies(tables, breach.table)
            message = breach.message
            if inside is not None and not inside.all():
                if not isinstance(message, str):
                    message = [m for m, keep in zip(message, inside[mask], strict=True) if keep]
                mask = mask & inside
            target.extend(
                _issues(tables.table(breach.table), Breach(breach.table, mask, breach.column, message), rule)
            )
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
    name, severity, code = rule.name(), rule.severity, rule.code
    return [
        ImportIssue(f, int(r), breach.column, v, m, name, severity, code)
        for f, r, v, m in zip(files, rows, values, messages, strict=True)
    ]
