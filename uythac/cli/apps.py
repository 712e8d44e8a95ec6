from django.apps import AppConfig


class CliConfig(AppConfig):
    name = "uythac.cli"
    label = "cli"
