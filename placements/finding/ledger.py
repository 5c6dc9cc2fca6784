"""The unmet-need ledger: what children needed and did not get, by month and kind of placement.

Pure pandas (no Django): `selectors.ledger_frames_for_authority` loads the frames; this module computes.
Tested by hand on small frames in tests/placements/finding/test_ledger.py.

Inputs:

* ``requests``: one row per placement request: id, requested_on (datetime64), urgency, fostering,
  residential, supported (suitability codes), status, placed_on (datetime64, NaT), placed_category,
  placed_route, placed_to_plan (boolean, NA), siblings (int), siblings_outcome, approaches (int), offers
  (int), close_reason; optionally agreed_weekly_cost (float, NaN unknown: no extra cost without it).
* ``declines``: one row per declined approach or offer: request_id, declined_at (datetime64),
  declined_by, decline_reason.
* ``unit_costs``: category, route, weekly_cost, effective_from, effective_to (the authority's UnitCost).

Definitions (each figure's month):

* **kind** of a request: the first *preferred* of fostering, residential and supported accommodation,
  else the first *suitable* one (so every request is in exactly one column of the ledger).
* **requests, planned, emergency** (emergency = emergency or same-day), **providers approached per
  request**, **offers per request**, **not placed** and **withdrawn**: by the month the request was made.
* **placed, median days to place** (request to placement start, 0 when the same day), **% placed to
  plan** (of placements whose plan is known), **fostering preferred but residential used** and its
  **extra annual cost**, **sibling groups split** (of requests to place a child with siblings, placed
  apart): by the month the child was placed.
* **Extra annual cost** of each child for whom fostering was preferred but who was placed in residential
  care: (the agreed weekly cost of the placement made) less (the authority's weekly unit cost of external
  fostering in force on the date placed: framework route, else spot, else the mean over the routes in
  force), never below 0, times 52.18 weeks (placements.constants.WEEKS_PER_YEAR). No agreed cost or no
  fostering unit cost, no figure (the count still stands). This is the one definition: the KPI catalogue
  (``foster_preferred_residential_extra_cost``), the board report, the statement and this ledger all sum
  `extra_annual_cost` over the rows `prepare` marks, with `total_extra_annual_cost`.
* **Periods**: a request is in a period [start, end] when its date is on or after start and on or before
  end (`made_in`, `placed_in`); the KPI catalogue selects with the same two functions.
* **Decline reasons**: declines recorded in the period (to the end of its last day), by coded reason and
  who declined.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from ..categories import COARSE_GROUPS
from ..constants import WEEKS_PER_YEAR

KINDS = ("fostering", "residential", "supported")
RESIDENTIAL = frozenset(COARSE_GROUPS["RESIDENTIAL"])
EMERGENCY = frozenset({"emergency", "same_day"})
FOSTERING_COMPARATOR = ("fostering_external", ("framework", "spot"))
MEASURES = (
    "requests",
    "planned",
    "emergency",
    "approaches_per_request",
    "offers_per_request",
    "withdrawn",
    "not_placed",
    "placed",
    "median_days_to_place",
    "pct_placed_to_plan",
    "foster_preferred_residential_used",
    "extra_annual_cost",
    "sibling_groups_placed",
    "sibling_groups_split",
)
REQUEST_COLUMNS = (
    "id",
    "requested_on",
    "urgency",
    "fostering",
    "residential",
    "supported",
    "status",
    "placed_on",
    "placed_category",
    "placed_route",
    "placed_to_plan",
    "siblings",
    "siblings_outcome",
    "approaches",
    "offers",
    "close_reason",
)
DECLINE_COLUMNS = ("request_id", "declined_at", "declined_by", "decline_reason")


def request_kind(requests: pd.DataFrame) -> pd.Series:
    """Each request's kind: first preferred, else first suitable, of fostering/residential/supported."""
    kind = pd.Series("fostering", index=requests.index, dtype=object)
    chosen = pd.Series(False, index=requests.index)
    for wanted in ("preferred", "suitable"):
        for k in KINDS:
            hit = ~chosen & (requests[k] == wanted)
            kind[hit] = k
            chosen |= hit
    return kind


