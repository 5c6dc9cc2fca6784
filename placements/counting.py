"""Counting rules for children in care: the definitions every number in the product rests on.

Pure pandas/numpy (no Django imports). Inputs are the canonical parsed SSDA903 frames (docs/ssda903-files.md, "The canonical tables"):

* ``episodes``: child, decom, dec (NaT while open), rne, ls, rec, place, place_provider and ``category``
  (filled in from :func:`placements.categories.planning_category` if absent or blank), optionally
  ``distance_miles`` (float, NaN when unknown) and ``placement_la_inside`` (bool or NA).
* ``children``: child, dob (optionally sex, ethnic, uasc).

The rules (docs/domain.md section 3) and the choices made where the data is imperfect:

**Short breaks.** Episodes with legal status V3 or V4 (an agreed series of short breaks) are dropped
before anything is counted, so they never count as in care, as a period of care or as a placement.
Episodes with no DECOM cannot be placed in time and are ignored too.

**In care on a date D.** An episode is current on D when ``DECOM <= D`` and (``DEC`` is blank or
``DEC > D``). An episode ending *on* D therefore does not make the child in care on D, but an X1
follow-on episode starting on D does. If the data holds two current episodes for one child (an overlap
the DfE validator would reject) the one with the latest DECOM is used, so a child is counted once.

**Age.** Age is in completed years (:func:`placements.categories.age_on`; a child born on 29 February is a
year older on 1 March). Children whose 18th birthday is on or before D are never counted as in care on D,
even if an episode is still open: DfE counts under-18s, and an open episode past 18 is a recording lag.
A child with no known date of birth is still counted in totals but in no age band.

**Periods of care.** Episodes of a child, in DECOM order, are chained into periods. A new period begins
at the child's first episode, at any episode with RNE ``S``, and after any episode whose REC is not ``X1``
(a leaving reason, or blank). A period is *started* only when its first episode has RNE ``S``: a chain
that begins with another RNE (data that starts part-way through a period, such as the first year of an
extract) counts for "in care" but never as a start. A period *ceased* when its last episode has a DEC and
a REC other than X1; its ``end`` is that DEC. A period whose last episode is still open has no end. A
period whose last episode ended X1 with nothing following (the next episode is missing) is treated as
open (no end, not ceased), unless a later period of the same child follows, in which case it ends at its
last DEC without being counted as ceased. Gaps between X1 episodes are not repaired.

**Placements.** A new placement begins at an episode with RNE S, P, T, B or U, or at the first episode of
a period. An ``L`` episode (change of legal status only) continues the same placement: it is never a move.
Temporary placements (T0-T4) are placements like any other here (docs/domain.md counts every P/T/B/U episode).

**Locality.** Over 20 miles means a known distance strictly greater than 20.0 miles; ``placement_la_inside``
feeds the outside-the-boundary count of :func:`locality_on` (the snapshot's keys are fixed).

**The 12 months to D** are the days from ``D - 1 year + 1 day`` to D inclusive (the year to 31 March 2024
is 1 April 2023 to 31 March 2024). Periods started/ceased and placements are counted in that window.
"""

from __future__ import annotations

import datetime as dt
import weakref
from typing import Any

import numpy as np
import pandas as pd

from placements.categories import (
    ADOPTION,
    AGE_BANDS,
    CARE_LEAVING_AGE,
    NEW_PLACEMENT_RNE,
    PLANNING_CATEGORIES,
    SHORT_BREAK_LS,
    STILL_IN_CARE_REC,
    planning_category,
)
from sufficiency.core.periods import period_for

__all__ = [
    "OVER_DISTANCE_MILES",
    "cic_snapshot",
    "in_care_on",
    "locality_on",
    "long_term_stability",
    "long_term_stability_counts",
    "monthly_counts",
    "periods_of_care",
    "placements_in_window",
    "prepare_episodes",
    "stability_3_plus",
    "stability_3_plus_counts",
    "window_start",
]

#: The published distance threshold: a child is placed "more than 20 miles from home" when the distance
#: is strictly greater than this.
OVER_DISTANCE_MILES = 20.0
#: Long-term stability (DfE, formerly NI 63): under 16, looked after continuously for 2.5 years ...
LONG_TERM_MIN_CARE = pd.DateOffset(months=30)
#: ... and in the same placement for at least 2 years.
LONG_TERM_MIN_PLACEMENT = pd.DateOffset(years=2)
LONG_TERM_MAX_AGE = 16

