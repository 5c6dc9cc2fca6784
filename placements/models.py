"""The placement register: children, their SSDA903 episodes, the settings and carers they live with,
and what placements cost."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from sufficiency.core.models import AuthorityOwnedModel, TimeStampedModel

from .choices import (
    DistanceMethodChoices,
    HomeStatusChoices,
    HouseholdRouteChoices,
    HouseholdStatusChoices,
    ImportKindChoices,
    JobStatusChoices,
    JudgementChoices,
    JudgementScaleChoices,
    PlanningCategoryChoices,
    ProvisionTypeChoices,
    RegistrationStatusChoices,
    RouteChoices,
    SectorChoices,
    SexChoices,
    VacancyStatusChoices,
)
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

    authority = models.ForeignKey("authorities.LocalAuthority", on_delete=models.CASCADE, related_name="children")
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
    provider = models.ForeignKey(Provider, null=True, blank=True, on_delete=models.SET_NULL, related_name="settings")
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
    postcode = models.CharField(max_length=8, blank=True, help_text="Full postcode, or district where redacted")
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
        max_length=120, blank=True, help_text="The framework or contract the setting is bought through, if any"
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
    agency = models.ForeignKey(Setting, null=True, blank=True, on_delete=models.SET_NULL, related_name="households")
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
            models.CheckConstraint(condition=models.Q(age_min__lte=models.F("age_max")), name="household_age_range"),
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
        """Places a child could move into when the home is open (registered less those out of use)."""
        if self.status != HomeStatusChoices.OPEN:
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

    authority = models.ForeignKey("authorities.LocalAuthority", on_delete=models.CASCADE, related_name="unit_costs")
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

    authority = models.ForeignKey("authorities.LocalAuthority", on_delete=models.CASCADE, related_name="episodes")
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
    setting = models.ForeignKey(Setting, null=True, blank=True, on_delete=models.SET_NULL, related_name="episodes")
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

    authority = models.ForeignKey("authorities.LocalAuthority", on_delete=models.CASCADE, related_name="import_jobs")
    kind = models.CharField(max_length=10, choices=ImportKindChoices.choices, default=ImportKindChoices.SSDA903)
    status = models.CharField(max_length=10, choices=JobStatusChoices.choices, default=JobStatusChoices.QUEUED)
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
