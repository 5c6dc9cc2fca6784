from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "sufficiency.demo"
    label = "demo"
    verbose_name = "Synthetic demo region"
