"""Synthetic registers for the forecasting engine's tests and benchmark (no real child anywhere).

``MarkovProcess`` is a known daily Markov process of children entering care, moving between placement
categories and leaving, with rates by DfE age band; ``simulate_register`` runs it and writes the SSDA903
episodes it produces, and ``expected_counts`` computes the process's exact expected number of children in
care on future days, given who is in care on the as-at date. The accuracy tests compare the engine with
these exact expectations.

The fixtures live in conftest.py; the benchmark imports this module too.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from forecasting.engine.history import add_years, day_number

YEAR = 365.25
BAND_EDGES = (1, 5, 10, 16, 18)
BAND_OF_AGE = np.array([0, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 4, 4])

PROCESS_CATEGORIES = (
    "fostering_inhouse",
    "fostering_external",
    "fostering_kinship",
    "residential_external",
    "supported",
    "with_parents",
    "adoption",
)


@dataclass
class MarkovProcess:
    """A known process. ``entry`` (18, K): children entering per day by age year and first category.
    ``daily`` (5 bands, K, K+1): daily probabilities of moving to each category and (last) leaving.
    ``exit_by_months``: if given, (edges, factors): the daily probability of leaving care is multiplied
    by ``factors[i]`` while the child has been in care (since the period of care began) for at least
    ``edges[i]`` months and less than ``edges[i + 1]`` (``edges[0]`` is 0; the last factor has no end):
    exits that depend on time in care, so the process is no longer Markov in (age, category).
    ``move_by_months``: the same for the daily probabilities of moving, by the months since the placement
    began (the entry or the last move): moves that depend on time in the placement, a clock a move resets."""

    categories: tuple[str, ...]
    entry: np.ndarray
    daily: np.ndarray
    exit_by_months: tuple[tuple[float, ...], tuple[float, ...]] | None = None
    move_by_months: tuple[tuple[float, ...], tuple[float, ...]] | None = None

    def exit_factor(self, days_in_care: np.ndarray) -> np.ndarray:
        """The multiplier of the exit probability after ``days_in_care`` days in care."""
        return _step_factor(self.exit_by_months, days_in_care)

    def move_factor(self, days_in_placement: np.ndarray) -> np.ndarray:
        """The multiplier of the move probabilities after ``days_in_placement`` days in the placement."""
        return _step_factor(self.move_by_months, days_in_placement)


def _step_factor(steps: tuple[tuple[float, ...], tuple[float, ...]] | None, days: np.ndarray) -> np.ndarray:
    """The factor of the step function (month edges, factors) after ``days`` days (1 without steps)."""
    if steps is None:
        return np.ones(np.shape(days))
    edges, factors = steps
    bucket = np.searchsorted(np.asarray(edges) * YEAR / 12, days, side="right") - 1
    return np.asarray(factors)[np.clip(bucket, 0, len(factors) - 1)]


def standard_process(entries_per_year: float = 330.0) -> MarkovProcess:
    """A plausible authority: ~330 entries a year and ~850 children in care in steady state."""
    cats = PROCESS_CATEGORIES
    k = len(cats)
    ix = {c: i for i, c in enumerate(cats)}
    age_share = np.array([0.16, 0.05, 0.05, 0.05, 0.05, 0.04, 0.04, 0.04, 0.04, 0.04,
                          0.05, 0.05, 0.06, 0.06, 0.07, 0.07, 0.04, 0.04])  # fmt: skip
    age_share = age_share / age_share.sum()
    mix_by_band = {
        0: {"fostering_inhouse": 0.45, "fostering_external": 0.25, "fostering_kinship": 0.2, "with_parents": 0.1},
        1: {"fostering_inhouse": 0.4, "fostering_external": 0.3, "fostering_kinship": 0.2, "with_parents": 0.1},
        2: {"fostering_inhouse": 0.35, "fostering_external": 0.35, "fostering_kinship": 0.2, "with_parents": 0.1},
        3: {"fostering_inhouse": 0.3, "fostering_external": 0.4, "fostering_kinship": 0.1,
            "residential_external": 0.15, "with_parents": 0.05},
        4: {"fostering_inhouse": 0.15, "fostering_external": 0.25, "residential_external": 0.15, "supported": 0.45},
    }  # fmt: skip
    entry = np.zeros((18, k))
    for a in range(18):
        for cat, share in mix_by_band[int(BAND_OF_AGE[a])].items():
            entry[a, ix[cat]] = entries_per_year / YEAR * age_share[a] * share
    annual = np.zeros((5, k, k + 1))
    exit_rate = {"fostering_inhouse": 0.3, "fostering_external": 0.25, "fostering_kinship": 0.35,
                 "residential_external": 0.3, "supported": 0.4, "with_parents": 0.6, "adoption": 1.5}  # fmt: skip
    for b in range(5):
        young = 1.6 if b <= 1 else 1.0
        for cat, r in exit_rate.items():
            annual[b, ix[cat], k] = r * young
        annual[b, ix["fostering_external"], ix["fostering_inhouse"]] = 0.05
        annual[b, ix["fostering_inhouse"], ix["fostering_external"]] = 0.08
        annual[b, ix["fostering_kinship"], ix["fostering_external"]] = 0.04
        annual[b, ix["with_parents"], ix["fostering_external"]] = 0.15
        annual[b, ix["residential_external"], ix["fostering_external"]] = 0.08
        if b <= 1:
            annual[b, ix["fostering_inhouse"], ix["adoption"]] = 0.35
            annual[b, ix["fostering_external"], ix["adoption"]] = 0.25
        if b >= 3:
            annual[b, ix["fostering_external"], ix["residential_external"]] = 0.07 if b == 3 else 0.05
            annual[b, ix["fostering_inhouse"], ix["residential_external"]] = 0.05 if b == 3 else 0.03
        if b == 4:
            annual[b, ix["fostering_external"], ix["supported"]] = 0.25
            annual[b, ix["fostering_inhouse"], ix["supported"]] = 0.2
            annual[b, ix["residential_external"], ix["supported"]] = 0.4
    return MarkovProcess(categories=cats, entry=entry, daily=annual / YEAR)


def _band(edges: np.ndarray, day: int) -> np.ndarray:
    return (edges[:, :4] <= day).sum(axis=1)


def _destinations(
    process: MarkovProcess, cum: np.ndarray, band: np.ndarray, cat: np.ndarray, in_care: np.ndarray,
    u: np.ndarray, in_placement: np.ndarray,
) -> np.ndarray:  # fmt: skip
    """Each child's next-day destination (category index, k = leaves care, k + 1 = stays)."""
    k = len(process.categories)
    if process.exit_by_months is None and process.move_by_months is None:
        return (cum[band, cat] <= u[:, None]).sum(axis=1)
    probs = process.daily[band, cat].copy()
    probs[:, k] *= process.exit_factor(in_care)
    probs[:, :k] *= process.move_factor(in_placement)[:, None]
    return (np.cumsum(probs, axis=1) <= u[:, None]).sum(axis=1)


