"""Regions, local authorities, their populations, who belongs to them, and the audit trail."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from sufficiency.core.models import NationalProvenance

from .choices import RoleChoices


class Region(models.Model):
    """An English region (ONS code), e.g. West Midlands E12000005: the unit of regional collaboration
    (frameworks, Regional Care Co-operatives) and of regional comparators."""

    code = models.CharField(max_length=9, unique=True)
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class LocalAuthority(models.Model):
    """An English local authority with children's services (one of 153), responsible for the children it
    looks after. Identified by its DfE 3-digit code (as in SSDA903) and its ONS code."""

    dfe_code = models.CharField("DfE code", max_length=3, unique=True)
    ons_code = models.CharField("ONS code", max_length=9, unique=True)
    name = models.CharField(max_length=100)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="authorities")

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "local authorities"

    def __str__(self) -> str:
        return self.name


class AuthorityPopulation(NationalProvenance):
    """The ONS mid-year estimate of 0-17 year olds living in an authority: the denominator of the
    rate of children in care per 10,000 children. National data every authority's comparators read, so
    each estimate records who supplied and published it, and when (`NationalProvenance`)."""

    authority = models.ForeignKey(LocalAuthority, on_delete=models.CASCADE, related_name="populations")
    year = models.PositiveSmallIntegerField(help_text="Mid-year of the estimate, e.g. 2025")
    population_0_17 = models.PositiveIntegerField("population aged 0 to 17")
    source = models.CharField(max_length=200, blank=True, default="ONS mid-year estimate")

    class Meta:
        ordering = ["authority", "year"]
        constraints = [models.UniqueConstraint(fields=["authority", "year"], name="uniq_population_year")]

    def __str__(self) -> str:
        return f"{self.authority} {self.year}: {self.population_0_17}"


class Membership(models.Model):
    """A person's role in an authority. Scoping everywhere is derived from these rows."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    authority = models.ForeignKey(LocalAuthority, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=32, choices=RoleChoices.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["authority__name", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "authority", "role"], name="uniq_membership_role")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.authority}"


class AuditEvent(models.Model):
    """Who did what, when, to which record, from where. Never holds personal data: objects are named
    by type and database id, and `detail` carries counts and codes only."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The author as text (their email when they acted): deleting the account empties `actor`, never this.
    actor_label = models.CharField(max_length=254, blank=True, default="")
    authority = models.ForeignKey(
        LocalAuthority, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_events"
    )
    action = models.CharField(max_length=64, db_index=True)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["authority", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.object_type} {self.object_id}"
