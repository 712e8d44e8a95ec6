from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "uythac.ledger"
    label = "ledger"
