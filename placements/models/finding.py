"""Placement finding: requests for a home, their history, and the approaches made to providers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models

from sufficiency.core.models import AuthorityOwnedModel

from ..choices import (
    ApproachStatusChoices,
    CloseReasonChoices,
    DeclinedByChoices,
    DeclineReasonChoices,
    DistanceMethodChoices,
    PlacementRequestEventChoices,
    PlacementRequestStatusChoices,
    PlanningCategoryChoices,
    RiskLevelChoices,
    RouteChoices,
    SexChoices,
    SiblingsOutcomeChoices,
    StaffingRatioChoices,
    SuitabilityChoices,
    UrgencyChoices,
)
from ..finding.querysets import ApproachQuerySet, PlacementRequestQuerySet

if TYPE_CHECKING:
    from .reference import Setting
    from .supply import FosteringHousehold


class PlacementRequest(AuthorityOwnedModel):
    """A social worker's request for a home for a child, worked by the placement finding team
    (docs/domain.md section 5). It records what the child *needed*, which SSDA903 never holds: the kinds of
    placement preferred, risks and needs, location, siblings, and how the search ended.

    The child is an existing child of the register, known by the authority's SSDA903 CHILD reference
    (a natural key, not a foreign key: each SSDA903 import replaces the register's rows, and the request
    must outlive that), or a new referral not yet in the register, held by birth month, sex, legal status
    and home postcode district or sector only (data minimisation). A later import links it.

    The status follows the state machine in `placements.finding.lifecycle`; only the services in
    `placements.finding.services` change it. *Placed to plan* is decided when the outcome is recorded
    (the kind of placement made was one the request marked preferred) and stored, so a later change of
    the plan does not rewrite history.
    """

    authority = models.ForeignKey(
        "authorities.LocalAuthority", on_delete=models.CASCADE, related_name="placement_requests"
    )
    # The child: a register reference, or a referral's minimal details.
    child_ref = models.CharField(
        "child reference (SSDA903 CHILD)",
        max_length=10,
        blank=True,
        db_index=True,
        help_text="Blank for a new referral not yet in the register",
    )
    birth_month = models.DateField(
        null=True, blank=True, help_text="First day of the month of birth (referrals: the day is never held)"
    )
    sex = models.CharField(max_length=1, choices=SexChoices.choices, blank=True)
    legal_status = models.CharField("legal status (LS)", max_length=2, blank=True)
    home_postcode = models.CharField(
        "home postcode district or sector",
        max_length=6,
        blank=True,
        help_text="For example WS1 or WS1 1: never a full postcode",
    )
    # The request.
    requested_on = models.DateField("date requested")
    latest_start = models.DateField("latest start date", null=True, blank=True)
    urgency = models.CharField(max_length=10, choices=UrgencyChoices.choices)
    fostering = models.CharField("fostering", max_length=10, choices=SuitabilityChoices.choices)
    residential = models.CharField("residential care", max_length=10, choices=SuitabilityChoices.choices)
    supported = models.CharField("supported accommodation", max_length=10, choices=SuitabilityChoices.choices)
    needs = models.JSONField(default=list, blank=True, help_text="Codes of NeedChoices")
    risk_exploitation = models.CharField(max_length=4, choices=RiskLevelChoices.choices, blank=True)
    risk_missing = models.CharField(
        "risk of going missing", max_length=4, choices=RiskLevelChoices.choices, blank=True
    )
    risk_self_harm = models.CharField(max_length=4, choices=RiskLevelChoices.choices, blank=True)
    risk_sexual_behaviour = models.CharField(
        "risk of harmful sexual behaviour", max_length=4, choices=RiskLevelChoices.choices, blank=True
    )
    risk_to_others = models.CharField(max_length=4, choices=RiskLevelChoices.choices, blank=True)
    siblings = models.PositiveSmallIntegerField(
        "siblings to place with", default=0, help_text="How many brothers or sisters to place with the child"
    )
    max_distance_miles = models.PositiveSmallIntegerField(
        "maximum distance from home (miles)", null=True, blank=True
    )
    areas_to_avoid = models.CharField(
        max_length=200,
        blank=True,
        help_text="Postcode districts to avoid, separated by commas (for example WS2, B70)",
    )
    staffing_ratio = models.CharField(
        "minimum staffing ratio", max_length=3, choices=StaffingRatioChoices.choices, blank=True
    )
    social_worker = models.CharField(
        max_length=120, blank=True, help_text="Name or team of the child's social worker"
    )
    notes = models.TextField(blank=True, help_text="Never write a child's name or address here")
    # Where the request is.
    status = models.CharField(
        max_length=16,
        choices=PlacementRequestStatusChoices.choices,
        default=PlacementRequestStatusChoices.OPEN,
    )
    status_changed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    close_reason = models.CharField(max_length=24, choices=CloseReasonChoices.choices, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    # The outcome (placed).
    placed_on = models.DateField(null=True, blank=True)
    placed_setting = models.ForeignKey(
        "placements.Setting",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="placement_requests",
    )
    placed_household = models.ForeignKey(
        "placements.FosteringHousehold",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="placement_requests",
    )
    placed_category = models.CharField(max_length=24, choices=PlanningCategoryChoices.choices, blank=True)
    placed_route = models.CharField(max_length=10, choices=RouteChoices.choices, blank=True)
    agreed_weekly_cost = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    distance_miles = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)
    distance_method = models.CharField(max_length=8, choices=DistanceMethodChoices.choices, blank=True)
    siblings_outcome = models.CharField(max_length=8, choices=SiblingsOutcomeChoices.choices, blank=True)
    placed_to_plan = models.BooleanField(null=True, blank=True)
    # The SSDA903 episode that followed (linked after an import; see placements.finding.linking).
    episode_decom = models.DateField("start of the linked SSDA903 episode", null=True, blank=True)
    episode_linked_at = models.DateTimeField(null=True, blank=True)

    objects = PlacementRequestQuerySet.as_manager()

    class Meta:
        ordering = ["authority", "-requested_on", "-id"]
        indexes = [
            models.Index(fields=["authority", "status"]),
            models.Index(fields=["authority", "requested_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~(
                    models.Q(placed_setting__isnull=False) & models.Q(placed_household__isnull=False)
                ),
                name="request_placed_setting_xor_household",
            ),
            models.CheckConstraint(
                condition=models.Q(latest_start__isnull=True)
                | models.Q(latest_start__gte=models.F("requested_on")),
                name="request_latest_start_after_request",
            ),
        ]

    def __str__(self) -> str:
        return f"Placement request {self.pk}"

    @property
    def is_referral(self) -> bool:
        """A new referral: the child is not (yet) known to the register."""
        return not self.child_ref

    @property
    def is_emergency(self) -> bool:
        return self.urgency in (UrgencyChoices.EMERGENCY, UrgencyChoices.SAME_DAY)

    @property
    def days_to_place(self) -> int | None:
        """Days from the request to the placement starting (0 when placed the day it was asked for)."""
        if self.placed_on is None:
            return None
        return (self.placed_on - self.requested_on).days

    @property
    def placed_with(self) -> Setting | FosteringHousehold | None:
        return self.placed_setting or self.placed_household

    @property
    def placed_with_label(self) -> str:
        """Where the child was placed as the finder names it: the setting's URN and name, or the household
        with its agency's name (or in-house); empty when not placed."""
        if self.placed_setting_id:
            return str(self.placed_setting)
        return self.placed_household.label if self.placed_household_id else ""


