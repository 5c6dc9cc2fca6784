from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "sufficiency.dashboards"
    label = "dashboards"
    verbose_name = "Dashboards"

    def ready(self) -> None:
        # Recompute the rollups (and the gap) after every successful import and forecast. Registered here so
        # that neither placements nor forecasting imports the dashboards.
        from forecasting.services import AFTER_FORECAST_CALLBACKS
        from placements.services import AFTER_IMPORT_CALLBACKS

        from .services import dashboard_after_forecast, dashboard_after_import

        if dashboard_after_import not in AFTER_IMPORT_CALLBACKS:
            AFTER_IMPORT_CALLBACKS.append(dashboard_after_import)
        if dashboard_after_forecast not in AFTER_FORECAST_CALLBACKS:
            AFTER_FORECAST_CALLBACKS.append(dashboard_after_forecast)