def simulate_register(
    process: MarkovProcess,
    *,
    start: dt.date,
    end: dt.date,
    seed: int,
    ls: str = "C2",
    entry_growth: float = 0.0,
    growth_from: dt.date | None = None,
    switch: tuple[dt.date, MarkovProcess] | None = None,
) -> pd.DataFrame:
    """Run the daily process from an empty register on ``start`` to ``end`` and return its episodes.

    On each day new children enter (Poisson numbers, age uniform within their year of age), then every
    child in care that day moves or leaves the next day with the process's daily probabilities; a child
    leaves on their 18th birthday. Moves are X1/P episode changes; exits are E13. Episodes open at
    ``end`` have no DEC.

    ``entry_growth``: from ``growth_from`` (default ``start``) the entry rates change by the factor
    exp(entry_growth) a year. ``switch``: (date, process) from which the other process's entry mix and
    daily probabilities apply (a step change), scaled by the same growth.
    """
    growth_day = day_number(growth_from or start)
    switch_day = day_number(switch[0]) if switch else None
    rng = np.random.default_rng(seed)
    k = len(process.categories)
    d0, d1 = day_number(start), day_number(end)
    cum = np.cumsum(process.daily, axis=2)
    n_cells = process.entry.size
    lam = process.entry.ravel()
    # Child arrays (all children ever), current state arrays for those in care.
    dobs: list[np.ndarray] = []
    rows: list[tuple[np.ndarray, ...]] = []
    next_id = 0
    live_id = np.zeros(0, np.int64)
    live_cat = np.zeros(0, np.int64)
    live_start = np.zeros(0, np.int64)
    live_entered = np.zeros(0, np.int64)
    live_rne = np.zeros(0, dtype="<U1")
    live_edges = np.zeros((0, 5), np.int64)
    current = process
    for day in range(d0, d1):
        if switch is not None and day == switch_day:
            current = switch[1]
            cum = np.cumsum(current.daily, axis=2)
            lam = current.entry.ravel()
        growth = np.exp(entry_growth * max(day - growth_day, 0) / YEAR) if entry_growth else 1.0
        counts = rng.poisson(lam * growth)
        if counts.any():
            cells = np.repeat(np.arange(n_cells), counts)
            age = cells // k
            cat = cells % k
            n = cells.size
            age_days = np.floor((age + rng.random(n)) * YEAR).astype(np.int64)
            dob = day - age_days
            edges = np.stack([add_years(dob, y) for y in BAND_EDGES], axis=1)
            ok = edges[:, -1] > day  # rounding can make a 17-year-old 18 already
            dob, cat, edges = dob[ok], cat[ok], edges[ok]
            ids = np.arange(next_id, next_id + dob.size)
            next_id += dob.size
            dobs.append(dob)
            live_id = np.r_[live_id, ids]
            live_cat = np.r_[live_cat, cat]
            live_start = np.r_[live_start, np.full(ids.size, day)]
            live_entered = np.r_[live_entered, np.full(ids.size, day)]
            live_rne = np.r_[live_rne, np.full(ids.size, "S")]
            live_edges = np.r_[live_edges, edges]
        if live_id.size == 0:
            continue
        band = _band(live_edges, day)
        u = rng.random(live_id.size)
        dest = _destinations(current, cum, band, live_cat, day - live_entered, u, day - live_start)
        aged_out = live_edges[:, -1] == day + 1
        exited = dest == k
        moved = (dest < k) & ~aged_out
        ends = np.flatnonzero(moved | exited | aged_out)
        if ends.size:
            rec = np.where(moved[ends], "X1", np.where(exited[ends], "E13", "E17"))
            rows.append((live_id[ends], live_start[ends], np.full(ends.size, day + 1), live_cat[ends],
                         live_rne[ends], rec))  # fmt: skip
        mv = np.flatnonzero(moved)
        live_cat[mv] = dest[mv]
        live_start[mv] = day + 1
        live_rne[mv] = "P"
        stay = ~(exited | aged_out)
        live_id, live_cat, live_start, live_entered, live_rne, live_edges = (
            a[stay] for a in (live_id, live_cat, live_start, live_entered, live_rne, live_edges)
        )
    if live_id.size:
        rows.append(
            (live_id, live_start, np.full(live_id.size, -1), live_cat, live_rne, np.full(live_id.size, ""))
        )
    child, decom, dec, cat, rne, rec = (np.concatenate(x) for x in zip(*rows, strict=True))
    dob_all = np.concatenate(dobs)
    frame = pd.DataFrame(
        {
            "child": np.char.add("C", child.astype(str)),
            "dob": pd.to_datetime(dob_all[child].astype("datetime64[D]")),
            "decom": pd.to_datetime(decom.astype("datetime64[D]")),
            "dec": pd.to_datetime(np.where(dec < 0, np.datetime64("NaT"), dec.astype("datetime64[D]"))),
            "category": np.array(process.categories, dtype=object)[cat],
            "ls": ls,
            "rne": rne,
            "rec": np.where(rec == "", None, rec),
        }
    )
    return frame.sort_values(["child", "decom"], ignore_index=True)