def prepare(requests: pd.DataFrame, unit_costs: pd.DataFrame | None = None) -> pd.DataFrame:
    """Add the derived columns: kind, emergency, days_to_place, fpru (fostering preferred, residential
    used), sibling_group, split, extra_annual_cost (see the module docstring)."""
    frame = requests.copy()
    frame["requested_on"] = pd.to_datetime(frame["requested_on"])
    frame["placed_on"] = pd.to_datetime(frame["placed_on"])
    frame["kind"] = request_kind(frame)
    frame["emergency"] = frame["urgency"].isin(EMERGENCY)
    frame["days_to_place"] = (frame["placed_on"] - frame["requested_on"]).dt.days
    placed = frame["placed_on"].notna()
    frame["fpru"] = placed & (frame["fostering"] == "preferred") & frame["placed_category"].isin(RESIDENTIAL)
    frame["sibling_group"] = pd.to_numeric(frame["siblings"]).fillna(0) > 0
    frame["split"] = frame["sibling_group"] & (frame["siblings_outcome"] == "split")
    frame["extra_annual_cost"] = np.nan
    if unit_costs is not None and not unit_costs.empty and frame["fpru"].any():
        rows = frame.loc[frame["fpru"]]
        agreed = (
            pd.to_numeric(rows["agreed_weekly_cost"], errors="coerce")
            if "agreed_weekly_cost" in rows
            else pd.Series(np.nan, index=rows.index)
        )
        costs = UnitCosts(unit_costs)  # read once: one lookup per day placed
        frame.loc[frame["fpru"], "extra_annual_cost"] = [
            extra_annual_cost(costs, weekly, on) for weekly, on in zip(agreed, rows["placed_on"], strict=True)
        ]
    return frame


class UnitCosts:
    """An authority's unit costs (the ``unit_costs`` frame) read once into plain rows, answering
    `unit_cost_on` for a category, routes and date, each question worked out once. A ledger asks the same
    question for every child placed on the same day; pandas filtering per question cost milliseconds each."""

    def __init__(self, unit_costs: pd.DataFrame) -> None:
        self._rows: list[tuple[str, str, float, pd.Timestamp, pd.Timestamp | None]] = []
        if not unit_costs.empty:
            starts = pd.to_datetime(unit_costs["effective_from"])
            ends = pd.to_datetime(unit_costs["effective_to"])
            for category, route, cost, start, end in zip(
                unit_costs["category"],
                unit_costs["route"],
                unit_costs["weekly_cost"],
                starts,
                ends,
                strict=True,
            ):
                self._rows.append((category, route, float(cost), start, None if pd.isna(end) else end))
        self._answers: dict[tuple[str, tuple[str, ...], pd.Timestamp], float | None] = {}

    def on(self, category: str, routes: tuple[str, ...], on: Any) -> float | None:
        """The weekly unit cost of a category on a date: the first of `routes` with one in force (the latest
        to take effect), else the mean over every route in force; None when there is none."""
        key = (category, tuple(routes), pd.Timestamp(on))
        if key not in self._answers:
            self._answers[key] = self._work_out(*key)
        return self._answers[key]

    def _work_out(self, category: str, routes: tuple[str, ...], ts: pd.Timestamp) -> float | None:
        live = [r for r in self._rows if r[0] == category and r[3] <= ts and (r[4] is None or r[4] >= ts)]
        if not live:
            return None
        for route in routes:
            chosen = sorted((r for r in live if r[1] == route), key=lambda r: r[3])
            if chosen:
                return chosen[-1][2]
        return float(np.mean([r[2] for r in live]))


def unit_cost_on(
    unit_costs: pd.DataFrame | UnitCosts, category: str, routes: tuple[str, ...], on: Any
) -> float | None:
    """The weekly unit cost of a category on a date: the first of `routes` with one in force, else the
    mean over every route in force; None when there is none. See `UnitCosts` to ask many times."""
    costs = unit_costs if isinstance(unit_costs, UnitCosts) else UnitCosts(unit_costs)
    return costs.on(category, routes, on)


