from django.apps import AppConfig


class AuthoritiesConfig(AppConfig):
    name = "sufficiency.authorities"
    label = "authorities"
    verbose_name = "Local authorities"
