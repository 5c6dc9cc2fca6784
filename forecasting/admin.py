from django.contrib import admin

from .models import ForecastRun, Scenario


@admin.register(ForecastRun)
class ForecastRunAdmin(admin.ModelAdmin):
    list_display = [
        "pk",
        "authority",
        "status",
        "trigger",
        "as_at",
        "horizon_months",
        "created_at",
        "finished_at",
    ]
    list_filter = ["status", "trigger", "authority"]
    readonly_fields = [f.name for f in ForecastRun._meta.fields]


@admin.register(Scenario)
class ScenarioAdmin(admin.ModelAdmin):
    list_display = ["name", "authority", "is_active", "updated_at"]
    list_filter = ["authority", "is_active"]
