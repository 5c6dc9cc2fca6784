from django.contrib import admin

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
    list_display = ["authority", "year", "population_0_17", "source"]
    list_filter = ["year"]


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
