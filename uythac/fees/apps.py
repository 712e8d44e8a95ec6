"""Entrustment fees (phí ủy thác) of association units and commissions (hoa hồng) of group boards: schedules as dated
data under the legal cap, monthly statements, payment at the commune session posted to the ledger."""
from django.apps import AppConfig


class FeesConfig(AppConfig):
    name = "uythac.fees"
    label = "fees"

    def ready(self) -> None:
        from uythac.closing.steps import register_step
        from uythac.fees.steps import FeeStatements

        register_step(FeeStatements())
