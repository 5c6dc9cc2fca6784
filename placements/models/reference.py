"""Shared reference data: providers, the settings (homes) they run, and Ofsted's inspections of them."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from sufficiency.core.models import NationalProvenance, TimeStampedModel

from ..choices import (
    JudgementChoices,
    JudgementScaleChoices,
    ProposalStatusChoices,
    ProvisionTypeChoices,
    ReferenceDatasetChoices,
    RegistrationStatusChoices,
    SectorChoices,
)


class Provider(TimeStampedModel):
    """An organisation that runs one or more settings: a company, a charity, a health trust, or a local
    authority running its own homes and fostering service. Shared by all authorities."""

    name = models.CharField(max_length=200, unique=True)
    sector = models.CharField(max_length=20, choices=SectorChoices.choices, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Setting(NationalProvenance, TimeStampedModel):
    """A place a child can live that Ofsted registers: a children's home, a fostering agency, a
    supported accommodation service, a residential special school. Identified by its Ofsted URN.
    Shared by all authorities (it is public data), so it is not authority-owned: its values are
    published by a platform data steward, and the provenance fields say who supplied them and when."""

    urn = models.CharField("Ofsted URN", max_length=8, unique=True)
    name = models.CharField(max_length=200, blank=True)
    provider = models.ForeignKey(
        "placements.Provider", null=True, blank=True, on_delete=models.SET_NULL, related_name="settings"
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
        help_text="A framework named on the shared record (kept for reference); matching and costs read each "
        "authority's own FrameworkMembership",
    )

    class Meta:
        ordering = ["urn"]

    def __str__(self) -> str:
        return f"{self.urn} {self.name}".strip()


class Inspection(models.Model):
    """One Ofsted judgement of a setting, kept so that history survives re-imports."""

    setting = models.ForeignKey("placements.Setting", on_delete=models.CASCADE, related_name="inspections")
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


class ReferenceDataProposal(NationalProvenance, TimeStampedModel):
    """Values for the national register as one upload supplied them, kept apart from the register.

    An authority's data manager's Ofsted upload becomes a pending proposal: nothing any authority reads
    (settings pages, matching, the gap) changes until a platform data steward reviews the differences and
    publishes it; a rejected proposal changes nothing. A steward's own import is recorded here as
    already published (with no rows kept), so the list is also the register's publication history.
    The provenance fields are those every published value receives.
    """

    dataset = models.CharField(
        max_length=20, choices=ReferenceDatasetChoices.choices, default=ReferenceDatasetChoices.OFSTED
    )
    status = models.CharField(
        max_length=12, choices=ProposalStatusChoices.choices, default=ProposalStatusChoices.PENDING
    )
    # The rows as read (JSON: dates as ISO strings); emptied once the proposal is decided.
    setting_rows = models.JSONField(default=list, blank=True)
    inspection_rows = models.JSONField(default=list, blank=True)
    # National statistics: the files as supplied ({"name", "text"}), read again when published.
    staged_files = models.JSONField(default=list, blank=True)
    counts = models.JSONField(default=dict, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True, max_length=2000)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_dataset_display()} from {self.supplier or 'unknown'} ({self.get_status_display()})"
