"""Reads of the placement register as DataFrames, for the counting rules, forecasts and dashboards.

Every selector takes the authority explicitly; callers (views, commands, tasks) have already checked that
the acting user may see it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pandas as pd
from django.db.models import Exists, OuterRef, Q

from sufficiency.authorities.models import AuthorityPopulation, LocalAuthority

from .models import Child, FrameworkMembership, PlacementEpisode

EPISODE_COLUMNS = [
    "child",
    "decom",
    "rne",
    "ls",
    "cin",
    "place",
    "place_provider",
    "dec",
    "rec",
    "reason_place_change",
    "urn",
    "category",
    "distance_miles",
    "placement_la_inside",
]


def episode_frame_for_authorities(*, authority_ids: list[int]) -> pd.DataFrame:
    """Episodes of several authorities in the canonical frame, with an ``authority_id`` column (one query).

    ``placement_la_inside`` says whether the placement postcode is inside the responsible authority.
    Child references are the authorities' own, so they may repeat across authorities: key on
    (authority_id, child) when pooling.
    """
    rows = PlacementEpisode.objects.filter(authority_id__in=authority_ids).values_list(
        "authority_id",
        "child__child_ref",
        "decom",
        "rne",
        "ls",
        "cin",
        "place",
        "place_provider",
        "dec",
        "rec",
        "reason_place_change",
        "urn",
        "category",
        "distance_miles",
        "placement_la_id",
    )
    frame = pd.DataFrame.from_records(
        list(rows), columns=["authority_id", *EPISODE_COLUMNS[:-1], "placement_la_id"], coerce_float=True
    )
    frame["decom"] = pd.to_datetime(frame["decom"])
    frame["dec"] = pd.to_datetime(frame["dec"])
    frame["distance_miles"] = pd.to_numeric(frame["distance_miles"], errors="coerce").astype("float64")
    inside = frame["placement_la_id"].astype("Float64") == frame["authority_id"].astype("Float64")
    frame["placement_la_inside"] = inside.where(frame["placement_la_id"].notna())
    frame = frame.drop(columns=["placement_la_id"])
    for column in ("place_provider", "rec", "reason_place_change", "urn", "cin"):
        frame[column] = frame[column].replace("", None)
    return frame


def episode_frame_for_authority(*, authority: LocalAuthority) -> pd.DataFrame:
    """All of an authority's episodes in the canonical frame the counting rules use (one query)."""
    return episode_frame_for_authorities(authority_ids=[authority.pk]).drop(columns=["authority_id"])


def forecast_episode_frame_for_authority(*, authority: LocalAuthority) -> pd.DataFrame:
    """What the forecast engine needs of each episode, with the child's date of birth (one query):
    child (reference), dob, decom, dec, category, ls, rec."""
    rows = (
        PlacementEpisode.objects.filter(authority=authority)
        .order_by("child__child_ref", "decom", "id")  # not the default ordering's joins to authorities
        .values_list("child__child_ref", "child__dob", "decom", "dec", "category", "ls", "rec")
    )
    frame = pd.DataFrame.from_records(
        list(rows), columns=["child", "dob", "decom", "dec", "category", "ls", "rec"]
    )
    for column in ("dob", "decom", "dec"):
        frame[column] = pd.to_datetime(frame[column])
    frame["rec"] = frame["rec"].replace("", None)
    return frame


def child_frame_for_authorities(*, authority_ids: list[int]) -> pd.DataFrame:
    """Children of several authorities: authority_id, reference, sex, date of birth, ethnicity, UASC."""
    rows = Child.objects.filter(authority_id__in=authority_ids).values_list(
        "authority_id", "child_ref", "sex", "dob", "ethnicity", "uasc"
    )
    frame = pd.DataFrame.from_records(
        list(rows), columns=["authority_id", "child", "sex", "dob", "ethnic", "uasc"]
    )
    frame["dob"] = pd.to_datetime(frame["dob"])
    return frame


def child_frame_for_authority(*, authority: LocalAuthority) -> pd.DataFrame:
    """An authority's children: reference, sex, date of birth, ethnicity, UASC (one query)."""
    return child_frame_for_authorities(authority_ids=[authority.pk]).drop(columns=["authority_id"])


