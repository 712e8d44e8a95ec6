from django.apps import AppConfig


class LoansConfig(AppConfig):
    name = "uythac.loans"
    label = "loans"
