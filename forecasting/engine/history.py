"""From SSDA903 episodes to each child's spells in a placement category.

The forecast works on *spells*: an unbroken stretch of a child's care in one planning category. This
module turns the episodes DataFrame into spells and answers the register's questions the forecast needs
(who was in care on a date, in which category, at what age) with exactly DfE's counting rules:

* Episodes with legal status V3 or V4 (short-break series) are dropped before anything else.
* A child is in care on day D when an episode has DECOM <= D < DEC (DEC blank = still open).
* A *period of care* is a run of episodes in which each starts the day the previous ended and the
  previous ended with REC ``X1`` (or no REC). A gap, or any other REC, ends the period: the child left
  care, and a later episode is a new entry. Overlapping episodes (a data error) are cut at the next
  episode's start.
* **Temporary placements (T0-T4)** are not placements in their own right (docs/domain.md section 2). A
  temporary episode is folded into the child's surrounding placement: it takes the category of the
  previous episode in the same period of care, or, if the period starts with it, the next one; a period
  made only of temporary episodes counts as "other". So a child in foster care who goes to hospital for
  a week stays in foster care for the model, and a short temporary stay does not create two moves.
* Consecutive episodes in the same period and category (a change of legal status, or a new carer of
  the same kind) are one spell: a *move* in the model is a change of planning category.
* Every child leaves care on their 18th birthday. Time in care from the 18th birthday on is ignored.

Dates are held as integer day numbers (days since 1970-01-01) in numpy arrays for speed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from placements.categories import OTHER, SHORT_BREAK_LS, STILL_IN_CARE_REC, TEMPORARY

from .types import MODEL_CATEGORIES

#: Sentinel end day for a spell still open (in care on every later date).
OPEN = np.int64(10**9)
#: Ages (years) at which a child moves to the next DfE age band; the last is leaving care at 18.
BAND_EDGES_YEARS: tuple[int, ...] = (1, 5, 10, 16, 18)
#: ``next_category`` value of a spell that ends when the child leaves care.
EXIT = -1
#: ``next_category`` value of a spell still open (censored) on the data date.
CENSORED = -2

REQUIRED_COLUMNS: tuple[str, ...] = ("child", "dob", "decom", "dec", "category", "ls", "rec")

_CATEGORY_INDEX = {c: i for i, c in enumerate(MODEL_CATEGORIES)}


def day_number(value: dt.date | pd.Timestamp) -> int:
    """Days since 1970-01-01 of a date."""
    return int((pd.Timestamp(value).normalize() - pd.Timestamp("1970-01-01")).days)


def day_date(day: int) -> dt.date:
    """The date of a day number."""
    return (pd.Timestamp("1970-01-01") + pd.Timedelta(days=int(day))).date()


def add_years(days: np.ndarray, years: int | np.ndarray) -> np.ndarray:
    """The same calendar day ``years`` later; 29 February moves to 1 March (as ``age_on`` counts)."""
    d = np.asarray(days).astype("datetime64[D]")
    month_start = d.astype("datetime64[M]")
    day_of_month = (d - month_start).astype(np.int64)
    months = (12 * np.asarray(years, dtype=np.int64)).astype("timedelta64[M]")
    target = (month_start + months).astype("datetime64[D]") + day_of_month
    return target.astype(np.int64)


def age_years_on(dob: np.ndarray, on: np.ndarray | int) -> np.ndarray:
    """Completed years of age on day ``on`` for children born on day ``dob`` (vectorised ``age_on``)."""
    dob = np.asarray(dob, dtype=np.int64)
    on = np.broadcast_to(np.asarray(on, dtype=np.int64), dob.shape)
    years = on.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) - dob.astype(
        "datetime64[D]"
    ).astype("datetime64[Y]").astype(np.int64)
    return years - (on < add_years(dob, years)).astype(np.int64)


@dataclass
class History:
    """A register's spells, one row per child's unbroken stretch in one category.

    Child-level arrays (index = child number): ``dob`` and ``edges`` (day of the 1st, 5th, 10th, 16th and
    18th birthdays, shape (n_children, 5)). Spell-level arrays: ``child``, ``start``, ``end`` (``OPEN``
    if still open), ``category`` (index into ``MODEL_CATEGORIES``), ``first`` (the spell starts a period
    of care, i.e. an entry), ``next_category`` (category index of the next spell, ``EXIT`` if the child
    left care at its end, ``CENSORED`` if still open). ``first_day`` is the earliest episode start;
    ``complete_day`` the first day from which the register is taken to be complete: the earliest day an
    episode ended (an extract of the episodes open on or after X holds every episode ending from X on, but
    before X only the children still in care at X, so entries and counts before X are too low).
    """

    dob: np.ndarray
    edges: np.ndarray
    child: np.ndarray
    start: np.ndarray
    end: np.ndarray
    category: np.ndarray
    first: np.ndarray
    next_category: np.ndarray
    first_day: int
    complete_day: int = -1
    period_start: np.ndarray | None = None

    def __post_init__(self) -> None:
        if self.complete_day < self.first_day:
            self.complete_day = self.first_day
        if self.period_start is None:
            self.period_start = period_starts(self.start, self.first)

    @property
    def n_children(self) -> int:
        return int(self.dob.shape[0])

    def truncate(self, day: int) -> History:
        """The register as it stood at the end of ``day``: later starts unknown, later ends still open."""
        keep = self.start <= day
        end = self.end[keep].copy()
        nxt = self.next_category[keep].copy()
        later = end > day
        end[later] = OPEN
        nxt[later] = CENSORED
        return History(
            dob=self.dob,
            edges=self.edges,
            child=self.child[keep],
            start=self.start[keep],
            end=end,
            category=self.category[keep],
            first=self.first[keep],
            next_category=nxt,
            first_day=self.first_day,
            complete_day=self.complete_day,
            period_start=None if self.period_start is None else self.period_start[keep],
        )

    def in_care_on(self, day: int) -> np.ndarray:
        """Indexes of the spells in which a child under 18 is in care on ``day``."""
        edges18 = self.edges[self.child, -1]
        return np.flatnonzero((self.start <= day) & (day < self.end) & (day < edges18))

    def counts_on(self, days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Children in care on each day by category and by age band.

        Returns ``(by_category, by_band)`` of shapes (n_days, n_categories) and (n_days, 5). Counting
        follows DfE: DECOM <= D < DEC, short breaks excluded, under-18s only.
        """
        days = np.asarray(days, dtype=np.int64)
        n_cat = len(MODEL_CATEGORIES)
        by_cat = np.zeros((days.size, n_cat), dtype=np.int64)
        by_band = np.zeros((days.size, len(BAND_EDGES_YEARS)), dtype=np.int64)
        edges = self.edges[self.child]
        for i, day in enumerate(days):
            live = (self.start <= day) & (day < self.end) & (day < edges[:, -1])
            by_cat[i] = np.bincount(self.category[live], minlength=n_cat)
            bands = (edges[live, :4] <= day).sum(axis=1)
            by_band[i] = np.bincount(bands, minlength=len(BAND_EDGES_YEARS))
        return by_cat, by_band


