"""Precomputed KPI figures: what the KPI page reads instead of counting the register in the request.

Counting the whole catalogue with previous values and regional comparators loads the authority's and the
region's registers (about 2 s on the demo region). The dashboards rollup, which a worker runs after every
import and forecast (and the demo loader runs directly), sends `figures_computed` when it has recomputed
the authority's figures; `kpi_snapshots_after_rollup` then counts the KPIs once for the dates the page shows
by default and stores them as `KpiSnapshot` rows.

The regional comparator is the same calculation over every authority of the region, so it costs far more than
the authority's own figures (about 3 s of a London rollup's 4.7 s: 33 authorities, 210,000 episodes), and
a night of rollups would count each region once per authority in it. Instead the first rollup stores the
region's figures as a `RegionalKpiSnapshot` with a *signature* of the region's register taken before counting:
row counts, last ids and last changes of every table the catalogue reads (episodes, children, populations,
fostering households, care leavers, unit costs, placement requests and approaches, and the Ofsted settings and
inspections), and of the code that counts them. A later rollup in the region reuses them only while the
signature is unchanged and for at most ``KPI_REGIONAL_REUSE_SECONDS`` (an hour by default; 0 turns reuse off),
so an import anywhere in the region, or any edit, makes the next rollup count again, and a change the
signature cannot see (a bulk update that leaves every count, id and time stamp alone) lasts at most that long.

The page (`kpi_rows_precomputed`) uses a snapshot when one is held for the date asked for, whichever
period is compared; any other date is counted live, as before. KPIs of ``source = "strategy"`` (strategy
actions, which commissioners change in this app between imports) are never stored: they are read live
from the actions' history, which costs two small queries and no register load. The ``kpi`` management
command always counts live.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import math
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone

from placements.models import (
    Approach,
    CareLeaverRecord,
    Child,
    FosteringHousehold,
    Inspection,
    PlacementEpisode,
    PlacementRequest,
    Setting,
    UnitCost,
)
from placements.national.selectors import national_comparators_many
from sufficiency.authorities.models import AuthorityPopulation, LocalAuthority

from .kpis import KpiSession, KpiValue, previous_date, registry
from .kpis.context import PERIODS, KpiContext, RegisterData
from .models import KpiSnapshot, RegionalKpiSnapshot

#: KPIs read from records this app changes between imports: always computed live, never stored.
LIVE_SOURCES = frozenset({"strategy"})


def kpi_snapshot_dates(as_at: dt.date) -> list[dt.date]:
    """The dates counted in advance: the rollup's as-at month end (the page's default date) and the
    latest 31 March on or before it (the year end boards report), newest first."""
    year_end = dt.date(as_at.year if (as_at.month, as_at.day) >= (3, 31) else as_at.year - 1, 3, 31)
    return [as_at] if year_end == as_at else [as_at, year_end]


def _pack(value: KpiValue) -> list[float | None]:
    def num(x: Any) -> float | None:
        return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)

    return [num(value.value), num(value.numerator), num(value.denominator)]


def _unpack(packed: list[float | None] | None) -> KpiValue | None:
    return None if packed is None else KpiValue(*packed)


@functools.cache
def _code_fingerprint() -> str:
    """The source of the KPI catalogue and the counting rules: a release that changes how a KPI is counted
    changes every region's signature, so no comparator counted by the old code is reused."""
    from placements import counting

    from . import kpis

    files = sorted(Path(kpis.__file__).parent.glob("*.py")) + [Path(counting.__file__)]
    return hashlib.sha256(b"".join(f.read_bytes() for f in files)).hexdigest()


def regional_signature(region_id: int) -> str:
    """A fingerprint of everything the KPI catalogue reads for a region: for each table, the rows held,
    the last id and the last change (one aggregate query per table), and the code that counts them. Any
    import or edit changes it."""
    ids = list(LocalAuthority.objects.filter(region_id=region_id).values_list("id", flat=True))
    owned = (
        PlacementEpisode,
        Child,
        FosteringHousehold,
        CareLeaverRecord,
        UnitCost,
        PlacementRequest,
        Approach,
    )
    parts: list[Any] = [_code_fingerprint(), ids]
    for model in owned:
        parts.append(
            model.objects.filter(authority_id__in=ids).aggregate(
                n=Count("id"), last=Max("id"), changed=Max("updated_at")
            )
        )
    parts.append(
        AuthorityPopulation.objects.filter(authority_id__in=ids).aggregate(n=Count("id"), last=Max("id"))
    )
    # Ofsted judgements are national: settings change in place (their time stamp moves), inspections are added.
    parts.append(Setting.objects.aggregate(n=Count("id"), last=Max("id"), changed=Max("updated_at")))
    parts.append(Inspection.objects.aggregate(n=Count("id"), last=Max("id")))
    return hashlib.sha256(json.dumps(parts, default=str, sort_keys=True).encode()).hexdigest()


def _regional_keys() -> list[str]:
    """The KPIs whose regional comparator is stored."""
    return [kpi.key for kpi in registry if kpi.regional and kpi.source not in LIVE_SOURCES]


