"""Monte Carlo simulation of children's journeys through care, month by month.

Each path is one possible future. A path starts from the actual children in care on the as-at date
(their real categories and dates of birth) and adds new entrants drawn from the entry rates. Every
simulated child then follows the continuous-time model of :mod:`forecasting.engine.rates`: in its
current (category, age band) it waits an exponentially distributed time for its next move or exit; its
age band changes on the exact birthdays, and it leaves care on its 18th birthday. Month-end counts follow
DfE's rule (in care on day D if started on or before D and not yet left). Bed-nights are exact: a child
in care over the stretch [s, e) of days spends e - s nights in care, and the nights of month m are those
of the days D with T[m-1] < D <= T[m], where T are the month ends (T[0] is the as-at date), so the as-at
day itself belongs to the month before the projection.

The work is vectorised over all children of a batch of paths at once ("event rounds"): in each round every
simulated child that is still in the projection advances to its next event or boundary (a birthday
changing its age band, the start of a scenario's change, or the end of the projection). A new stretch of
time in care or in the placement changes only the hazard, so it is crossed within the round (a short inner
loop over the children who reach one) rather than taking a round of its own. There is no Python loop over
children or paths; the number of rounds is the largest number of events any child has.
Paths are simulated in batches (100 at a time) to keep memory modest; the results do not depend on the
batch size.
Random numbers come from :mod:`forecasting.engine.rng`, keyed by child and event, so that scenarios share
them with the baseline.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import rng as crn
from .rates import BAND_OF_AGE, N_AGES, NB, K
from .trend import entry_times, integrated, lognormal_keep

#: Ages (years) at which the next age band starts, ending with leaving care at 18.
EDGE_YEARS = np.array([1.0, 5.0, 10.0, 16.0, 18.0])
YEAR_DAYS = 365.25
_ENTRANT_ID_BASE = np.uint64(1 << 40)
_EXTRA_ID_BASE = np.uint64(1 << 41)


@dataclass
class Population:
    """The children in care at the start of a projection.

    ``category`` and ``band`` are indexes; ``edges`` (n, 5) are the days, counted from the projection's
    start, of each child's 1st, 5th, 10th, 16th and 18th birthdays.
    """

    category: np.ndarray
    band: np.ndarray
    edges: np.ndarray
    in_care_days: np.ndarray | None = None  # days since the period of care began (None: all 0)
    in_placement_days: np.ndarray | None = None  # days since the placement began (None: in_care_days)

    @property
    def size(self) -> int:
        return int(self.category.size)


@dataclass
class Redirect:
    """Starts into ``source`` redirected to ``target`` with probability ``share`` from day ``from_day``."""

    source: int
    target: int
    share: float
    from_day: float


@dataclass
class Plan:
    """Rates as the simulation uses them, with a scenario's changes applied.

    ``hazards`` (draws, epochs, duration bucket, band, category, K+1): daily hazards in each *epoch*, a
    stretch of time between scenario change dates, by time since the period of care began (buckets
    starting at ``duration_edges`` days; one bucket when time in care is not modelled) and since the
    placement began (``placement_edges``; the duration axis is care bucket * len(placement_edges) +
    placement bucket); ``epoch_ends``
    (epochs,) the day each epoch ends (the last is inf).
    ``entry`` (draws, age year, category): baseline entrants per day. ``entry_keep``/``entry_extra``
    (band,): the share of baseline entrants kept and the extra entrants (as a share of the baseline rate)
    from ``entry_from`` on. ``redirects``: capacity changes applied to new entrants (the hazards already
    carry them for moves).
    """

    hazards: np.ndarray
    epoch_ends: np.ndarray
    entry: np.ndarray
    entry_keep: np.ndarray = field(default_factory=lambda: np.ones(NB))
    entry_extra: np.ndarray = field(default_factory=lambda: np.zeros(NB))
    entry_from: float = 0.0
    redirects: tuple[Redirect, ...] = ()
    entry_slope: np.ndarray | None = None  # (draws, band): daily log-slope of the entry rate from day 0
    # (band,): variance of the drawn slopes, and days from the middle of the reference window to day 0;
    # drawn entrants are kept with probability trend.lognormal_keep (None: no thinning).
    entry_slope_var: np.ndarray | None = None
    entry_slope_lag: float = 0.0
    duration_edges: np.ndarray = field(default_factory=lambda: np.zeros(1))
    placement_edges: np.ndarray = field(default_factory=lambda: np.zeros(1))


@dataclass
class SimulationOutput:
    """``counts`` (paths, months+1, category, band) of children in care at each month end (month 0 =
    start) and ``bed_nights`` (paths, months, category) of nights in care in each month."""

    counts: np.ndarray
    bed_nights: np.ndarray | None


def simulate(
    population: Population,
    plan: Plan,
    *,
    draw_of_path: np.ndarray,
    grid: np.ndarray,
    seed: int,
    with_bed_nights: bool = True,
    paths_per_batch: int = 100,
) -> SimulationOutput:
    """Run the Monte Carlo projection: ``len(draw_of_path)`` paths, path p using rate draw draw_of_path[p].

    ``grid`` holds the month-end days counted from the start (grid[0] = 0, the start itself). The result
    depends only on the inputs and ``seed``, not on ``paths_per_batch``.
    """
    n_paths = int(draw_of_path.size)
    n_months = grid.size - 1
    span = float(grid[-1]) + 1.0
    key = crn.seed_key(seed)

    hazards = plan.hazards
    total = hazards.sum(axis=-1)
    positive = total > 0
    exit_share = np.where(positive, hazards[..., K] / np.where(positive, total, 1.0), 1.0)
    move_total = hazards[..., :K].sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        move_cum = np.cumsum(hazards[..., :K], axis=-1) / move_total[..., None]
    move_cum = np.where(move_total[..., None] > 0, move_cum, 1.0).reshape(-1, K)
    # Column-major so that each column is one contiguous lookup table.
    tables = (
        total.ravel(),
        exit_share.ravel(),
        np.ascontiguousarray(move_cum[:, : K - 1].T),
        hazards.shape[1],
        hazards.shape[2],
    )

    # Entrant numbers for every path come from one seeded stream, so batching does not change them.
    lam = plan.entry[draw_of_path]  # (P, 18, K)
    if plan.entry_slope is not None:
        slope_age = plan.entry_slope[draw_of_path][:, BAND_OF_AGE][:, :, None]  # (P, 18, 1)
        base_span = integrated(slope_age, 0.0, span)
        extra_span = integrated(slope_age, min(plan.entry_from, span), span)
    else:
        base_span = span
        extra_span = max(span - plan.entry_from, 0.0)
    base_counts = np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, 21]))).poisson(
        lam * base_span
    )
    extra_rate = lam * plan.entry_extra[BAND_OF_AGE][None, :, None]
    if extra_rate.any():
        extra_counts = np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, 22]))).poisson(
            extra_rate * extra_span
        )
    else:
        extra_counts = np.zeros(lam.shape, dtype=np.int64)
    base_offsets = np.r_[0, np.cumsum(base_counts.reshape(n_paths, -1).sum(axis=1))]
    extra_offsets = np.r_[0, np.cumsum(extra_counts.reshape(n_paths, -1).sum(axis=1))]

    counts = np.zeros((n_paths, n_months + 1, K, NB), dtype=np.int32)
    nights = np.zeros((n_paths, n_months, K)) if with_bed_nights else None
    for p0 in range(0, n_paths, paths_per_batch):
        p1 = min(p0 + paths_per_batch, n_paths)
        entrants = _entrants(
            key,
            plan,
            base_counts[p0:p1],
            extra_counts[p0:p1],
            int(base_offsets[p0]),
            int(extra_offsets[p0]),
            span,
            draw_of_path[p0:p1],
        )
        c, b = _run_batch(
            key, population, entrants, tables, draw_of_path[p0:p1], p0, grid, plan, with_bed_nights
        )
        counts[p0:p1] = c
        if nights is not None and b is not None:
            nights[p0:p1] = b
    return SimulationOutput(counts=counts, bed_nights=nights)


@dataclass
class _Entrants:
    path: np.ndarray  # batch-local path index
    ids: np.ndarray
    time: np.ndarray
    category: np.ndarray
    band: np.ndarray
    edges: np.ndarray


def _entrants(
    key: np.uint64,
    plan: Plan,
    base_counts: np.ndarray,
    extra_counts: np.ndarray,
    base_offset: int,
    extra_offset: int,
    span: float,
    draws: np.ndarray,
) -> _Entrants:
    """New entrants of a batch of paths: when they enter, how old they are and where they start."""
    parts = []
    for counts, offset, id_base, t0 in (
        (base_counts, base_offset, _ENTRANT_ID_BASE, 0.0),
        (extra_counts, extra_offset, _EXTRA_ID_BASE, plan.entry_from),
    ):
        cells = np.repeat(np.arange(counts.size), counts.ravel())
        n = cells.size
        ids = id_base + np.uint64(offset) + np.arange(n, dtype=np.uint64)
        path = cells // (N_AGES * K)
        age = (cells // K) % N_AGES
        cat = cells % K
        u = crn.uniforms(key, ids, 0, crn.SALT_ENTRY_TIME)
        if plan.entry_slope is not None:
            t = entry_times(u, plan.entry_slope[draws[path], BAND_OF_AGE[age]], min(t0, span), span)
        else:
            t = t0 + u * max(span - t0, 0.0)
        age_days = (age + crn.uniforms(key, ids, 0, crn.SALT_ENTRY_AGE)) * YEAR_DAYS
        band = BAND_OF_AGE[age]
        if id_base == _ENTRANT_ID_BASE and (plan.entry_keep < 1.0).any():
            keep_share = plan.entry_keep[band]
            keep = (t < plan.entry_from) | (crn.uniforms(key, ids, 0, crn.SALT_ENTRY_KEEP) < keep_share)
            path, ids, t, cat, band, age_days = (a[keep] for a in (path, ids, t, cat, band, age_days))
        if plan.entry_slope is not None and plan.entry_slope_var is not None:
            # The drawn slopes' spread must widen the paths, not raise their mean (trend.lognormal_keep).
            share = lognormal_keep(plan.entry_slope_var[band], t + plan.entry_slope_lag)
            keep = crn.uniforms(key, ids, 0, crn.SALT_SLOPE_KEEP) < share
            path, ids, t, cat, band, age_days = (a[keep] for a in (path, ids, t, cat, band, age_days))
        parts.append((path, ids, t, cat, band, age_days))
    path, ids, t, cat, band, age_days = (np.concatenate(a) for a in zip(*parts, strict=True))
    for i, r in enumerate(plan.redirects):
        hit = (cat == r.source) & (t >= r.from_day)
        if r.share < 1.0:
            hit &= crn.uniforms(key, ids, 0, crn.SALT_REDIRECT + i) < r.share
        cat = np.where(hit, r.target, cat)
    edges = (t - age_days)[:, None] + EDGE_YEARS[None, :] * YEAR_DAYS
    return _Entrants(path=path, ids=ids, time=t, category=cat, band=band, edges=edges)


def _next_buckets(
    state: np.ndarray,
    care_end: np.ndarray,
    place_end: np.ndarray,
    at: np.ndarray,
    care_width: np.ndarray,
    place_width: np.ndarray,
    n_place: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Slots whose time-in-care or time-in-placement bucket ends at or before ``at`` go into that clock's
    next bucket (both when they end together): returns their new state and bucket ends.

    ``care_width``/``place_width`` (by state) are the lengths in days of the state's care and placement
    buckets (inf for the last), so a bucket's end is the previous one's plus its length; ``n_place`` is
    the number of placement buckets (the state's duration bucket is care bucket * n_place + placement
    bucket).
    """
    crossed = care_end <= at
    state = state + crossed * (n_place * NB * K)
    care_end = np.where(crossed, care_end + care_width[state], care_end)
    crossed = place_end <= at
    state = state + crossed * (NB * K)
    place_end = np.where(crossed, place_end + place_width[state], place_end)
    return state, care_end, place_end


