from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "sufficiency.api"
    label = "api"
    verbose_name = "Partner API"
