from django.apps import AppConfig
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured


class AccountsConfig(AppConfig):
    name = "sufficiency.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from .checks import check_secret_key, check_two_factor_roles

        checks.register(check_secret_key, checks.Tags.security, deploy=True)
        checks.register(check_two_factor_roles, checks.Tags.security)
        # Production refuses to start (web, worker, any command) with a weak key, not only under --deploy.
        if getattr(settings, "SECRET_KEY_CHECK_AT_STARTUP", False):
            errors = check_secret_key()
            if errors:
                raise ImproperlyConfigured(f"{errors[0].msg} {errors[0].hint}")
