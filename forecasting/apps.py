from django.apps import AppConfig


class ForecastingConfig(AppConfig):
    name = "forecasting"
    verbose_name = "Demand forecasting"

    def ready(self) -> None:
        from placements.services import AFTER_IMPORT_CALLBACKS

        from .services import forecast_after_import

        if forecast_after_import not in AFTER_IMPORT_CALLBACKS:
            AFTER_IMPORT_CALLBACKS.append(forecast_after_import)
