"""Inspections (kiểm tra): the targets the rules require (every new loan within 30 days of disbursement, every loan
inactive ≥ 3 months, every group once a year) and the inspections entered against them, by level and organization."""