def extra_annual_cost(unit_costs: pd.DataFrame | UnitCosts, agreed_weekly_cost: Any, on: Any) -> float:
    """Extra cost a year of a residential placement agreed at `agreed_weekly_cost` a week, made on `on`,
    for a child whose plan preferred fostering (see the module docstring); NaN when either cost is unknown."""
    if agreed_weekly_cost is None or pd.isna(agreed_weekly_cost):
        return np.nan
    fostering = unit_cost_on(unit_costs, FOSTERING_COMPARATOR[0], FOSTERING_COMPARATOR[1], on)
    if fostering is None:
        return np.nan
    return round(max(float(agreed_weekly_cost) - fostering, 0.0) * WEEKS_PER_YEAR, 2)


def total_extra_annual_cost(values: Any) -> float | None:
    """The extra annual cost of a set of children (the `extra_annual_cost` of the rows counted): the sum of
    those known, to the pound; None when none is known."""
    known = np.asarray(values, dtype=float)
    known = known[~np.isnan(known)]
    return round(float(known.sum()), 0) if len(known) else None


def _made_arrays(made: pd.DataFrame) -> dict[str, np.ndarray]:
    """The request-side columns `_measures` reads, as plain arrays (sliced by month and kind cheaply)."""
    return {
        "emergency": made["emergency"].to_numpy(dtype=bool),
        "approaches": pd.to_numeric(made["approaches"]).to_numpy(dtype=float),
        "offers": pd.to_numeric(made["offers"]).to_numpy(dtype=float),
        "withdrawn": (made["status"] == "withdrawn").to_numpy(dtype=bool),
        "not_placed": (made["status"] == "not_placed").to_numpy(dtype=bool),
    }


def _placed_arrays(placed: pd.DataFrame) -> dict[str, np.ndarray]:
    """The outcome-side columns `_measures` reads, as plain arrays."""
    plan = placed["placed_to_plan"].astype("boolean")
    groups = placed["sibling_group"].to_numpy(dtype=bool)
    return {
        "days_to_place": pd.to_numeric(placed["days_to_place"]).to_numpy(dtype=float),
        "plan_known": plan.notna().to_numpy(dtype=bool),
        "to_plan": plan.fillna(False).to_numpy(dtype=bool),
        "fpru": placed["fpru"].to_numpy(dtype=bool),
        "extra_annual_cost": pd.to_numeric(placed["extra_annual_cost"]).to_numpy(dtype=float),
        "sibling_group": groups,
        "split": groups & placed["split"].to_numpy(dtype=bool),
    }


def _mean(values: np.ndarray) -> float:
    """The mean of the values that are not NaN (as pandas takes it), NaN when there are none."""
    present = values[~np.isnan(values)]
    return float(present.mean()) if len(present) else float("nan")


def _measures(made: dict[str, np.ndarray], placed: dict[str, np.ndarray]) -> dict[str, Any]:
    """The ledger's figures for requests made (request-side) and placements made (outcome-side), from the
    arrays of `_made_arrays` and `_placed_arrays` (pandas on each month's small frames cost most of a
    ledger's time)."""
    n = len(made["emergency"])
    n_placed = len(placed["fpru"])
    known_plan = int(placed["plan_known"].sum())
    days = placed["days_to_place"][~np.isnan(placed["days_to_place"])]
    return {
        "requests": n,
        "planned": int((~made["emergency"]).sum()),
        "emergency": int(made["emergency"].sum()),
        "approaches_per_request": round(_mean(made["approaches"]), 1) if n else None,
        "offers_per_request": round(_mean(made["offers"]), 1) if n else None,
        "withdrawn": int(made["withdrawn"].sum()),
        "not_placed": int(made["not_placed"].sum()),
        "placed": n_placed,
        "median_days_to_place": (float(np.median(days)) if len(days) else float("nan")) if n_placed else None,
        "pct_placed_to_plan": round(100 * int(placed["to_plan"].sum()) / known_plan, 1)
        if known_plan
        else None,
        "foster_preferred_residential_used": int(placed["fpru"].sum()),
        "extra_annual_cost": total_extra_annual_cost(placed["extra_annual_cost"][placed["fpru"]]),
        "sibling_groups_placed": int(placed["sibling_group"].sum()),
        "sibling_groups_split": int(placed["split"].sum()),
    }


