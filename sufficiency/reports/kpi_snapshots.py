"""Precomputed KPI figures: what the KPI page reads instead of counting the register in the request.

Counting the whole catalogue with previous values and regional comparators loads the authority's and the
region's registers (about 2 s on the demo region). The dashboards rollup, which a worker runs after every
import and forecast (and the demo loader runs directly), calls `kpi_snapshots_compute` to count them once
for the dates the page shows by default and stores them as `KpiSnapshot` rows.

The page (`kpi_rows_precomputed`) uses a snapshot when one is held for the date asked for, whichever
period is compared; any other date is counted live, as before. KPIs of ``source = "strategy"`` (strategy
actions, which commissioners change in this app between imports) are never stored: they are read live
from the actions' history, which costs two small queries and no register load. The ``kpi`` management
command always counts live.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from django.db import transaction
from django.utils import timezone

from sufficiency.authorities.models import LocalAuthority

from .kpis import KpiSession, KpiValue, previous_date, registry
from .kpis.context import PERIODS, KpiContext, RegisterData
from .models import KpiSnapshot

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


def kpi_snapshots_compute(
    *, authority: LocalAuthority, as_at: dt.date, data_date: dt.date | None = None
) -> list[KpiSnapshot]:
    """Count every stored KPI of the authority on each of `kpi_snapshot_dates(as_at)` (value, previous
    quarter and year, regional comparator) and replace the authority's snapshots with them. Runs in a
    worker (the dashboards rollup) or the demo loader, never in a web request."""
    session = KpiSession(authority)
    computed_at = timezone.now()
    snapshots = []
    for on in kpi_snapshot_dates(as_at):
        previous = {period: previous_date(on, period) for period in PERIODS}
        ctx, region = session.context(on), session.regional_context(on)
        earlier = {period: session.context(day) for period, day in previous.items()}
        rows: dict[str, dict[str, Any]] = {}
        for kpi in registry:
            if kpi.source in LIVE_SOURCES:
                continue
            row: dict[str, Any] = {"value": _pack(kpi.evaluate(ctx))}
            for period, context in earlier.items():
                row[period] = _pack(kpi.evaluate(context))
            row["regional"] = _pack(kpi.evaluate(region)) if kpi.regional else None
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


def kpi_snapshot_get(*, authority: LocalAuthority, on: dt.date) -> KpiSnapshot | None:
    """The authority's precomputed KPIs on the date, if held."""
    return KpiSnapshot.objects.for_authority(authority).filter(on=on).first()


def kpi_default_date(*, authority: LocalAuthority) -> dt.date | None:
    """The date the KPI page shows when none is asked for: the latest precomputed date (the month end the
    register runs to), or None when nothing has been precomputed yet."""
    return KpiSnapshot.objects.for_authority(authority).order_by("-on").values_list("on", flat=True).first()


def kpi_rows_precomputed(*, snapshot: KpiSnapshot, period: str) -> list[Any] | None:
    """The KPI page's rows from a snapshot (as `selectors.kpi_rows_for_authority` would count them), with
    the strategy KPIs read live; None when the snapshot cannot serve the request (an unknown period, or a
    KPI added to the catalogue since it was computed), so that the caller counts live instead."""
    from .selectors import KpiRow

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
    rows = []
    for kpi in registry:
        if kpi.source in LIVE_SOURCES:
            value, previous, regional = kpi.evaluate(live_ctx), kpi.evaluate(live_prev), None
        else:
            stored = snapshot.rows[kpi.key]
            value = _unpack(stored["value"]) or KpiValue.none()
            previous = _unpack(stored[period]) or KpiValue.none()
            regional = _unpack(stored.get("regional")) if kpi.regional else None
        rows.append(
            KpiRow(
                kpi=kpi,
                on=snapshot.on,
                value=value,
                previous_on=before,
                previous=previous,
                regional=regional,
                region_name=region_name,
                england=kpi.england,
            )
        )
    return rows
