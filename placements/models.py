"""The placement register: children, their SSDA903 episodes, the settings and carers they live with,
and what placements cost."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from sufficiency.core.models import AuthorityOwnedModel, TimeStampedModel

from .choices import (
    DistanceMethodChoices,
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
)
from .querysets import ChildQuerySet, EpisodeQuerySet, ImportJobQuerySet


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

    class Meta:
        ordering = ["authority", "reference"]
        constraints = [
            models.UniqueConstraint(fields=["authority", "reference"], name="uniq_household_ref"),
            models.CheckConstraint(condition=models.Q(age_min__lte=models.F("age_max")), name="household_age_range"),
        ]

    def __str__(self) -> str:
        return f"Household {self.reference}"


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