def expected_counts(
    process: MarkovProcess, episodes: pd.DataFrame, *, as_at: dt.date, days: list[int]
) -> dict[int, np.ndarray]:
    """Exact expected children in care by category on each future day (day numbers), given the register.

    Propagates the expected number in care by (age in days, category) day by day with the process's
    daily transition matrices, adding the expected entrants, starting from the children in care on
    ``as_at`` with their exact ages.
    """
    k = len(process.categories)
    a0 = day_number(as_at)
    max_age = int(18 * YEAR) + 2
    ep = episodes
    dec = ep["dec"].fillna(pd.Timestamp("2200-01-01"))
    live = ep[(ep["decom"] <= pd.Timestamp(as_at)) & (dec > pd.Timestamp(as_at))]
    dob = live["dob"].to_numpy(dtype="datetime64[D]").astype(np.int64)
    age = a0 - dob
    cat = live["category"].map({c: i for i, c in enumerate(process.categories)}).to_numpy()
    v = np.zeros((max_age, k))
    np.add.at(v, (age, cat), 1.0)
    # The band at age-in-days (birthdays approximated to the day).
    age_days = np.arange(max_age)
    band = np.searchsorted(np.array([round(y * YEAR) for y in BAND_EDGES[:4]]), age_days, side="right")
    leave = round(18 * YEAR)
    mats = []
    for b in range(5):
        m = np.zeros((k, k))
        m[:, :] = process.daily[b, :, :k]
        m[np.arange(k), np.arange(k)] = 1.0 - process.daily[b].sum(axis=1)
        mats.append(m)
    entry_by_age = np.zeros((max_age, k))
    for a in range(18):
        lo, hi = int(np.floor(a * YEAR)), int(np.floor((a + 1) * YEAR))
        entry_by_age[lo:hi] += process.entry[a] / (hi - lo)
    out: dict[int, np.ndarray] = {}
    targets = set(days)
    last = max(days)
    for day in range(a0, last):
        nxt = np.zeros_like(v)
        for b in range(5):
            sel = band[:-1] == b
            nxt[1:][sel] = v[:-1][sel] @ mats[b]
        nxt[leave:] = 0.0
        nxt += entry_by_age
        v = nxt
        if day + 1 in targets:
            out[day + 1] = v[:leave].sum(axis=0)
    return out


