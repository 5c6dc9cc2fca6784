"""Estimating entry, move and exit rates from the reference window.

**The model.** Each child in care is in a state (planning category, age). While in a state the child
faces constant daily *hazards*: of leaving care, and of moving to each other category. Hazards depend on
the category and the DfE age band (under 1, 1-4, 5-9, 10-15, 16-17); a child's age advances day by day
with the calendar and every child leaves care on their 18th birthday. New children enter care as a
Poisson process whose daily rate depends on their single year of age at entry, and each starts in a
category drawn from the mix seen for that age.

**Estimation (every day of exposure counts).** Within the reference window each day a child spends in
care in a (age band, category) state adds one day of exposure to that state; a child fostered for 10
days contributes 10 days, not a month-end snapshot. A move or exit on day E is charged to the state the
child was in on day E-1. The raw hazard is events / exposure days (the maximum-likelihood estimate for
this model). Leaving care at 18 is structural, not an estimated exit, so ends on or after the 18th
birthday are not counted as exits. Entries per day are entries in the window / days in the window.

**Small cells borrow strength from the next-coarser grouping (credibility rule).** A cell with little
exposure is pulled towards its parent group's rate by adding a prior worth one child-year of exposure
(``PRIOR_DAYS`` = 365.25 days) at the parent's rate::

    rate(cell) = (events(cell) + PRIOR_DAYS * rate(parent)) / (exposure_days(cell) + PRIOR_DAYS)

so a cell with no exposure takes its parent's rate, a cell with ten child-years keeps about 10/11 of its
own evidence, and no rate can be 0/0 or explode from a few days of exposure. The chains of parents are:

* exit from (age band, category) <- (age band, coarse group: fostering / residential / supported /
  other) <- (age band, all categories) <- (all ages, all categories);
* move from category c to d in an age band <- (age band, moves from c's coarse group to d) <-
  (age band, moves from any category to d) <- (all ages, moves from any category to d).

Age stays in every chain except the last step, so, for example, moves into supported accommodation are
never borrowed from 16-17 year olds for 5-9 year olds. Entries are split the same way with pseudo-counts
(``ENTRY_PSEUDO`` = 5 entrants): the entry rate of an age band is the window's count; the share of each
single year within its band is shrunk towards an even split; the mix of first categories at a single
year of age is shrunk towards its age band's mix, which is shrunk towards the all-ages mix.

**Parameter uncertainty.** With ``parameter_uncertainty`` every Monte Carlo path uses its own set of
rates, re-estimated from a bootstrap resample of the reference window: children are resampled (with
replacement) for moves and exits, so a child's whole history stays together, and months are resampled for
entries, so a month with a large sibling group counts as a whole. Interval widths therefore include the
uncertainty of the estimated rates as well as the randomness of who enters, moves and leaves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import cast

import numpy as np
import pandas as pd

from placements.categories import AGE_BANDS, COARSE_GROUPS, age_band

from .history import CENSORED, EXIT, History, age_years_on, day_date
from .trend import YEAR_DAYS, EntryTrend, end_of_window_factor, fit_entry_trend, fit_long_trend
from .types import MODEL_CATEGORIES, ReferenceWindow

PRIOR_DAYS = 365.25
LN2 = float(np.log(2.0))
ENTRY_PSEUDO = 5.0
DAYS_PER_MONTH = 365.25 / 12

K = len(MODEL_CATEGORIES)
NB = len(AGE_BANDS)
N_AGES = 18
#: Age band index of each single year of age 0-17.
BAND_OF_AGE = np.array([AGE_BANDS.index(age_band(a)) for a in range(N_AGES)])
#: Coarse group index of each model category.
GROUP_NAMES = tuple(COARSE_GROUPS)
GROUP_OF = np.array(
    [next(i for i, g in enumerate(GROUP_NAMES) if c in COARSE_GROUPS[g]) for c in MODEL_CATEGORIES]
)
GROUP_MATRIX = (GROUP_OF[None, :] == np.arange(len(GROUP_NAMES))[:, None]).astype(np.float64)  # (NG, K)


@dataclass
class WindowStats:
    """What the reference window holds, per child, as sparse (child, cell, value) triples."""

    exp_child: np.ndarray
    exp_cell: np.ndarray  # band * K + category
    exp_days: np.ndarray
    ev_child: np.ndarray
    ev_cell: np.ndarray  # (band * K + category) * (K + 1) + destination (K = exit)
    entry_block: np.ndarray
    entry_cell: np.ndarray  # age_year * K + category
    n_blocks: int
    window_days: int
    start: int
    end: int
    exp_weighted: np.ndarray | None = None  # exposure days weighted by recency (None: unweighted)
    ev_weight: np.ndarray | None = None
    entry_weight: np.ndarray | None = None
    n_dur: int = 1  # duration buckets the exposure and events are split into (cells carry dur * NB * K)


@dataclass
class RateSet:
    """Fitted rates for the simulation.

    ``hazards`` (draws, duration bucket, band, category, K+1) are daily hazards of moving to each
    category (diagonal 0) and, in the last column, of leaving care; the duration bucket is (time in care
    bucket) * len(``placement_edges``) + (time in placement bucket), the first starting at
    ``duration_edges`` days since the period of care began, the second at ``placement_edges`` days since
    the placement began (a single bucket each when not modelled). ``entry`` (draws, age year 0-17, category) is the expected
    number of children entering care per day. Draw 0..D-1 are bootstrap draws (or a single point
    estimate); ``point_*`` hold the estimate from the full window. ``flows_per_year`` are the starts into
    each category a year (entries plus moves in) seen in the window.
    """

    hazards: np.ndarray
    entry: np.ndarray
    point_hazards: np.ndarray
    point_entry: np.ndarray
    flows_per_year: np.ndarray
    window: ReferenceWindow
    table: pd.DataFrame
    entry_slope: np.ndarray | None = None  # (draws, band) daily log-slope of entries from the origin
    # (band,) variance of the drawn slopes (per day squared) and the days from the middle of the window to
    # its end: the simulation thins drawn entrants so the draws' spread does not raise the mean
    # (:func:`.trend.lognormal_keep`). None: slopes not drawn.
    entry_slope_var: np.ndarray | None = None
    entry_slope_lag: float = 0.0
    trend: EntryTrend | None = None
    duration_edges: np.ndarray = field(default_factory=lambda: np.zeros(1))  # bucket starts, days in care
    placement_edges: np.ndarray = field(default_factory=lambda: np.zeros(1))  # bucket starts, days placed
    # What the rates were fitted from: the window, weighting and clocks and, where a trend was fitted and
    # kept, its span. Two fits without bootstrap on the same register with the same key are the same.
    key: tuple[object, ...] = ()

    @property
    def n_draws(self) -> int:
        return int(self.hazards.shape[0])


def recency_weight(days: np.ndarray, end: int, half_life_days: float) -> np.ndarray:
    """Weight of an event on day ``days``: one at the window's end, halving every ``half_life_days`` before."""
    return np.exp(-LN2 * (end - np.asarray(days, dtype=np.float64)) / half_life_days)


