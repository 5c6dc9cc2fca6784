"""Linking placed requests to the SSDA903 episodes that followed them.

The placement a request led to arrives in the register with the next SSDA903 import, as an episode. After
every successful import (`finding_after_import`, registered in `PlacementsConfig.ready`) each placed
request of the authority is matched to an episode:

- a request for a child in the register: that child's episode starting a new placement (RNE S, P, T, B or
  U) nearest to the placement date, within `LINK_TOLERANCE_DAYS` (7) either side: recorded start dates
  often differ by a few days from the date the finder recorded;
- a new referral (no reference yet): an episode starting a new placement within the tolerance, of a child
  with the same sex and month of birth, at the same Ofsted URN (placed with a setting) or in the same
  planning category (placed with a household). Only when exactly one child fits is the referral linked,
  and it then takes that child's reference.

The link is held as the episode's start date (with the child reference), not a foreign key: each import
replaces the register's rows. Because an import also replaces the episodes' weekly costs, the agreed
weekly cost of each linked request is written again onto its episode (and onto any change-of-legal-status
episodes, RNE L, that continue the same placement), so actual spend (placements.costs) uses it.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import transaction
from django.utils import timezone

from sufficiency.authorities.models import LocalAuthority
from sufficiency.core.audit import acting_user_or_none, audit

from ..categories import NEW_PLACEMENT_RNE
from ..choices import PlacementRequestEventChoices, PlacementRequestStatusChoices
from ..models import PlacementEpisode, PlacementRequest, PlacementRequestEvent

logger = logging.getLogger(__name__)
LINK_TOLERANCE_DAYS = 7


def _episode_rows(authority: LocalAuthority, start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    return list(
        PlacementEpisode.objects.for_authority(authority)
        .filter(decom__gte=start, decom__lte=end)
        .values(
            "id",
            "child_id",
            "child__child_ref",
            "child__dob",
            "child__sex",
            "decom",
            "rne",
            "urn",
            "category",
        )
    )


def _best(placed_on: dt.date, rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    if not rows:
        return None
    return min(rows, key=lambda r: (abs((r["decom"] - placed_on).days), r["decom"]))


def _continuations(authority: LocalAuthority, child_id: int, decom: dt.date) -> list[int]:
    """The episode starting the placement and the change-of-legal-status episodes that continue it."""
    ids = []
    for pk, rne, start in (
        PlacementEpisode.objects.for_authority(authority)
        .filter(child_id=child_id, decom__gte=decom)
        .order_by("decom")
        .values_list("id", "rne", "decom")
    ):
        if start != decom and rne != "L":
            break
        ids.append(pk)
    return ids


def placement_requests_link_episodes(
    *, authority: LocalAuthority, tolerance_days: int = LINK_TOLERANCE_DAYS, acting_user: Any = None
) -> dict[str, int]:
    """Link the authority's placed requests to their SSDA903 episodes and copy agreed weekly costs onto
    them (see the module docstring). Returns counts: linked (newly), relinked (kept), unmatched, costed."""
    requests = list(
        PlacementRequest.objects.for_authority(authority)
        .filter(status=PlacementRequestStatusChoices.PLACED, placed_on__isnull=False)
        .select_related("placed_setting")
    )
    counts = {"linked": 0, "kept": 0, "unmatched": 0, "costed": 0}
    if not requests:
        return counts
    tolerance = dt.timedelta(days=tolerance_days)
    start = min(r.placed_on for r in requests) - tolerance
    end = max(r.placed_on for r in requests) + tolerance
    rows = [r for r in _episode_rows(authority, start, end) if r["rne"] in NEW_PLACEMENT_RNE]
    by_child: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_child.setdefault(row["child__child_ref"], []).append(row)
    now = timezone.now()
    with transaction.atomic():
        for placement_request in requests:
            near = lambda r, pr=placement_request: abs((r["decom"] - pr.placed_on).days) <= tolerance.days  # noqa: E731
            if placement_request.child_ref:
                found = _best(
                    placement_request.placed_on,
                    [r for r in by_child.get(placement_request.child_ref, []) if near(r)],
                )
            else:
                fits = [
                    r
                    for r in rows
                    if near(r)
                    and r["child__sex"] == placement_request.sex
                    and placement_request.birth_month is not None
                    and r["child__dob"].replace(day=1) == placement_request.birth_month
                    and (
                        r["urn"] == placement_request.placed_setting.urn
                        if placement_request.placed_setting_id
                        else r["category"] == placement_request.placed_category
                    )
                ]
                children = {r["child__child_ref"] for r in fits}
                found = _best(placement_request.placed_on, fits) if len(children) == 1 else None
            if found is None:
                counts["unmatched"] += 1
                continue
            if placement_request.episode_decom == found["decom"] and placement_request.child_ref:
                counts["kept"] += 1
            else:
                placement_request.episode_decom = found["decom"]
                placement_request.episode_linked_at = now
                was_referral = not placement_request.child_ref
                placement_request.child_ref = found["child__child_ref"]
                placement_request.save(
                    update_fields=["episode_decom", "episode_linked_at", "child_ref", "updated_at"]
                )
                PlacementRequestEvent.objects.create(
                    placement_request=placement_request,
                    action=PlacementRequestEventChoices.EPISODE_LINKED,
                    at=now,
                    by=acting_user_or_none(acting_user),
                    detail={
                        "referral": was_referral,
                        "days_apart": (found["decom"] - placement_request.placed_on).days,
                    },
                )
                counts["linked"] += 1
            if placement_request.agreed_weekly_cost is not None:
                counts["costed"] += PlacementEpisode.objects.filter(
                    id__in=_continuations(authority, found["child_id"], found["decom"])
                ).update(weekly_cost=placement_request.agreed_weekly_cost, updated_at=timezone.now())
        audit(
            action="placement_requests.episodes_linked",
            actor=acting_user,
            authority=authority,
            object_type="placements.PlacementRequest",
            detail=counts,
        )
    logger.info("placement requests linked authority=%s counts=%s", authority.dfe_code, counts)
    return counts


def finding_after_import(authority_id: int) -> None:
    """After a successful SSDA903 import: link placed requests to the new episodes (a few queries per
    placed request, so it runs in the import worker's on-commit hook rather than as another task). A
    failure here is logged and never undoes the import."""
    authority = LocalAuthority.objects.filter(pk=authority_id).first()
    if authority is None:
        return
    try:
        placement_requests_link_episodes(authority=authority)
    except Exception:  # noqa: BLE001 - the import has committed; linking is retried after the next one
        logger.exception("linking placement requests failed authority_id=%s", authority_id)
