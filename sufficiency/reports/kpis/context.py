"""The data every KPI reads, loaded once per page and shared.

`RegisterData` holds one scope's register as DataFrames (an authority, or all the authorities of a
region that have data): episodes, children, populations, fostering households, care leavers (OC3),
unit costs and, lazily, Ofsted judgements. It does not depend on the date, so the value at the date and
the previous period's value share one load. `KpiContext` is that data as at one date, with the derived
frames (children in care on the date, the snapshot, stability counts) computed once on first use.

A page showing the whole catalogue with previous values and regional comparators runs about a dozen
queries, whatever the number of KPIs.
"""

from __future__ import annotations

import datetime as dt
import importlib
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import pandas as pd
from dateutil.relativedelta import relativedelta

from placements import counting
from placements.models import (
    CareLeaverRecord,
    FosteringHousehold,
    PlacementEpisode,
    UnitCost,
)
from placements.selectors import (
    child_frame_for_authorities,
    child_frame_for_authority,
    episode_frame_for_authorities,
    episode_frame_for_authority,
    judgement_history_for_urns,
)
from sufficiency.authorities.models import AuthorityPopulation, LocalAuthority

#: Previous-period offsets: boards report quarterly, so the default compares with three months earlier.
PERIODS: dict[str, relativedelta] = {"quarter": relativedelta(months=3), "year": relativedelta(years=1)}
DEFAULT_PERIOD = "quarter"


def previous_date(on: dt.date, period: str = DEFAULT_PERIOD) -> dt.date:
    """The date of the previous period's value: three months earlier ("quarter", the default) or one year
    earlier ("year"). Month ends stay month ends: 31 March less a quarter is 31 December; 30 June less a
    quarter is 31 March (relativedelta clips to the month's last day, and a month end maps to a month end)."""
    if period not in PERIODS:
        raise ValueError(f"period must be one of {', '.join(PERIODS)}")
    earlier = on - PERIODS[period]
    next_day = on + dt.timedelta(days=1)
    if next_day.month != on.month:  # on is a month end: keep the previous date at a month end too
        earlier = (earlier.replace(day=1) + relativedelta(months=1)) - dt.timedelta(days=1)
    return earlier


def collection_year_on(on: dt.date) -> int:
    """The latest SSDA903 collection year (ending 31 March) complete on ``on``: 2025 for 31 March 2025
    and 30 June 2025; 2024 for 30 March 2025."""
    return on.year if (on.month, on.day) >= (3, 31) else on.year - 1


