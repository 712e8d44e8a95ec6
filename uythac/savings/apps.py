from django.apps import AppConfig


class SavingsConfig(AppConfig):
    name = "uythac.savings"
    label = "savings"
