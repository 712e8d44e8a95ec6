"""Entrustment fees (phí ủy thác) of association units and commissions (hoa hồng) of group boards: schedules as dated
data under the legal cap, monthly statements, payment at the commune session posted to the ledger."""
