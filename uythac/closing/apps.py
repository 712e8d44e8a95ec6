from django.apps import AppConfig


class ClosingConfig(AppConfig):
    name = "uythac.closing"
    label = "closing"
