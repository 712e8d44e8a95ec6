from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "uythac.reports"
    label = "reports"
