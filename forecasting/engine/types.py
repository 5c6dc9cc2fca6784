"""Parameter and result types of the forecasting engine (plain dataclasses, no Django).

The engine takes an episodes DataFrame and a :class:`ForecastParameters` object and returns a
:class:`ForecastResult` of DataFrames. Scenarios are described by :class:`Scenario`, made of entry-rate
changes, :class:`Transfer` (step-downs and other planned moves) and :class:`CapacityChange` (new in-house
places that change where children are placed). The exact semantics of each lever are documented on the
class, because a commissioner must be able to explain to a board what "+20 in-house foster places"
means in the model.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from placements.categories import (
    AGE_BANDS,
    FOSTERING_EXTERNAL,
    FOSTERING_INHOUSE,
    PLANNING_CATEGORIES,
    RESIDENTIAL_EXTERNAL,
    RESIDENTIAL_INHOUSE,
    TEMPORARY,
)

#: The categories the model tracks: every planning category except "temporary". A temporary (T0-T4)
#: episode is not a placement in its own right; it is folded into the child's surrounding placement
#: (see :mod:`forecasting.engine.history`).
MODEL_CATEGORIES: tuple[str, ...] = tuple(c for c in PLANNING_CATEGORIES if c != TEMPORARY)

#: Where new in-house capacity takes children from, unless a CapacityChange names its own source.
CAPACITY_COUNTERPART: dict[str, str] = {
    FOSTERING_INHOUSE: FOSTERING_EXTERNAL,
    RESIDENTIAL_INHOUSE: RESIDENTIAL_EXTERNAL,
}


@dataclass(frozen=True)
class Transfer:
    """Move a share of the children in one category to another each year (e.g. residential step-down).

    From ``start`` (default: the as-at date) every child in ``from_category`` (and, if ``age_bands`` is
    given, in one of those age bands) gains an extra monthly chance of moving to ``to_category``, set so
    that ``annual_share`` of a fixed group of such children would have moved after twelve months if
    nothing else happened to them: extra hazard = -ln(1 - annual_share) / 365.25 per day. The move adds
    to the moves the history already shows; it does not replace them.
    """

    from_category: str
    to_category: str
    annual_share: float
    start: dt.date | None = None
    age_bands: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        for category in (self.from_category, self.to_category):
            if category not in MODEL_CATEGORIES:
                raise ValueError(f"Unknown planning category {category!r} in transfer")
        if self.from_category == self.to_category:
            raise ValueError("A transfer must move children between two different categories")
        if not 0.0 <= self.annual_share < 1.0:
            raise ValueError("annual_share must be at least 0 and below 1")
        for band in self.age_bands or ():
            if band not in AGE_BANDS:
                raise ValueError(f"Unknown age band {band!r}")


@dataclass(frozen=True)
class CapacityChange:
    """Extra places in a category that change where children are placed from ``from_date``.

    ``extra_places`` is the number of children a year who, from ``from_date`` on, start in ``category``
    instead of its external counterpart (``redirect_from``; by default fostering_external for
    fostering_inhouse and residential_external for residential_inhouse). Both new entrants and children
    moving placement are redirected. In the model each such start is redirected with probability
    ``r = min(1, extra_places / F)``, where ``F`` is the number of starts a year into ``redirect_from``
    seen in the reference window (entries whose first placement is there plus moves into it), so that on
    average ``extra_places`` starts a year are redirected while demand stays at its reference level. A
    negative ``extra_places`` (places lost) redirects starts the other way, from ``category`` to
    ``redirect_from``. Children already placed are not moved (use a :class:`Transfer` for that).
    """

    category: str
    extra_places: float
    from_date: dt.date | None = None
    redirect_from: str | None = None

    def __post_init__(self) -> None:
        if self.category not in MODEL_CATEGORIES:
            raise ValueError(f"Unknown planning category {self.category!r} in capacity change")
        source = self.source
        if source not in MODEL_CATEGORIES or source == self.category:
            raise ValueError(f"Capacity in {self.category!r} needs a different category to redirect from")

    @property
    def source(self) -> str:
        """The category whose starts are redirected into ``category``."""
        if self.redirect_from is not None:
            return self.redirect_from
        if self.category not in CAPACITY_COUNTERPART:
            raise ValueError(f"No default counterpart for {self.category!r}: pass redirect_from")
        return CAPACITY_COUNTERPART[self.category]


@dataclass(frozen=True)
class Scenario:
    """A named "what if", compared with the baseline using the same fitted rates and random numbers.

    * ``entry_rate_changes``: age band (``placements.categories.AGE_BANDS``) -> fractional change in the
      rate of children entering care at that age, e.g. ``{"16_17": -0.10}`` for 10% fewer 16-17 year
      olds entering. Applies to entries on or after ``entry_changes_from`` (default: the as-at date).
      -1.0 means no entries at all in that band. The age band is the child's age on entering care.
    * ``transfers``: see :class:`Transfer`.
    * ``capacity_changes``: see :class:`CapacityChange`.
    """

    name: str
    entry_rate_changes: dict[str, float] = field(default_factory=dict)
    transfers: tuple[Transfer, ...] = ()
    capacity_changes: tuple[CapacityChange, ...] = ()
    entry_changes_from: dt.date | None = None

    def __post_init__(self) -> None:
        if not self.name or self.name == "baseline":
            raise ValueError("A scenario needs a name other than 'baseline'")
        for band, change in self.entry_rate_changes.items():
            if band not in AGE_BANDS:
                raise ValueError(f"Unknown age band {band!r}")
            if change < -1.0:
                raise ValueError("An entry rate cannot fall by more than 100%")
        object.__setattr__(self, "transfers", tuple(self.transfers))
        object.__setattr__(self, "capacity_changes", tuple(self.capacity_changes))


@dataclass(frozen=True)
class ForecastParameters:
    """Everything that determines a forecast, beside the episodes themselves.

    * ``as_at``: the forecast starts from the children in care on this date; data after it is ignored
      (so a forecast "as at" a past date on today's register is an honest one).
    * ``horizon_months``: number of calendar month ends projected (1-60). Month ends are the last days of
      the calendar months after ``as_at``; if ``as_at`` is not itself a month end the first month is
      partial.
    * ``reference_start``/``reference_end``: the window the rates are estimated from; default the three
      years up to ``as_at``. The start is never earlier than ``history_start``.
    * ``history_start``: first date from which the register is complete (default: the earliest day an
      episode ended, see ``History.complete_day``). Backtests whose window would begin before it are shortened; backtests with less than a
      year of history are skipped.
    * ``n_paths``/``seed``: Monte Carlo paths and seed; the result is identical for the same seed.
    * ``parameter_uncertainty``: each path uses rates re-estimated from a bootstrap resample of the
      reference window (children resampled for moves and exits, months resampled for entries).
      ``parameter_draws`` resamples are made (default 250, plenty to represent the rates' uncertainty)
      and path p uses resample p mod ``parameter_draws``: with 1,000 paths, each set of rates drives four
      independent futures, so the intervals carry both the parameter and the process uncertainty while
      the model is fitted 250 times rather than 1,000.
    * ``unit_costs``: weekly cost in pounds per planning category (already blended by route), at
      ``as_at`` prices; ``inflation`` is the annual uplift applied each 1 April after ``as_at``.
    * ``backtest_offsets``: months before ``as_at`` at which the model is refitted and checked;
      ``backtest_paths`` paths are used for each (default: ``n_paths``, at most 400). A backtest is a
      diagnostic read over dozens of month ends: with 400 paths its 2.5th and 97.5th percentiles each
      rest on ten paths in the tail, and the three refits cost less than the forecast itself.
    * ``scenario``: if given, :func:`run_forecast` projects this scenario instead of the baseline.
    * ``entry_trend``: entries by age band follow a log-linear trend fitted on the reference window and
      shrunk towards no trend where the evidence is weak (:mod:`forecasting.engine.trend`); off, the
      entry rate is the window's average.
    * ``trend_years``: with ``entry_trend``, fit the trend on the entries of up to this many years (the
      extract, from ``history_start``) as one that began no later than the reference window's start, and
      keep it only where the entries show it clearly; otherwise entries have no trend
      (:func:`forecasting.engine.trend.fit_long_trend`). None: the trend is fitted on the window alone.
    * ``half_life_years``: if given, exposure, moves, exits and first placements in the reference window
      are weighted by recency, halving every ``half_life_years`` back from its end, so a step change
      shows in the move and first-placement rates within a year.
    * ``duration_hazards``: leaving care and moving also depend on the time since the child's period of
      care began (buckets of 0-3, 3-12, 12-36 and 36+ months, one multiplier each for exits and for moves,
      see :func:`forecasting.engine.rates.duration_multipliers`); each simulated child carries its time
      in care. Off, a child's chances depend only on age and category.
    * ``placement_hazards``: leaving care and moving also depend on the time since the placement began
      (the entry into care or the last move to another category; buckets of 0-3, 3-12 and 12+ months, one
      multiplier each for exits and for moves, on top of the time-in-care ones when both are on); each
      simulated child carries the time in its placement, and a move starts it again.
    """

    as_at: dt.date
    horizon_months: int = 36
    reference_start: dt.date | None = None
    reference_end: dt.date | None = None
    reference_years: int = 3
    history_start: dt.date | None = None
    n_paths: int = 1000
    seed: int = 0
    parameter_uncertainty: bool = True
    parameter_draws: int = 250
    scenario: Scenario | None = None
    unit_costs: dict[str, float] = field(default_factory=dict)
    inflation: float = 0.03
    backtest_offsets: tuple[int, ...] = (12, 24, 36)
    backtest_paths: int | None = None
    entry_trend: bool = False
    half_life_years: float | None = None
    duration_hazards: bool = False
    trend_years: int | None = None
    placement_hazards: bool = False

    def __post_init__(self) -> None:
        if not 1 <= self.horizon_months <= 60:
            raise ValueError("horizon_months must be between 1 and 60")
        if self.n_paths < 2:
            raise ValueError("n_paths must be at least 2")
        if self.parameter_draws < 1:
            raise ValueError("parameter_draws must be at least 1")
        for category in self.unit_costs:
            if category not in PLANNING_CATEGORIES:
                raise ValueError(f"Unknown planning category {category!r} in unit_costs")
        if self.reference_years < 1:
            raise ValueError("reference_years must be at least 1")
        if self.trend_years is not None and self.trend_years < 1:
            raise ValueError("trend_years must be at least 1")
        if self.half_life_years is not None and not self.half_life_years > 0:
            raise ValueError("half_life_years must be positive")
        object.__setattr__(self, "backtest_offsets", tuple(int(o) for o in self.backtest_offsets))
        as_at = pd.Timestamp(self.as_at).date()
        object.__setattr__(self, "as_at", as_at)


@dataclass(frozen=True)
class ReferenceWindow:
    """The window the rates were estimated from, with the evidence it holds."""

    start: dt.date
    end: dt.date
    children: int
    entries: int
    exits: int
    moves: int
    exposure_years: float


@dataclass
class ForecastResult:
    """One projection (the baseline or a scenario) with its backtest and costs.

    * ``months``: month_end, months_ahead, dimension ('total'|'category'|'age_band'), key, mean, p50, p10,
      p90, p2_5, p97_5. Month 0 is the as-at date (the actual count, no uncertainty).
    * ``backtest``: offset_months, as_at (the backtest origin), month_end, months_ahead, dimension, key,
      actual, mean, p10, p90, p2_5, p97_5, ape (absolute percentage error of the mean, in percent; NaN when
      the actual is 0), in_80, in_95.
    * ``costs_monthly``: month_end, dimension ('total'|'category'), key, bed_nights_mean/_p10/_p90,
      spend_mean/_p10/_p90 (pounds, inflated).
    * ``costs_by_fy``: financial_year ('2026-27'), months (how many projected months fall in it),
      complete (all twelve), dimension, key, bed_nights_*/spend_* as above.
    * ``rates``: the fitted point-estimate rates (raw and after small-cell borrowing) behind the forecast.
    * ``reference``: the reference window; ``timings``: seconds per stage.
    """

    scenario: str
    months: pd.DataFrame
    backtest: pd.DataFrame
    costs_monthly: pd.DataFrame
    costs_by_fy: pd.DataFrame
    rates: pd.DataFrame
    reference: ReferenceWindow
    timings: dict[str, float] = field(default_factory=dict)


@dataclass
class ScenarioComparison:
    """The baseline and each scenario, run with the same fitted rates and common random numbers.

    ``comparison`` and ``costs_comparison`` put each scenario beside the baseline: for every month end
    (or financial year), dimension and key, the scenario's mean/p10/p90 and the path-by-path difference
    from the baseline (diff_mean, diff_p10, diff_p90). Because both share random numbers, the difference
    interval shows the effect of the scenario, not simulation noise.
    """

    baseline: ForecastResult
    scenarios: dict[str, ForecastResult]
    comparison: pd.DataFrame
    costs_comparison: pd.DataFrame
    timings: dict[str, float] = field(default_factory=dict)