def window_stats(
    history: History,
    start: int,
    end: int,
    half_life_days: float | None = None,
    duration_edges: np.ndarray | None = None,
    placement_edges: np.ndarray | None = None,
) -> WindowStats:
    """Exposure days, moves, exits and entries in the window of days ``start`` <= D < ``end``.

    With ``half_life_days`` each day of exposure, move, exit and first placement also gets a recency
    weight (:func:`recency_weight`): the exposure of a stretch [lo, hi) is the integral of the weight.
    With ``duration_edges`` (days in care at which each duration bucket starts, the first 0) exposure and
    events are also split by the time since the child's period of care began, and with
    ``placement_edges`` by the time since the spell began (the entry or the last move); the duration
    bucket is then (care bucket) * len(placement_edges) + (placement bucket).
    """
    h = history
    assert h.period_start is not None
    edges = h.edges[h.child]
    band_lo = np.concatenate([h.dob[h.child][:, None], edges[:, :4]], axis=1)
    band_hi = edges
    lower = np.maximum(h.start, start)
    upper = np.minimum(np.minimum(h.end, end), edges[:, -1])
    lo = np.maximum(lower[:, None], band_lo)
    hi = np.minimum(upper[:, None], band_hi)
    dur_lo = np.zeros(1) if duration_edges is None else np.asarray(duration_edges, dtype=np.float64)
    dur_hi = np.r_[dur_lo[1:], np.inf]
    pl_lo = np.zeros(1) if placement_edges is None else np.asarray(placement_edges, dtype=np.float64)
    pl_hi = np.r_[pl_lo[1:], np.inf]
    n_place = int(pl_lo.size)
    ps = h.period_start.astype(np.float64)[:, None, None, None]
    ss = h.start.astype(np.float64)[:, None, None, None]
    lo4 = np.maximum(
        np.maximum(lo[:, :, None, None].astype(np.float64), ps + dur_lo[None, None, :, None]),
        ss + pl_lo[None, None, None, :],
    )
    hi4 = np.minimum(
        np.minimum(hi[:, :, None, None].astype(np.float64), ps + dur_hi[None, None, :, None]),
        ss + pl_hi[None, None, None, :],
    )
    days = np.clip(hi4 - lo4, 0, None)
    sp, band, dur_c, dur_p = np.nonzero(days)
    dur = dur_c * n_place + dur_p
    exp_child = h.child[sp]
    exp_cell = (dur * NB + band) * K + h.category[sp]
    exp_days = days[sp, band, dur_c, dur_p]

    ended = (h.next_category != CENSORED) & (h.end > start) & (h.end <= end) & (h.end < edges[:, -1])
    ev = np.flatnonzero(ended)
    ev_band = (edges[ev, :4] <= (h.end[ev] - 1)[:, None]).sum(axis=1)
    ev_dur = np.searchsorted(dur_lo, h.end[ev] - 1 - h.period_start[ev], side="right") - 1
    ev_dur = np.clip(ev_dur, 0, dur_lo.size - 1)
    ev_place = np.clip(np.searchsorted(pl_lo, h.end[ev] - 1 - h.start[ev], side="right") - 1, 0, n_place - 1)
    ev_dur = ev_dur * n_place + ev_place
    dest = np.where(h.next_category[ev] == EXIT, K, h.next_category[ev])
    ev_cell = ((ev_dur * NB + ev_band) * K + h.category[ev]) * (K + 1) + dest

    entered, ages, block, n_blocks, window_days = _entries(h, edges, start, end)
    weighted: dict[str, np.ndarray | None] = {
        "exp_weighted": None, "ev_weight": None, "entry_weight": None
    }  # fmt: skip
    if half_life_days:
        k = LN2 / half_life_days
        lo_s, hi_s = lo4[sp, band, dur_c, dur_p], hi4[sp, band, dur_c, dur_p]
        weighted["exp_weighted"] = (np.exp(-k * (end - hi_s)) - np.exp(-k * (end - lo_s))) / k
        weighted["ev_weight"] = recency_weight(h.end[ev] - 1, end, half_life_days)
        weighted["entry_weight"] = recency_weight(h.start[entered], end, half_life_days)
    return WindowStats(
        exp_child=exp_child,
        exp_cell=exp_cell,
        exp_days=exp_days,
        ev_child=h.child[ev],
        ev_cell=ev_cell,
        entry_block=block.astype(np.int64),
        entry_cell=ages * K + h.category[entered],
        n_blocks=n_blocks,
        window_days=window_days,
        start=start,
        end=end,
        n_dur=int(dur_lo.size) * n_place,
        **weighted,
    )