def period_starts(start: np.ndarray, first: np.ndarray) -> np.ndarray:
    """The day each spell's period of care began: the start of the latest ``first`` spell up to it.

    Spells must be ordered by child and start (as :func:`build_history` orders them), each child's first
    spell being ``first``. A child already in care when the register begins gets the start of their
    earliest episode seen, so their time in care is a lower bound.
    """
    if start.size == 0:
        return start.copy()
    index = np.maximum(np.cumsum(first) - 1, 0)
    return start[first][index] if first.any() else start.copy()


def _validate(episodes: pd.DataFrame) -> None:
    missing = [c for c in REQUIRED_COLUMNS if c not in episodes.columns]
    if missing:
        raise ValueError(f"episodes is missing columns: {', '.join(missing)}")
    unknown = set(episodes["category"].dropna().unique()) - set(MODEL_CATEGORIES) - {TEMPORARY}
    if unknown:
        raise ValueError(f"Unknown planning categories in episodes: {sorted(map(str, unknown))}")


def _to_days(series: pd.Series) -> np.ndarray:
    """Day numbers of a datetime column (NaT becomes -1)."""
    values = pd.to_datetime(series).to_numpy(dtype="datetime64[D]")
    out = values.astype(np.int64)
    out[np.isnat(values)] = -1
    return out


