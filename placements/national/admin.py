"""Admin for the national statistics: imports and figures are read-only (they change only by importing a
published file); statistical neighbours and comparator groups are editable by an administrator."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import transaction

from sufficiency.core.audit import audit

from ..models import (
    ComparatorGroup,
    NationalFigure,
    NationalStatisticsImport,
    StatisticalNeighbour,
    StatisticalNeighbourList,
)


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):  # noqa: ARG002
        return False

    def has_change_permission(self, request, obj=None):  # noqa: ARG002
        return False


@admin.register(NationalStatisticsImport)
class NationalStatisticsImportAdmin(_ReadOnly):
    list_display = [
        "source_file",
        "years",
        "figures_imported",
        "rows_rejected",
        "supplied_by_label",
        "created_at",
    ]
    search_fields = ["source_file", "supplied_by_label"]


@admin.register(NationalFigure)
class NationalFigureAdmin(_ReadOnly):
    list_display = ["year", "area_name", "filter_key", "indicator", "value", "marker", "statistics_import"]
    list_filter = ["year", "geographic_level", "indicator"]
    search_fields = ["area_name", "old_la_code", "filter_key"]


class _Audited(admin.ModelAdmin):
    """Every change an administrator makes to the statistical neighbours is audited (every authority's
    comparators read them): what was changed, by whom, never personal data."""

    audit_prefix = ""

    def _detail(self, obj: Any) -> dict[str, Any]:
        return {}

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            audit(
                action=f"{self.audit_prefix}.{'updated' if change else 'created'}",
                actor=request.user,
                obj=obj,
                detail={**self._detail(obj), "fields": sorted(form.changed_data)[:20]},
                request=request,
            )

    def delete_model(self, request: Any, obj: Any) -> None:
        with transaction.atomic():
            audit(
                action=f"{self.audit_prefix}.deleted",
                actor=request.user,
                obj=obj,
                detail=self._detail(obj),
                request=request,
            )
            super().delete_model(request, obj)

    def delete_queryset(self, request: Any, queryset: Any) -> None:
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)


@admin.register(StatisticalNeighbourList)
class StatisticalNeighbourListAdmin(_Audited):
    list_display = ["name", "source", "licence", "synthetic", "created_at"]
    audit_prefix = "national.neighbour_list"

    def _detail(self, obj: Any) -> dict[str, Any]:
        return {"synthetic": obj.synthetic}


@admin.register(StatisticalNeighbour)
class StatisticalNeighbourAdmin(_Audited):
    audit_prefix = "national.neighbour"

    def _detail(self, obj: Any) -> dict[str, Any]:
        return {
            "list": obj.neighbour_list_id,
            "authority": obj.authority.dfe_code,
            "rank": obj.rank,
            "neighbour": obj.neighbour.dfe_code,
        }

    list_display = ["authority", "rank", "neighbour", "neighbour_list"]
    list_filter = ["neighbour_list", "authority__region"]
    search_fields = ["authority__name", "neighbour__name", "authority__dfe_code"]
    autocomplete_fields = ["authority", "neighbour"]


@admin.register(ComparatorGroup)
class ComparatorGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "authority"]
    list_filter = ["authority"]
    filter_horizontal = ["members"]
