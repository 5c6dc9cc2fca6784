from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "sufficiency.dashboards"
    label = "dashboards"
    verbose_name = "Dashboards"