def build_history(episodes: pd.DataFrame) -> History:
    """Turn canonical SSDA903 episodes (plus ``category`` and ``dob``) into a :class:`History`.

    See the module docstring for the rules (short breaks, periods of care, temporary placements).
    """
    _validate(episodes)
    ep = episodes.loc[~episodes["ls"].isin(SHORT_BREAK_LS), list(REQUIRED_COLUMNS)]
    ep = ep[ep["decom"].notna() & ep["dob"].notna()]
    if ep.empty:
        raise ValueError("No episodes left after excluding short breaks and rows without dates")

    child_codes, child_index = np.unique(ep["child"].astype(str).to_numpy(), return_inverse=True)
    decom = _to_days(ep["decom"])
    dec = _to_days(ep["dec"])
    dec = np.where(dec < 0, OPEN, dec)
    rec = ep["rec"].fillna("").astype(str).str.strip().str.upper().to_numpy()
    cat_names = ep["category"].fillna(OTHER).to_numpy()
    dob_all = _to_days(ep["dob"])

    order = np.lexsort((dec, decom, child_index))
    child_index, decom, dec, rec, cat_names, dob_all = (
        a[order] for a in (child_index, decom, dec, rec, cat_names, dob_all)
    )
    same_child = np.r_[False, child_index[1:] == child_index[:-1]]
    # Overlaps (data errors) are cut at the next episode's start.
    next_start = np.r_[decom[1:], OPEN]
    next_same = np.r_[same_child[1:], False]
    dec = np.where(next_same & (dec > next_start), next_start, dec)
    keep = dec > decom  # zero-length episodes hold no day in care
    child_index, decom, dec, rec, cat_names, dob_all = (
        a[keep] for a in (child_index, decom, dec, rec, cat_names, dob_all)
    )
    same_child = np.r_[False, child_index[1:] == child_index[:-1]]

    prev_end = np.r_[-1, dec[:-1]]
    prev_rec = np.concatenate([np.array([""], dtype=object), rec[:-1]])
    continues = same_child & (decom == prev_end) & np.isin(prev_rec, ["", STILL_IN_CARE_REC, "NAN", "NONE"])
    period = np.cumsum(~continues)

    # Fold temporary episodes into the surrounding placement of the same period.
    cat_series = pd.Series(np.where(cat_names == TEMPORARY, None, cat_names), dtype=object)
    by_period = cat_series.groupby(period)
    folded = by_period.ffill()
    folded = folded.fillna(pd.Series(folded).groupby(period).bfill()).fillna(OTHER)
    category = folded.map(_CATEGORY_INDEX).to_numpy(dtype=np.int64)

    new_spell = ~continues | np.r_[True, category[1:] != category[:-1]]
    starts = np.flatnonzero(new_spell)
    ends_at = np.r_[starts[1:], len(decom)] - 1

    s_child = child_index[starts]
    s_start = decom[starts]
    s_end = dec[ends_at]
    s_cat = category[starts]
    s_first = ~continues[starts]
    s_period = period[starts]
    next_in_period = np.r_[s_period[1:] == s_period[:-1], False]
    s_next = np.where(s_end >= OPEN, CENSORED, np.where(next_in_period, np.r_[s_cat[1:], 0], EXIT)).astype(
        np.int64
    )

    n_children = len(child_codes)
    dob = np.zeros(n_children, dtype=np.int64)
    dob[child_index] = dob_all  # last episode's DOB wins if a child's DOB differs between rows
    edges = np.stack([add_years(dob, y) for y in BAND_EDGES_YEARS], axis=1)
    return History(
        dob=dob,
        edges=edges,
        child=s_child.astype(np.int64),
        start=s_start,
        end=s_end,
        category=s_cat,
        first=s_first,
        next_category=s_next,
        first_day=int(decom.min()),
        complete_day=int(dec[dec < OPEN].min()) if (dec < OPEN).any() else int(decom.min()),
    )