@dataclass
class RegisterData:
    """One scope's register, loaded once. ``regional`` scopes prefix child references with the authority
    id so that two authorities' children never collide."""

    authority_ids: list[int]
    episodes: pd.DataFrame
    children: pd.DataFrame
    populations: pd.DataFrame  # authority_id, year, population
    households: pd.DataFrame
    care_leavers: pd.DataFrame
    unit_costs: pd.DataFrame
    weekly_costs: pd.DataFrame  # child, decom, weekly_cost (episodes with an agreed cost)
    regional: bool = False
    authority: LocalAuthority | None = None
    _memo: dict[str, Any] = field(default_factory=dict, repr=False)

    def memo(self, key: str, loader: Any) -> Any:
        """Load something once per scope (e.g. a plugged-in feature's frame)."""
        if key not in self._memo:
            self._memo[key] = loader()
        return self._memo[key]

    # --- loading ---------------------------------------------------------------------------------------
    @classmethod
    def for_authority(cls, authority: LocalAuthority) -> RegisterData:
        """An authority's register, read through the placement selectors (the numbers every page shares)."""
        episodes = episode_frame_for_authority(authority=authority)
        episodes["authority_id"] = authority.pk
        return cls._load(
            [authority.pk], episodes, child_frame_for_authority(authority=authority), False, authority
        )

    @classmethod
    def for_region(cls, region_id: int) -> RegisterData:
        """Every authority of a region that has episodes in the register, pooled (one query per table)."""
        in_region = list(LocalAuthority.objects.filter(region_id=region_id).values_list("id", flat=True))
        episodes = episode_frame_for_authorities(authority_ids=in_region)
        ids = sorted(int(i) for i in episodes["authority_id"].unique())
        episodes["child"] = episodes["authority_id"].astype(str) + "/" + episodes["child"].astype(str)
        children = child_frame_for_authorities(authority_ids=ids)[
            ["authority_id", "child", "sex", "dob", "uasc"]
        ]
        children["child"] = children["authority_id"].astype(str) + "/" + children["child"].astype(str)
        return cls._load(ids, episodes, children, True, None)

    @classmethod
    def records_only(cls, authority: LocalAuthority) -> RegisterData:
        """An authority scope with no register loaded (no queries): for KPIs that read only records this
        app keeps itself (``source = "strategy"``), which the KPI page computes live beside stored figures."""
        empty = pd.DataFrame()
        return cls([authority.pk], empty, empty, empty, empty, empty, empty, empty, False, authority)

    @classmethod
    def _load(
        cls,
        ids: list[int],
        episodes: pd.DataFrame,
        children: pd.DataFrame,
        regional: bool,
        authority: LocalAuthority | None,
    ) -> RegisterData:
        def key(frame: pd.DataFrame) -> pd.DataFrame:
            if regional and not frame.empty:
                frame["child"] = frame["authority_id"].astype(str) + "/" + frame["child"].astype(str)
            return frame

        populations = pd.DataFrame.from_records(
            list(
                AuthorityPopulation.objects.filter(authority_id__in=ids).values_list(
                    "authority_id", "year", "population_0_17"
                )
            ),
            columns=["authority_id", "year", "population"],
        )
        households = pd.DataFrame.from_records(
            list(
                FosteringHousehold.objects.filter(authority_id__in=ids).values_list(
                    "authority_id", "route", "approval_date", "approved_places", "deregistration_date"
                )
            ),
            columns=["authority_id", "route", "approval_date", "approved_places", "deregistration_date"],
        )
        for column in ("approval_date", "deregistration_date"):
            households[column] = pd.to_datetime(households[column])
        care_leavers = key(
            pd.DataFrame.from_records(
                list(
                    CareLeaverRecord.objects.filter(authority_id__in=ids).values_list(
                        "authority_id",
                        "child__child_ref",
                        "child__dob",
                        "collection_year",
                        "activity",
                        "accommodation",
                    )
                ),
                columns=["authority_id", "child", "dob", "collection_year", "activity", "accommodation"],
            )
        )
        unit_costs = pd.DataFrame.from_records(
            list(
                UnitCost.objects.filter(authority_id__in=ids).values_list(
                    "authority_id", "category", "route", "weekly_cost", "effective_from", "effective_to"
                )
            ),
            columns=["authority_id", "category", "route", "weekly_cost", "effective_from", "effective_to"],
        )
        unit_costs["weekly_cost"] = pd.to_numeric(unit_costs["weekly_cost"]).astype("float64")
        weekly_costs = key(
            pd.DataFrame.from_records(
                list(
                    PlacementEpisode.objects.filter(
                        authority_id__in=ids, weekly_cost__isnull=False
                    ).values_list("authority_id", "child__child_ref", "decom", "weekly_cost")
                ),
                columns=["authority_id", "child", "decom", "weekly_cost"],
            )
        )
        weekly_costs["decom"] = pd.to_datetime(weekly_costs["decom"])
        weekly_costs["weekly_cost"] = pd.to_numeric(weekly_costs["weekly_cost"]).astype("float64")
        return cls(
            authority_ids=ids,
            episodes=episodes,
            children=children,
            populations=populations,
            households=households,
            care_leavers=care_leavers,
            unit_costs=unit_costs,
            weekly_costs=weekly_costs,
            regional=regional,
            authority=authority,
        )

    # --- date-independent lookups ------------------------------------------------------------------------
    @property
    def prepared(self) -> pd.DataFrame:
        """The episodes prepared for counting (`counting.prepare_episodes`) once per scope: every date's
        counts start from this frame instead of preparing the register again."""
        return self.memo("prepared", lambda: counting.prepare_episodes(self.episodes))

    def population_on(self, on: dt.date) -> int | None:
        """Sum over the scope's authorities of each one's 0-17 estimate for the date: the latest mid-year
        estimate not after the date's year, else the earliest held (as `population_for_authority`).
        None when any authority in the scope has no estimate (a rate over part of a region misleads)."""
        total = 0
        for authority_id in self.authority_ids:
            rows = self.populations.loc[self.populations["authority_id"] == authority_id].sort_values("year")
            if rows.empty:
                return None
            upto = rows.loc[rows["year"] <= on.year]
            total += int((upto.iloc[-1] if not upto.empty else rows.iloc[0])["population"])
        return total

    @cached_property
    def judgements(self) -> dict[str, Any]:
        """Ofsted judgement history of every setting the scope's episodes name by URN (two queries):
        {"inspections": frame of urn, date, judgement sorted by date; "settings": frame of urn,
        latest_judgement, latest_judgement_date, closed_date}."""
        urns = sorted({u for u in self.episodes["urn"].dropna().unique() if u})
        return judgement_history_for_urns(urns=urns)


