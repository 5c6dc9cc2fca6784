"""One FilterSet per listable register model, shared by the pages and the API (docs/architecture.md principle 3).

Filters never widen what a caller sees: they run on querysets already scoped to the caller's authorities.
An `authority` filter takes a DfE code (e.g. `335`) and only narrows within what is visible.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters
from django.db.models import Q

from sufficiency.core.bounds import BoundedDateFilter, BoundedIdFilter

from .categories import PLANNING_CATEGORY_LABELS
from .choices import (
    ImportKindChoices,
    JobStatusChoices,
    JudgementChoices,
    ProvisionTypeChoices,
    RegistrationStatusChoices,
    SectorChoices,
    SexChoices,
)
from .models import Child, ImportJob, PlacementEpisode, Provider, Setting

CATEGORY_CHOICES = list(PLANNING_CATEGORY_LABELS.items())


class ChildFilterSet(django_filters.FilterSet):
    """Children: by authority, sex, UASC, and whether they were in care on a date."""

    authority = django_filters.CharFilter(field_name="authority__dfe_code", label="Authority (DfE code)")
    sex = django_filters.ChoiceFilter(choices=SexChoices.choices)
    uasc = django_filters.BooleanFilter(label="Unaccompanied asylum-seeking child")
    in_care_on = BoundedDateFilter(method="filter_in_care_on", label="In care on (YYYY-MM-DD)")

    class Meta:
        model = Child
        fields = ["authority", "sex", "uasc", "in_care_on"]

    def filter_in_care_on(self, queryset: Any, name: str, value: dt.date) -> Any:
        """Children with a looked-after episode current on the date (docs/domain.md s3: V3/V4 excluded)."""
        episodes = PlacementEpisode.objects.active_on(value).looked_after()
        return queryset.filter(pk__in=episodes.values("child_id"))


class EpisodeFilterSet(django_filters.FilterSet):
    """SSDA903 episodes: the list behind 'children in care on a date, by planning category'."""

    authority = django_filters.CharFilter(field_name="authority__dfe_code", label="Authority (DfE code)")
    child = BoundedIdFilter(field_name="child_id", label="Child id")
    category = django_filters.ChoiceFilter(choices=CATEGORY_CHOICES, label="Planning category")
    place = django_filters.CharFilter(label="PLACE code")
    ls = django_filters.CharFilter(label="Legal status (LS) code")
    in_care_on = BoundedDateFilter(method="filter_in_care_on", label="Current and looked after on")
    decom_after = BoundedDateFilter(field_name="decom", lookup_expr="gte", label="Started on or after")
    decom_before = BoundedDateFilter(field_name="decom", lookup_expr="lte", label="Started on or before")
    open = django_filters.BooleanFilter(field_name="dec", lookup_expr="isnull", label="Still open (no DEC)")

    class Meta:
        model = PlacementEpisode
        fields = [
            "authority",
            "child",
            "category",
            "place",
            "ls",
            "in_care_on",
            "decom_after",
            "decom_before",
        ]

    def filter_in_care_on(self, queryset: Any, name: str, value: dt.date) -> Any:
        return queryset.active_on(value).looked_after()


class SettingFilterSet(django_filters.FilterSet):
    """Ofsted-registered settings (shared reference data)."""

    urn = django_filters.CharFilter(label="Ofsted URN")
    provision_type = django_filters.ChoiceFilter(choices=ProvisionTypeChoices.choices)
    sector = django_filters.ChoiceFilter(choices=SectorChoices.choices)
    registration_status = django_filters.ChoiceFilter(choices=RegistrationStatusChoices.choices)
    latest_judgement = django_filters.ChoiceFilter(choices=JudgementChoices.choices)
    local_authority = django_filters.CharFilter(
        field_name="local_authority__dfe_code", label="Authority area the setting is in (DfE code)"
    )
    provider = BoundedIdFilter(field_name="provider_id", label="Provider id")
    name = django_filters.CharFilter(lookup_expr="icontains", label="Name contains")
    search = django_filters.CharFilter(method="filter_search", label="URN (exactly) or name (contains)")

    class Meta:
        model = Setting
        fields = [
            "urn",
            "provision_type",
            "sector",
            "registration_status",
            "latest_judgement",
            "local_authority",
        ]

    def filter_search(self, queryset: Any, name: str, value: str) -> Any:
        text = value.strip()
        return queryset.filter(Q(urn__iexact=text) | Q(name__icontains=text)) if text else queryset


class ProviderFilterSet(django_filters.FilterSet):
    """Organisations running settings (shared reference data)."""

    name = django_filters.CharFilter(lookup_expr="icontains", label="Name contains")
    sector = django_filters.ChoiceFilter(choices=SectorChoices.choices)

    class Meta:
        model = Provider
        fields = ["name", "sector"]


class ImportJobFilterSet(django_filters.FilterSet):
    """Data imports: by authority, kind and status."""

    authority = django_filters.CharFilter(field_name="authority__dfe_code", label="Authority (DfE code)")
    kind = django_filters.ChoiceFilter(choices=ImportKindChoices.choices)
    status = django_filters.ChoiceFilter(choices=JobStatusChoices.choices)

    class Meta:
        model = ImportJob
        fields = ["authority", "kind", "status"]
