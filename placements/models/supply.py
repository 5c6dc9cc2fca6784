"""Supply: fostering households, in-house homes, block contracts and the vacancies they offer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from sufficiency.core.models import AuthorityOwnedModel

from ..choices import (
    OFFERS_PLACES_STATUSES,
    DeregistrationReasonChoices,
    FunnelRouteChoices,
    HomeStatusChoices,
    HouseholdRouteChoices,
    HouseholdStatusChoices,
    HouseholdTypeChoices,
    PlacesUnavailableReasonChoices,
    PlanningCategoryChoices,
    VacancyStatusChoices,
)
from ..querysets import (
    BlockContractQuerySet,
    VacancyQuerySet,
)

if TYPE_CHECKING:
    pass


class FosteringHousehold(AuthorityOwnedModel):
    """A fostering household approved to care for the authority's children: the authority's own carers
    (in-house) or an agency's carers it uses. Held by pseudonymous reference; the postcode is the
    district only."""

    authority = models.ForeignKey(
        "authorities.LocalAuthority", on_delete=models.CASCADE, related_name="fostering_households"
    )
    reference = models.CharField(max_length=20)
    route = models.CharField(max_length=10, choices=HouseholdRouteChoices.choices)
    agency = models.ForeignKey(
        "placements.Setting", null=True, blank=True, on_delete=models.SET_NULL, related_name="households"
    )
    approval_date = models.DateField()
    approved_places = models.PositiveSmallIntegerField()
    household_type = models.CharField(
        max_length=14, choices=HouseholdTypeChoices.choices, default=HouseholdTypeChoices.MAINSTREAM
    )
    age_min = models.PositiveSmallIntegerField(default=0)
    age_max = models.PositiveSmallIntegerField(default=17)
    status = models.CharField(
        max_length=14, choices=HouseholdStatusChoices.choices, default=HouseholdStatusChoices.AVAILABLE
    )
    deregistration_date = models.DateField(null=True, blank=True)
    postcode_district = models.CharField(max_length=4, blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["authority", "reference"]
        constraints = [
            models.UniqueConstraint(fields=["authority", "reference"], name="uniq_household_ref"),
            models.CheckConstraint(
                condition=models.Q(age_min__lte=models.F("age_max")), name="household_age_range"
            ),
        ]

    def __str__(self) -> str:
        return f"Household {self.reference}"

    @property
    def label(self) -> str:
        """The household as placement finders name it: its reference and whose carers they are (the
        agency's name, or in-house). Read with the agency (select_related) where many are listed."""
        if self.agency is not None:
            return f"Household {self.reference} ({self.agency.name or self.agency.urn})"
        if self.route == HouseholdRouteChoices.AGENCY:
            return f"Household {self.reference} (agency not recorded)"
        return f"Household {self.reference} (in-house)"


class InHouseHome(AuthorityOwnedModel):
    """A children's home the authority runs itself, known by its Ofsted setting.

    Registered places come from Ofsted unless the authority records its own figure (for example while a
    variation of registration is pending). Occupancy is never typed in: it is counted from the register
    (every authority's children whose current episode is at this home's URN).
    """

    authority = models.ForeignKey(
        "authorities.LocalAuthority", on_delete=models.CASCADE, related_name="homes"
    )
    setting = models.ForeignKey("placements.Setting", on_delete=models.PROTECT, related_name="inhouse_homes")
    name = models.CharField(max_length=120, help_text="What the authority calls the home")
    registered_places = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Leave blank to use the places Ofsted registers"
    )
    places_out_of_use = models.PositiveSmallIntegerField(
        default=0, help_text="Registered places that cannot be used now (staffing, repairs, matching)"
    )
    status = models.CharField(
        max_length=20, choices=HomeStatusChoices.choices, default=HomeStatusChoices.OPEN
    )
    age_min = models.PositiveSmallIntegerField(default=8)
    age_max = models.PositiveSmallIntegerField(default=17)
    short_breaks = models.BooleanField(
        "Short-break home",
        default=False,
        help_text="The home gives short breaks (planned overnight stays), not places where children live",
    )
    notes = models.TextField(blank=True, help_text="No information about individual children")

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["authority", "name"]
        constraints = [
            models.UniqueConstraint(fields=["authority", "setting"], name="uniq_inhouse_home_setting"),
            models.CheckConstraint(
                condition=models.Q(age_min__lte=models.F("age_max")), name="home_age_range"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def effective_places(self) -> int:
        """Registered places: the authority's own figure, else Ofsted's, else none known (0)."""
        if self.registered_places is not None:
            return self.registered_places
        return self.setting.registered_places or 0

    @property
    def usable_places(self) -> int:
        """Places a child could move into when the home is open and its Ofsted registration active
        (registered less those out of use): a suspended, closed or deregistered home offers none."""
        if self.status != HomeStatusChoices.OPEN:
            return 0
        if self.setting.registration_status not in OFFERS_PLACES_STATUSES:
            return 0
        return max(self.effective_places - self.places_out_of_use, 0)


class BlockContract(AuthorityOwnedModel):
    """Beds the authority has bought in advance from a provider for a period, paid for whether or not
    they are used: a block contract. Its beds count as supply only between its start and end dates."""

    authority = models.ForeignKey(
        "authorities.LocalAuthority", on_delete=models.CASCADE, related_name="block_contracts"
    )
    reference = models.CharField(
        max_length=40, help_text="The contract's reference in the contracts register"
    )
    provider_name = models.CharField(max_length=200)
    setting = models.ForeignKey(
        "placements.Setting", null=True, blank=True, on_delete=models.SET_NULL, related_name="block_contracts"
    )
    category = models.CharField(max_length=24, choices=PlanningCategoryChoices.choices)
    beds = models.PositiveSmallIntegerField()
    start_date = models.DateField()
    end_date = models.DateField()
    weekly_cost_per_bed = models.DecimalField(max_digits=10, decimal_places=2)
    notes = models.TextField(blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = BlockContractQuerySet.as_manager()

    class Meta:
        ordering = ["authority", "-start_date", "reference"]
        constraints = [
            models.UniqueConstraint(fields=["authority", "reference"], name="uniq_block_contract_ref"),
            models.CheckConstraint(
                condition=models.Q(start_date__lte=models.F("end_date")), name="block_dates"
            ),
            models.CheckConstraint(
                condition=models.Q(weekly_cost_per_bed__gte=0), name="block_cost_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} ({self.provider_name})"


class Vacancy(AuthorityOwnedModel):
    """A place offered now: at a setting (a home or agency) or with one of the authority's fostering
    households, recorded by a placement finder or commissioner.

    A vacancy is only trusted while fresh: once it has not been confirmed for `settings.VACANCY_STALE_DAYS`
    days it is flagged stale and left out of the counts until someone confirms it is still vacant.
    Notes must never describe a child.
    """

    authority = models.ForeignKey(
        "authorities.LocalAuthority", on_delete=models.CASCADE, related_name="vacancies"
    )
    setting = models.ForeignKey(
        "placements.Setting", null=True, blank=True, on_delete=models.CASCADE, related_name="vacancies"
    )
    household = models.ForeignKey(
        "placements.FosteringHousehold",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="vacancies",
    )
    places = models.PositiveSmallIntegerField(default=1)
    age_min = models.PositiveSmallIntegerField(default=0)
    age_max = models.PositiveSmallIntegerField(default=17)
    categories = models.JSONField(default=list, blank=True, help_text="Planning categories it can take")
    notes = models.TextField(blank=True, help_text="No information about individual children")
    status = models.CharField(
        max_length=10, choices=VacancyStatusChoices.choices, default=VacancyStatusChoices.OPEN
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(help_text="When the vacancy was recorded or last confirmed")
    closed_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = VacancyQuerySet.as_manager()

    class Meta:
        ordering = ["authority", "-recorded_at"]
        verbose_name_plural = "vacancies"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(setting__isnull=False, household__isnull=True)
                | models.Q(setting__isnull=True, household__isnull=False),
                name="vacancy_setting_xor_household",
            ),
            models.CheckConstraint(
                condition=models.Q(age_min__lte=models.F("age_max")), name="vacancy_age_range"
            ),
            models.CheckConstraint(condition=models.Q(places__gte=1), name="vacancy_places_positive"),
        ]
        indexes = [models.Index(fields=["authority", "status", "recorded_at"])]

    def __str__(self) -> str:
        where = self.setting or self.household
        return f"{self.places} place(s) at {where}"

    @property
    def is_stale(self) -> bool:
        """True when the vacancy has not been confirmed within the configured number of days."""
        from ..querysets import vacancy_stale_cutoff

        return self.recorded_at < vacancy_stale_cutoff()


class HouseholdPlacesUnavailable(AuthorityOwnedModel):
    """Approved places of a fostering household that cannot be offered to a child for a period, and why
    (a carer's break, an investigation, the carer's own children, a young person staying put, places held
    to keep a sibling group together). Open-ended while ``end_date`` is blank."""

    authority = models.ForeignKey(
        "authorities.LocalAuthority", on_delete=models.CASCADE, related_name="household_places_unavailable"
    )
    household = models.ForeignKey(
        "placements.FosteringHousehold", on_delete=models.CASCADE, related_name="places_unavailable"
    )
    places = models.PositiveSmallIntegerField(default=1)
    reason = models.CharField(max_length=14, choices=PlacesUnavailableReasonChoices.choices)
    start_date = models.DateField()
    end_date = models.DateField(
        null=True, blank=True, help_text="Blank while the places are still unavailable"
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["authority", "household", "-start_date"]
        verbose_name_plural = "household places unavailable"
        constraints = [
            models.CheckConstraint(condition=models.Q(places__gte=1), name="unavailable_places_positive"),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(start_date__lte=models.F("end_date")),
                name="unavailable_dates",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.places} place(s) unavailable: {self.get_reason_display()}"


class FosteringRecruitmentMonth(AuthorityOwnedModel):
    """One month of the fostering recruitment funnel for one route (the authority's own service, or the
    agencies it reports on): enquiries, initial visits, applications, assessments started, approvals and
    deregistrations, as fostering services count them each month. Counts only: never a person."""

    authority = models.ForeignKey(
        "authorities.LocalAuthority", on_delete=models.CASCADE, related_name="fostering_recruitment_months"
    )
    month = models.DateField(help_text="The first day of the month")
    route = models.CharField(max_length=10, choices=FunnelRouteChoices.choices)
    enquiries = models.PositiveIntegerField(default=0)
    initial_visits = models.PositiveIntegerField(default=0)
    applications = models.PositiveIntegerField(default=0)
    assessments_started = models.PositiveIntegerField(default=0)
    approvals = models.PositiveIntegerField(default=0, help_text="Households approved")
    approved_places = models.PositiveIntegerField(
        default=0, help_text="Places those households were approved for"
    )
    deregistrations = models.PositiveIntegerField(default=0, help_text="Households deregistered")
    deregistered_places = models.PositiveIntegerField(default=0)
    deregistration_reasons = models.JSONField(
        default=dict, blank=True, help_text="Households deregistered by reason (codes of the reason list)"
    )
    days_enquiry_to_approval = models.PositiveIntegerField(
        null=True, blank=True, help_text="Median days from enquiry to approval of the month's approvals"
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["authority", "-month", "route"]
        constraints = [
            models.UniqueConstraint(fields=["authority", "month", "route"], name="uniq_recruitment_month"),
        ]

    def __str__(self) -> str:
        return f"Fostering recruitment {self.month:%b %Y} ({self.get_route_display()})"

    @property
    def reasons_valid(self) -> bool:
        """True when every reason is a known code and the reasons add up to no more than the deregistrations."""
        codes = set(DeregistrationReasonChoices.values)
        values = self.deregistration_reasons or {}
        return (
            all(k in codes for k in values) and sum(int(v) for v in values.values()) <= self.deregistrations
        )


class FrameworkMembership(AuthorityOwnedModel):
    """An authority's own record that a setting (a home, or a fostering agency) is on a framework it buys
    through, with the tier it gave the provider. Matching reads this record, never a shared value: which
    frameworks an authority uses, and how it ranks their providers, are its own."""

    authority = models.ForeignKey(
        "authorities.LocalAuthority", on_delete=models.CASCADE, related_name="framework_memberships"
    )
    setting = models.ForeignKey("placements.Setting", on_delete=models.CASCADE, related_name="+")
    framework = models.CharField(
        max_length=120, help_text="The framework or contract, e.g. WM Residential FCA"
    )
    tier = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The provider's tier on the framework (1 first); blank if untiered"
    )

    class Meta:
        ordering = ["authority", "framework", "tier"]
        constraints = [
            models.UniqueConstraint(fields=["authority", "setting"], name="uniq_framework_membership"),
        ]

    def __str__(self) -> str:
        return f"{self.framework} (tier {self.tier})" if self.tier else self.framework

    @property
    def label(self) -> str:
        """As reasons name it: "WM Residential FCA, tier 1"."""
        return f"{self.framework}, tier {self.tier}" if self.tier else self.framework
