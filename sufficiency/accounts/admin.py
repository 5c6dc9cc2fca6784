from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import transaction

from sufficiency.core.audit import audit

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
class SingleSignOnGroupAdmin(admin.ModelAdmin):
    """Which identity provider groups grant which roles in which authority (single sign-on)."""

    list_display = ["group", "description", "authority", "role"]
    list_filter = ["role", "authority"]
    search_fields = ["group", "description", "authority__name"]

    def save_model(self, request: Any, obj: SingleSignOnGroup, form: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            audit(
                action="sso_group.updated" if change else "sso_group.created",
                actor=request.user,
                authority=obj.authority,
                obj=obj,
                detail={"role": obj.role},
                request=request,
            )

    def delete_model(self, request: Any, obj: SingleSignOnGroup) -> None:
        with transaction.atomic():
            audit(
                action="sso_group.deleted",
                actor=request.user,
                authority=obj.authority,
                obj=obj,
                detail={"role": obj.role},
                request=request,
            )
            super().delete_model(request, obj)

    def delete_queryset(self, request: Any, queryset: Any) -> None:
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)
