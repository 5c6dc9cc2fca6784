"""Agency fostering in the demo: vacancies with the agency carers each authority holds and with the
independent fostering agencies it uses, and one open search for a sibling group, so the matching search
shows what placement finders see (most fostered children live with agency carers).

Synthetic and deterministic by seed. Written through the supply and finding services (history and audit
rows as for any vacancy or request). Run again, it adds nothing: an authority that already has a vacancy
with an agency's carers or at an agency is left as it is, and the sibling-group request is found by its
note before another is logged.

The shape:

- about one agency household in eight with a vacancy (at least `MIN_AGENCY_VACANCIES`, at most
  `MAX_AGENCY_VACANCIES`), of one to three places (never more than the household is approved for), most
  confirmed in the last week, a few stale;
- up to `MAX_AGENCY_SETTINGS` of the agencies whose carers the authority holds offer places themselves
  (an agency telling the authority it has carers free, before saying which), one to three places;
- an open request, logged today, for a 14-year-old with two siblings needing fostering (fostering
  preferred, residential suitable), home in the district of the authority's own carers.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
from collections import Counter
from typing import Any

from django.db import transaction
from django.utils import timezone

from placements.finding import services as finding_services
from placements.models import FosteringHousehold, PlacementRequest, Setting, Vacancy
from placements.supply.services import vacancy_record
from sufficiency.authorities.models import LocalAuthority

logger = logging.getLogger(__name__)

MIN_AGENCY_VACANCIES = 8
MAX_AGENCY_VACANCIES = 30
MAX_AGENCY_SETTINGS = 6
RECORDED_DAYS_AGO = [0, 0, 1, 1, 2, 3, 4, 6, 9, 12, 20, 35]
SIBLING_REQUEST_NOTE = "Demo: a sibling group of three needing fostering"


def demo_agencies_load(*, codes: list[str], seed: int, acting_user: Any = None) -> dict[str, dict[str, int]]:
    """Agency vacancies and a sibling-group request for each authority named by DfE code (see the module
    docstring). Returns, by DfE code, what was added."""
    return {
        authority.dfe_code: _load(authority=authority, seed=seed, acting_user=acting_user)
        for authority in LocalAuthority.objects.filter(dfe_code__in=codes).order_by("dfe_code")
    }


@transaction.atomic
def _load(*, authority: LocalAuthority, seed: int, acting_user: Any) -> dict[str, int]:
    rng = random.Random(f"{seed}-{authority.dfe_code}-agencies")
    added: Counter[str] = Counter()
    now = timezone.now()
    agency_households = list(
        FosteringHousehold.objects.for_authority(authority)
        .filter(route="agency", status="available")
        .select_related("agency")
        .order_by("reference")
    )
    already = (
        Vacancy.objects.for_authority(authority).filter(household__route="agency").exists()
        or Vacancy.objects.for_authority(authority)
        .filter(setting__provision_type="independent_fostering_agency")
        .exists()
    )
    if not already and agency_households:
        wanted = max(MIN_AGENCY_VACANCIES, len(agency_households) // 8)
        for household in rng.sample(
            agency_households, min(MAX_AGENCY_VACANCIES, wanted, len(agency_households))
        ):
            vacancy_record(
                authority=authority,
                acting_user=acting_user,
                household=household,
                places=max(1, min(household.approved_places, rng.choice([1, 2, 2, 3]))),
                age_min=household.age_min,
                age_max=min(household.age_max, 17),
                categories=["fostering_external"],
                notes="Demo vacancy with agency carers",
                recorded_at=now - dt.timedelta(days=rng.choice(RECORDED_DAYS_AGO), hours=rng.randint(0, 8)),
            )
            added["agency_household_vacancies"] += 1
        agency_ids = sorted({h.agency_id for h in agency_households if h.agency_id})
        agencies = list(
            Setting.objects.filter(
                id__in=agency_ids, provision_type="independent_fostering_agency", registration_status="active"
            ).order_by("urn")
        )
        for agency in rng.sample(agencies, min(MAX_AGENCY_SETTINGS, len(agencies))):
            vacancy_record(
                authority=authority,
                acting_user=acting_user,
                setting=agency,
                places=rng.choice([1, 2, 2, 3]),
                age_min=rng.choice([0, 0, 5, 8]),
                age_max=17,
                categories=["fostering_external"],
                notes="Demo vacancy: the agency has carers free",
                recorded_at=now - dt.timedelta(days=rng.choice(RECORDED_DAYS_AGO), hours=rng.randint(0, 8)),
            )
            added["agency_vacancies"] += 1
    if not PlacementRequest.objects.for_authority(authority).filter(notes=SIBLING_REQUEST_NOTE).exists():
        _sibling_request(authority, rng, acting_user)
        added["sibling_requests"] += 1
    logger.info("demo agencies authority=%s added=%s", authority.dfe_code, dict(added))
    return dict(added)


def _sibling_request(authority: LocalAuthority, rng: random.Random, acting_user: Any) -> PlacementRequest:
    """An open request for a 14-year-old (born this month 14 years ago) with two siblings to place with."""
    today = timezone.localdate()
    districts = sorted(
        {
            district.strip()
            for district in FosteringHousehold.objects.for_authority(authority)
            .filter(route="in_house")
            .exclude(postcode_district="")
            .values_list("postcode_district", flat=True)
        }
    )
    return finding_services.placement_request_create(
        authority=authority,
        data={
            "birth_month": today.replace(year=today.year - 14, day=1),
            "sex": rng.choice(["F", "M"]),
            "legal_status": "C2",
            "home_postcode": rng.choice(districts) if districts else "",
            "requested_on": today,
            "urgency": "planned",
            "fostering": "preferred",
            "residential": "suitable",
            "supported": "unsuitable",
            "siblings": 2,
            "max_distance_miles": 30,
            "notes": SIBLING_REQUEST_NOTE,
        },
        acting_user=acting_user,
    )
