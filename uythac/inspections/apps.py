from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "uythac.inspections"
    label = "inspections"
