"""The unmet-need ledger: what children needed and did not get, by month and kind of placement.

Pure pandas (no Django): `selectors.ledger_frames_for_authority` loads the frames; this module computes.
Tested by hand on small frames in tests/placements/finding/test_ledger.py.

Inputs:

* ``requests``: one row per placement request: id, requested_on (datetime64), urgency, fostering,
  residential, supported (suitability codes), status, placed_on (datetime64, NaT), placed_category,
  placed_route, placed_to_plan (boolean, NA), siblings (int), siblings_outcome, approaches (int), offers
  (int), close_reason.
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
  care: (the authority's weekly unit cost of the residential category and route placed, on the date
  placed; the mean over routes when that route has none) less (its weekly unit cost of external
  fostering, framework route, else spot, else any), never below 0, times 52.18 weeks
  (placements.constants.WEEKS_PER_YEAR). No unit cost, no figure (the count still stands).
* **Decline reasons**: declines recorded in the period, by coded reason and who declined.
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
    used), sibling_group, split, extra_annual_cost."""
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
        frame.loc[frame["fpru"], "extra_annual_cost"] = [
            extra_annual_cost(unit_costs, category, route, on)
            for category, route, on in zip(
                rows["placed_category"], rows["placed_route"], rows["placed_on"], strict=True
            )
        ]
    return frame


def unit_cost_on(unit_costs: pd.DataFrame, category: str, routes: tuple[str, ...], on: Any) -> float | None:
    """The weekly unit cost of a category on a date: the first of `routes` with one in force, else the
    mean over every route in force; None when there is none."""
    if unit_costs.empty:
        return None
    ts = pd.Timestamp(on)
    live = unit_costs.loc[
        (unit_costs["category"] == category)
        & (pd.to_datetime(unit_costs["effective_from"]) <= ts)
        & (unit_costs["effective_to"].isna() | (pd.to_datetime(unit_costs["effective_to"]) >= ts))
    ]
    if live.empty:
        return None
    for route in routes:
        chosen = live.loc[live["route"] == route]
        if not chosen.empty:
            return float(chosen.sort_values("effective_from")["weekly_cost"].iloc[-1])
    return float(pd.to_numeric(live["weekly_cost"]).mean())


def extra_annual_cost(unit_costs: pd.DataFrame, category: str, route: str, on: Any) -> float:
    """Extra cost a year of residential care where fostering was preferred (see the module docstring)."""
    residential = unit_cost_on(unit_costs, category, (route,) if route else (), on)
    fostering = unit_cost_on(unit_costs, FOSTERING_COMPARATOR[0], FOSTERING_COMPARATOR[1], on)
    if residential is None or fostering is None:
        return np.nan
    return round(max(residential - fostering, 0.0) * WEEKS_PER_YEAR, 2)


def _measures(made: pd.DataFrame, placed: pd.DataFrame) -> dict[str, Any]:
    """The ledger's figures for requests made (request-side) and placements made (outcome-side)."""
    n = len(made)
    plan = placed["placed_to_plan"].astype("boolean")
    known_plan = int(plan.notna().sum())
    groups = placed.loc[placed["sibling_group"]]
    extra = placed.loc[placed["fpru"], "extra_annual_cost"]
    return {
        "requests": n,
        "planned": int((~made["emergency"]).sum()),
        "emergency": int(made["emergency"].sum()),
        "approaches_per_request": round(float(made["approaches"].mean()), 1) if n else None,
        "offers_per_request": round(float(made["offers"].mean()), 1) if n else None,
        "withdrawn": int((made["status"] == "withdrawn").sum()),
        "not_placed": int((made["status"] == "not_placed").sum()),
        "placed": len(placed),
        "median_days_to_place": float(placed["days_to_place"].median()) if len(placed) else None,
        "pct_placed_to_plan": round(100 * int(plan.fillna(False).sum()) / known_plan, 1)
        if known_plan
        else None,
        "foster_preferred_residential_used": int(placed["fpru"].sum()),
        "extra_annual_cost": round(float(extra.sum()), 0) if extra.notna().any() else None,
        "sibling_groups_placed": len(groups),
        "sibling_groups_split": int(groups["split"].sum()),
    }


def _window(frame: pd.DataFrame, column: str, start: dt.date, end: dt.date) -> pd.DataFrame:
    on = frame[column]
    return frame.loc[on.notna() & (on >= pd.Timestamp(start)) & (on <= pd.Timestamp(end))]


def ledger_totals(prepared: pd.DataFrame, start: dt.date, end: dt.date) -> dict[str, Any]:
    """The ledger's figures for a whole period (requests made in it; placements made in it)."""
    return _measures(
        _window(prepared, "requested_on", start, end), _window(prepared, "placed_on", start, end)
    )


def monthly_ledger(prepared: pd.DataFrame, start: dt.date, end: dt.date) -> pd.DataFrame:
    """One row per calendar month from `start` to `end` and kind ("all" and each of KINDS), with every
    measure of MEASURES. Months with nothing in them are kept (zeros), so the table reads as a calendar."""
    months = pd.period_range(pd.Timestamp(start), pd.Timestamp(end), freq="M")
    made = _window(prepared, "requested_on", start, end)
    placed = _window(prepared, "placed_on", start, end)
    made_month = made["requested_on"].dt.to_period("M")
    placed_month = placed["placed_on"].dt.to_period("M")
    rows = []
    for month in months:
        for kind in ("all", *KINDS):
            m = made.loc[made_month == month]
            p = placed.loc[placed_month == month]
            if kind != "all":
                m, p = m.loc[m["kind"] == kind], p.loc[p["kind"] == kind]
            rows.append({"month": month.to_timestamp().date(), "kind": kind, **_measures(m, p)})
    return pd.DataFrame(rows, columns=["month", "kind", *MEASURES])


def decline_reasons(declines: pd.DataFrame, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Declines recorded in the period by reason and who declined, most frequent first."""
    columns = ["decline_reason", "declined_by", "declines"]
    if declines.empty:
        return pd.DataFrame(columns=columns)
    frame = declines.copy()
    frame["declined_at"] = pd.to_datetime(frame["declined_at"])
    frame = _window(frame, "declined_at", start, end)
    if frame.empty:
        return pd.DataFrame(columns=columns)
    out = frame.groupby(["decline_reason", "declined_by"]).size().reset_index(name="declines")
    return out.sort_values(["declines", "decline_reason"], ascending=[False, True]).reset_index(drop=True)[
        columns
    ]
