from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "uythac.programs"
    label = "programs"
