from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "uythac.core"
    label = "core"
    verbose_name = "Core"
