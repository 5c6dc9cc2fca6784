"""Reads for KPI pages, strategy pages and board reports.

Callers (views, commands, the board report) have already checked the user may see the authority. Pass one
`KpiSession` to several selectors on a page (or in a report) so the register is loaded once.

    session = KpiSession(authority)
    rows = kpi_rows_for_authority(authority=la, on=date, session=session)
    progress = measure_progress_for_strategy(strategy=s, on=date, session=session)
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet

from placements.national.selectors import Comparators, national_comparators_many
from sufficiency.authorities.models import LocalAuthority
from sufficiency.core.formatting import money, money_pence, number, percentage
from sufficiency.core.suppression import suppress_small

from .choices import ActionStatusChoices, RagChoices
from .kpis import KpiSession, KpiValue, previous_date, registry
from .kpis.base import EnglandFigure, Kpi, Unit
from .models import Action, KpiSnapshot, Measure, Objective, Strategy
from .rag import rag_status


@dataclass(frozen=True)
class KpiRow:
    """One KPI for one authority on a date, with what a board reads beside it."""

    kpi: Kpi
    on: dt.date
    value: KpiValue
    previous_on: dt.date
    previous: KpiValue
    regional: KpiValue | None
    region_name: str
    england: EnglandFigure | None
    #: The DfE's published comparators for the KPI (neighbours, region, England), when it has a national
    #: equivalent and the tables are imported.
    national: Comparators | None = None

    @property
    def key(self) -> str:
        return self.kpi.key

    @property
    def own_count(self) -> float | None:
        """This authority's own count behind the figure (the numerator of a ratio), from its register."""
        if self.kpi.unit == Unit.COUNT:
            return self.value.value
        return self.value.numerator

    @property
    def published_count_differs(self) -> bool | None:
        """Whether the register's count differs from the count the DfE published for this authority for
        the same 31 March (None when they cannot be compared: another date, or nothing published)."""
        national = self.national
        if national is None or national.published_own_count is None or self.own_count is None:
            return None
        if national.year is None or self.on != dt.date(national.year, 3, 31):
            return None
        return round(self.own_count) != round(national.published_own_count)

    def comparators_dict(self) -> dict[str, Any] | None:
        if self.national is None:
            return None
        data = self.national.as_dict()
        data["own_count"] = self.own_count
        data["published_count_differs"] = self.published_count_differs
        return data

    @property
    def change(self) -> float | None:
        """Value less the previous value (None if either is missing), in the KPI's units."""
        if self.value.value is None or self.previous.value is None:
            return None
        return round(self.value.value - self.previous.value, 2)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: what the `kpi` command prints and an API could serve."""
        return {
            "key": self.kpi.key,
            "name": self.kpi.name,
            "value": self.value.value,
            "numerator": self.value.numerator,
            "denominator": self.value.denominator,
            "unit": str(self.kpi.unit),
            "definition": self.kpi.definition,
            "direction": str(self.kpi.direction),
            "group": str(self.kpi.group),
            "date": self.on.isoformat(),
            "previous_date": self.previous_on.isoformat(),
            "previous_value": self.previous.value,
            "change": self.change,
            "regional_value": self.regional.value if self.regional else None,
            "england_value": self.england.value if self.england else None,
            "england_year": self.england.year if self.england else None,
            "comparators": self.comparators_dict(),
        }


def kpi_rows_for_authority(
    *,
    authority: LocalAuthority,
    on: dt.date,
    keys: list[str] | None = None,
    period: str = "quarter",
    comparators: bool = True,
    session: KpiSession | None = None,
    national: bool | None = None,
) -> list[KpiRow]:
    """Every KPI (or those named by ``keys``, in catalogue order) for an authority on a date: the value,
    the previous period's value (``period`` "quarter" = 3 months earlier, or "year"), the regional value
    (the same calculation over every authority of the region with data in the register, itself included)
    and the published England figure where one is held."""
    session = session or KpiSession(authority)
    before = previous_date(on, period)
    wanted = [k for k in registry if keys is None or k.key in keys]
    if keys is not None:
        unknown = set(keys) - set(registry.keys())
        if unknown:
            raise KeyError(f"unknown KPI keys: {', '.join(sorted(unknown))}")
    ctx, prev_ctx = session.context(on), session.context(before)
    region_ctx = session.regional_context(on) if comparators and any(k.regional for k in wanted) else None
    published_all = (
        national_comparators_many(authority=authority, kpi_keys=[k.key for k in wanted], on=on)
        if (comparators if national is None else national)
        else {}
    )
    rows = []
    for kpi in wanted:
        value = kpi.evaluate(ctx)
        published = published_all.get(kpi.key)
        rows.append(
            KpiRow(
                kpi=kpi,
                on=on,
                value=value,
                previous_on=before,
                previous=kpi.evaluate(prev_ctx),
                regional=disclosed_regional(own=value, regional=kpi.evaluate(region_ctx))
                if region_ctx is not None and kpi.regional
                else None,
                region_name=authority.region.name,
                england=england_published(published),
                national=published,
            )
        )
    return rows


def england_published(national: Comparators | None) -> EnglandFigure | None:
    """The England figure from the DfE's published tables as imported (none held in the code)."""
    if national is None or national.england is None:
        return None
    return EnglandFigure(national.england, f"31 March {national.year}", "; ".join(national.provenance))


