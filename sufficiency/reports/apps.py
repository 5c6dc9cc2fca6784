from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "sufficiency.reports"
    label = "reports"
    verbose_name = "Strategy and KPIs"