class KpiContext:
    """One scope's register as at one date: what every KPI's ``compute`` receives.

    Derived frames are computed on first use and kept, so thirty KPIs share one "children in care on the
    date" frame. ``at(other_date)`` gives the context for another date over the same loaded data.
    """

    def __init__(self, data: RegisterData, on: dt.date) -> None:
        self.data = data
        self.on = on
        self.ts = pd.Timestamp(on)
        self.window_start = counting.window_start(on)

    def at(self, on: dt.date) -> KpiContext:
        return KpiContext(self.data, on)

    @property
    def authority(self) -> LocalAuthority | None:
        return self.data.authority

    @property
    def regional(self) -> bool:
        return self.data.regional

    @cached_property
    def population(self) -> int | None:
        return self.data.population_on(self.on)

    @cached_property
    def current(self) -> pd.DataFrame:
        """The current episode of each child in care on the date (one row per child; docs/domain.md s3 rules,
        under-18s only), with ``age`` and ``uasc``, and ``weekly_cost`` where an agreed cost is held."""
        if self.data.episodes.empty:  # nothing imported yet (the counting rules expect at least one child)
            return pd.DataFrame(columns=[*self.data.episodes.columns, "dob", "age", "uasc", "weekly_cost"])
        cur = counting.in_care_on(self.data.prepared, self.on, children=self.data.children)
        kids = self.data.children.drop_duplicates("child", keep="last")
        uasc = (
            pd.Series(kids["uasc"].to_numpy(), index=kids["child"].to_numpy())
            if "uasc" in kids
            else pd.Series(dtype=bool)
        )
        cur["uasc"] = cur["child"].map(uasc).fillna(False).astype(bool)
        costs = self.data.weekly_costs
        if costs.empty:
            cur["weekly_cost"] = float("nan")
        else:
            cur = cur.merge(costs[["child", "decom", "weekly_cost"]], on=["child", "decom"], how="left")
        return cur

    @cached_property
    def snapshot(self) -> dict[str, Any]:
        if self.data.episodes.empty:
            return {"total": 0, "started_12m": 0, "ceased_12m": 0}
        return counting.cic_snapshot(self.data.prepared, self.data.children, self.on, self.population)

    @cached_property
    def stability_3_plus(self) -> tuple[int, int]:
        if self.data.episodes.empty:
            return (0, 0)
        return counting.stability_3_plus_counts(self.data.prepared, self.on, children=self.data.children)

    @cached_property
    def long_term_stability(self) -> tuple[int, int]:
        if self.data.episodes.empty:
            return (0, 0)
        return counting.long_term_stability_counts(self.data.prepared, self.data.children, self.on)

    @cached_property
    def judgement_of_current(self) -> pd.DataFrame:
        """For each child in care on the date placed at a setting with an Ofsted URN known to the register:
        child, urn, judgement (the latest on or before the date) and closed (closed on or before it).

        The judgement is the latest inspection dated on or before the date; a setting with no inspection
        history held falls back to its recorded latest judgement if that is undated or dated by then;
        otherwise it has no judgement yet ("not_yet_inspected")."""
        cur = self.current.loc[self.current["urn"].notna(), ["child", "urn"]]
        info = self.data.judgements
        settings = info["settings"]
        cur = cur.loc[cur["urn"].isin(settings["urn"])]
        judgement = counting.judgements_on(
            cur["urn"], inspections=info["inspections"], settings=settings, on=self.ts
        )
        closed = settings.loc[settings["closed_date"].notna() & (settings["closed_date"] <= self.ts), "urn"]
        cur = cur.assign(
            judgement=judgement.fillna(counting.NOT_YET_INSPECTED),
            closed=cur["urn"].isin(set(closed)),
        )
        return cur

    @cached_property
    def placement_requests(self) -> pd.DataFrame | None:
        """The scope's placement requests (see ``sources.py``), or None while the placement-finding
        feature does not provide them."""

        def load() -> pd.DataFrame | None:
            try:
                selectors = importlib.import_module("placements.selectors")
            except ImportError:  # pragma: no cover - placements is always installed
                return None
            loader = getattr(selectors, "placement_request_frame_for_authorities", None)
            if loader is None:
                return None
            return loader(authority_ids=self.data.authority_ids)

        return self.data.memo("placement_requests", load)

    def unit_cost_on(self, category: str, routes: tuple[str, ...]) -> pd.DataFrame:
        """Unit costs effective on the date for a category, first matching route per authority."""
        costs = self.data.unit_costs
        if costs.empty:
            return costs
        ts = self.on
        live = costs.loc[
            (costs["category"] == category)
            & costs["route"].isin(routes)
            & (costs["effective_from"] <= ts)
            & (costs["effective_to"].isna() | (costs["effective_to"] >= ts))
        ].copy()
        live["rank"] = live["route"].map({r: i for i, r in enumerate(routes)})
        live = live.sort_values(["authority_id", "rank", "effective_from"], ascending=[True, True, False])
        return live.drop_duplicates("authority_id")


class KpiSession:
    """Contexts for one authority, its region and any dates, sharing the loaded data. Build one per
    request (or per board report) and ask it for as many KPIs and dates as needed."""

    def __init__(self, authority: LocalAuthority) -> None:
        self.authority = authority
        self._contexts: dict[tuple[str, dt.date], KpiContext] = {}
        self._data: dict[str, RegisterData] = {}

    def _scope(self, scope: str) -> RegisterData:
        if scope not in self._data:
            if scope == "authority":
                self._data[scope] = RegisterData.for_authority(self.authority)
            else:
                self._data[scope] = RegisterData.for_region(self.authority.region_id)
        return self._data[scope]

    def context(self, on: dt.date) -> KpiContext:
        return self._get("authority", on)

    def regional_context(self, on: dt.date) -> KpiContext:
        return self._get("region", on)

    def _get(self, scope: str, on: dt.date) -> KpiContext:
        if (scope, on) not in self._contexts:
            self._contexts[(scope, on)] = KpiContext(self._scope(scope), on)
        return self._contexts[(scope, on)]