def _select(arrays: dict[str, np.ndarray], mask: np.ndarray) -> dict[str, np.ndarray]:
    return {name: values[mask] for name, values in arrays.items()}


def _window(frame: pd.DataFrame, column: str, start: Any, end: Any) -> pd.DataFrame:
    on = pd.to_datetime(frame[column])
    return frame.loc[on.notna() & (on >= pd.Timestamp(start)) & (on <= pd.Timestamp(end))]


def made_in(requests: pd.DataFrame, start: Any, end: Any) -> pd.DataFrame:
    """The requests made in the period [start, end] (request-side figures count these)."""
    return _window(requests, "requested_on", start, end)


def placed_in(requests: pd.DataFrame, start: Any, end: Any) -> pd.DataFrame:
    """The requests placed in the period [start, end] (outcome-side figures count these)."""
    return _window(requests, "placed_on", start, end)


def ledger_totals(prepared: pd.DataFrame, start: dt.date, end: dt.date) -> dict[str, Any]:
    """The ledger's figures for a whole period (requests made in it; placements made in it)."""
    return _measures(
        _made_arrays(made_in(prepared, start, end)),
        _placed_arrays(placed_in(prepared, start, end)),
    )


def _month_numbers(dates: pd.Series) -> np.ndarray:
    """Each date's calendar month as one number (year * 12 + month)."""
    return (dates.dt.year * 12 + dates.dt.month).to_numpy(dtype=np.int64)


def monthly_ledger(prepared: pd.DataFrame, start: dt.date, end: dt.date) -> pd.DataFrame:
    """One row per calendar month from `start` to `end` and kind ("all" and each of KINDS), with every
    measure of MEASURES. Months with nothing in them are kept (zeros), so the table reads as a calendar."""
    months = pd.period_range(pd.Timestamp(start), pd.Timestamp(end), freq="M")
    made_frame = made_in(prepared, start, end)
    placed_frame = placed_in(prepared, start, end)
    made, placed = _made_arrays(made_frame), _placed_arrays(placed_frame)
    made_month = _month_numbers(made_frame["requested_on"])
    placed_month = _month_numbers(placed_frame["placed_on"])
    made_kind, placed_kind = made_frame["kind"].to_numpy(), placed_frame["kind"].to_numpy()
    rows = []
    for month in months:
        number = month.year * 12 + month.month
        in_made, in_placed = made_month == number, placed_month == number
        for kind in ("all", *KINDS):
            m_mask, p_mask = in_made, in_placed
            if kind != "all":
                m_mask, p_mask = in_made & (made_kind == kind), in_placed & (placed_kind == kind)
            rows.append(
                {
                    "month": month.to_timestamp().date(),
                    "kind": kind,
                    **_measures(_select(made, m_mask), _select(placed, p_mask)),
                }
            )
    return pd.DataFrame(rows, columns=["month", "kind", *MEASURES])


def decline_reasons(declines: pd.DataFrame, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Declines recorded in the period by reason and who declined, most frequent first."""
    columns = ["decline_reason", "declined_by", "declines"]
    if declines.empty:
        return pd.DataFrame(columns=columns)
    frame = declines.copy()
    frame["declined_at"] = on = pd.to_datetime(frame["declined_at"])
    # A time of day: the period runs to the end of its last day.
    frame = frame.loc[
        on.notna() & (on >= pd.Timestamp(start)) & (on < pd.Timestamp(end) + pd.Timedelta(days=1))
    ]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    out = frame.groupby(["decline_reason", "declined_by"]).size().reset_index(name="declines")
    return out.sort_values(["declines", "decline_reason"], ascending=[False, True]).reset_index(drop=True)[
        columns
    ]
