from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "sufficiency.accounts"
    label = "accounts"
    verbose_name = "Accounts"
