"""Admin for the national statistics: imports and figures are read-only (they change only by importing a
published file); statistical neighbours and comparator groups are editable by an administrator."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from sufficiency.core.admin import AuditedModelAdmin

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


@admin.register(StatisticalNeighbourList)
class StatisticalNeighbourListAdmin(AuditedModelAdmin):
    list_display = ["name", "source", "licence", "synthetic", "created_at"]
    audit_prefix = "national.neighbour_list"

    def audit_detail(self, obj: Any) -> dict[str, Any]:
        return {"synthetic": obj.synthetic}


@admin.register(StatisticalNeighbour)
class StatisticalNeighbourAdmin(AuditedModelAdmin):
    audit_prefix = "national.neighbour"

    def audit_detail(self, obj: Any) -> dict[str, Any]:
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