_CODE_COLUMNS = ("rne", "ls", "rec")
_REQUIRED = ("child", "decom", "dec", "rne", "ls", "rec", "place", "place_provider")


# --- dates ------------------------------------------------------------------------------------------------
def _as_ts(on: dt.date | pd.Timestamp | str) -> pd.Timestamp:
    """A snapshot date as a midnight Timestamp."""
    ts = pd.Timestamp(on)
    if pd.isna(ts):
        raise ValueError("a snapshot date is required")
    return ts.normalize()


def window_start(on: dt.date | pd.Timestamp) -> pd.Timestamp:
    """First day of the 12 months ending on ``on`` (inclusive), as `period_for(on, "last_12_months")`
    defines them: 31 March 2024 gives 1 April 2023, 13 February 2026 gives 1 March 2025."""
    return pd.Timestamp(period_for(_as_ts(on).date(), "last_12_months").start)


def _ages(dob: pd.Series, on: pd.Timestamp) -> pd.Series:
    """Age in completed years on ``on`` for each date of birth (NaN where the DOB is unknown)."""
    dob = pd.to_datetime(dob)
    years = on.year - dob.dt.year
    before_birthday = (on.month * 100 + on.day) < (dob.dt.month * 100 + dob.dt.day)
    return years - before_birthday.astype(float)


def _age_bands(ages: pd.Series) -> pd.Series:
    """DfE age band per age (same boundaries as :func:`placements.categories.age_band`)."""
    a = ages.to_numpy(dtype=float)
    bands = np.select([a < 1, a < 5, a < 10, a < 16, a < CARE_LEAVING_AGE], list(AGE_BANDS), default="")
    return pd.Series(np.where(np.isnan(a), "", bands), index=ages.index)


def _dob_lookup(children: pd.DataFrame | None) -> pd.Series:
    """Date of birth by child reference (last row wins if a child is listed twice)."""
    if children is None or children.empty or "dob" not in children:
        return pd.Series(dtype="datetime64[ns]")
    kids = children.drop_duplicates("child", keep="last")
    return pd.Series(pd.to_datetime(kids["dob"]).to_numpy(), index=kids["child"].to_numpy())


def _normalise_codes(codes: pd.Series) -> pd.Series:
    """SSDA903 codes stripped and upper-cased, blanks as missing (mapped once per distinct value)."""
    values = codes.astype(object)
    mapping = {
        value: (value.strip().upper() or None) if isinstance(value, str) else None
        for value in pd.unique(values)
    }
    return values.map(mapping)


# --- preparing episodes -----------------------------------------------------------------------------------
#: The frames `prepare_episodes` returned and that are still alive, by id (DataFrames cannot be hashed or
#: weakly keyed), each with the tables derived from it so far. Passing one of them back returns it as it is
#: instead of preparing it again (preparing is idempotent), and the tables counted from it (the children in
#: care on a date, the placements, the periods of care) are computed once per frame: the KPI catalogue and
#: the dashboard rollups count one prepared register at many dates, several measures per date.
_PREPARED: dict[int, tuple[weakref.ref[pd.DataFrame], dict[Any, Any]]] = {}


def _remember_prepared(frame: pd.DataFrame) -> pd.DataFrame:
    key = id(frame)

    def forget(ref: weakref.ref[pd.DataFrame]) -> None:
        entry = _PREPARED.get(key)
        if entry is not None and entry[0] is ref:
            del _PREPARED[key]

    _PREPARED[key] = (weakref.ref(frame, forget), {})
    return frame


def _memo_of(episodes: pd.DataFrame) -> dict[Any, Any] | None:
    entry = _PREPARED.get(id(episodes))
    return entry[1] if entry is not None and entry[0]() is episodes else None


def is_prepared(episodes: pd.DataFrame) -> bool:
    """Whether ``episodes`` is a frame `prepare_episodes` returned (the very object, not a copy or a slice:
    a slice of a prepared frame is prepared again, since its periods may have lost episodes)."""
    return _memo_of(episodes) is not None


