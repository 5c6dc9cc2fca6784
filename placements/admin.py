"""Admin registrations for the placements app."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import transaction

from sufficiency.core.audit import audit

from .models import FrameworkMembership
from .national import admin as national_admin  # noqa: F401


@admin.register(FrameworkMembership)
class FrameworkMembershipAdmin(admin.ModelAdmin):
    """Platform staff may correct any authority's framework memberships (the authorities keep their own
    on the supply pages). Every change is audited against the authority it belongs to."""

    list_display = ["authority", "framework", "tier", "setting", "updated_at"]
    list_filter = ["authority__region", "authority"]
    search_fields = ["framework", "setting__urn", "setting__name", "authority__name", "authority__dfe_code"]
    autocomplete_fields = ["authority"]
    raw_id_fields = ["setting"]
    list_select_related = ["authority", "setting"]

    @staticmethod
    def _detail(obj: FrameworkMembership) -> dict[str, Any]:
        return {"setting": obj.setting_id, "tier": obj.tier, "by": "admin"}

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            audit(
                action=f"frameworkmembership.{'updated' if change else 'created'}",
                actor=request.user,
                authority=obj.authority,
                obj=obj,
                detail={**self._detail(obj), "fields": sorted(form.changed_data)},
                request=request,
            )

    def delete_model(self, request: Any, obj: Any) -> None:
        with transaction.atomic():
            audit(
                action="frameworkmembership.ended",
                actor=request.user,
                authority=obj.authority,
                obj=obj,
                detail=self._detail(obj),
                request=request,
            )
            super().delete_model(request, obj)

    def delete_queryset(self, request: Any, queryset: Any) -> None:
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)
