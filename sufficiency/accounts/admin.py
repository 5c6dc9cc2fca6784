from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from sufficiency.core.admin import AuditedModelAdmin

from .models import SingleSignOnGroup, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "is_active", "is_staff", "is_data_steward", "last_login"]
    search_fields = ["email"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Name", {"fields": ("first_name", "last_name")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "is_data_steward")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


@admin.register(SingleSignOnGroup)
class SingleSignOnGroupAdmin(AuditedModelAdmin):
    """Which identity provider groups grant which roles in which authority (single sign-on)."""

    list_display = ["group", "description", "authority", "role"]
    list_filter = ["role", "authority"]
    search_fields = ["group", "description", "authority__name"]

    audit_prefix = "sso_group"

    def audit_detail(self, obj: SingleSignOnGroup) -> dict[str, Any]:
        return {"role": obj.role}

    def audit_authority(self, obj: SingleSignOnGroup) -> Any:
        return obj.authority