def _derived(eps: pd.DataFrame, key: Any, compute: Any, *, frame: pd.DataFrame | None = None) -> Any:
    """``compute()``, kept with the prepared frame ``eps`` under ``key`` and reused while ``eps`` lives.
    ``frame`` is another input the table depends on (the children): reused only for that very object.
    Callers treat the result as read-only (public functions hand out copies)."""
    memo = _memo_of(eps)
    if memo is None:
        return compute()
    held = memo.get(key)
    if held is not None and (frame is None or held[0]() is frame):
        return held[1]
    value = compute()
    if frame is None:
        memo[key] = (None, value)
    else:
        try:
            memo[key] = (weakref.ref(frame), value)
        except TypeError:  # pragma: no cover - DataFrames support weak references
            return value
    return value


def prepare_episodes(episodes: pd.DataFrame) -> pd.DataFrame:
    """Looked-after episodes ready for counting.

    Drops short-break (V3/V4) episodes and episodes with no start date, normalises the RNE/LS/REC codes,
    fills a missing planning category, sorts each child's episodes by DECOM (then DEC, open last), and
    adds the period and placement each episode belongs to: ``period_id``/``period_start`` and
    ``placement_id``/``placement_start``/``prev_placement_start`` (start of the placement before this one
    in the same period, NaT if none). Preparing a prepared frame again gives the same frame: the very
    frame this function returned is given back at once (so every counting function below can be handed
    a prepared frame at no cost). Treat a prepared frame as read-only; copy it before changing it.
    """
    if is_prepared(episodes):
        return episodes
    missing = [c for c in _REQUIRED if c not in episodes.columns]
    if missing:
        raise ValueError(f"episodes frame is missing columns: {', '.join(missing)}")
    eps = episodes.copy()
    for col in _CODE_COLUMNS:
        eps[col] = _normalise_codes(eps[col])
    eps = eps.loc[~eps["ls"].isin(SHORT_BREAK_LS)]
    eps = eps.assign(decom=pd.to_datetime(eps["decom"]), dec=pd.to_datetime(eps["dec"]))
    eps = eps.loc[eps["decom"].notna()]
    if "category" not in eps.columns:
        eps["category"] = np.nan
    unknown = ~eps["category"].isin(PLANNING_CATEGORIES)
    if unknown.any():
        eps["category"] = eps["category"].astype(object)
        eps.loc[unknown, "category"] = [
            planning_category(p if isinstance(p, str) else None, pp if isinstance(pp, str) else None)
            for p, pp in zip(eps.loc[unknown, "place"], eps.loc[unknown, "place_provider"], strict=True)
        ]
    eps = eps.sort_values(["child", "decom", "dec"], na_position="last", kind="stable").reset_index(drop=True)

    child = eps["child"].to_numpy()
    n = len(eps)
    first_of_child = np.ones(n, dtype=bool)
    if n:
        first_of_child[1:] = child[1:] != child[:-1]
    prev_rec = eps["rec"].shift()
    period_new = first_of_child | eps["rne"].eq("S").to_numpy() | prev_rec.ne(STILL_IN_CARE_REC).to_numpy()
    placement_new = period_new | eps["rne"].isin(NEW_PLACEMENT_RNE).to_numpy()
    eps["period_id"] = np.cumsum(period_new)
    eps["period_start"] = eps["decom"].where(period_new).ffill()
    eps["placement_id"] = np.cumsum(placement_new)
    eps["placement_start"] = eps["decom"].where(placement_new).ffill()
    # The placement before each placement, within the same period (for the adoption rule).
    starts = eps.loc[placement_new, ["period_id", "placement_id", "placement_start"]]
    same_period = starts["period_id"].eq(starts["period_id"].shift())
    prev = starts["placement_start"].shift().where(same_period)
    # Each placement's first row carries its previous placement's start; copy it to the placement's rows.
    eps["prev_placement_start"] = pd.Series(prev, index=eps.index, dtype=eps["decom"].dtype)
    eps["prev_placement_start"] = eps.groupby("placement_id")["prev_placement_start"].transform("first")
    return _remember_prepared(eps)


# --- in care on a date ------------------------------------------------------------------------------------
def _current(eps: pd.DataFrame, on: pd.Timestamp, children: pd.DataFrame | None) -> pd.DataFrame:
    """Current episode per child on ``on`` from prepared episodes; with ``children``, adds dob/age and
    drops children aged 18 or over (computed once per prepared frame, date and children frame; read-only)."""
    return _derived(
        eps, ("current", on, id(children)), lambda: _compute_current(eps, on, children), frame=children
    )


