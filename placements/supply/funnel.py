"""The fostering recruitment funnel: enquiries, initial visits, applications, assessments started,
approvals and deregistrations by month and route, and what boards read from them (net change in
households and places, conversion between stages, time from enquiry to approval).

Pure arithmetic over month records (:class:`FunnelMonth`), so every figure can be checked by hand;
:func:`funnel_months_for_authority` reads the database.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sufficiency.core.periods import period_for

#: The stages in order, with the words fostering services use for them.
STAGES: tuple[tuple[str, str], ...] = (
    ("enquiries", "Enquiries"),
    ("initial_visits", "Initial visits"),
    ("applications", "Applications"),
    ("assessments_started", "Assessments started"),
    ("approvals", "Approvals"),
)


@dataclass(frozen=True)
class FunnelMonth:
    """One month of one route's funnel (counts of households)."""

    month: dt.date
    route: str
    enquiries: int = 0
    initial_visits: int = 0
    applications: int = 0
    assessments_started: int = 0
    approvals: int = 0
    approved_places: int = 0
    deregistrations: int = 0
    deregistered_places: int = 0
    deregistration_reasons: Mapping[str, int] = field(default_factory=dict)
    days_enquiry_to_approval: int | None = None


def pct(numerator: int, denominator: int) -> float | None:
    """A percentage to one decimal place; None with nothing to divide by."""
    return round(100 * numerator / denominator, 1) if denominator else None


def twelve_months_to(on: dt.date) -> tuple[dt.date, dt.date]:
    """The first days of the twelve calendar months ending with the month of ``on``: the months of
    `period_for(on, "last_12_months")`, the period every 12-month figure counts."""
    period = period_for(on, "last_12_months")
    return period.start, period.end.replace(day=1)


def funnel_summary(months: Iterable[FunnelMonth]) -> dict[str, Any]:
    """Totals per stage, conversion between consecutive stages, enquiry to approval, net change in
    households and places, deregistrations by reason and the typical days from enquiry to approval.

    Conversions compare a period's counts of two stages (the cohort method would need each household's
    dates, which the monthly return does not hold): applications / initial visits, and so on.
    ``days_enquiry_to_approval`` is the mean of the months' medians weighted by each month's approvals."""
    months = list(months)
    totals = {key: sum(getattr(m, key) for m in months) for key, _ in STAGES}
    conversions = [
        {"from": a_label, "to": b_label, "pct": pct(totals[b], totals[a])}
        for (a, a_label), (b, b_label) in zip(STAGES, STAGES[1:], strict=False)
    ]
    reasons: dict[str, int] = defaultdict(int)
    for m in months:
        for reason, n in m.deregistration_reasons.items():
            reasons[reason] += int(n)
    timed = [
        (m.days_enquiry_to_approval, m.approvals) for m in months if m.days_enquiry_to_approval is not None
    ]
    weight = sum(w for _, w in timed)
    days = round(sum(d * w for d, w in timed) / weight) if weight else None
    approvals = totals["approvals"]
    deregistrations = sum(m.deregistrations for m in months)
    return {
        "months": len({m.month for m in months}),
        **totals,
        "approved_places": sum(m.approved_places for m in months),
        "deregistrations": deregistrations,
        "deregistered_places": sum(m.deregistered_places for m in months),
        "deregistration_reasons": dict(sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))),
        "net_households": approvals - deregistrations,
        "net_places": sum(m.approved_places for m in months) - sum(m.deregistered_places for m in months),
        "conversions": conversions,
        "enquiry_to_approval_pct": pct(approvals, totals["enquiries"]),
        "days_enquiry_to_approval": days,
    }


def funnel_by_route(months: Iterable[FunnelMonth]) -> dict[str, dict[str, Any]]:
    """:func:`funnel_summary` per route."""
    by_route: dict[str, list[FunnelMonth]] = defaultdict(list)
    for m in months:
        by_route[m.route].append(m)
    return {route: funnel_summary(part) for route, part in sorted(by_route.items())}


def monthly_table(months: Iterable[FunnelMonth]) -> list[dict[str, Any]]:
    """One row per month (routes added together), oldest first: the table councils publish."""
    rows: dict[dt.date, dict[str, Any]] = {}
    for m in months:
        row = rows.setdefault(
            m.month,
            {"month": m.month, **{k: 0 for k, _ in STAGES}, "deregistrations": 0, "net_households": 0},
        )
        for key, _ in STAGES:
            row[key] += getattr(m, key)
        row["deregistrations"] += m.deregistrations
        row["net_households"] += m.approvals - m.deregistrations
    return [rows[k] for k in sorted(rows)]


def rag(value: float | None, target: float, *, tolerance: float = 0.0, higher_is_better: bool = True) -> str:
    """Green when the target is met, amber when short of it by no more than ``tolerance``, else red;
    "grey" with no value."""
    if value is None:
        return "grey"
    gap = (target - value) if higher_is_better else (value - target)
    if gap <= 0:
        return "green"
    return "amber" if gap <= tolerance else "red"


def funnel_months_for_authority(
    *, authority: Any, start: dt.date | None = None, end: dt.date | None = None
) -> list[FunnelMonth]:
    """The authority's funnel months (both routes), optionally between two first-of-month dates."""
    from ..models import FosteringRecruitmentMonth

    records = FosteringRecruitmentMonth.objects.for_authority(authority)
    if start:
        records = records.filter(month__gte=start)
    if end:
        records = records.filter(month__lte=end)
    return [to_funnel_month(r) for r in records.order_by("month", "route")]


def to_funnel_month(record: Any) -> FunnelMonth:
    return FunnelMonth(
        month=record.month,
        route=record.route,
        enquiries=record.enquiries,
        initial_visits=record.initial_visits,
        applications=record.applications,
        assessments_started=record.assessments_started,
        approvals=record.approvals,
        approved_places=record.approved_places,
        deregistrations=record.deregistrations,
        deregistered_places=record.deregistered_places,
        deregistration_reasons={k: int(v) for k, v in (record.deregistration_reasons or {}).items()},
        days_enquiry_to_approval=record.days_enquiry_to_approval,
    )
