"""The placement register: children, their SSDA903 episodes, the settings and carers they live with,
and what placements cost."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from sufficiency.core.models import AuthorityOwnedModel, TimeStampedModel

from .choices import (
    OFFERS_PLACES_STATUSES,
    ApproachStatusChoices,
    CloseReasonChoices,
    DeclinedByChoices,
    DeclineReasonChoices,
    DistanceMethodChoices,
    HomeStatusChoices,
    HouseholdRouteChoices,
    HouseholdStatusChoices,
    ImportKindChoices,
    JobStatusChoices,
    JudgementChoices,
    JudgementScaleChoices,
    PlacementRequestEventChoices,
    PlacementRequestStatusChoices,
    PlanningCategoryChoices,
    ProvisionTypeChoices,
    RegistrationStatusChoices,
    RiskLevelChoices,
    RouteChoices,
    SectorChoices,
    SexChoices,
    SiblingsOutcomeChoices,
    StaffingRatioChoices,
    SuitabilityChoices,
    UrgencyChoices,
    VacancyStatusChoices,
)
from .finding.querysets import ApproachQuerySet, PlacementRequestQuerySet
from .querysets import (
    BlockContractQuerySet,
    ChildQuerySet,
    EpisodeQuerySet,
    ImportJobQuerySet,
    VacancyQuerySet,
)


class Child(AuthorityOwnedModel):
    """A child the authority looks after or has looked after, known by the authority's own SSDA903 CHILD
    reference (pseudonymous: we never hold names, UPNs or a mother's date of birth).

    The reference is unique within an authority. Date of birth is kept because every count by age and
    every exit at 18 depends on it; it never appears in URLs, logs or task arguments.
    """

    authority = models.ForeignKey(
        "authorities.LocalAuthority", on_delete=models.CASCADE, related_name="children"
    )
    child_ref = models.CharField("child reference (SSDA903 CHILD)", max_length=10)
    sex = models.CharField(max_length=1, choices=SexChoices.choices)
    dob = models.DateField("date of birth")
    ethnicity = models.CharField(max_length=4, blank=True)
    uasc = models.BooleanField("unaccompanied asylum-seeking child", default=False)
    uasc_ceased = models.DateField("date UASC status ceased", null=True, blank=True)

    objects = ChildQuerySet.as_manager()

    class Meta:
        ordering = ["authority", "child_ref"]
        verbose_name_plural = "children"
        constraints = [models.UniqueConstraint(fields=["authority", "child_ref"], name="uniq_child_ref")]

    def __str__(self) -> str:
        return f"Child {self.child_ref}"


class Provider(TimeStampedModel):
    """An organisation that runs one or more settings: a company, a charity, a health trust, or a local
    authority running its own homes and fostering service. Shared by all authorities."""

    name = models.CharField(max_length=200, unique=True)
    sector = models.CharField(max_length=20, choices=SectorChoices.choices, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Setting(TimeStampedModel):
    """A place a child can live that Ofsted registers: a children's home, a fostering agency, a
    supported accommodation service, a residential special school. Identified by its Ofsted URN.
    Shared by all authorities (it is public data), so it is not authority-owned."""

    urn = models.CharField("Ofsted URN", max_length=8, unique=True)
    name = models.CharField(max_length=200, blank=True)
    provider = models.ForeignKey(
        Provider, null=True, blank=True, on_delete=models.SET_NULL, related_name="settings"
    )
    provision_type = models.CharField(max_length=40, choices=ProvisionTypeChoices.choices)
    ofsted_provision_type = models.CharField(
        max_length=120, blank=True, help_text="The provision type as Ofsted's file words it"
    )
    sector = models.CharField(max_length=20, choices=SectorChoices.choices, blank=True)
    local_authority = models.ForeignKey(
        "authorities.LocalAuthority",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="settings_in_area",
        help_text="The authority area the setting is in.",
    )
    postcode = models.CharField(
        max_length=8, blank=True, help_text="Full postcode, or district where redacted"
    )
    registered_places = models.PositiveSmallIntegerField(null=True, blank=True)
    registration_status = models.CharField(
        max_length=12, choices=RegistrationStatusChoices.choices, default=RegistrationStatusChoices.ACTIVE
    )
    registration_date = models.DateField(null=True, blank=True)
    closed_date = models.DateField(null=True, blank=True)
    judgement_scale = models.CharField(
        max_length=16, choices=JudgementScaleChoices.choices, default=JudgementScaleChoices.FOUR_POINT
    )
    latest_judgement = models.CharField(
        max_length=24, choices=JudgementChoices.choices, default=JudgementChoices.NOT_YET_INSPECTED
    )
    latest_judgement_date = models.DateField(null=True, blank=True)
    framework = models.CharField(
        max_length=120,
        blank=True,
        help_text="The framework or contract the setting is bought through, if any",
    )

    class Meta:
        ordering = ["urn"]

    def __str__(self) -> str:
        return f"{self.urn} {self.name}".strip()


class Inspection(models.Model):
    """One Ofsted judgement of a setting, kept so that history survives re-imports."""

    setting = models.ForeignKey(Setting, on_delete=models.CASCADE, related_name="inspections")
    inspection_date = models.DateField()
    judgement = models.CharField(max_length=24, choices=JudgementChoices.choices)
    judgement_scale = models.CharField(
        max_length=16, choices=JudgementScaleChoices.choices, default=JudgementScaleChoices.FOUR_POINT
    )

    class Meta:
        ordering = ["setting", "-inspection_date"]
        constraints = [
            models.UniqueConstraint(fields=["setting", "inspection_date"], name="uniq_inspection_date")
        ]

    def __str__(self) -> str:
        return f"{self.setting.urn} {self.inspection_date}: {self.get_judgement_display()}"


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
        Setting, null=True, blank=True, on_delete=models.SET_NULL, related_name="households"
    )
    approval_date = models.DateField()
    approved_places = models.PositiveSmallIntegerField()
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


class InHouseHome(AuthorityOwnedModel):
    """A children's home the authority runs itself, known by its Ofsted setting.

    Registered places come from Ofsted unless the authority records its own figure (for example while a
    variation of registration is pending). Occupancy is never typed in: it is counted from the register
    (every authority's children whose current episode is at this home's URN).
    """

    authority = models.ForeignKey(
        "authorities.LocalAuthority", on_delete=models.CASCADE, related_name="homes"
    )
    setting = models.ForeignKey(Setting, on_delete=models.PROTECT, related_name="inhouse_homes")
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
        Setting, null=True, blank=True, on_delete=models.SET_NULL, related_name="block_contracts"
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
        Setting, null=True, blank=True, on_delete=models.CASCADE, related_name="vacancies"
    )
    household = models.ForeignKey(
        FosteringHousehold, null=True, blank=True, on_delete=models.CASCADE, related_name="vacancies"
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
        from .querysets import vacancy_stale_cutoff

        return self.recorded_at < vacancy_stale_cutoff()


class UnitCost(AuthorityOwnedModel):
    """What a week of a placement costs the authority, by planning category and route, from a date."""

    authority = models.ForeignKey(
        "authorities.LocalAuthority", on_delete=models.CASCADE, related_name="unit_costs"
    )
    category = models.CharField(max_length=24, choices=PlanningCategoryChoices.choices)
    route = models.CharField(max_length=10, choices=RouteChoices.choices)
    weekly_cost = models.DecimalField(max_digits=10, decimal_places=2)
    effective_from = models.DateField()
    effective_to = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["authority", "category", "route", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "category", "route", "effective_from"], name="uniq_unit_cost_from"
            ),
            models.CheckConstraint(condition=models.Q(weekly_cost__gte=0), name="unit_cost_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.category} {self.route} £{self.weekly_cost}/wk from {self.effective_from}"


class PlacementEpisode(AuthorityOwnedModel):
    """One SSDA903 episode: a period during which a child's legal status and placement stayed the same.

    Holds every column of the DfE Episodes file, plus what we derive at import: the planning category
    (from PLACE and PLACE_PROVIDER), the home-to-placement distance in miles (DfE method) and whether the
    placement is inside the authority's boundary.
    """

    authority = models.ForeignKey(
        "authorities.LocalAuthority", on_delete=models.CASCADE, related_name="episodes"
    )
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="episodes")
    decom = models.DateField("date episode commenced (DECOM)")
    rne = models.CharField("reason for new episode (RNE)", max_length=1)
    ls = models.CharField("legal status (LS)", max_length=2)
    cin = models.CharField("category of need (CIN)", max_length=2, blank=True)
    place = models.CharField("placement type (PLACE)", max_length=3)
    place_provider = models.CharField("placement provider (PLACE_PROVIDER)", max_length=3, blank=True)
    dec = models.DateField("date episode ceased (DEC)", null=True, blank=True)
    rec = models.CharField("reason episode ceased (REC)", max_length=3, blank=True)
    reason_place_change = models.CharField(max_length=6, blank=True)
    home_post = models.CharField("home postcode", max_length=8, blank=True)
    pl_post = models.CharField("placement postcode", max_length=8, blank=True)
    urn = models.CharField("Ofsted URN", max_length=8, blank=True)
    setting = models.ForeignKey(
        Setting, null=True, blank=True, on_delete=models.SET_NULL, related_name="episodes"
    )
    category = models.CharField(max_length=24, choices=PlanningCategoryChoices.choices, db_index=True)
    distance_miles = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)
    distance_method = models.CharField(max_length=8, choices=DistanceMethodChoices.choices, blank=True)
    placement_la = models.ForeignKey(
        "authorities.LocalAuthority",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The upper-tier authority the placement postcode is in",
    )
    weekly_cost = models.DecimalField(
        max_digits=10, decimal_places=2, null=True, blank=True, help_text="Agreed weekly cost, where known"
    )

    objects = EpisodeQuerySet.as_manager()

    class Meta:
        ordering = ["authority", "child", "decom"]
        constraints = [models.UniqueConstraint(fields=["child", "decom"], name="uniq_episode_child_decom")]
        indexes = [
            models.Index(fields=["authority", "decom"]),
            models.Index(fields=["authority", "dec"]),
        ]

    def __str__(self) -> str:
        return f"Episode from {self.decom} ({self.place})"

    @property
    def inside_boundary(self) -> bool | None:
        if self.placement_la_id is None:
            return None
        return self.placement_la_id == self.authority_id


class CareLeaverRecord(AuthorityOwnedModel):
    """A care leaver's SSDA903 OC3 record for a collection year: in touch, activity and accommodation."""

    authority = models.ForeignKey("authorities.LocalAuthority", on_delete=models.CASCADE, related_name="+")
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="care_leaver_records")
    collection_year = models.PositiveSmallIntegerField(help_text="Year the collection ends (31 March)")
    in_touch = models.CharField(max_length=4, blank=True)
    activity = models.CharField(max_length=4, blank=True)
    accommodation = models.CharField(max_length=2, blank=True)

    class Meta:
        ordering = ["authority", "collection_year"]
        constraints = [
            models.UniqueConstraint(fields=["child", "collection_year"], name="uniq_oc3_child_year")
        ]