def _entries(
    h: History, edges: np.ndarray, start: int, end: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int, int]:
    """First placements of ``start`` <= D < ``end`` before the 18th birthday: their rows, ages, month-long
    block, the number of blocks and the window's length in days."""
    window_days = int(end - start)
    n_blocks = max(1, round(window_days / DAYS_PER_MONTH))
    entered = np.flatnonzero(h.first & (h.start >= start) & (h.start < end) & (h.start < edges[:, -1]))
    ages = age_years_on(h.dob[h.child[entered]], h.start[entered])
    ok = (ages >= 0) & (ages < N_AGES)
    entered, ages = entered[ok], ages[ok]
    block = np.minimum((h.start[entered] - start) * n_blocks // max(window_days, 1), n_blocks - 1)
    return entered, ages, block, n_blocks, window_days


def monthly_entries(history: History, start: int, end: int) -> tuple[np.ndarray, float]:
    """Children entering care (first placements) by age band and month-long block of ``start`` <= D < ``end``:
    (NB, blocks) counts and the block length in days."""
    _, ages, block, n_blocks, window_days = _entries(history, history.edges[history.child], start, end)
    monthly = np.zeros((NB, n_blocks))
    np.add.at(monthly, (BAND_OF_AGE[ages], block), 1.0)
    return monthly, window_days / n_blocks


def _weighted_sums(
    child: np.ndarray, cell: np.ndarray, value: np.ndarray, weights: np.ndarray, n_cells: int
) -> np.ndarray:
    """Sum value into cells for each row of child weights: returns (draws, n_cells).

    Two exact ways, whichever does less work: when the rows fill few cells (exposure), sum them per
    (child, cell) into a children x used-cells matrix and take one matrix product with the weights; when
    they are spread thinly over many cells (moves and exits), gather each row's child weights and add
    them up cell by cell.
    """
    n_draws, n_children = weights.shape
    out = np.zeros((n_draws, n_cells))
    if child.size == 0:
        return out
    used, used_index = np.unique(cell, return_inverse=True)
    if n_children * used.size <= 60 * child.size:
        matrix = np.bincount(
            child * used.size + used_index, weights=value, minlength=n_children * used.size
        ).reshape(n_children, used.size)
        out[:, used] = weights @ matrix
        return out
    order = np.argsort(used_index, kind="stable")
    starts = np.flatnonzero(np.r_[True, np.diff(used_index[order]) != 0])
    gathered = weights[:, child[order]]
    gathered *= value[order]
    out[:, used] = np.add.reduceat(gathered, starts, axis=1)
    return out


def _credible(events: np.ndarray, exposure: np.ndarray, parent: np.ndarray) -> np.ndarray:
    """The credibility rule: (events + PRIOR_DAYS * parent) / (exposure + PRIOR_DAYS)."""
    return (events + PRIOR_DAYS * parent) / (exposure + PRIOR_DAYS)


def smooth_hazards(exposure: np.ndarray, exits: np.ndarray, moves: np.ndarray) -> np.ndarray:
    """Daily hazards (draws, band, category, K+1) from exposure/exits (D, NB, K) and moves (D, NB, K, K)."""
    hazards = np.empty((exposure.shape[0], NB, K, K + 1))
    hazards[..., :K] = smooth_moves(exposure, moves)
    hazards[..., K] = smooth_exits(exposure, exits)
    return hazards


def smooth_exits(exposure: np.ndarray, exits: np.ndarray) -> np.ndarray:
    """Daily hazards of leaving care (D, NB, K), borrowing all -> band -> (band, group) -> (band, category)."""
    total_e = exposure.sum(axis=(1, 2))
    exit_all = exits.sum(axis=(1, 2)) / np.maximum(total_e, 1e-9)
    exit_band = _credible(exits.sum(axis=2), exposure.sum(axis=2), exit_all[:, None])
    exit_group = _credible(exits @ GROUP_MATRIX.T, exposure @ GROUP_MATRIX.T, exit_band[:, :, None])
    return _credible(exits, exposure, exit_group[:, :, GROUP_OF])


def smooth_moves(exposure: np.ndarray, moves: np.ndarray) -> np.ndarray:
    """Daily hazards of moving (D, NB, K, K; diagonal 0): into each category d from all ages and any origin
    -> band, any origin -> (band, origin group) -> (band, origin)."""
    total_e = exposure.sum(axis=(1, 2))
    into_all = moves.sum(axis=(1, 2)) / np.maximum(total_e[:, None] - exposure.sum(axis=1), 1e-9)
    exp_band = exposure.sum(axis=2)
    into_band = _credible(moves.sum(axis=2), exp_band[:, :, None] - exposure, into_all[:, None, :])
    moves_g = np.einsum("gc,dbcj->dbgj", GROUP_MATRIX, moves)
    exp_g_not_dest = (exposure @ GROUP_MATRIX.T)[..., None] - exposure[:, :, None, :] * GROUP_MATRIX[
        None, None, :, :
    ]
    into_group = _credible(moves_g, exp_g_not_dest, into_band[:, :, None, :])
    move_cell = _credible(moves, exposure[..., None], into_group[:, :, GROUP_OF, :])
    idx = np.arange(K)
    move_cell[:, :, idx, idx] = 0.0
    return move_cell


def smooth_entries(counts: np.ndarray, window_days: int, mix_counts: np.ndarray | None = None) -> np.ndarray:
    """Entrants per day (draws, age year, category) from entry counts (draws, age year, category).

    The rate of each age band comes from ``counts``; the split by single year and first category from
    ``mix_counts`` when given (recency-weighted counts), else from ``counts``.
    """
    onehot = (BAND_OF_AGE[:, None] == np.arange(NB)[None, :]).astype(np.float64)  # (18, NB)
    rate_band = (counts.sum(axis=2) @ onehot) / max(window_days, 1)
    if mix_counts is not None:
        counts = mix_counts
    n_age = counts.sum(axis=2)  # (D, 18)
    n_band = n_age @ onehot  # (D, NB)
    n_band_cat = np.einsum("dak,ab->dbk", counts, onehot)
    n_cat = counts.sum(axis=1)
    years_in_band = onehot.sum(axis=0)
    share_age = (n_age + ENTRY_PSEUDO / years_in_band[BAND_OF_AGE]) / (n_band[:, BAND_OF_AGE] + ENTRY_PSEUDO)
    mix_all = (n_cat + 1e-6) / (n_cat.sum(axis=1, keepdims=True) + K * 1e-6)
    mix_band = (n_band_cat + ENTRY_PSEUDO * mix_all[:, None, :]) / (n_band[..., None] + ENTRY_PSEUDO)
    mix_age = (counts + ENTRY_PSEUDO * mix_band[:, BAND_OF_AGE, :]) / (n_age[..., None] + ENTRY_PSEUDO)
    return rate_band[:, BAND_OF_AGE, None] * share_age[..., None] * mix_age


def _stats_arrays(
    stats: WindowStats, child_weights: np.ndarray, block_weights: np.ndarray, recency: bool = False
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Exposure (D,ND,NB,K), exits (D,ND,NB,K), moves (D,ND,NB,K,K) and entry counts (D,18,K) for given
    weights (ND: duration buckets, 1 when time in care is not modelled).

    With ``recency`` (and a window fitted with a half-life) every quantity is recency-weighted.
    """
    d = child_weights.shape[0]
    nd = stats.n_dur
    weighted = recency and stats.exp_weighted is not None
    exp_days = stats.exp_weighted if weighted else stats.exp_days
    ev_value = stats.ev_weight if weighted else np.ones(stats.ev_cell.size)
    entry_value = stats.entry_weight if weighted else np.ones(stats.entry_cell.size)
    exposure = _weighted_sums(stats.exp_child, stats.exp_cell, exp_days, child_weights, nd * NB * K)
    events = _weighted_sums(
        stats.ev_child, stats.ev_cell, ev_value, child_weights, nd * NB * K * (K + 1)
    ).reshape(d, nd, NB, K, K + 1)
    block_counts = np.zeros((stats.n_blocks, N_AGES * K))
    np.add.at(block_counts, (stats.entry_block, stats.entry_cell), entry_value)
    entries = (block_weights @ block_counts).reshape(d, N_AGES, K)
    return exposure.reshape(d, nd, NB, K), events[..., K], events[..., :K], entries


#: Pseudo-events that pull each duration bucket's multiplier towards 1 (no effect of time in care).
DURATION_PSEUDO = 10.0
#: Months since the period of care began at which the duration buckets start.
DURATION_EDGES_MONTHS: tuple[float, ...] = (0.0, 3.0, 12.0, 36.0)
#: Months since the placement began (the entry or the last move to another category) at which the
#: placement buckets start.
PLACEMENT_EDGES_MONTHS: tuple[float, ...] = (0.0, 3.0, 12.0)
#: Alternations of the time-in-care and time-in-placement multipliers per refit of the base hazards.
PLACEMENT_SWEEPS = 10


@dataclass
class DurationFit:
    """Hazards by time in care and in the placement, and the multipliers behind them.

    ``hazards`` (D, NC * NP, NB, K, K+1), the duration axis being (care bucket) * NP + (placement bucket).
    ``exit_care``/``move_care`` (D, NC) and ``exit_place``/``move_place`` (D, NP) are the multipliers;
    ``raw_exit_care``/``raw_exit_place`` the observed / expected exits in each bucket under the other
    factors (NaN without exposure).
    """

    hazards: np.ndarray
    exit_care: np.ndarray
    move_care: np.ndarray
    exit_place: np.ndarray
    move_place: np.ndarray
    raw_exit_care: np.ndarray
    raw_exit_place: np.ndarray


def _shrunk_ratio(observed: np.ndarray, expected: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The multiplier (observed + pseudo) / (expected + pseudo) and the raw ratio (NaN without exposure)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        raw = np.where(expected > 0, observed / expected, np.nan)
    return (observed + DURATION_PSEUDO) / (expected + DURATION_PSEUDO), raw


def duration_multipliers(
    exposure: np.ndarray, exits: np.ndarray, moves: np.ndarray, n_place: int = 1, iterations: int = 4
) -> DurationFit:
    """Hazards by time in care (and in the placement) from exposure/exits (D,ND,NB,K), moves (D,ND,NB,K,K).

    A proportional-hazards model: hazard(care bucket, placement bucket, band, category) =
    base(band, category) * m(care bucket) * p(placement bucket), with one multiplier per bucket of each
    clock for leaving care and one for all moves (``n_place`` placement buckets; 1: time in care only).
    Fitted by alternating Poisson maximum likelihood: the base hazards are the smoothed hazards of
    :func:`smooth_hazards` (small-cell borrowing and all) on exposure weighted by the multipliers; each
    multiplier is observed / expected events in its bucket under the base hazards and the other clock's
    multipliers, shrunk towards 1 by ``DURATION_PSEUDO`` pseudo-events.
    """
    d, nd = exposure.shape[:2]
    nc = nd // n_place
    m = {
        name: np.ones((d, size)) for name, size in (("ec", nc), ("mc", nc), ("ep", n_place), ("mp", n_place))
    }
    exits_all = exits.sum(axis=1)
    moves_all = moves.sum(axis=1)
    obs_exit = exits.sum(axis=(2, 3)).reshape(d, nc, n_place)
    obs_move = moves.sum(axis=(2, 3, 4)).reshape(d, nc, n_place)
    raw_c = np.ones((d, nc))
    raw_p = np.ones((d, n_place))

    def combined(care: np.ndarray, place: np.ndarray) -> np.ndarray:
        return (care[:, :, None] * place[:, None, :]).reshape(d, nd)

    for _ in range(iterations):
        m_exit, m_move = combined(m["ec"], m["ep"]), combined(m["mc"], m["mp"])
        base_exit = smooth_exits(np.einsum("dn,dnbk->dbk", m_exit, exposure), exits_all)
        base_move = smooth_moves(np.einsum("dn,dnbk->dbk", m_move, exposure), moves_all)
        # Expected events in each (care, placement) bucket under the base hazards alone.
        exp_exit = np.einsum("dnbk,dbk->dn", exposure, base_exit).reshape(d, nc, n_place)
        exp_move = np.einsum("dnbk,dbk->dn", exposure, base_move.sum(axis=-1)).reshape(d, nc, n_place)
        # The two clocks overlap (a first placement's first months are the period of care's), so their
        # multipliers are alternated several times for each refit of the base hazards.
        for _ in range(PLACEMENT_SWEEPS if n_place > 1 else 1):
            m["ec"], raw_c = _shrunk_ratio(obs_exit.sum(axis=2), (exp_exit * m["ep"][:, None, :]).sum(axis=2))
            m["mc"], _ = _shrunk_ratio(obs_move.sum(axis=2), (exp_move * m["mp"][:, None, :]).sum(axis=2))
            if n_place > 1:
                m["ep"], raw_p = _shrunk_ratio(
                    obs_exit.sum(axis=1), (exp_exit * m["ec"][:, :, None]).sum(axis=1)
                )
                m["mp"], _ = _shrunk_ratio(obs_move.sum(axis=1), (exp_move * m["mc"][:, :, None]).sum(axis=1))
    m_exit, m_move = combined(m["ec"], m["ep"]), combined(m["mc"], m["mp"])
    hazards = np.empty((d, nd, NB, K, K + 1))
    hazards[..., :K] = base_move[:, None] * m_move[:, :, None, None, None]
    hazards[..., K] = base_exit[:, None] * m_exit[:, :, None, None]
    return DurationFit(
        hazards=hazards, exit_care=m["ec"], move_care=m["mc"], exit_place=m["ep"], move_place=m["mp"],
        raw_exit_care=raw_c, raw_exit_place=raw_p,
    )  # fmt: skip


def _hazards(exposure: np.ndarray, exits: np.ndarray, moves: np.ndarray, n_place: int = 1) -> np.ndarray:
    """Hazards (D, ND, NB, K, K+1): by time in care (and in the placement) when the arrays carry more
    than one duration bucket."""
    if exposure.shape[1] == 1:
        return smooth_hazards(exposure[:, 0], exits[:, 0], moves[:, 0])[:, None]
    return duration_multipliers(exposure, exits, moves, n_place).hazards


@dataclass
class _WindowFit:
    """What a fit takes from its window before any bootstrap or trend: the window's exposure, events and
    entries (plain and recency-weighted) and the point estimate of the hazards and entry rates."""

    stats: WindowStats
    n_seen: int  # children seen in the window
    n_children: int  # at least 1
    exposure: np.ndarray
    exits: np.ndarray
    moves: np.ndarray
    entries: np.ndarray
    w_exp: np.ndarray
    w_exits: np.ndarray
    w_moves: np.ndarray
    w_entries: np.ndarray
    multipliers: DurationFit | None
    point_hazards: np.ndarray
    point_entry: np.ndarray


#: Shared fits within one model choice: models fitted on the same register as at the same origin, keyed
#: by what the shared part depends on (window, weighting, clocks; the trend's span). See :func:`fit_rates`.
FitCache = dict[tuple[object, ...], object]


def _window_fit(
    history: History,
    start: int,
    end: int,
    half_life_days: float | None,
    duration_edges: np.ndarray | None,
    placement_edges: np.ndarray | None,
) -> _WindowFit:
    """The part of :func:`fit_rates` that depends only on the window, the weighting and the clocks."""
    n_place = 1 if placement_edges is None else int(placement_edges.size)
    stats = window_stats(history, start, end, half_life_days, duration_edges, placement_edges)
    weighted = stats.exp_weighted is not None
    # Only children seen in the window matter; number them compactly for the bootstrap.
    seen, inverse = np.unique(np.r_[stats.exp_child, stats.ev_child], return_inverse=True)
    stats.exp_child = inverse[: stats.exp_child.size]
    stats.ev_child = inverse[stats.exp_child.size :]
    n_children = max(seen.size, 1)
    ones_c = np.ones((1, n_children))
    ones_b = np.ones((1, stats.n_blocks))
    exposure, exits, moves, entries = _stats_arrays(stats, ones_c, ones_b)
    if weighted:
        w_exp, w_exits, w_moves, w_entries = _stats_arrays(stats, ones_c, ones_b, recency=True)
    else:
        w_exp, w_exits, w_moves, w_entries = exposure, exits, moves, entries
    # The point estimate's multipliers are also the rates table's (fitted once).
    clocks = duration_edges is not None or placement_edges is not None
    multipliers = duration_multipliers(w_exp, w_exits, w_moves, n_place) if clocks else None
    point_hazards = multipliers.hazards if multipliers is not None else _hazards(w_exp, w_exits, w_moves)
    point_entry = smooth_entries(entries, stats.window_days, w_entries if weighted else None)
    return _WindowFit(
        stats=stats, n_seen=int(seen.size), n_children=n_children, exposure=exposure, exits=exits, moves=moves, entries=entries,
        w_exp=w_exp, w_exits=w_exits, w_moves=w_moves, w_entries=w_entries, multipliers=multipliers,
        point_hazards=point_hazards, point_entry=point_entry,
    )  # fmt: skip


def fit_rates(
    history: History,
    *,
    start: int,
    end: int,
    n_draws: int,
    rng: np.random.Generator | None,
    with_table: bool = True,
    trend: bool = False,
    half_life_days: float | None = None,
    duration: bool = False,
    trend_start: int | None = None,
    placement: bool = False,
    shared: FitCache | None = None,
) -> RateSet:
    """Fit the rates on the window ``start`` <= day < ``end``; bootstrap ``n_draws`` sets if ``rng``.

    ``trend``: fit a log-linear trend in entries by age band (:mod:`.trend`); the entry rates are then
    the rates at the window's end and ``entry_slope`` says how they change from there. ``half_life_days``:
    weigh exposure, moves, exits and first placements by recency (the entry *level* stays the window's
    count, so a trend is not counted twice). ``trend_start``: with ``trend``, the trend is fitted on the
    entries from this day (earlier than ``start``) to ``end`` as one that began no later than ``start``,
    and used only where the entries show it clearly (:func:`.trend.fit_long_trend`); otherwise there is
    none. ``duration``: exits and moves also depend on the time since
    the period of care began (:func:`duration_multipliers`, buckets ``DURATION_EDGES_MONTHS``).
    ``placement``: they also depend on the time since the placement began (the entry or the last move
    to another category; buckets ``PLACEMENT_EDGES_MONTHS``).

    ``shared``: a cache for fits on the same register (as known at the same origin). What does not depend
    on the random draws (the window's exposure, events and entries and the point estimate, by window,
    weighting and clocks; the fitted trend, by its span) is computed once and reused by later fits with
    the same inputs: the result is exactly what a fit without the cache gives.
    """
    duration_edges = np.array(DURATION_EDGES_MONTHS) * DAYS_PER_MONTH if duration else np.zeros(1)
    placement_edges = np.array(PLACEMENT_EDGES_MONTHS) * DAYS_PER_MONTH if placement else np.zeros(1)
    n_place = int(placement_edges.size)
    window_key = ("window", start, end, half_life_days, duration, placement)
    cached = shared.get(window_key) if shared is not None else None
    if isinstance(cached, _WindowFit):
        fit = cached
    else:
        fit = _window_fit(
            history, start, end, half_life_days, duration_edges if duration else None,
            placement_edges if placement else None,
        )  # fmt: skip
        if shared is not None:
            shared[window_key] = fit
    stats, n_children, multipliers = fit.stats, fit.n_children, fit.multipliers
    exposure, exits, moves, entries = fit.exposure, fit.exits, fit.moves, fit.entries
    w_exp, w_exits, w_moves, w_entries = fit.w_exp, fit.w_exits, fit.w_moves, fit.w_entries
    point_hazards, point_entry = fit.point_hazards, fit.point_entry
    weighted = stats.exp_weighted is not None
    if rng is None:
        hazards, entry = point_hazards, point_entry
    else:
        picks = rng.integers(0, n_children, size=(n_draws, n_children))
        picks += np.arange(n_draws)[:, None] * n_children
        child_w = np.bincount(picks.ravel(), minlength=n_draws * n_children).reshape(n_draws, n_children)
        child_w = child_w.astype(np.float64)
        block_w = rng.multinomial(stats.n_blocks, np.full(stats.n_blocks, 1.0 / stats.n_blocks), size=n_draws)
        block_w = block_w.astype(np.float64)
        b_exp, b_exits, b_moves, b_entries = _stats_arrays(stats, child_w, block_w, recency=weighted)
        hazards = _hazards(b_exp, b_exits, b_moves, n_place)
        if weighted:
            block_counts = np.zeros((stats.n_blocks, N_AGES * K))
            np.add.at(block_counts, (stats.entry_block, stats.entry_cell), 1.0)
            plain = (block_w @ block_counts).reshape(-1, N_AGES, K)
            entry = smooth_entries(plain, stats.window_days, b_entries)
        else:
            entry = smooth_entries(b_entries, stats.window_days)

    fitted_trend: EntryTrend | None = None
    trend_key: tuple[object, ...] | None = None
    entry_slope = None
    entry_slope_var = None
    if trend:
        long_span = trend_start is not None and trend_start < start
        trend_key = ("trend", start, end, trend_start if long_span else None)
        if shared is not None and trend_key in shared:
            fitted_trend = cast(EntryTrend | None, shared[trend_key])
        elif long_span:
            assert trend_start is not None
            # A trend over the longer span, begun no later than the window's start (None: no clear trend).
            long_monthly, long_days = monthly_entries(history, trend_start, end)
            fitted_trend = fit_long_trend(long_monthly, long_days, (start - trend_start) / YEAR_DAYS)
        else:
            fitted_trend = fit_entry_trend(*monthly_entries(history, start, end))
        if shared is not None:
            shared[trend_key] = fitted_trend
        if fitted_trend is None:
            trend_key = None
    if fitted_trend is not None:
        entry_slope = fitted_trend.draws(entry.shape[0], rng)
        entry_slope_var = fitted_trend.draw_variance(rng)
        point_factor = end_of_window_factor(fitted_trend.slope, stats.window_days)
        point_entry = point_entry * point_factor[BAND_OF_AGE][None, :, None]
        factor = end_of_window_factor(entry_slope, stats.window_days)  # (draws, NB)
        entry = entry * factor[:, BAND_OF_AGE][:, :, None]
        if rng is None:
            entry = point_entry

    years = stats.window_days / 365.25
    flows = (entries[0].sum(axis=0) + moves[0].sum(axis=(0, 1, 2))) / max(years, 1e-9)
    window = ReferenceWindow(
        start=day_date(start),
        end=day_date(end),
        children=fit.n_seen,
        entries=int(stats.entry_cell.size),
        exits=int(exits[0].sum()),
        moves=int(moves[0].sum()),
        exposure_years=float(exposure[0].sum() / 365.25),
    )
    table = (
        _rates_table(
            w_exp[0].sum(axis=0),
            w_exits[0].sum(axis=0),
            w_moves[0].sum(axis=0),
            w_entries[0],
            _average_hazards(point_hazards[0], w_exp[0]),
            point_entry[0],
            stats,
            fitted_trend,
            multipliers,
            duration_edges if duration else None,
            placement_edges if placement else None,
        )
        if with_table
        else pd.DataFrame()
    )
    return RateSet(
        hazards=hazards,
        entry=entry,
        point_hazards=point_hazards,
        point_entry=point_entry,
        flows_per_year=flows,
        window=window,
        table=table,
        entry_slope=entry_slope,
        entry_slope_var=entry_slope_var,
        entry_slope_lag=stats.window_days / 2.0,
        trend=fitted_trend,
        duration_edges=duration_edges,
        placement_edges=placement_edges,
        key=(window_key, trend_key),
    )


def _average_hazards(hazards: np.ndarray, exposure: np.ndarray) -> np.ndarray:
    """Hazards (NB, K, K+1) averaged over duration buckets by exposure (the rate a table can show)."""
    weight = exposure[..., None]  # (ND, NB, K, 1)
    total = weight.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = (hazards * weight).sum(axis=0) / total
    return np.where(total > 0, mean, hazards.mean(axis=0))


def _rates_table(
    exposure: np.ndarray,
    exits: np.ndarray,
    moves: np.ndarray,
    entries: np.ndarray,
    hazards: np.ndarray,
    entry: np.ndarray,
    stats: WindowStats,
    trend: EntryTrend | None = None,
    multipliers: DurationFit | None = None,
    duration_edges: np.ndarray | None = None,
    placement_edges: np.ndarray | None = None,
) -> pd.DataFrame:
    """Point-estimate rates, raw and after borrowing, for people to check (rates per child-year / month).

    With recency weighting, events and exposure are the weighted ones. With a trend, each band gets a
    ``trend`` row: raw_rate is the fitted yearly change in entries (a fraction), rate the one used after
    shrinking towards no trend, events its standard error. With time in care, exits and moves show the
    hazards averaged over the time-in-care buckets, and each bucket gets ``duration`` rows (category
    'exit' or 'move', to_category the bucket such as '3-12 months'): raw_rate observed / expected events
    under the base hazards, rate the multiplier used (1 = no effect of time in care). With time in the
    placement, its buckets get ``placement`` rows the same way.
    """
    rows: list[dict[str, object]] = []
    with np.errstate(divide="ignore", invalid="ignore"):
        for b, band in enumerate(AGE_BANDS):
            ages = np.flatnonzero(b == BAND_OF_AGE)
            for c, cat in enumerate(MODEL_CATEGORIES):
                n_entries = float(entries[ages, c].sum())
                rows.append(
                    {"kind": "entry", "age_band": band, "category": cat, "to_category": None, "events": n_entries,
                         "exposure_days": float(stats.window_days),
                         "raw_rate": n_entries / stats.window_days * DAYS_PER_MONTH,
                         "rate": float(entry[ages, c].sum() * DAYS_PER_MONTH), "unit": "per month"}
                )  # fmt: skip
                e = float(exposure[b, c])
                rows.append(
                    {"kind": "exit", "age_band": band, "category": cat, "to_category": None, "events": float(exits[b, c]),
                         "exposure_days": e, "raw_rate": float(exits[b, c] / e * 365.25) if e else np.nan,
                         "rate": float(hazards[b, c, K] * 365.25), "unit": "per child-year"}
                )  # fmt: skip
                for d, dest in enumerate(MODEL_CATEGORIES):
                    if d == c:
                        continue
                    rows.append(
                        {"kind": "move", "age_band": band, "category": cat, "to_category": dest,
                             "events": float(moves[b, c, d]), "exposure_days": e,
                             "raw_rate": float(moves[b, c, d] / e * 365.25) if e else np.nan,
                             "rate": float(hazards[b, c, d] * 365.25), "unit": "per child-year"}
                    )  # fmt: skip
            if trend is not None:
                rows.append(
                    {"kind": "trend", "age_band": band, "category": None, "to_category": None,
                         "events": float(np.expm1(trend.se[b] * 365.25)), "exposure_days": float(stats.window_days),
                         "raw_rate": float(np.expm1(trend.raw[b] * 365.25)),
                         "rate": float(np.expm1(trend.slope[b] * 365.25)), "unit": "per year"}
                )  # fmt: skip
    if multipliers is not None:
        clocks = (
            ("duration", duration_edges, multipliers.exit_care, multipliers.move_care, multipliers.raw_exit_care),
            ("placement", placement_edges, multipliers.exit_place, multipliers.move_place,
             multipliers.raw_exit_place),
        )  # fmt: skip
        for kind, bucket_edges, m_exit, m_move, raw in clocks:
            if bucket_edges is None:
                continue
            months = [f"{e / DAYS_PER_MONTH:g}" for e in bucket_edges]
            labels = [f"{a}-{b} months" for a, b in zip(months[:-1], months[1:], strict=True)]
            labels.append(f"{months[-1]}+ months")
            for j, label in enumerate(labels):
                for what, value, raw_value in (
                    ("exit", m_exit[0, j], raw[0, j]),
                    ("move", m_move[0, j], np.nan),
                ):
                    rows.append(
                        {"kind": kind, "age_band": None, "category": what, "to_category": label,
                             "events": np.nan, "exposure_days": np.nan, "raw_rate": float(raw_value),
                             "rate": float(value), "unit": "multiplier"}
                    )  # fmt: skip
    return pd.DataFrame(rows)
