"""The placement request's state machine and the business rules of placement finding.

States (PlacementRequestStatusChoices), in policy language:

- **open**: the request is logged; nobody has been approached yet.
- **searching**: referrals have gone to providers or carers (the first approach starts the search).
- **offers received**: at least one provider or carer has offered a place that is still on the table.
- **placed**: the child has a home. The outcome (where, what kind, route, cost, distance, siblings) is
  recorded and *placed to plan* decided. Final.
- **withdrawn**: the request is no longer needed (for example the child went home). Final, with a reason.
- **not placed**: the search ended without a home being found (for example the child was placed in an
  unregistered setting). Final, with a reason.

Allowed moves are in `TRANSITIONS`. A request can be placed straight from *open* (a same-day placement
with the authority's own carers is often agreed by telephone before any referral is sent) and goes back
from *offers received* to *searching* when every offer has been declined. Nothing leaves a final state.

Each rule is a named class with a `check` that raises `FindingRuleViolation` (a Django ValidationError,
so a form can show it as a GOV.UK error message) and a one-line policy statement; the services call them
before writing. Tests: tests/placements/finding/test_lifecycle.py.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, ClassVar

from django.core.exceptions import ValidationError

from ..choices import (
    ApproachStatusChoices,
    CloseReasonChoices,
    DeclinedByChoices,
    DeclineReasonChoices,
    PlacementRequestStatusChoices,
    SiblingsOutcomeChoices,
    SuitabilityChoices,
)
from .matching import KIND_OF_CATEGORY

Status = PlacementRequestStatusChoices
OPEN, SEARCHING, OFFERS, PLACED = Status.OPEN, Status.SEARCHING, Status.OFFERS_RECEIVED, Status.PLACED
WITHDRAWN, NOT_PLACED = Status.WITHDRAWN, Status.NOT_PLACED

#: from status -> the statuses it may move to
TRANSITIONS: dict[str, frozenset[str]] = {
    OPEN: frozenset({SEARCHING, PLACED, WITHDRAWN, NOT_PLACED}),
    SEARCHING: frozenset({OFFERS, PLACED, WITHDRAWN, NOT_PLACED}),
    OFFERS: frozenset({SEARCHING, PLACED, WITHDRAWN, NOT_PLACED}),
    PLACED: frozenset(),
    WITHDRAWN: frozenset(),
    NOT_PLACED: frozenset(),
}
FINAL_STATUSES = frozenset(status for status, targets in TRANSITIONS.items() if not targets)

Approach = ApproachStatusChoices
#: what may be recorded on an approach -> the approach statuses that allow it: an offer from a provider
#: still to reply; a decline of a referral or an open offer; a placement through either.
APPROACH_ACTIONS: dict[str, frozenset[str]] = {
    "offer": frozenset({Approach.AWAITING}),
    "decline": frozenset({Approach.AWAITING, Approach.OFFERED}),
    "place": frozenset({Approach.AWAITING, Approach.OFFERED}),
}


def approach_actions(approach_status: str) -> list[str]:
    """The actions of `APPROACH_ACTIONS` open on an approach in this status, in their order."""
    return [action for action, statuses in APPROACH_ACTIONS.items() if approach_status in statuses]


KINDS = ("fostering", "residential", "supported")
KIND_LABELS = {
    "fostering": "Fostering",
    "residential": "Residential care",
    "supported": "Supported accommodation",
}

_DISTRICT_OR_SECTOR = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?( [0-9])?$")


class FindingRuleViolation(ValidationError):
    """A placement-finding rule refused a change. `rule` names the rule; the message is for the user."""

    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message, code=rule)
        self.rule = rule


class Rule:
    """A named business rule of placement finding."""

    name: ClassVar[str]
    policy: ClassVar[str]

    @classmethod
    def fail(cls, message: str) -> FindingRuleViolation:
        return FindingRuleViolation(cls.__name__, message)


class TransitionMustBeAllowed(Rule):
    policy = "A request moves only along the lifecycle: open, searching, offers received, then placed, or withdrawn or not placed; nothing leaves a final state."

    @classmethod
    def check(cls, current: str, target: str) -> None:
        if target not in TRANSITIONS.get(current, frozenset()):
            if current in FINAL_STATUSES:
                raise cls.fail(
                    f"This request is already {Status(current).label.lower()}: it cannot be changed to "
                    f"{Status(target).label.lower()}"
                )
            raise cls.fail(
                f"A request that is {Status(current).label.lower()} cannot be changed to {Status(target).label.lower()}"
            )


class ClosingNeedsAReason(Rule):
    policy = "A request withdrawn or closed as not placed says why, from the coded list."

    @classmethod
    def check(cls, reason: str) -> None:
        if reason not in CloseReasonChoices.values:
            raise cls.fail("Select why the request is being closed")


class PlacementNeedsOneSettingOrHousehold(Rule):
    policy = "A placement is with exactly one setting or one fostering household."

    @classmethod
    def check(cls, setting: Any, household: Any) -> None:
        if (setting is None) == (household is None):
            raise cls.fail(
                "Give the setting or the fostering household the child was placed with (one of them)"
            )


class PlacementStartsOnOrAfterRequest(Rule):
    policy = "A placement cannot start before the request for it was made."

    @classmethod
    def check(cls, requested_on: dt.date, placed_on: dt.date) -> None:
        if placed_on < requested_on:
            raise cls.fail("The placement start date must be on or after the date the request was made")


class DatesNotInTheFuture(Rule):
    policy = "A request, a placement or a closure is recorded when it has happened, not before."

    @classmethod
    def check(cls, value: dt.date | None, today: dt.date, what: str) -> None:
        if value is not None and value > today:
            raise cls.fail(f"The {what} must be today or in the past")


class HouseholdMustBeTheAuthoritys(Rule):
    policy = "A request is placed with, or referred to, only the authority's own fostering households."

    @classmethod
    def check(cls, household: Any, authority_id: int) -> None:
        if household is not None and household.authority_id != authority_id:
            raise cls.fail("That fostering household is not one of this authority's households")


class ChildMustBeInTheRegister(Rule):
    policy = "A request for a child already in care names a child of the authority's own register."

    @classmethod
    def check(cls, child_ref: str, known: bool) -> None:
        if child_ref and not known:
            raise cls.fail(
                "No child in your register has this reference: check it, or log the child as a new referral"
            )


class ReferralNeedsBasics(Rule):
    policy = "A new referral holds the child's birth month and sex (and nothing more identifying)."

    @classmethod
    def check(cls, child_ref: str, birth_month: dt.date | None, sex: str) -> None:
        if not child_ref and (birth_month is None or not sex):
            raise cls.fail(
                "Give the child's reference, or for a new referral the month and year of birth and sex"
            )


class HomePostcodeIsDistrictOrSector(Rule):
    policy = "The child's home postcode is held as a district or sector only (data minimisation)."

    @classmethod
    def check(cls, value: str) -> None:
        if value and not _DISTRICT_OR_SECTOR.match(value):
            raise cls.fail(
                "Give the postcode district or sector only, for example WS1 or WS1 1, never a full postcode"
            )


class SomeKindMustBeSuitable(Rule):
    policy = "At least one kind of placement (fostering, residential, supported) is suitable for the child."

    @classmethod
    def check(cls, suitabilities: dict[str, str]) -> None:
        if all(value == SuitabilityChoices.UNSUITABLE for value in suitabilities.values()):
            raise cls.fail("At least one kind of placement must be preferred or suitable")


class OfferNeedsAnAwaitingApproach(Rule):
    policy = "Only a provider that has been approached and not yet answered can make an offer."

    @classmethod
    def check(cls, approach_status: str) -> None:
        if approach_status not in APPROACH_ACTIONS["offer"]:
            raise cls.fail("An offer can only be recorded for a provider still to reply")


class DeclineNeedsAReasonAndWho(Rule):
    policy = "Every decline says who declined (provider, authority, child) and why, from the coded list."

    @classmethod
    def check(cls, approach_status: str, declined_by: str, reason: str) -> None:
        if approach_status not in APPROACH_ACTIONS["decline"]:
            raise cls.fail("Only an approach awaiting a reply or an open offer can be declined")
        if declined_by not in DeclinedByChoices.values:
            raise cls.fail("Select who declined")
        if reason not in DeclineReasonChoices.values:
            raise cls.fail("Select why it was declined")


class AcceptedApproachMustStand(Rule):
    policy = "A child is placed through an approach of the same request that has not been declined."

    @classmethod
    def check(cls, approach: Any, request_id: int) -> None:
        if approach is None:
            return
        if approach.placement_request_id != request_id:
            raise cls.fail("That approach belongs to another request")
        if approach.status == ApproachStatusChoices.DECLINED:
            raise cls.fail("That offer was declined: record the placement directly or choose another offer")


class RequestMustBeActive(Rule):
    policy = (
        "Referrals, offers and declines are recorded only while the request is open, searching or has offers."
    )

    @classmethod
    def check(cls, status: str) -> None:
        if status in FINAL_STATUSES:
            raise cls.fail(f"This request is {Status(status).label.lower()}: the search has ended")


RULES: tuple[type[Rule], ...] = (
    TransitionMustBeAllowed,
    ClosingNeedsAReason,
    PlacementNeedsOneSettingOrHousehold,
    PlacementStartsOnOrAfterRequest,
    DatesNotInTheFuture,
    HouseholdMustBeTheAuthoritys,
    ChildMustBeInTheRegister,
    ReferralNeedsBasics,
    HomePostcodeIsDistrictOrSector,
    SomeKindMustBeSuitable,
    OfferNeedsAnAwaitingApproach,
    DeclineNeedsAReasonAndWho,
    AcceptedApproachMustStand,
    RequestMustBeActive,
)


def placed_to_plan(
    suitabilities: dict[str, str], category: str, *, siblings: int = 0, siblings_outcome: str = ""
) -> bool:
    """*Placed to plan*: the kind of placement made (fostering, residential or supported accommodation,
    from the planning category) is one the request marked **preferred**, and, when the plan was to place
    the child with siblings, they were placed together. Any other category (placed with parents, other)
    was not in the plan, so it is not to plan; nor is a placement that split a sibling group."""
    if siblings and siblings_outcome == SiblingsOutcomeChoices.SPLIT:
        return False
    kind = KIND_OF_CATEGORY.get(category)
    return kind is not None and suitabilities.get(kind) == SuitabilityChoices.PREFERRED


def not_to_plan_reason(
    suitabilities: dict[str, str], category: str, *, siblings: int = 0, siblings_outcome: str = ""
) -> str:
    """Why a placement was not to plan, in a sentence (empty when it was)."""
    reasons = []
    kind = KIND_OF_CATEGORY.get(category)
    if kind is None or suitabilities.get(kind) != SuitabilityChoices.PREFERRED:
        reasons.append("the kind of placement made was not a preferred one")
    if siblings and siblings_outcome == SiblingsOutcomeChoices.SPLIT:
        reasons.append("the siblings were placed apart")
    return " and ".join(reasons)
