from typing import Any

from django.contrib import admin, messages

from .models import ApiClient
from .services import api_client_revoke


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    """API clients: see who holds a token, when it was last used, and revoke it. Tokens are created with
    `manage.py create_api_client` (shown once) and are never visible here."""

    list_display = ["name", "authority", "prefix", "scopes", "expires_at", "revoked_at", "last_used_at"]
    list_filter = ["authority__region", "revoked_at"]
    search_fields = ["name", "prefix", "authority__name"]
    readonly_fields = [
        "prefix",
        "user",
        "last_used_at",
        "revoked_at",
        "created_by",
        "created_at",
        "updated_at",
    ]
    fields = ["authority", "name", "scopes", "throttle_rate", "expires_at", *readonly_fields]
    actions = ["revoke"]

    def has_add_permission(self, request: Any) -> bool:
        return False  # a token must be shown once to its creator: use the management command

    @admin.action(description="Revoke the selected clients' tokens")
    def revoke(self, request: Any, queryset: Any) -> None:
        for client in queryset:
            api_client_revoke(client=client, acting_user=request.user, request=request)
        messages.success(request, f"Revoked {queryset.count()} client(s).")
