"""Writes of placement finding: log a request, work it (referrals, offers, declines), record how it ended.

Each service is a `placement_request_<verb>` or `approach_<verb>`: keyword-only, atomic, checks the named
rules of `lifecycle` first, writes a `PlacementRequestEvent` (the request's own history, shown on its
page) and an `AuditEvent` (the authority's audit trail) in the same transaction, and takes the acting
user. Audit and event details hold ids and codes only: never a child's reference, date of birth or
postcode.

`at` (a datetime) and the dates given default to now and today; the demo loader passes past times to
build a realistic year of requests through these same services.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

import pandas as pd
from django.db import transaction
from django.utils import timezone

from sufficiency.authorities.models import LocalAuthority
from sufficiency.core.audit import acting_user_or_none, audit
from sufficiency.core.locking import check_version

from .. import geo
from ..choices import (
    ApproachStatusChoices,
    PlacementRequestEventChoices,
    PlacementRequestStatusChoices,
    SiblingsOutcomeChoices,
)
from ..models import Approach, Child, FosteringHousehold, PlacementRequest, PlacementRequestEvent, Setting
from ..selectors import framework_memberships
from . import lifecycle as rules
from .matching import household_category, household_route, setting_category

logger = logging.getLogger(__name__)
Status = PlacementRequestStatusChoices
Event = PlacementRequestEventChoices

#: Fields a placement finder may set when logging or changing a request.
REQUEST_FIELDS = (
    "child_ref",
    "birth_month",
    "sex",
    "legal_status",
    "home_postcode",
    "requested_on",
    "latest_start",
    "urgency",
    "fostering",
    "residential",
    "supported",
    "needs",
    "risk_exploitation",
    "risk_missing",
    "risk_self_harm",
    "risk_sexual_behaviour",
    "risk_to_others",
    "siblings",
    "max_distance_miles",
    "areas_to_avoid",
    "staffing_ratio",
    "social_worker",
    "notes",
)


def _event(
    placement_request: PlacementRequest,
    action: str,
    *,
    acting_user: Any,
    at: dt.datetime,
    from_status: str = "",
    to_status: str = "",
    detail: dict[str, Any] | None = None,
) -> PlacementRequestEvent:
    return PlacementRequestEvent.objects.create(
        placement_request=placement_request,
        action=action,
        from_status=from_status,
        to_status=to_status,
        at=at,
        by=acting_user_or_none(acting_user),
        detail=detail or {},
    )


def _transition(
    placement_request: PlacementRequest,
    target: str,
    *,
    acting_user: Any,
    at: dt.datetime,
    detail: dict[str, Any] | None = None,
    request: Any = None,
    extra_fields: Sequence[str] = (),
) -> None:
    """Move the request to `target` (the rule is checked first), saving `extra_fields` with it."""
    current = placement_request.status
    rules.TransitionMustBeAllowed.check(current, target)
    placement_request.status = target
    placement_request.status_changed_at = at
    placement_request.save(update_fields=["status", "status_changed_at", "updated_at", *extra_fields])
    _event(
        placement_request,
        Event.TRANSITION,
        acting_user=acting_user,
        at=at,
        from_status=current,
        to_status=target,
        detail=detail,
    )
    audit(
        action=f"placement_request.{target}",
        actor=acting_user,
        authority=placement_request.authority,
        obj=placement_request,
        detail={"from": current, **(detail or {})},
        request=request,
    )


# --- The request ----------------------------------------------------------------------------------------------


def _sector(postcode: str | None) -> str:
    """The district and sector of a postcode ("WS1 1TP" -> "WS1 1"), or the district when that is all."""
    normalised = geo.normalise_postcode(postcode)
    if not normalised:
        return ""
    outward, _, inward = normalised.partition(" ")
    return f"{outward} {inward[0]}" if inward else outward


def _areas(text: str) -> str:
    parts = [p.strip().upper() for p in (text or "").replace(";", ",").split(",")]
    return ", ".join(dict.fromkeys(p for p in parts if p))


def _check_request(authority: LocalAuthority, data: dict[str, Any], today: dt.date) -> None:
    child_ref = data.get("child_ref", "")
    known = bool(child_ref) and Child.objects.for_authority(authority).filter(child_ref=child_ref).exists()
    rules.ChildMustBeInTheRegister.check(child_ref, known)
    rules.ReferralNeedsBasics.check(child_ref, data.get("birth_month"), data.get("sex", ""))
    rules.HomePostcodeIsDistrictOrSector.check(data.get("home_postcode", ""))
    rules.SomeKindMustBeSuitable.check({kind: data[kind] for kind in rules.KINDS})
    rules.DatesNotInTheFuture.check(data["requested_on"], today, "date requested")


def _fill_from_register(authority: LocalAuthority, data: dict[str, Any]) -> None:
    """For a child in the register: birth month and sex from the register, and the home postcode sector
    from the latest episode when the finder gave none (never the full postcode)."""
    child = Child.objects.for_authority(authority).filter(child_ref=data["child_ref"]).first()
    if child is None:
        return
    data["birth_month"] = child.dob.replace(day=1)
    data["sex"] = child.sex
    latest = child.episodes.order_by("-decom").first()
    if latest is not None:
        if not data.get("legal_status"):
            data["legal_status"] = latest.ls
        if not data.get("home_postcode"):
            data["home_postcode"] = _sector(latest.home_post)


def placement_request_create(
    *,
    authority: LocalAuthority,
    data: dict[str, Any],
    acting_user: Any,
    at: dt.datetime | None = None,
    request: Any = None,
) -> PlacementRequest:
    """Log a placement request: for a child in the register (by SSDA903 reference) or a new referral.

    Only the child (reference, or birth month and sex), the date requested, the urgency and the three
    suitabilities are required. Raises FindingRuleViolation when a rule refuses it; nothing is written.
    """
    at = at or timezone.now()
    data = {k: v for k, v in data.items() if k in REQUEST_FIELDS}
    data["child_ref"] = (data.get("child_ref") or "").strip().upper()
    data["home_postcode"] = (data.get("home_postcode") or "").strip().upper()
    data["areas_to_avoid"] = _areas(data.get("areas_to_avoid", ""))
    if data.get("birth_month"):
        data["birth_month"] = data["birth_month"].replace(day=1)
    _check_request(authority, data, timezone.localdate(at))
    if data["child_ref"]:
        _fill_from_register(authority, data)
    placement_request = PlacementRequest(
        authority=authority,
        created_by=acting_user_or_none(acting_user),
        status=Status.OPEN,
        status_changed_at=at,
        **data,
    )
    placement_request.full_clean()
    with transaction.atomic():
        placement_request.save()
        if at != placement_request.created_at:
            PlacementRequest.objects.filter(pk=placement_request.pk).update(created_at=at)
        _event(
            placement_request,
            Event.CREATED,
            acting_user=acting_user,
            at=at,
            to_status=Status.OPEN,
            detail={"urgency": placement_request.urgency, "referral": placement_request.is_referral},
        )
        audit(
            action="placement_request.created",
            actor=acting_user,
            authority=authority,
            obj=placement_request,
            detail={"urgency": placement_request.urgency, "referral": placement_request.is_referral},
            request=request,
        )
    return placement_request


def placement_request_update(
    *,
    placement_request: PlacementRequest,
    data: dict[str, Any],
    acting_user: Any,
    request: Any = None,
    version: str | None = None,
) -> PlacementRequest:
    """Change a request's details while it is still being worked (the child, needs, risks, location...).
    `version` is the one the edit form was opened on: if someone saved the request since, nothing is
    written and StaleEdit is raised (sufficiency.core.locking)."""
    rules.RequestMustBeActive.check(placement_request.status)
    data = {k: v for k, v in data.items() if k in REQUEST_FIELDS}
    if "child_ref" in data:
        data["child_ref"] = (data["child_ref"] or "").strip().upper()
    if "home_postcode" in data:
        data["home_postcode"] = (data["home_postcode"] or "").strip().upper()
    if "areas_to_avoid" in data:
        data["areas_to_avoid"] = _areas(data["areas_to_avoid"])
    if data.get("birth_month"):
        data["birth_month"] = data["birth_month"].replace(day=1)
    merged = {name: getattr(placement_request, name) for name in REQUEST_FIELDS} | data
    _check_request(placement_request.authority, merged, timezone.localdate())
    if data.get("child_ref") and data["child_ref"] != placement_request.child_ref:
        _fill_from_register(placement_request.authority, data)
    changed = sorted(name for name, value in data.items() if getattr(placement_request, name) != value)
    if not changed:
        return placement_request
    for name in changed:
        setattr(placement_request, name, data[name])
    placement_request.full_clean()
    now = timezone.now()
    with transaction.atomic():
        check_version(placement_request, version)
        placement_request.save()
        _event(placement_request, Event.UPDATED, acting_user=acting_user, at=now, detail={"fields": changed})
        audit(
            action="placement_request.updated",
            actor=acting_user,
            authority=placement_request.authority,
            obj=placement_request,
            detail={"fields": changed},
            request=request,
        )
    return placement_request


# --- Searching: referrals, offers, declines -------------------------------------------------------------------


def placement_request_approach(
    *,
    placement_request: PlacementRequest,
    acting_user: Any,
    settings: Iterable[Setting] = (),
    households: Iterable[FosteringHousehold] = (),
    at: dt.datetime | None = None,
    request: Any = None,
) -> list[Approach]:
    """Send the request's referral to a shortlist of providers and carers: one approach each (providers
    already approached are skipped). The first approach starts the search (open -> searching)."""
    at = at or timezone.now()
    rules.RequestMustBeActive.check(placement_request.status)
    settings, households = list(settings), list(households)
    for household in households:
        rules.HouseholdMustBeTheAuthoritys.check(household, placement_request.authority_id)
    done_settings = set(placement_request.approaches.values_list("setting_id", flat=True))
    done_households = set(placement_request.approaches.values_list("household_id", flat=True))
    new = [
        Approach(
            authority_id=placement_request.authority_id,
            placement_request=placement_request,
            setting=setting,
            approached_at=at,
            approached_by=acting_user_or_none(acting_user),
        )
        for setting in settings
        if setting.pk not in done_settings
    ] + [
        Approach(
            authority_id=placement_request.authority_id,
            placement_request=placement_request,
            household=household,
            approached_at=at,
            approached_by=acting_user_or_none(acting_user),
        )
        for household in households
        if household.pk not in done_households
    ]
    if not new:
        return []
    with transaction.atomic():
        for approach in new:
            approach.save()
        detail = {
            "settings": [a.setting_id for a in new if a.setting_id],
            "households": [a.household_id for a in new if a.household_id],
        }
        _event(placement_request, Event.APPROACHED, acting_user=acting_user, at=at, detail=detail)
        audit(
            action="placement_request.approached",
            actor=acting_user,
            authority=placement_request.authority,
            obj=placement_request,
            detail={"approaches": len(new)},
            request=request,
        )
        if placement_request.status == Status.OPEN:
            _transition(placement_request, Status.SEARCHING, acting_user=acting_user, at=at, request=request)
    return new


def approach_offer_record(
    *,
    approach: Approach,
    acting_user: Any,
    weekly_cost: Decimal | float | None = None,
    start: dt.date | None = None,
    at: dt.datetime | None = None,
    request: Any = None,
) -> Approach:
    """A provider or carer offers a place (optionally with its weekly cost and a start date). The request
    moves to *offers received*."""
    at = at or timezone.now()
    placement_request = approach.placement_request
    rules.RequestMustBeActive.check(placement_request.status)
    rules.OfferNeedsAnAwaitingApproach.check(approach.status)
    with transaction.atomic():
        approach.status = ApproachStatusChoices.OFFERED
        approach.offered_at = at
        approach.offer_weekly_cost = None if weekly_cost is None else Decimal(str(weekly_cost))
        approach.offer_start = start
        approach.save()
        _event(
            placement_request, Event.OFFER, acting_user=acting_user, at=at, detail={"approach": approach.pk}
        )
        audit(
            action="approach.offered",
            actor=acting_user,
            authority=placement_request.authority,
            obj=approach,
            detail={"request": placement_request.pk},
            request=request,
        )
        if placement_request.status != Status.OFFERS_RECEIVED:
            _transition(
                placement_request, Status.OFFERS_RECEIVED, acting_user=acting_user, at=at, request=request
            )
    return approach


def approach_decline(
    *,
    approach: Approach,
    declined_by: str,
    reason: str,
    acting_user: Any,
    notes: str = "",
    at: dt.datetime | None = None,
    request: Any = None,
) -> Approach:
    """Record that an approach or its offer was declined: by the provider, the authority or the child, for
    a coded reason. When no offer is left on the table the request goes back to searching."""
    at = at or timezone.now()
    placement_request = approach.placement_request
    rules.RequestMustBeActive.check(placement_request.status)
    rules.DeclineNeedsAReasonAndWho.check(approach.status, declined_by, reason)
    was_offer = approach.status == ApproachStatusChoices.OFFERED
    with transaction.atomic():
        approach.status = ApproachStatusChoices.DECLINED
        approach.declined_at = at
        approach.declined_by = declined_by
        approach.decline_reason = reason
        if notes:
            approach.notes = notes
        approach.save()
        detail = {"approach": approach.pk, "by": declined_by, "reason": reason, "offer": was_offer}
        _event(placement_request, Event.DECLINED, acting_user=acting_user, at=at, detail=detail)
        audit(
            action="approach.declined",
            actor=acting_user,
            authority=placement_request.authority,
            obj=approach,
            detail=detail,
            request=request,
        )
        offers_left = placement_request.approaches.filter(status=ApproachStatusChoices.OFFERED).exists()
        if placement_request.status == Status.OFFERS_RECEIVED and not offers_left:
            _transition(placement_request, Status.SEARCHING, acting_user=acting_user, at=at, request=request)
    return approach


# --- Outcomes -------------------------------------------------------------------------------------------------


def distance_from_home(home_postcode: str, where: str) -> tuple[Decimal | None, str]:
    """DfE distance in miles from the child's home district/sector to a placement postcode (or district),
    and the method ("district": approximate, since the home is never held as a full postcode)."""
    if not home_postcode or not where:
        return None, ""
    frame = geo.distances_miles(pd.Series([home_postcode]), pd.Series([where]))
    miles = frame["miles"].iloc[0]
    if pd.isna(miles):
        return None, ""
    return Decimal(str(round(float(miles), 1))), frame["method"].iloc[0] or ""


def placement_request_place(
    *,
    placement_request: PlacementRequest,
    placed_on: dt.date,
    acting_user: Any,
    approach: Approach | None = None,
    setting: Setting | None = None,
    household: FosteringHousehold | None = None,
    category: str = "",
    route: str = "",
    weekly_cost: Decimal | float | None = None,
    siblings_outcome: str = "",
    at: dt.datetime | None = None,
    request: Any = None,
) -> PlacementRequest:
    """Record that the child was placed: with the setting or household of an accepted offer (`approach`)
    or one recorded directly. Category and route default from the setting or household; the agreed
    weekly cost from the offer; the distance is worked out from the home sector; *placed to plan* is
    decided now (see `lifecycle.placed_to_plan`: a sibling group placed apart is not to plan) and stored."""
    at = at or timezone.now()
    rules.AcceptedApproachMustStand.check(approach, placement_request.pk)
    if approach is not None:
        setting, household = approach.setting, approach.household
        if weekly_cost is None and approach.offer_weekly_cost is not None:
            weekly_cost = approach.offer_weekly_cost
    rules.TransitionMustBeAllowed.check(placement_request.status, Status.PLACED)
    rules.PlacementNeedsOneSettingOrHousehold.check(setting, household)
    rules.HouseholdMustBeTheAuthoritys.check(household, placement_request.authority_id)
    rules.PlacementStartsOnOrAfterRequest.check(placement_request.requested_on, placed_on)
    rules.DatesNotInTheFuture.check(placed_on, timezone.localdate(at), "placement start date")
    own = (
        setting is not None
        and setting.sector == "local_authority"
        and (setting.local_authority_id == placement_request.authority_id)
    )
    # Bought through a framework: on one of the authority's own framework memberships.
    on_frameworks = framework_memberships(
        authority_id=placement_request.authority_id,
        setting_ids=[
            s for s in (setting.pk if setting else None, household.agency_id if household else None) if s
        ],
    )
    if setting is not None:
        category = category or setting_category(setting.provision_type, own=own)
        route = route or ("in_house" if own else ("framework" if setting.pk in on_frameworks else "spot"))
        where = setting.postcode
    else:
        assert household is not None
        agency_framework = household.agency_id in on_frameworks
        category = category or household_category(household.route)
        route = route or household_route(household.route, agency_framework=agency_framework)
        where = household.postcode_district
    if placement_request.siblings and not siblings_outcome:
        siblings_outcome = SiblingsOutcomeChoices.TOGETHER
    if not placement_request.siblings:
        siblings_outcome = SiblingsOutcomeChoices.NOT_APPLICABLE
    miles, method = distance_from_home(placement_request.home_postcode, where)
    suitabilities = {kind: getattr(placement_request, kind) for kind in rules.KINDS}
    placement_request.placed_on = placed_on
    placement_request.placed_setting = setting
    placement_request.placed_household = household
    placement_request.placed_category = category
    placement_request.placed_route = route
    placement_request.agreed_weekly_cost = None if weekly_cost is None else Decimal(str(weekly_cost))
    placement_request.distance_miles = miles
    placement_request.distance_method = method
    placement_request.siblings_outcome = siblings_outcome
    placement_request.placed_to_plan = rules.placed_to_plan(
        suitabilities,
        category,
        siblings=placement_request.siblings,
        siblings_outcome=siblings_outcome,
    )
    placement_request.full_clean()
    with transaction.atomic():
        if approach is not None:
            approach.status = ApproachStatusChoices.ACCEPTED
            if approach.offered_at is None:
                approach.offered_at = at
            approach.save()
        _transition(
            placement_request,
            Status.PLACED,
            acting_user=acting_user,
            at=at,
            request=request,
            detail={
                "category": category,
                "route": route,
                "placed_to_plan": placement_request.placed_to_plan,
                "siblings_outcome": siblings_outcome,
                "approach": approach.pk if approach else None,
            },
            extra_fields=[
                "placed_on",
                "placed_setting",
                "placed_household",
                "placed_category",
                "placed_route",
                "agreed_weekly_cost",
                "distance_miles",
                "distance_method",
                "siblings_outcome",
                "placed_to_plan",
            ],
        )
    return placement_request


def _close(
    placement_request: PlacementRequest,
    target: str,
    *,
    reason: str,
    on: dt.date | None,
    acting_user: Any,
    at: dt.datetime | None,
    request: Any,
) -> PlacementRequest:
    at = at or timezone.now()
    on = on or timezone.localdate(at)
    rules.TransitionMustBeAllowed.check(placement_request.status, target)
    rules.ClosingNeedsAReason.check(reason)
    rules.DatesNotInTheFuture.check(on, timezone.localdate(at), "date closed")
    placement_request.close_reason = reason
    placement_request.closed_on = on
    with transaction.atomic():
        _transition(
            placement_request,
            target,
            acting_user=acting_user,
            at=at,
            request=request,
            detail={"reason": reason},
            extra_fields=["close_reason", "closed_on"],
        )
    return placement_request


def placement_request_withdraw(
    *,
    placement_request: PlacementRequest,
    reason: str,
    acting_user: Any,
    on: dt.date | None = None,
    at: dt.datetime | None = None,
    request: Any = None,
) -> PlacementRequest:
    """The request is no longer needed (for example the child returned home): withdrawn, with a reason."""
    return _close(
        placement_request,
        Status.WITHDRAWN,
        reason=reason,
        on=on,
        acting_user=acting_user,
        at=at,
        request=request,
    )


def placement_request_mark_not_placed(
    *,
    placement_request: PlacementRequest,
    reason: str,
    acting_user: Any,
    on: dt.date | None = None,
    at: dt.datetime | None = None,
    request: Any = None,
) -> PlacementRequest:
    """The search ended without a home being found: not placed, with a reason (unmet need)."""
    return _close(
        placement_request,
        Status.NOT_PLACED,
        reason=reason,
        on=on,
        acting_user=acting_user,
        at=at,
        request=request,
    )
