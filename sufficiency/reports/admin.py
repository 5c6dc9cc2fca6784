from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Action, Measure, Objective, Strategy


@admin.register(Strategy)
class StrategyAdmin(SimpleHistoryAdmin):
    list_display = ["title", "authority", "start_year", "end_year"]
    list_filter = ["authority__region"]
    search_fields = ["title", "authority__name"]


@admin.register(Objective)
class ObjectiveAdmin(SimpleHistoryAdmin):
    list_display = ["number", "title", "strategy"]
    raw_id_fields = ["strategy"]


@admin.register(Measure)
class MeasureAdmin(SimpleHistoryAdmin):
    list_display = ["kpi_key", "objective", "target_value", "target_date", "direction"]
    raw_id_fields = ["objective"]


@admin.register(Action)
class ActionAdmin(SimpleHistoryAdmin):
    list_display = ["activity", "strategy", "status", "due_date"]
    list_filter = ["status"]
    raw_id_fields = ["strategy", "objective"]
