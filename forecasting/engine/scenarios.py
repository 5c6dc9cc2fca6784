"""Turning a :class:`~forecasting.engine.types.Scenario` into the rates the simulation uses.

A scenario never refits anything: it edits the baseline's fitted rates (every bootstrap draw alike), so
the baseline and the scenario differ only by the scenario's levers. Changes that start on a date split
the projection into *epochs*; inside an epoch the rates are constant.

* Entry-rate changes scale the entry rate of an age band from ``entry_changes_from``: a reduction keeps
  each would-be entrant of the baseline with probability 1 + change (so the baseline's entrants are
  reused, which keeps the comparison free of noise); an increase adds entrants at ``change`` times the
  baseline rate.
* Transfers add a daily hazard of -ln(1 - annual_share) / 365.25 from one category to another.
* Capacity changes redirect a share ``r`` of starts (entries and moves) from the source category to the
  target (see :class:`~forecasting.engine.types.CapacityChange` for how ``r`` is set). They are applied
  after transfers, so a transfer into the source is redirected too.
"""

from __future__ import annotations

import math

import numpy as np

from placements.categories import AGE_BANDS

from .history import day_number
from .rates import RateSet
from .simulate import Plan, Redirect
from .types import MODEL_CATEGORIES, Scenario

_INDEX = {c: i for i, c in enumerate(MODEL_CATEGORIES)}


def build_plan(rates: RateSet, scenario: Scenario | None, *, origin_day: int) -> Plan:
    """The simulation plan for the baseline (``scenario`` None) or a scenario, from day ``origin_day``."""
    # (draws, duration bucket, band, category, K+1); a hand-built rate set may leave out the buckets.
    base = rates.hazards if rates.hazards.ndim == 5 else rates.hazards[:, None]
    if scenario is None:
        return Plan(
            hazards=base[:, None],
            epoch_ends=np.array([np.inf]),
            entry=rates.entry,
            entry_slope=rates.entry_slope,
            entry_slope_var=rates.entry_slope_var,
            entry_slope_lag=rates.entry_slope_lag,
            duration_edges=rates.duration_edges,
            placement_edges=rates.placement_edges,
        )

    def offset(date: object) -> float:
        return 0.0 if date is None else float(max(day_number(date) - origin_day, 0))

    dated = [offset(t.start) for t in scenario.transfers] + [
        offset(c.from_date) for c in scenario.capacity_changes
    ]
    boundaries = sorted({d for d in dated if d > 0})
    epoch_starts = np.array([0.0, *boundaries])
    epoch_ends = np.array([*boundaries, np.inf])
    hazards = np.repeat(base[:, None], epoch_starts.size, axis=1).copy()

    for transfer in scenario.transfers:
        extra = -math.log1p(-transfer.annual_share) / 365.25
        bands = [AGE_BANDS.index(b) for b in (transfer.age_bands or AGE_BANDS)]
        epochs = np.flatnonzero(epoch_starts >= offset(transfer.start))
        src, dst = _INDEX[transfer.from_category], _INDEX[transfer.to_category]
        for e in epochs:
            hazards[:, e, :, bands, src, dst] += extra

    redirects = []
    for change in scenario.capacity_changes:
        source, target = _INDEX[change.source], _INDEX[change.category]
        if change.extra_places < 0:
            source, target = target, source
        flow = float(rates.flows_per_year[source])
        share = 1.0 if flow <= 0 else min(1.0, abs(change.extra_places) / flow)
        start = offset(change.from_date)
        for e in np.flatnonzero(epoch_starts >= start):
            moved = hazards[:, e, :, :, :, source] * share
            hazards[:, e, :, :, :, source] -= moved
            moved[..., target] = 0.0  # a child already in the target simply stays
            hazards[:, e, :, :, :, target] += moved
        redirects.append(Redirect(source=source, target=target, share=share, from_day=start))

    keep = np.ones(len(AGE_BANDS))
    extra = np.zeros(len(AGE_BANDS))
    for band, change in scenario.entry_rate_changes.items():
        b = AGE_BANDS.index(band)
        keep[b] = 1.0 + min(change, 0.0)
        extra[b] = max(change, 0.0)
    return Plan(
        hazards=hazards,
        epoch_ends=epoch_ends,
        entry=rates.entry,
        entry_keep=keep,
        entry_extra=extra,
        entry_from=offset(scenario.entry_changes_from),
        redirects=tuple(redirects),
        entry_slope=rates.entry_slope,
        entry_slope_var=rates.entry_slope_var,
        entry_slope_lag=rates.entry_slope_lag,
        duration_edges=rates.duration_edges,
        placement_edges=rates.placement_edges,
    )
