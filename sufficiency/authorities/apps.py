from django.apps import AppConfig


class AuthoritiesConfig(AppConfig):
    name = "sufficiency.authorities"
    label = "authorities"
    verbose_name = "Local authorities"

    def ready(self) -> None:
        # The Celery application, so every shared task binds to it (and its broker settings) in the web
        # process and the worker alike; the project package no longer imports it eagerly.
        from sufficiency import celery  # noqa: F401