def population_estimate_for_authority(
    *, authority: LocalAuthority, on: dt.date
) -> AuthorityPopulation | None:
    """The 0-17 population estimate to divide by on a date: the latest mid-year estimate not after the
    date's year (mid-year estimates are published for 30 June), else the earliest held. None when no
    estimate is held."""
    estimates = AuthorityPopulation.objects.filter(authority=authority).select_related(
        "supplied_by_authority"
    )
    return estimates.filter(year__lte=on.year).order_by("-year").first() or estimates.order_by("year").first()


def population_for_authority(*, authority: LocalAuthority, on: dt.date) -> int | None:
    """The population the rate per 10,000 divides by on a date (`population_estimate_for_authority`)."""
    estimate = population_estimate_for_authority(authority=authority, on=on)
    return estimate.population_0_17 if estimate is not None else None


def population_provenance_text(*, authority: LocalAuthority, on: dt.date) -> str:
    """The line pages that show a rate per 10,000 children give: "Population (mid-2025): published 3 Nov
    2026 from ONS mid-year estimate, supplied by the platform data steward"."""
    estimate = population_estimate_for_authority(authority=authority, on=on)
    if estimate is None:
        return "Population: no estimate held."
    return f"Population (mid-{estimate.year}): {estimate.provenance_line}."


def cic_snapshot_for_authority(*, authority: LocalAuthority, on: dt.date) -> dict:
    """Children in care on a date for one authority (the numbers every other page must agree with)."""
    from .counting import cic_snapshot

    snapshot = cic_snapshot(
        episode_frame_for_authority(authority=authority),
        child_frame_for_authority(authority=authority),
        on,
        population_for_authority(authority=authority, on=on),
    )
    return {"authority": authority.dfe_code, "date": on.isoformat(), **snapshot}


def unit_cost_frame_for_authority(*, authority: LocalAuthority) -> pd.DataFrame:
    """The authority's unit costs (category, route, weekly cost, effective dates)."""
    from .models import UnitCost

    rows = UnitCost.objects.filter(authority=authority).values_list(
        "category", "route", "weekly_cost", "effective_from", "effective_to"
    )
    frame = pd.DataFrame.from_records(
        list(rows), columns=["category", "route", "weekly_cost", "effective_from", "effective_to"]
    )
    frame["weekly_cost"] = frame["weekly_cost"].astype(float)
    return frame


def costing_episode_frame_for_authority(
    *, authority: LocalAuthority, on: dt.date | None = None
) -> pd.DataFrame:
    """Episodes with what costing needs: category, dates, legal status, agreed cost, framework setting.

    With ``on``, only the episodes open on that date (DECOM <= on < DEC), e.g. to blend unit costs by the
    children placed then.
    """
    episodes = PlacementEpisode.objects.filter(authority=authority)
    if on is not None:
        episodes = episodes.filter(Q(dec__isnull=True) | Q(dec__gt=on), decom__lte=on)
    # Bought through a framework: the setting is on one of the authority's own framework memberships.
    on_framework = FrameworkMembership.objects.filter(authority=authority, setting_id=OuterRef("setting_id"))
    rows = episodes.annotate(bought_on_framework=Exists(on_framework)).values_list(
        "category", "decom", "dec", "ls", "weekly_cost", "bought_on_framework"
    )
    frame = pd.DataFrame.from_records(
        list(rows), columns=["category", "decom", "dec", "ls", "weekly_cost", "on_framework"]
    )
    frame["decom"] = pd.to_datetime(frame["decom"])
    frame["dec"] = pd.to_datetime(frame["dec"])
    frame["weekly_cost"] = pd.to_numeric(frame["weekly_cost"], errors="coerce")
    frame["on_framework"] = frame["on_framework"].fillna(False).astype(bool)
    return frame