class ImportJob(AuthorityOwnedModel):
    """One upload of data files for an authority, processed in the background with progress.

    The uploaded bytes are kept only until the job finishes (data minimisation). The error report keeps
    file, row, column, value and message: the value may be a child's reference or date, so the report is
    visible only to the authority's data managers and deleted with the job.
    """

    authority = models.ForeignKey(
        "authorities.LocalAuthority", on_delete=models.CASCADE, related_name="import_jobs"
    )
    kind = models.CharField(
        max_length=10, choices=ImportKindChoices.choices, default=ImportKindChoices.SSDA903
    )
    status = models.CharField(
        max_length=10, choices=JobStatusChoices.choices, default=JobStatusChoices.QUEUED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Per cent complete")
    stage = models.CharField(max_length=100, blank=True)
    file_names = models.JSONField(default=list, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    error_count = models.PositiveIntegerField(default=0)
    error_report = models.TextField(blank=True, help_text="CSV: file,row,column,value,message")
    failure = models.TextField(blank=True, help_text="Why the job failed, in plain English")
    strict = models.BooleanField(
        default=False, help_text="Refuse the whole import if any row has an error (no repairs, no quarantine)"
    )

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Import {self.pk} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatusChoices.SUCCEEDED, JobStatusChoices.FAILED)


class ImportFile(models.Model):
    """An uploaded file waiting for its import job. Deleted when the job finishes."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="files")
    name = models.CharField(max_length=255)
    content = models.BinaryField()

    class Meta:
        ordering = ["id"]


# --- Placement finding (issue 5): requests, their history, and approaches to providers -------------------------


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
        Setting, null=True, blank=True, on_delete=models.PROTECT, related_name="placement_requests"
    )
    placed_household = models.ForeignKey(
        FosteringHousehold, null=True, blank=True, on_delete=models.PROTECT, related_name="placement_requests"
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


class PlacementRequestEvent(models.Model):
    """One line of a placement request's history: logged, changed, a status change, a referral sent, an
    offer or a decline. Written by the services in the same transaction as the change it records; never
    edited. Details hold codes and ids only."""

    placement_request = models.ForeignKey(PlacementRequest, on_delete=models.CASCADE, related_name="events")
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
        PlacementRequest, on_delete=models.CASCADE, related_name="approaches"
    )
    setting = models.ForeignKey(
        Setting, null=True, blank=True, on_delete=models.PROTECT, related_name="approaches"
    )
    household = models.ForeignKey(
        FosteringHousehold, null=True, blank=True, on_delete=models.PROTECT, related_name="approaches"
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
        """What the finder calls the provider: the setting's URN and name, or the household reference."""
        if self.setting_id:
            return f"{self.setting.urn} {self.setting.name}".strip()
        return f"Household {self.household.reference}"


# --- Import quality: what each SSDA903 import held back, repaired and changed -------------------------------


class QuarantinedRecord(AuthorityOwnedModel):
    """A row of a council's SSDA903 files held back by the import policy (placements/ssda903/policy.py):
    the child's record could not be read one way only, so every row of that child is kept here, out of
    every count, until a corrected file is imported. Replaced at each import of the authority.

    ``values`` holds the row's cells as given (never UPN, MOTHER or MC_DOB, which are not read).
    """

    authority = models.ForeignKey(
        "authorities.LocalAuthority", on_delete=models.CASCADE, related_name="quarantined_records"
    )
    import_job = models.ForeignKey(
        "placements.ImportJob", null=True, blank=True, on_delete=models.SET_NULL, related_name="quarantined"
    )
    table = models.CharField(max_length=20, help_text="SSDA903 file kind: header, episodes, uasc, oc3")
    file = models.CharField(max_length=255)
    row = models.PositiveIntegerField(help_text="Row number as a spreadsheet shows it")
    child_ref = models.CharField(max_length=50, blank=True, help_text="CHILD as given (blank if none)")
    column = models.CharField(max_length=40, blank=True)
    value = models.CharField(max_length=100, blank=True)
    rule = models.CharField(max_length=80, help_text="Import policy rule that held the child back")
    code = models.CharField(max_length=40, blank=True, help_text="DfE validation rule code(s)")
    message = models.TextField()
    values = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["child_ref", "table", "file", "row"]
        indexes = [models.Index(fields=["authority", "child_ref"], name="quarantine_la_child")]

    def __str__(self) -> str:
        return f"{self.file} row {self.row} ({self.rule})"


class ImportQualityReport(AuthorityOwnedModel):
    """The data quality of one SSDA903 import, kept for trends: problems by DfE rule and severity, what
    the import policy repaired and held back, and what changed in the register since the previous import.

    Counts only, no child-level data. One per successful import (web, API or command line).
    """

    authority = models.ForeignKey(
        "authorities.LocalAuthority", on_delete=models.CASCADE, related_name="import_quality_reports"
    )
    import_job = models.OneToOneField(
        "placements.ImportJob", null=True, blank=True, on_delete=models.SET_NULL, related_name="quality"
    )
    strict = models.BooleanField(default=False)
    issues = models.JSONField(
        default=list, blank=True, help_text="[{rule, code, severity, count}] of the files as given"
    )
    repairs = models.JSONField(default=dict, blank=True, help_text="{policy rule: rows repaired}")
    quarantine = models.JSONField(default=dict, blank=True, help_text="{policy rule: children held back}")
    quarantined_children = models.PositiveIntegerField(default=0)
    quarantined_rows = models.PositiveIntegerField(default=0)
    released_children = models.PositiveIntegerField(
        default=0, help_text="Children held back by the previous import and counted now"
    )
    changes = models.JSONField(
        default=dict,
        blank=True,
        help_text="Children and episodes added, removed, changed since the previous import",
    )
    counts = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Import quality {self.created_at:%Y-%m-%d %H:%M}"
