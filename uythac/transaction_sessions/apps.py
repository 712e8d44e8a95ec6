from django.apps import AppConfig


class TransactionSessionsConfig(AppConfig):
    name = "uythac.transaction_sessions"
    label = "transaction_sessions"