def spend_rollup_for_authority(*, authority: LocalAuthority, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Actual bed-nights and spend by month and planning category (placements.costs.actual_spend)."""
    from .costs import actual_spend

    return actual_spend(
        costing_episode_frame_for_authority(authority=authority),
        unit_cost_frame_for_authority(authority=authority),
        start,
        end,
    )


def register_data_date(*, authority: LocalAuthority) -> dt.date | None:
    """The date the authority's register runs to: the latest episode start or end it holds."""
    from django.db.models import Max

    agg = PlacementEpisode.objects.filter(authority=authority).aggregate(decom=Max("decom"), dec=Max("dec"))
    dates = [d for d in agg.values() if d is not None]
    return max(dates) if dates else None


def register_state(*, authority: LocalAuthority) -> tuple[dt.date | None, str]:
    """(the date the register runs to, a version that changes with every import) in one query: what a
    cached result computed from the register (a forecast's backtest) is keyed on."""
    from django.db.models import Count, Max

    agg = PlacementEpisode.objects.filter(authority=authority).aggregate(
        n=Count("id"), last=Max("id"), decom=Max("decom"), dec=Max("dec")
    )
    dates = [d for d in (agg["decom"], agg["dec"]) if d is not None]
    return (max(dates) if dates else None), f"{agg['n']}:{agg['last']}"


def authority_ids_with_register() -> list[int]:
    """Authorities that hold any placement episode."""
    return list(PlacementEpisode.objects.values_list("authority_id", flat=True).distinct())


def placement_request_frame_for_authorities(*, authority_ids: list[int]) -> pd.DataFrame | None:
    """Placement requests of these authorities for the KPI catalogue (sufficiency.reports.kpis.sources):
    one row per request, or None when none of them has logged any request yet (the placement-finding KPIs
    are then "no data", not zero). Defined with placement finding (placements.finding.selectors)."""
    from .finding.selectors import placement_request_frame_for_authorities as frame

    requests = frame(authority_ids=authority_ids)
    return None if requests.empty else requests


def judgement_history_for_urns(*, urns: list[str]) -> dict[str, pd.DataFrame]:
    """Ofsted judgement history of these settings (two queries), for `counting.judgements_on`:
    {"inspections": urn, date, judgement sorted by date; "settings": urn, latest_judgement,
    latest_judgement_date, closed_date}."""
    from .models import Inspection, Setting

    settings = pd.DataFrame.from_records(
        list(
            Setting.objects.filter(urn__in=urns).values_list(
                "urn", "latest_judgement", "latest_judgement_date", "closed_date"
            )
        ),
        columns=["urn", "latest_judgement", "latest_judgement_date", "closed_date"],
    )
    inspections = pd.DataFrame.from_records(
        list(
            Inspection.objects.filter(setting__urn__in=urns).values_list(
                "setting__urn", "inspection_date", "judgement"
            )
        ),
        columns=["urn", "date", "judgement"],
    )
    inspections["date"] = pd.to_datetime(inspections["date"])
    settings["latest_judgement_date"] = pd.to_datetime(settings["latest_judgement_date"])
    settings["closed_date"] = pd.to_datetime(settings["closed_date"])
    return {"inspections": inspections.sort_values(["urn", "date"]), "settings": settings}


def judgements_for_urns_on(*, urns: list[str], on: dt.date) -> dict[str, tuple[str, dt.date | None]]:
    """{urn: (the setting's Ofsted judgement as at the date, the date of that judgement)} by the one
    definition (`counting.judgements_on`); "not_yet_inspected" (no date) where it had none yet. URNs the
    register does not hold are left out."""
    from .counting import judgements_on

    if not urns:
        return {}
    history = judgement_history_for_urns(urns=urns)
    ts = pd.Timestamp(on)
    found = judgements_on(
        pd.Series(urns, dtype=object), inspections=history["inspections"], settings=history["settings"], on=ts
    )
    inspections = history["inspections"]
    dated = inspections.loc[inspections["date"] <= ts].drop_duplicates("urn", keep="last")
    dates = {u: d.date() for u, d in zip(dated["urn"], dated["date"], strict=True)}
    fallback = history["settings"].dropna(subset=["latest_judgement_date"])
    for u, d in zip(fallback["urn"], fallback["latest_judgement_date"], strict=True):
        if u not in dates and d <= ts:
            dates[u] = d.date()
    return {urn: (j, dates.get(urn)) for urn, j in zip(urns, found, strict=True) if isinstance(j, str) and j}


def framework_setting_urns(*, authority_id: int) -> set[str]:
    """The URNs of the settings the authority buys through a framework (its own framework memberships)."""
    return set(
        FrameworkMembership.objects.filter(authority_id=authority_id)
        .exclude(setting__urn="")
        .values_list("setting__urn", flat=True)
    )


def framework_memberships(
    *, authority_id: int, setting_ids: Iterable[int] | None = None
) -> dict[int, FrameworkMembership]:
    """The authority's own framework memberships by setting id (optionally only of `setting_ids`): which
    homes and agencies it buys through a framework, and their tiers."""
    rows = FrameworkMembership.objects.filter(authority_id=authority_id)
    if setting_ids is not None:
        rows = rows.filter(setting_id__in=list(setting_ids))
    return {m.setting_id: m for m in rows}
