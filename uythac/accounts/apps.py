from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "uythac.accounts"
    label = "accounts"
