from django.apps import AppConfig


class GeographyConfig(AppConfig):
    name = "uythac.geography"
    label = "geography"