def disclosed_regional(*, own: KpiValue, regional: KpiValue | None) -> KpiValue | None:
    """The regional comparator as a viewer may see it. The region less the viewer's own figure is the
    other authorities' figure, so the comparator is withheld when that remainder is a count of 1 to 4
    children (the numerator of a count, or the numerator or denominator of a ratio or mean), as every
    other figure about another authority's children is (`sufficiency.core.suppression`)."""
    if regional is None or regional.value is None:
        return regional
    for mine, theirs in ((own.numerator, regional.numerator), (own.denominator, regional.denominator)):
        rest = None if theirs is None else int(round(theirs - (mine or 0)))
        if rest and suppress_small(rest).suppressed:
            return KpiValue.none()
    return regional


def kpi_page_rows(
    *, authority: LocalAuthority, on: dt.date, period: str = "quarter"
) -> tuple[list[KpiRow], KpiSnapshot | None]:
    """The KPI page's rows: read from the precomputed `KpiSnapshot` of the date when one is held (and the
    snapshot used, so the page can say when it was counted), else counted live from the register as
    `kpi_rows_for_authority` does (and None). See ``kpi_snapshots.py``."""
    from .kpi_snapshots import kpi_rows_precomputed, kpi_snapshot_get

    snapshot = kpi_snapshot_get(authority=authority, on=on)
    if snapshot is not None:
        rows = kpi_rows_precomputed(snapshot=snapshot, period=period)
        if rows is not None:
            return rows, snapshot
    return kpi_rows_for_authority(authority=authority, on=on, period=period), None


def format_kpi_value(value: float | None, unit: Unit | str) -> str:
    """A KPI value as a board paper prints it: "12.5%", "67.1", "£4,250", "1,234"; "No data" for None."""
    if value is None:
        return "No data"
    unit = Unit(unit)
    if unit == Unit.PERCENT:
        return percentage(value)
    if unit in (Unit.GBP_PER_WEEK, Unit.GBP_PER_YEAR):
        return money(value) if float(value).is_integer() or abs(value) >= 1000 else money_pence(value)
    if unit == Unit.COUNT:
        return number(value, places=0)
    return number(value)


# --- Strategies -------------------------------------------------------------------------------------------
def strategy_list(*, authority: LocalAuthority) -> QuerySet[Strategy]:
    """An authority's strategies, newest period first, with how many objectives and actions each has."""
    from django.db.models import Count

    return Strategy.objects.for_authority(authority).annotate(
        objective_count=Count("objectives", distinct=True), action_count=Count("actions", distinct=True)
    )


def strategy_for_authority(*, authority: LocalAuthority, pk: int) -> Strategy:
    """One of the authority's strategies with its objectives, measures and actions (DoesNotExist if it is
    another authority's)."""
    return (
        Strategy.objects.for_authority(authority)
        .prefetch_related(
            Prefetch("objectives", queryset=Objective.objects.prefetch_related("measures")),
            Prefetch("actions", queryset=Action.objects.select_related("objective")),
        )
        .get(pk=pk)
    )


def strategy_current_for_authority(*, authority: LocalAuthority, on: dt.date) -> Strategy | None:
    """The strategy whose period covers the date's year (the latest starting, if several)."""
    return (
        Strategy.objects.for_authority(authority)
        .filter(start_year__lte=on.year, end_year__gte=on.year)
        .order_by("-start_year", "-id")
        .first()
    )


