"""The register: children, their SSDA903 episodes, care leavers' records and what placements cost."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

from sufficiency.core.models import AuthorityOwnedModel

from ..choices import (
    DistanceMethodChoices,
    PlanningCategoryChoices,
    RouteChoices,
    SexChoices,
)
from ..querysets import (
    ChildQuerySet,
    EpisodeQuerySet,
)

if TYPE_CHECKING:
    pass


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


class PlacementEpisode(AuthorityOwnedModel):
    """One SSDA903 episode: a period during which a child's legal status and placement stayed the same.

    Holds every column of the DfE Episodes file, plus what we derive at import: the planning category
    (from PLACE and PLACE_PROVIDER), the home-to-placement distance in miles (DfE method) and whether the
    placement is inside the authority's boundary.
    """

    authority = models.ForeignKey(
        "authorities.LocalAuthority", on_delete=models.CASCADE, related_name="episodes"
    )
    child = models.ForeignKey("placements.Child", on_delete=models.CASCADE, related_name="episodes")
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
        "placements.Setting", null=True, blank=True, on_delete=models.SET_NULL, related_name="episodes"
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
    child = models.ForeignKey(
        "placements.Child", on_delete=models.CASCADE, related_name="care_leaver_records"
    )
    collection_year = models.PositiveSmallIntegerField(help_text="Year the collection ends (31 March)")
    in_touch = models.CharField(max_length=4, blank=True)
    activity = models.CharField(max_length=4, blank=True)
    accommodation = models.CharField(max_length=2, blank=True)

    class Meta:
        ordering = ["authority", "collection_year"]
        constraints = [
            models.UniqueConstraint(fields=["child", "collection_year"], name="uniq_oc3_child_year")
        ]


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