def _run_batch(
    key: np.uint64,
    population: Population,
    entrants: _Entrants,
    tables: tuple[np.ndarray, np.ndarray, np.ndarray, int, int],
    draws: np.ndarray,
    path_base: int,
    grid: np.ndarray,
    plan: Plan,
    with_bed_nights: bool,
) -> tuple[np.ndarray, np.ndarray | None]:
    """Simulate one batch of paths; returns its counts and bed-nights.

    Each simulated child ("slot") carries: its time ``t``; ``resid``, the unit-exponential "clock" left
    before its next move or exit (consumed at rate ``hazard`` while its state lasts, so a birthday, a
    stretch of time in care or a scenario date does not redraw it); ``state`` = (duration bucket *
    NB + band) * K + category, the duration bucket being care bucket * NP + placement bucket;
    ``care_end``/``place_end`` = the times its care and placement buckets end (a move starts a new
    placement: placement bucket 0 again); ``edge`` = index of its next
    birthday boundary; ``table`` = offset of its path's rate table (bootstrap draw and epoch); ``row`` =
    offset of its path in the output arrays (kept by band and category: the duration buckets are summed
    anyway); and ``stream``, the key of its random numbers.
    """
    total_flat, exit_flat, move_cum_cols, n_epochs, n_dur = tables
    n_paths = draws.size
    n = population.size
    n_months = grid.size - 1
    stride = n_months + 2
    span = float(grid[-1]) + 1.0
    epoch_ends = plan.epoch_ends
    state_size = n_dur * NB * K
    place_starts = np.r_[np.asarray(plan.placement_edges, dtype=np.float64), np.inf]
    n_place = place_starts.size - 1
    n_care = n_dur // n_place
    dur_starts = np.r_[np.asarray(plan.duration_edges, dtype=np.float64)[:n_care], np.inf]
    n_edges = EDGE_YEARS.size
    # The lengths of each state's care and placement buckets (see _next_buckets).
    bucket = np.arange(state_size) // (NB * K)
    care_width, place_width = np.diff(dur_starts)[bucket // n_place], np.diff(place_starts)[bucket % n_place]

    # Slots: existing children in every path of the batch, then the entrants.
    local_path = np.r_[np.repeat(np.arange(n_paths), n), entrants.path].astype(np.int64)
    sid = np.r_[
        (np.uint64(path_base) + np.repeat(np.arange(n_paths, dtype=np.uint64), n)) * np.uint64(max(n, 1))
        + np.tile(np.arange(n, dtype=np.uint64), n_paths),
        entrants.ids,
    ]
    edge_flat = np.concatenate([population.edges.astype(np.float64), entrants.edges]).ravel()
    child = np.r_[np.tile(np.arange(n), n_paths), n + np.arange(entrants.ids.size)].astype(np.int64)
    t = np.r_[np.zeros(n * n_paths), entrants.time]
    band = np.r_[np.tile(population.band, n_paths), entrants.band].astype(np.int64)
    in_care = np.zeros(n) if population.in_care_days is None else population.in_care_days.astype(np.float64)
    period = np.r_[np.tile(-in_care, n_paths), entrants.time]
    in_place = in_care if population.in_placement_days is None else population.in_placement_days
    placed = np.r_[np.tile(-np.asarray(in_place, dtype=np.float64), n_paths), entrants.time]
    care = np.clip(np.searchsorted(dur_starts, t - period, side="right") - 1, 0, n_care - 1)
    place = np.clip(np.searchsorted(place_starts, t - placed, side="right") - 1, 0, n_place - 1)
    care_end = period + dur_starts[care + 1]
    place_end = placed + place_starts[place + 1]
    dur = care * n_place + place
    state = (dur * NB + band) * K + np.r_[np.tile(population.category, n_paths), entrants.category].astype(
        np.int64
    )
    edge = child * n_edges + band
    epoch = np.searchsorted(epoch_ends, t, side="right").astype(np.int64)
    table = (draws[local_path].astype(np.int64) * n_epochs + epoch) * state_size
    row = local_path * (stride * NB * K)
    stream = crn.stream_keys(key, sid)
    clock, u_dest = crn.uniform_pairs_at(stream, crn.SALT_EXPONENTIAL)
    resid = -np.log(clock)
    band_end = edge_flat[edge]
    del local_path, sid, child, band, clock, dur, care, place, period, placed

    # Counts are kept by band and category (not by duration bucket): month_offset[x + 1] = (index of the
    # first month end on or after integer day x) * NB * K.
    month_offset = np.searchsorted(grid, np.arange(-1, int(span) + 3), side="left").astype(np.int64) * (
        NB * K
    )
    # Bed-nights are kept by category only: night_offset[x + 1] = (month index) * K, and a path's nights
    # start at row // NB (= path * stride * K).
    night_offset = month_offset // NB
    ceil_t = np.ceil(t).astype(np.int64) + 1  # carried from round to round (t is the previous t1)
    count_lo: list[np.ndarray] = []
    count_hi: list[np.ndarray] = []
    night_lo: list[np.ndarray] = []
    night_hi: list[np.ndarray] = []
    night_start: list[np.ndarray] = []
    night_len: list[np.ndarray] = []

    while t.size:
        nxt = np.minimum(band_end, span)
        if n_epochs > 1:
            epoch_end = epoch_ends[epoch]
            np.minimum(nxt, epoch_end, out=nxt)
        flat = table + state
        h = total_flat[flat]
        with np.errstate(divide="ignore"):
            t1 = resid / h
        t1 += t
        seg_start = t
        if n_dur > 1:
            # A new stretch of time in care or in the placement changes the hazard but not what is
            # counted (counts and nights are kept by band and category), so it is crossed within the
            # round: the clock ``resid`` is consumed up to the bucket's end and the wait goes on at the
            # next bucket's hazard, the same arithmetic as a round of its own.
            soft = np.minimum(care_end, place_end)
            ic = np.flatnonzero((soft <= t1) & (soft < nxt))
            if ic.size:
                seg_start = t.copy()
            while ic.size:
                at = soft[ic]
                r = resid[ic] - h[ic] * (at - seg_start[ic])
                seg_start[ic] = at
                st, ce, pe = _next_buckets(
                    state[ic], care_end[ic], place_end[ic], at, care_width, place_width, n_place
                )
                state[ic], care_end[ic], place_end[ic] = st, ce, pe
                f = table[ic] + st
                flat[ic] = f
                hf = total_flat[f]
                h[ic], resid[ic] = hf, r
                with np.errstate(divide="ignore"):
                    t1_ic = r / hf
                t1_ic += at
                t1[ic] = t1_ic
                s_ic = np.minimum(ce, pe)
                soft[ic] = s_ic
                ic = ic[(s_ic <= t1_ic) & (s_ic < nxt[ic])]
        real = t1 < nxt
        np.minimum(t1, nxt, out=t1)

        # Record the stretch [t, t1) in its state: month end m counts it when t <= T[m] < t1, and the
        # nights of month m are the days D with T[m-1] < D <= T[m] (see the module docstring).
        ceil_t1 = np.ceil(t1).astype(np.int64)
        ceil_t1 += 1
        base = row + (state if n_dur == 1 else state % (NB * K))
        count_lo.append(month_offset[ceil_t] + base)
        count_hi.append(month_offset[ceil_t1] + base)
        stretch = t1 - t
        if with_bed_nights:
            base_k = row // NB
            base_k += state % K
            floor_t = t.astype(np.int64)  # t >= 0, so truncation is the floor
            floor_t += 1
            night_lo.append(night_offset[floor_t] + base_k)
            ceil_t1 -= 1
            night_hi.append(night_offset[ceil_t1] + base_k)
            ceil_t1 += 1
            night_start.append(t)
            night_len.append(stretch)
        resid -= h * (t1 - seg_start)
        t = t1
        ceil_t = ceil_t1
        gone = ~real

        ir = np.flatnonzero(real)
        if ir.size:
            # The event is leaving care with probability exit hazard / total hazard; otherwise a move,
            # to each category in proportion to its hazard (u rescaled to the moves' share). Only a child
            # who moves needs the random numbers of its next event.
            u = u_dest[ir]
            flat_ir = flat[ir]
            p_exit = exit_flat[flat_ir]
            leaves = u < p_exit
            gone[ir[leaves]] = True
            stays = np.flatnonzero(~leaves)
            if stays.size:
                moved = ir[stays]
                keys = stream[moved]
                keys += crn.COUNTER_STEP
                stream[moved] = keys
                clock, u_next = crn.uniform_pairs_at(keys, crn.SALT_EXPONENTIAL)
                resid[moved] = -np.log(clock)
                u_dest[moved] = u_next
                flat_m = flat_ir[stays]
                p = p_exit[stays]
                u_move = (u[stays] - p) / (1.0 - p)
                dest = np.zeros(moved.size, dtype=np.int64)
                for column in move_cum_cols:
                    dest += column[flat_m] <= u_move
                old = state[moved]
                if n_place > 1:
                    # A move starts a new placement: back to the first placement bucket.
                    old = old - (old // (NB * K) % n_place) * (NB * K)
                    place_end[moved] = t1[moved] + place_starts[1]
                state[moved] = old - old % K + dest

        # A new stretch of time in care or in the placement (only non-events can reach one): the next
        # bucket of that clock (both when they end together).
        # (Only where the bucket ends together with a birthday, a scenario date or the projection.)
        if n_dur > 1:
            idur = np.flatnonzero(~real & (soft <= t1))
            if idur.size:
                state[idur], care_end[idur], place_end[idur] = _next_buckets(
                    state[idur], care_end[idur], place_end[idur], t1[idur], care_width, place_width, n_place
                )
                gone[idur] = False
        # A birthday that starts a new age band (only non-events can reach one); the 18th ends care.
        at_band = band_end <= t1
        ia = np.flatnonzero(at_band)
        if ia.size:
            grown = (state[ia] // K) % NB < NB - 1
            state[ia[grown]] += K
            new_edge = edge[ia] + 1
            edge[ia] = new_edge
            gone[ia] = ~grown
            band_end[ia[grown]] = edge_flat[new_edge[grown]]
        if n_epochs > 1:
            ie = np.flatnonzero(gone & ~at_band & (epoch_end <= t1))
            epoch[ie] += 1
            table[ie] += state_size
            gone[ie] = False
        # Anything else still marked gone has left care or reached the end of the projection.

        keep = np.flatnonzero(~gone)
        if keep.size < t.size:
            t, resid, u_dest, band_end, state, edge, table, row, stream, ceil_t = (
                a[keep] for a in (t, resid, u_dest, band_end, state, edge, table, row, stream, ceil_t)
            )
            if n_dur > 1:
                care_end, place_end = care_end[keep], place_end[keep]
            if n_epochs > 1:
                epoch = epoch[keep]

    size = n_paths * stride * NB * K
    plus = np.bincount(np.concatenate(count_lo), minlength=size) if count_lo else np.zeros(size, np.int64)
    minus = np.bincount(np.concatenate(count_hi), minlength=size) if count_hi else np.zeros(size, np.int64)
    counts = np.cumsum((plus - minus).reshape(n_paths, stride, NB, K), axis=1)[:, : n_months + 1]
    counts = counts.transpose(0, 1, 3, 2)

    nights = None
    if with_bed_nights:
        i_lo, i_hi = np.concatenate(night_lo), np.concatenate(night_hi)
        starts, lengths = np.concatenate(night_start), np.concatenate(night_len)

        size_k = n_paths * stride * K

        def by_category(values: np.ndarray) -> np.ndarray:
            return np.cumsum(values.reshape(n_paths, stride, K), axis=1)[:, : n_months + 1]

        active = by_category(np.bincount(i_lo, minlength=size_k) - np.bincount(i_hi, minlength=size_k))
        start_sum = by_category(
            np.bincount(i_lo, weights=starts, minlength=size_k)
            - np.bincount(i_hi, weights=starts, minlength=size_k)
        )
        done = by_category(np.bincount(i_hi, weights=lengths, minlength=size_k))
        cumulative = active * (grid + 1.0)[None, :, None] - start_sum + done
        nights = np.diff(cumulative, axis=1)
    return counts.astype(np.int32), nights
