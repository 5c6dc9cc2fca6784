"""Admin registrations for the placements app."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from sufficiency.core.admin import AuditedModelAdmin

from .models import FrameworkMembership
from .national import admin as national_admin  # noqa: F401


@admin.register(FrameworkMembership)
class FrameworkMembershipAdmin(AuditedModelAdmin):
    """Platform staff may correct any authority's framework memberships (the authorities keep their own
    on the supply pages). Every change is audited against the authority it belongs to."""

    list_display = ["authority", "framework", "tier", "setting", "updated_at"]
    list_filter = ["authority__region", "authority"]
    search_fields = ["framework", "setting__urn", "setting__name", "authority__name", "authority__dfe_code"]
    autocomplete_fields = ["authority"]
    raw_id_fields = ["setting"]
    list_select_related = ["authority", "setting"]

    audit_prefix = "frameworkmembership"
    deleted_verb = "ended"

    def audit_detail(self, obj: FrameworkMembership) -> dict[str, Any]:
        return {"setting": obj.setting_id, "tier": obj.tier, "by": "admin"}

    def audit_authority(self, obj: FrameworkMembership) -> Any:
        return obj.authority