def objectives_for_strategy(*, strategy: Strategy) -> list[Objective]:
    """A strategy's objectives in its own order, each with its measures (prefetched)."""
    return list(
        Objective.objects.filter(strategy=strategy).order_by("number", "id").prefetch_related("measures")
    )


@dataclass(frozen=True)
class MeasureProgress:
    """A measure on a date: the KPI's value, the previous value, and its RAG against the target."""

    measure: Measure
    kpi: Kpi | None
    value: KpiValue
    previous: KpiValue
    rag: RagChoices

    @property
    def name(self) -> str:
        return self.kpi.name if self.kpi else f"Unknown KPI {self.measure.kpi_key}"


def measure_progress(
    *,
    measures: list[Measure],
    authority: LocalAuthority,
    on: dt.date,
    period: str = "quarter",
    session: KpiSession | None = None,
) -> list[MeasureProgress]:
    """Value, previous value and RAG of each measure on the date (one register load for all)."""
    session = session or KpiSession(authority)
    ctx, prev_ctx = session.context(on), session.context(previous_date(on, period))
    out = []
    for measure in measures:
        kpi = registry.get(measure.kpi_key)
        value = kpi.evaluate(ctx) if kpi else KpiValue.none()
        previous = kpi.evaluate(prev_ctx) if kpi else KpiValue.none()
        out.append(
            MeasureProgress(
                measure=measure,
                kpi=kpi,
                value=value,
                previous=previous,
                rag=rag_status(
                    value=value.value,
                    target=measure.target_value,
                    direction=measure.direction,
                    tolerance=measure.tolerance,
                ),
            )
        )
    return out


def measure_progress_for_strategy(
    *, strategy: Strategy, on: dt.date, period: str = "quarter", session: KpiSession | None = None
) -> dict[int, list[MeasureProgress]]:
    """Measure progress of every objective of a strategy, by objective id."""
    measures = list(Measure.objects.filter(objective__strategy=strategy).select_related("objective"))
    progress = measure_progress(
        measures=measures, authority=strategy.authority, on=on, period=period, session=session
    )
    by_objective: dict[int, list[MeasureProgress]] = {}
    for item in progress:
        by_objective.setdefault(item.measure.objective_id, []).append(item)
    return by_objective


def action_summary_for_strategy(*, strategy: Strategy, on: dt.date) -> dict[str, Any]:
    """Actions by status (every status, zero-filled) and how many are overdue on the date (due before it
    and not complete): the "strategy delivery" panel of a board report."""
    rows = list(Action.objects.filter(strategy=strategy).values_list("status", "due_date"))
    counts = Counter(status for status, _ in rows)
    return {
        "by_status": {choice.value: counts.get(choice.value, 0) for choice in ActionStatusChoices},
        "total": len(rows),
        "overdue": sum(
            1
            for status, due in rows
            if due is not None and due < on and status != ActionStatusChoices.COMPLETE
        ),
    }


def strategy_history(*, strategy: Strategy, limit: int = 200) -> list[dict[str, Any]]:
    """Every recorded change to a strategy, its objectives, measures and actions, newest first: when,
    who, what kind of record, created/changed/deleted, and which fields changed."""
    entries: list[Any] = []
    entries += list(Strategy.history.filter(id=strategy.pk).select_related("history_user"))
    entries += list(Objective.history.filter(strategy_id=strategy.pk).select_related("history_user"))
    objective_ids = list(
        Objective.history.filter(strategy_id=strategy.pk).values_list("id", flat=True).distinct()
    )
    entries += list(Measure.history.filter(objective_id__in=objective_ids).select_related("history_user"))
    entries += list(Action.history.filter(strategy_id=strategy.pk).select_related("history_user"))
    entries.sort(key=lambda h: (h.history_date, h.history_id), reverse=True)
    labels = {"+": "Created", "~": "Changed", "-": "Deleted"}
    out = []
    for record in entries[:limit]:
        changed: list[str] = []
        if record.history_type == "~" and record.prev_record is not None:
            delta = record.diff_against(record.prev_record)
            changed = [record.instance._meta.get_field(c.field).verbose_name for c in delta.changes]
        out.append(
            {
                "when": record.history_date,
                "who": record.history_user,
                "kind": record.instance._meta.verbose_name,
                "label": str(record.instance),
                "change": labels.get(record.history_type, record.history_type),
                "fields": changed,
            }
        )
    return out