def regional_values(
    *, session: KpiSession, on: dt.date, signature: str, signed_at: dt.datetime
) -> dict[str, list[float | None]]:
    """The region's packed comparators on the date: reused from a `RegionalKpiSnapshot` with the same
    signature computed within ``KPI_REGIONAL_REUSE_SECONDS``, else counted (``session.regional_context``)
    and stored for the region's other authorities. ``signed_at`` is when ``signature`` was taken."""
    region_id = session.authority.region_id
    keys = _regional_keys()
    reuse_seconds = int(getattr(settings, "KPI_REGIONAL_REUSE_SECONDS", 3600))
    if reuse_seconds > 0:
        held = RegionalKpiSnapshot.objects.filter(
            region_id=region_id,
            on=on,
            signature=signature,
            computed_at__gte=timezone.now() - dt.timedelta(seconds=reuse_seconds),
        ).first()
        if held is not None and set(keys) <= set(held.rows):
            return held.rows
    region = session.regional_context(on)
    wanted = set(keys)
    rows = {kpi.key: _pack(kpi.evaluate(region)) for kpi in registry if kpi.key in wanted}
    RegionalKpiSnapshot.objects.update_or_create(
        region_id=region_id, on=on, defaults={"computed_at": signed_at, "signature": signature, "rows": rows}
    )
    return rows


def kpi_snapshots_compute(
    *, authority: LocalAuthority, as_at: dt.date, data_date: dt.date | None = None
) -> list[KpiSnapshot]:
    """Count every stored KPI of the authority on each of `kpi_snapshot_dates(as_at)` (value, previous
    quarter and year, regional comparator) and replace the authority's snapshots with them. Runs in a
    worker (the dashboards rollup) or the demo loader, never in a web request."""
    session = KpiSession(authority)
    computed_at = timezone.now()
    signature = regional_signature(authority.region_id)
    snapshots = []
    for on in kpi_snapshot_dates(as_at):
        previous = {period: previous_date(on, period) for period in PERIODS}
        ctx = session.context(on)
        regional = regional_values(session=session, on=on, signature=signature, signed_at=computed_at)
        earlier = {period: session.context(day) for period, day in previous.items()}
        rows: dict[str, dict[str, Any]] = {}
        for kpi in registry:
            if kpi.source in LIVE_SOURCES:
                continue
            row: dict[str, Any] = {"value": _pack(kpi.evaluate(ctx))}
            for period, context in earlier.items():
                row[period] = _pack(kpi.evaluate(context))
            row["regional"] = regional.get(kpi.key) if kpi.regional else None
            rows[kpi.key] = row
        snapshots.append(
            KpiSnapshot(
                authority=authority,
                on=on,
                computed_at=computed_at,
                data_date=data_date,
                previous={period: day.isoformat() for period, day in previous.items()},
                rows=rows,
            )
        )
    with transaction.atomic():
        KpiSnapshot.objects.filter(authority=authority).delete()
        return KpiSnapshot.objects.bulk_create(snapshots)


def kpi_snapshots_after_rollup(
    *, authority: LocalAuthority, as_at: dt.date, data_date: dt.date | None = None, **_: Any
) -> int:
    """Receiver of `sufficiency.core.signals.figures_computed`: store the KPI page's figures for the
    authority (so the page never counts the register in the request). Returns how many dates were stored."""
    return len(kpi_snapshots_compute(authority=authority, as_at=as_at, data_date=data_date))


def kpi_snapshot_get(*, authority: LocalAuthority, on: dt.date) -> KpiSnapshot | None:
    """The authority's precomputed KPIs on the date, if held."""
    return KpiSnapshot.objects.for_authority(authority).filter(on=on).first()


def kpi_rows_precomputed(*, snapshot: KpiSnapshot, period: str) -> list[Any] | None:
    """The KPI page's rows from a snapshot (as `selectors.kpi_rows_for_authority` would count them), with
    the strategy KPIs read live; None when the snapshot cannot serve the request (an unknown period, or a
    KPI added to the catalogue since it was computed), so that the caller counts live instead."""
    from .selectors import KpiRow, disclosed_regional, england_published

    if period not in snapshot.previous:
        return None
    stored_keys = {k.key for k in registry if k.source not in LIVE_SOURCES}
    if not stored_keys <= set(snapshot.rows):
        return None
    authority = snapshot.authority
    before = dt.date.fromisoformat(snapshot.previous[period])
    records = RegisterData.records_only(authority)
    live_ctx, live_prev = KpiContext(records, snapshot.on), KpiContext(records, before)
    region_name = authority.region.name
    published_all = national_comparators_many(
        authority=authority, kpi_keys=[k.key for k in registry], on=snapshot.on
    )
    rows = []
    for kpi in registry:
        if kpi.source in LIVE_SOURCES:
            value, previous, regional = kpi.evaluate(live_ctx), kpi.evaluate(live_prev), None
        else:
            stored = snapshot.rows[kpi.key]
            value = _unpack(stored["value"]) or KpiValue.none()
            previous = _unpack(stored[period]) or KpiValue.none()
            regional = _unpack(stored.get("regional")) if kpi.regional else None
            regional = disclosed_regional(own=value, regional=regional)
        published = published_all.get(kpi.key)
        rows.append(
            KpiRow(
                kpi=kpi,
                on=snapshot.on,
                value=value,
                previous_on=before,
                previous=previous,
                regional=regional,
                region_name=region_name,
                england=england_published(published),
                national=published,
            )
        )
    return rows
