from django.contrib import admin
from django.utils import timezone

from sufficiency.core.audit import actor_label

from .models import AuditEvent, AuthorityPopulation, LocalAuthority, Membership, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]


@admin.register(LocalAuthority)
class LocalAuthorityAdmin(admin.ModelAdmin):
    list_display = ["dfe_code", "ons_code", "name", "region"]
    list_filter = ["region"]
    search_fields = ["name", "dfe_code", "ons_code"]


@admin.register(AuthorityPopulation)
class AuthorityPopulationAdmin(admin.ModelAdmin):
    """Staff enter ONS estimates directly: each saved estimate records them as supplier and publisher."""

    list_display = ["authority", "year", "population_0_17", "source", "supplied_by_label", "published_at"]
    list_filter = ["year"]
    readonly_fields = [
        "supplied_by_authority",
        "supplied_by",
        "supplied_by_label",
        "supplied_at",
        "published_by",
        "published_at",
    ]

    def save_model(self, request, obj, form, change):
        now = timezone.now()
        obj.supplied_by_authority = None
        obj.supplied_by = obj.published_by = request.user
        obj.supplied_by_label = actor_label(request.user)
        obj.supplied_at = obj.published_at = now
        super().save_model(request, obj, form, change)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "authority", "role", "created_at"]
    list_filter = ["role", "authority__region"]
    search_fields = ["user__email", "authority__name"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor", "authority", "action", "object_type", "object_id", "ip_address"]
    list_filter = ["action", "authority"]
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def has_add_permission(self, request):  # the trail is append-only, written by services
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
