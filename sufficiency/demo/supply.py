"""Demo supply records beyond the register (synthetic): fostering places not available, and 27 months of the
fostering recruitment funnel for both routes, shaped like the monthly tables councils publish (tens of
enquiries a month with a January peak and a summer and December dip; a few approvals and de-registrations).

Deterministic for a seed and idempotent: places not available are written once per authority, and funnel
months are keyed on (authority, month, route) with the same values each run.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.db import transaction
from django.db.models import Q

from placements.choices import (
    DeregistrationReasonChoices,
    HouseholdStatusChoices,
    PlacesUnavailableReasonChoices,
)
from placements.models import FosteringHousehold, FosteringRecruitmentMonth, HouseholdPlacesUnavailable

#: Months of funnel written, ending with the as-at month (two full years for the comparison, and a quarter).
FUNNEL_MONTHS = 27
#: Enquiries by calendar month relative to the average (a January peak, quieter August and December).
SEASON = {1: 1.6, 2: 1.1, 3: 1.0, 4: 1.0, 5: 1.1, 6: 1.0, 7: 0.9, 8: 0.7, 9: 1.2, 10: 1.0, 11: 0.9, 12: 0.7}
UNAVAILABLE_WEIGHTS = {
    PlacesUnavailableReasonChoices.CARERS_BREAK: 30,
    PlacesUnavailableReasonChoices.STAYING_PUT: 25,
    PlacesUnavailableReasonChoices.SIBLING_GROUP: 20,
    PlacesUnavailableReasonChoices.OWN_CHILDREN: 15,
    PlacesUnavailableReasonChoices.UNDER_INVESTIGATION: 10,
}
DEREGISTRATION_WEIGHTS = {
    DeregistrationReasonChoices.RETIREMENT: 35,
    DeregistrationReasonChoices.CHANGE_OF_CIRCUMSTANCES: 30,
    DeregistrationReasonChoices.SGO_OR_ADOPTION: 15,
    DeregistrationReasonChoices.TRANSFER_TO_AGENCY: 10,
    DeregistrationReasonChoices.STANDARDS: 5,
    DeregistrationReasonChoices.OTHER: 5,
}


def _pick(rng: random.Random, weights: dict[Any, int]) -> str:
    return str(rng.choices(list(weights), weights=list(weights.values()))[0])


def _first_of_months(end: dt.date, n: int) -> list[dt.date]:
    index = end.year * 12 + end.month - 1
    return [dt.date((i) // 12, i % 12 + 1, 1) for i in range(index - n + 1, index + 1)]


def demo_places_unavailable_load(*, authority: Any, as_at: dt.date, seed: int) -> int:
    """About one in eight in-house households approved on the date has a place not available (and a few
    had one earlier that has ended). Written once: nothing is added when the authority already has any."""
    if HouseholdPlacesUnavailable.objects.filter(authority=authority).exists():
        return 0
    rng = random.Random(f"{seed}:{authority.dfe_code}:unavailable")
    households = list(
        FosteringHousehold.objects.filter(authority=authority, route="in_house", approval_date__lte=as_at)
        .filter(Q(deregistration_date__isnull=True) | Q(deregistration_date__gt=as_at))
        .exclude(status=HouseholdStatusChoices.DEREGISTERED)
        .order_by("reference")
    )
    records = []
    for household in households:
        draw = rng.random()
        if draw >= 0.18:
            continue
        start = as_at - dt.timedelta(days=rng.randint(14, 200))
        ended = draw >= 0.13  # about a third of them ended before the date: the places are usable again
        end = start + dt.timedelta(days=rng.randint(7, 60)) if ended else None
        if end is not None and end >= as_at:
            end = as_at - dt.timedelta(days=1)
        records.append(
            HouseholdPlacesUnavailable(
                authority=authority,
                household=household,
                places=1 if household.approved_places < 3 else rng.choice((1, 1, 2)),
                reason=_pick(rng, UNAVAILABLE_WEIGHTS),
                start_date=start,
                end_date=end,
            )
        )
    HouseholdPlacesUnavailable.objects.bulk_create(records)
    return len(records)


def _funnel_month(rng: random.Random, month: dt.date, *, scale: float) -> dict[str, Any]:
    """A month of one route: about 30 enquiries (times ``scale`` and the season), a quarter of them visited,
    two in five of those applying, most assessed, half approved; a household or two leaving."""
    enquiries = max(int(round(rng.gauss(30 * scale * SEASON[month.month], 5 * scale))), 0)
    visits = sum(rng.random() < 0.25 for _ in range(enquiries))
    applications = sum(rng.random() < 0.4 for _ in range(visits))
    assessments = sum(rng.random() < 0.8 for _ in range(applications))
    approvals = sum(rng.random() < 0.5 for _ in range(assessments))
    deregistrations = sum(rng.random() < 0.3 * scale for _ in range(4))
    reasons: dict[str, int] = {}
    for _ in range(deregistrations):
        reason = _pick(rng, DEREGISTRATION_WEIGHTS)
        reasons[reason] = reasons.get(reason, 0) + 1
    return {
        "enquiries": enquiries,
        "initial_visits": visits,
        "applications": applications,
        "assessments_started": assessments,
        "approvals": approvals,
        "approved_places": sum(rng.choice((1, 1, 2, 2, 3)) for _ in range(approvals)),
        "deregistrations": deregistrations,
        "deregistered_places": sum(rng.choice((1, 2, 2)) for _ in range(deregistrations)),
        "deregistration_reasons": reasons,
        "days_enquiry_to_approval": rng.randint(170, 270) if approvals else None,
    }


def demo_funnel_load(*, authority: Any, as_at: dt.date, seed: int) -> int:
    """27 months of the recruitment funnel for the authority's own service and for the agencies it reports
    on, scaled to its number of in-house households. The same seed writes the same figures."""
    inhouse = FosteringHousehold.objects.filter(authority=authority, route="in_house").count()
    scale = min(max(inhouse / 150, 0.5), 1.5)
    existing = {(r.month, r.route): r for r in FosteringRecruitmentMonth.objects.filter(authority=authority)}
    written = 0
    for route, factor in (("in_house", 1.0), ("agency", 0.5)):
        rng = random.Random(f"{seed}:{authority.dfe_code}:funnel:{route}")
        for month in _first_of_months(as_at, FUNNEL_MONTHS):
            values = _funnel_month(rng, month, scale=scale * factor)
            record = existing.get((month, route))
            if record is not None and all(getattr(record, k) == v for k, v in values.items()):
                continue  # loaded before with the same figures: no new history row
            FosteringRecruitmentMonth.objects.update_or_create(
                authority=authority, month=month, route=route, defaults=values
            )
            written += 1
    return written


def demo_supply_load(*, authority: Any, as_at: dt.date, seed: int) -> dict[str, int]:
    """Places not available and the recruitment funnel for one demo authority."""
    with transaction.atomic():
        return {
            "places_unavailable": demo_places_unavailable_load(authority=authority, as_at=as_at, seed=seed),
            "funnel_months": demo_funnel_load(authority=authority, as_at=as_at, seed=seed),
        }