def continue_register(
    process: MarkovProcess,
    register: pd.DataFrame,
    *,
    as_at: dt.date,
    days: list[int],
    n: int,
    seed: int,
    entry_growth: float = 0.0,
    growth_from: dt.date | None = None,
) -> np.ndarray:
    """``n`` independent continuations of the process from the children in care on ``as_at``.

    ``register`` must be the process's full register (every child from their entry, so the period of
    care's start is known). Returns the children in care by category on each of ``days`` (day numbers
    after ``as_at``) in each continuation: shape (n, len(days), K). Entries keep growing as in
    :func:`simulate_register`. The mean over continuations is the true expected future of the process
    given its history; their spread is the true spread a forecast's bands should match.
    """
    rng = np.random.default_rng(seed)
    k = len(process.categories)
    ix = {c: i for i, c in enumerate(process.categories)}
    a0 = day_number(as_at)
    dec = register["dec"].fillna(pd.Timestamp("2200-01-01"))
    entered = register.groupby("child")["decom"].transform("min")
    live = (register["decom"] <= pd.Timestamp(as_at)) & (dec > pd.Timestamp(as_at))
    rows = register[live]
    dob = rows["dob"].to_numpy(dtype="datetime64[D]").astype(np.int64)
    m = dob.size
    path = np.repeat(np.arange(n), m)
    cat = np.tile(rows["category"].map(ix).to_numpy(dtype=np.int64), n)
    edges = np.tile(np.stack([add_years(dob, y) for y in BAND_EDGES], axis=1), (n, 1))
    start = np.tile(entered[live].to_numpy(dtype="datetime64[D]").astype(np.int64), n)
    placed = np.tile(rows["decom"].to_numpy(dtype="datetime64[D]").astype(np.int64), n)
    cum = np.cumsum(process.daily, axis=2)
    lam = process.entry.ravel()
    growth_day = day_number(growth_from) if growth_from else a0
    targets = {d: i for i, d in enumerate(days)}
    out = np.zeros((n, len(days), k))
    for day in range(a0, max(days)):
        band = _band(edges, day)
        dest = _destinations(process, cum, band, cat, day - start, rng.random(cat.size), day - placed)
        aged_out = edges[:, -1] == day + 1
        moved = dest < k
        cat = np.where(moved, dest, cat)
        placed = np.where(moved, day + 1, placed)
        stay = ~((dest == k) | aged_out)
        path, cat, edges, start, placed = path[stay], cat[stay], edges[stay], start[stay], placed[stay]
        growth = np.exp(entry_growth * max(day + 1 - growth_day, 0) / YEAR) if entry_growth else 1.0
        counts = rng.poisson(lam * growth, size=(n, lam.size))
        if counts.any():
            cells = np.repeat(np.tile(np.arange(lam.size), n), counts.ravel())
            new_path = np.repeat(np.repeat(np.arange(n), lam.size), counts.ravel())
            age = cells // k
            new_dob = day + 1 - np.floor((age + rng.random(cells.size)) * YEAR).astype(np.int64)
            new_edges = np.stack([add_years(new_dob, y) for y in BAND_EDGES], axis=1)
            ok = new_edges[:, -1] > day + 1
            path = np.r_[path, new_path[ok]]
            cat = np.r_[cat, (cells % k)[ok]]
            edges = np.r_[edges, new_edges[ok]]
            start = np.r_[start, np.full(int(ok.sum()), day + 1)]
            placed = np.r_[placed, np.full(int(ok.sum()), day + 1)]
        if day + 1 in targets:
            np.add.at(out, (path, targets[day + 1], cat), 1.0)
    return out


def month_end_after(as_at: dt.date, months: int) -> dt.date:
    """The month end ``months`` months after a month-end ``as_at``."""
    return (pd.Timestamp(as_at) + pd.offsets.MonthEnd(months)).date()


def hand_built(
    rows: list[tuple[str, str, str, str | None, str, str | None]], dobs: dict[str, str]
) -> pd.DataFrame:
    """Episodes from (child, decom, dec or None, ... ) rows for hand-built histories."""
    data = []
    for child, decom, dec, rec, category, ls in rows:
        data.append(
            {
                "child": child,
                "dob": pd.Timestamp(dobs[child]),
                "decom": pd.Timestamp(decom),
                "dec": pd.Timestamp(dec) if dec else pd.NaT,
                "category": category,
                "ls": ls or "C2",
                "rne": "S",
                "rec": rec,
            }
        )
    return pd.DataFrame(data)


def extract(register: pd.DataFrame, *, first_day: dt.date) -> pd.DataFrame:
    """What a council's extract from ``first_day`` holds: the episodes open on or after that day."""
    keep = register["dec"].isna() | (register["dec"] > pd.Timestamp(first_day))
    return register[keep].reset_index(drop=True)