class PlacementRequestEvent(models.Model):
    """One line of a placement request's history: logged, changed, a status change, a referral sent, an
    offer or a decline. Written by the services in the same transaction as the change it records; never
    edited. Details hold codes and ids only."""

    placement_request = models.ForeignKey(
        "placements.PlacementRequest", on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(max_length=16, choices=PlacementRequestEventChoices.choices)
    from_status = models.CharField(max_length=16, choices=PlacementRequestStatusChoices.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=PlacementRequestStatusChoices.choices, blank=True)
    at = models.DateTimeField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["placement_request", "at", "id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} ({self.at:%Y-%m-%d})"


class Approach(AuthorityOwnedModel):
    """A referral sent to a provider (a setting) or to one of the authority's fostering households on
    behalf of a placement request, and what came of it: an offer of a place (with its weekly cost and
    start date), accepted or declined with a coded reason and who declined.

    One approach per provider per request. Notes must never describe the child.
    """

    authority = models.ForeignKey("authorities.LocalAuthority", on_delete=models.CASCADE, related_name="+")
    placement_request = models.ForeignKey(
        "placements.PlacementRequest", on_delete=models.CASCADE, related_name="approaches"
    )
    setting = models.ForeignKey(
        "placements.Setting", null=True, blank=True, on_delete=models.PROTECT, related_name="approaches"
    )
    household = models.ForeignKey(
        "placements.FosteringHousehold",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="approaches",
    )
    approached_at = models.DateTimeField()
    approached_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=ApproachStatusChoices.choices, default=ApproachStatusChoices.AWAITING
    )
    offered_at = models.DateTimeField(null=True, blank=True)
    offer_weekly_cost = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    offer_start = models.DateField("offered start date", null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)
    declined_by = models.CharField(max_length=10, choices=DeclinedByChoices.choices, blank=True)
    decline_reason = models.CharField(max_length=20, choices=DeclineReasonChoices.choices, blank=True)
    notes = models.TextField(blank=True, help_text="Never write a child's name or address here")

    objects = ApproachQuerySet.as_manager()

    class Meta:
        ordering = ["placement_request", "approached_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(setting__isnull=False, household__isnull=True)
                | models.Q(setting__isnull=True, household__isnull=False),
                name="approach_setting_xor_household",
            ),
            models.UniqueConstraint(fields=["placement_request", "setting"], name="uniq_approach_setting"),
            models.UniqueConstraint(
                fields=["placement_request", "household"], name="uniq_approach_household"
            ),
        ]

    def __str__(self) -> str:
        return f"Approach to {self.target_label}"

    @property
    def target_label(self) -> str:
        """What the finder calls the provider: the setting's URN and name, or the household reference with
        its agency's name (or in-house)."""
        if self.setting_id:
            return f"{self.setting.urn} {self.setting.name}".strip()
        return self.household.label


# --- Import quality: what each SSDA903 import held back, repaired and changed -------------------------------