def _compute_current(eps: pd.DataFrame, on: pd.Timestamp, children: pd.DataFrame | None) -> pd.DataFrame:
    current = (eps["decom"] <= on) & (eps["dec"].isna() | (eps["dec"] > on))
    cur = eps.loc[current].drop_duplicates("child", keep="last")
    if children is not None:
        # A dict lookup, not Series.map: mapping onto an empty datetime Series fails in pandas 3.
        dobs = _dob_lookup(children).to_dict()
        cur = cur.assign(dob=pd.to_datetime(cur["child"].map(dobs), errors="coerce"))
        cur = cur.assign(age=_ages(cur["dob"], on))
        cur = cur.loc[~(cur["age"] >= CARE_LEAVING_AGE)]
    return cur.reset_index(drop=True)


def in_care_on(
    episodes: pd.DataFrame, on: dt.date | pd.Timestamp, *, children: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The episode current on ``on`` for each child looked after on that date (one row per child).

    Short breaks (V3/V4) are excluded. If two episodes are current for a child (a data overlap), the one
    with the latest DECOM is returned. Pass ``children`` to apply the age rule: children whose 18th
    birthday is on or before ``on`` are dropped, and ``dob`` and ``age`` columns are added.
    """
    return _current(prepare_episodes(episodes), _as_ts(on), children).copy()


# --- periods of care and placements -----------------------------------------------------------------------
def _spans(eps: pd.DataFrame, id_col: str) -> tuple[np.ndarray, np.ndarray]:
    """Row positions of the first and last episode of each run of ``id_col`` in prepared episodes."""
    ids = eps[id_col].to_numpy()
    if not len(ids):
        return np.array([], dtype=int), np.array([], dtype=int)
    first = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]])
    last = np.r_[first[1:] - 1, len(ids) - 1]
    return first, last


def periods_of_care(episodes: pd.DataFrame) -> pd.DataFrame:
    """Periods of care, one row each: child, period (1, 2, ... per child), start, end (NaT while open),
    started (first episode RNE S), ceased (ended with a leaving reason), first_rne, last_rec, episodes.

    See the module docstring for chains that do not begin with S and for X1 episodes with no follow-on.
    """
    return _periods(prepare_episodes(episodes)).copy()


def _periods(eps: pd.DataFrame) -> pd.DataFrame:
    """Periods of care from prepared episodes (computed once per prepared frame; read-only)."""
    return _derived(eps, "periods", lambda: _compute_periods(eps))


def _compute_periods(eps: pd.DataFrame) -> pd.DataFrame:
    first, last = _spans(eps, "period_id")
    child = eps["child"].to_numpy()[first]
    last_rec = eps["rec"].to_numpy()[last]
    last_dec = eps["dec"].to_numpy()[last]
    has_dec = ~pd.isna(last_dec)
    rec_known = ~pd.isna(last_rec)
    is_x1 = rec_known & (last_rec == STILL_IN_CARE_REC)
    followed = np.r_[child[1:] == child[:-1], False] if len(child) else np.array([], dtype=bool)
    ceased = has_dec & rec_known & ~is_x1
    end = np.where(is_x1 & ~followed, np.datetime64("NaT"), last_dec)
    out = pd.DataFrame(
        {
            "child": child,
            "start": eps["decom"].to_numpy()[first],
            "end": pd.to_datetime(end),
            "started": eps["rne"].to_numpy()[first] == "S",
            "ceased": ceased,
            "first_rne": eps["rne"].to_numpy()[first],
            "last_rec": last_rec,
            "episodes": (last - first + 1).astype(int),
        }
    )
    out.insert(1, "period", out.groupby("child").cumcount() + 1)
    return out


def _placements(eps: pd.DataFrame) -> pd.DataFrame:
    """One row per placement (a run of episodes continued by L episodes): child, start, end, category
    (computed once per prepared frame; read-only)."""
    return _derived(eps, "placements", lambda: _compute_placements(eps))


def _compute_placements(eps: pd.DataFrame) -> pd.DataFrame:
    first, last = _spans(eps, "placement_id")
    return pd.DataFrame(
        {
            "child": eps["child"].to_numpy()[first],
            "start": eps["decom"].to_numpy()[first],
            "end": eps["dec"].to_numpy()[last],
            "category": eps["category"].to_numpy()[first],
        }
    )


def _placement_counts(eps: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.Series:
    placements = _placements(eps)
    in_window = (placements["start"] <= end) & (placements["end"].isna() | (placements["end"] >= start))
    return placements.loc[in_window].groupby("child").size()


def placements_in_window(
    episodes: pd.DataFrame, start: dt.date | pd.Timestamp, end: dt.date | pd.Timestamp
) -> pd.DataFrame:
    """Number of distinct placements each child had in the window ``start``..``end`` (inclusive).

    A placement counts when it began on or before ``end`` and had not ended before ``start``: so the
    placement the child was in when the window opened counts, as does one ending on ``start`` itself (the
    child moved on the first day, which is a move in the window). L episodes never add a placement.
    Returns columns child, placements; children with no placement in the window are absent.
    """
    counts = _placement_counts(prepare_episodes(episodes), _as_ts(start), _as_ts(end))
    return counts.rename("placements").rename_axis("child").reset_index()


def placements_ended(
    episodes: pd.DataFrame, start: dt.date | pd.Timestamp, end: dt.date | pd.Timestamp
) -> dict[str, int]:
    """Placements that ended between ``start`` and ``end`` inclusive, by the planning category of the
    placement (a placement is a run of episodes continued by L episodes, so a change of legal status does
    not end one; a child who moves or leaves care does)."""
    placements = _placements(prepare_episodes(episodes))
    ended = (
        placements["end"].notna() & (placements["end"] >= _as_ts(start)) & (placements["end"] <= _as_ts(end))
    )
    return {str(k): int(v) for k, v in placements.loc[ended].groupby("category").size().items()}


# --- snapshot -----------------------------------------------------------------------------------------------
def _zero_filled(values: pd.Series, keys: tuple[str, ...]) -> dict[str, int]:
    counts = values.value_counts()
    return {key: int(counts.get(key, 0)) for key in keys}


def _category_age_cells(cur: pd.DataFrame) -> dict[str, dict[str, int]]:
    """Children by category and age band (non-zero cells; "unknown" where the age is unknown), the grid
    that regional figures are suppressed on."""
    if cur.empty:
        return {}
    bands = _age_bands(cur["age"]).replace("", "unknown")
    counts = pd.DataFrame({"category": cur["category"].to_numpy(), "band": bands.to_numpy()}).value_counts()
    cells: dict[str, dict[str, int]] = {}
    for (category, band), n in sorted(counts.items()):
        cells.setdefault(str(category), {})[str(band)] = int(n)
    return cells


def _locality(cur: pd.DataFrame) -> dict[str, int]:
    if "distance_miles" in cur.columns:
        miles = pd.to_numeric(cur["distance_miles"], errors="coerce")
    else:
        miles = pd.Series(np.nan, index=cur.index)
    if "placement_la_inside" in cur.columns:
        inside = cur["placement_la_inside"].astype("boolean")
    else:
        inside = pd.Series(pd.NA, index=cur.index, dtype="boolean")
    return {
        "distance_known": int(miles.notna().sum()),
        "over_20_miles": int((miles > OVER_DISTANCE_MILES).sum()),
        "boundary_known": int(inside.notna().sum()),
        "outside_la": int((inside == False).sum()),  # noqa: E712 (nullable boolean)
    }


def locality_on(episodes: pd.DataFrame, children: pd.DataFrame, on: dt.date | pd.Timestamp) -> dict[str, int]:
    """Distance and boundary counts for children in care on ``on``: distance_known, over_20_miles
    (strictly more than 20.0 miles), boundary_known and outside_la (placement outside the LA boundary)."""
    return _locality(_current(prepare_episodes(episodes), _as_ts(on), children))


def _rate(total: int, population: int | None) -> float | None:
    if not population or population <= 0:
        return None
    return float(round(total / population * 10000, 1))


def cic_snapshot(
    episodes: pd.DataFrame,
    children: pd.DataFrame,
    on: dt.date | pd.Timestamp,
    population: int | None = None,
) -> dict[str, Any]:
    """Children in care on ``on`` and the year's flows, as plain JSON-ready numbers.

    Keys: total; by_category (every planning category, zero-filled); by_age_band (under_1, 1_4, 5_9,
    10_15, 16_17, age on the date); by_category_age (category -> age band -> children, non-zero cells); by_place (raw PLACE codes present, sorted; "unknown" if blank);
    started_12m and ceased_12m (periods of care starting/ceasing in the 12 months to ``on`` inclusive);
    distance_known and over_20_miles (children with a known distance, and those strictly over 20 miles);
    rate_per_10000 (total / population x 10,000 to 1 decimal place; None without a population).
    """
    ts = _as_ts(on)
    eps = prepare_episodes(episodes)
    if children is None:
        children = pd.DataFrame({"child": pd.Series(dtype="str"), "dob": pd.Series(dtype="datetime64[ns]")})
    cur = _current(eps, ts, children)
    places = cur["place"].astype("str").str.strip().replace("", np.nan).fillna("unknown")
    place_counts = places.value_counts()
    periods = _periods(eps)
    start = window_start(ts)
    started = periods["started"] & periods["start"].between(start, ts)
    ceased = periods["ceased"] & periods["end"].between(start, ts)
    locality = _locality(cur)
    total = len(cur)
    return {
        "total": int(total),
        "by_category": _zero_filled(cur["category"], PLANNING_CATEGORIES),
        "by_age_band": _zero_filled(_age_bands(cur["age"]), AGE_BANDS),
        "by_category_age": _category_age_cells(cur),
        "by_place": {str(k): int(place_counts[k]) for k in sorted(place_counts.index)},
        "started_12m": int(started.sum()),
        "ceased_12m": int(ceased.sum()),
        "over_20_miles": locality["over_20_miles"],
        "distance_known": locality["distance_known"],
        "rate_per_10000": _rate(total, population),
    }


# --- trends and KPIs ------------------------------------------------------------------------------------
def monthly_counts(
    episodes: pd.DataFrame,
    children: pd.DataFrame,
    start: dt.date | pd.Timestamp,
    end: dt.date | pd.Timestamp,
) -> pd.DataFrame:
    """Per calendar month from the month of ``start`` to the month of ``end``: month_end, total (children
    in care on the last day of the month, same rules as :func:`cic_snapshot`), started and ceased
    (periods of care starting/ceasing during the calendar month)."""
    months = pd.period_range(_as_ts(start), _as_ts(end), freq="M")
    month_ends = months.to_timestamp(how="end").normalize()
    eps = prepare_episodes(episodes)
    me = month_ends.to_numpy(dtype="datetime64[ns]")
    decom = eps["decom"].to_numpy(dtype="datetime64[ns]")
    dec = eps["dec"].to_numpy(dtype="datetime64[ns]")
    current = (decom[:, None] <= me[None, :]) & (np.isnat(dec)[:, None] | (dec[:, None] > me[None, :]))
    dob = pd.to_datetime(eps["child"].map(_dob_lookup(children).to_dict()), errors="coerce")
    dob_year = dob.dt.year.to_numpy(dtype=float)
    dob_md = (dob.dt.month * 100 + dob.dt.day).to_numpy(dtype=float)
    me_md = (month_ends.month * 100 + month_ends.day).to_numpy()
    ages = month_ends.year.to_numpy()[None, :] - dob_year[:, None] - (me_md[None, :] < dob_md[:, None])
    current &= ~(ages >= CARE_LEAVING_AGE)  # NaN (unknown DOB) compares False: still counted
    child = eps["child"].to_numpy()
    if len(child):
        child_first = np.flatnonzero(np.r_[True, child[1:] != child[:-1]])
        totals = np.logical_or.reduceat(current, child_first, axis=0).sum(axis=0)
    else:
        totals = np.zeros(len(me), dtype=int)
    periods = _periods(eps)
    started = periods.loc[periods["started"], "start"].dt.to_period("M").value_counts()
    ceased = periods.loc[periods["ceased"], "end"].dt.to_period("M").value_counts()
    return pd.DataFrame(
        {
            "month_end": month_ends,
            "total": totals.astype("int64"),
            "started": started.reindex(months, fill_value=0).to_numpy(dtype="int64"),
            "ceased": ceased.reindex(months, fill_value=0).to_numpy(dtype="int64"),
        }
    )


def _percent(numerator: int, denominator: int) -> float | None:
    if not denominator:
        return None
    return float(round(numerator / denominator * 100, 1))


def stability_3_plus_counts(
    episodes: pd.DataFrame, on: dt.date | pd.Timestamp, *, children: pd.DataFrame | None = None
) -> tuple[int, int]:
    """(children in care on ``on`` with 3 or more placements in the 12 months to ``on``, children in care
    on ``on``). With ``children``, children aged 18+ are left out as in every count."""
    ts = _as_ts(on)
    eps = prepare_episodes(episodes)
    cur = _current(eps, ts, children)
    counts = _placement_counts(eps, window_start(ts), ts)
    placements = cur["child"].map(counts).fillna(0)
    return int((placements >= 3).sum()), len(cur)


def stability_3_plus(
    episodes: pd.DataFrame, on: dt.date | pd.Timestamp, *, children: pd.DataFrame | None = None
) -> float | None:
    """% of children in care on ``on`` who had 3 or more placements in the 12 months to ``on`` (1 d.p.;
    None when no child is in care)."""
    return _percent(*stability_3_plus_counts(episodes, on, children=children))


def long_term_stability_counts(
    episodes: pd.DataFrame, children: pd.DataFrame, on: dt.date | pd.Timestamp
) -> tuple[int, int]:
    """(numerator, denominator) of the long-term stability measure (DfE, formerly NI 63).

    Denominator: children in care on ``on``, aged under 16, looked after continuously (the current period
    of care) for at least 2.5 years, i.e. the period started on or before ``on`` minus 30 months. A child
    with no known date of birth is left out. Numerator: those whose current placement started on or before
    ``on`` minus 2 years, or who are placed for adoption and whose adoptive placement together with the
    placement before it (in the same period) has lasted at least 2 years. Periods that began before the
    data starts are measured from the first episode held, so long stays can be understated.
    """
    ts = _as_ts(on)
    cur = _current(prepare_episodes(episodes), ts, children)
    cohort = cur.loc[(cur["age"] < LONG_TERM_MAX_AGE) & (cur["period_start"] <= ts - LONG_TERM_MIN_CARE)]
    two_years_ago = ts - LONG_TERM_MIN_PLACEMENT
    same_placement = cohort["placement_start"] <= two_years_ago
    adoption = cohort["category"].eq(ADOPTION) & (cohort["prev_placement_start"] <= two_years_ago)
    return int((same_placement | adoption).sum()), len(cohort)


def long_term_stability(
    episodes: pd.DataFrame, children: pd.DataFrame, on: dt.date | pd.Timestamp
) -> float | None:
    """% of under-16s looked after for 2.5+ years who have been in the same placement for 2+ years or are
    placed for adoption with that placement and the one before lasting 2+ years (1 d.p.; None if no such
    child)."""
    return _percent(*long_term_stability_counts(episodes, children, on))


NOT_YET_INSPECTED = "not_yet_inspected"


def judgements_on(
    urns: pd.Series, *, inspections: pd.DataFrame, settings: pd.DataFrame, on: pd.Timestamp
) -> pd.Series:
    """The Ofsted judgement of each setting (by URN) as at a date: the one definition every page, KPI,
    dashboard and board report uses.

    The judgement is the latest inspection dated on or before the date; a setting with no inspection
    history held falls back to its recorded latest judgement if that is undated or dated by then;
    otherwise it has none yet ("not_yet_inspected"). URNs the register holds no setting for are NaN.

    ``inspections``: urn, date (datetime), judgement; ``settings``: urn, latest_judgement,
    latest_judgement_date (datetime).
    """
    ts = pd.Timestamp(on)
    dated = inspections.loc[inspections["date"] <= ts].sort_values(["urn", "date"])
    dated = dated.drop_duplicates("urn", keep="last")
    latest = pd.Series(dated["judgement"].to_numpy(), index=dated["urn"].to_numpy(), dtype=object)
    has_history = set(inspections["urn"])
    fallback = settings.loc[
        ~settings["urn"].isin(has_history)
        & settings["latest_judgement"].fillna("").astype(bool)
        & (settings["latest_judgement_date"].isna() | (settings["latest_judgement_date"] <= ts))
    ]
    latest = pd.concat(
        [
            latest,
            pd.Series(
                fallback["latest_judgement"].to_numpy(), index=fallback["urn"].to_numpy(), dtype=object
            ),
        ]
    )
    known = set(settings["urn"])
    out = urns.map(latest)
    unjudged = out.isna() & urns.isin(known)
    return out.where(~unjudged, NOT_YET_INSPECTED)
