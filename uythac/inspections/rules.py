"""The inspection coverage rules in force on a date (``core.RuleValue`` rows ``inspection.*``, loaded by migration
``inspections/0002_rule_values``; all M or L, so every figure built on them is shown as "tạm tính")."""

import datetime as dt
from dataclasses import dataclass

from uythac.core.rules import rule_get

POST_DISBURSEMENT = "inspection.post_disbursement"
INACTIVE_3M = "inspection.inactive_3m"
ANNUAL_GROUP = "inspection.annual_group"
ENTRY = "inspection.entry"
CORRECTION = "inspection.correction"


@dataclass(frozen=True)
class CoverageRules:
    post_disbursement_days: int
    inactive_grace_days: int
    group_months: int
    entry_grace_days: int
    provisional: bool
    sources: tuple[tuple[str, str, str], ...]  # (key, source document, confidence)


def coverage_rules(on: dt.date) -> CoverageRules:
    rows = {key: rule_get(key, on=on) for key in (POST_DISBURSEMENT, INACTIVE_3M, ANNUAL_GROUP, ENTRY)}
    return CoverageRules(
        post_disbursement_days=int(rows[POST_DISBURSEMENT].value["days"]),
        inactive_grace_days=int(rows[INACTIVE_3M].value["grace_days"]),
        group_months=int(rows[ANNUAL_GROUP].value["months"]),
        entry_grace_days=int(rows[ENTRY].value["grace_days"]),
        provisional=any(row.is_provisional for row in rows.values()),
        sources=tuple((key, row.source_document, row.confidence) for key, row in rows.items()),
    )


def correction_days(on: dt.date) -> int:
    return int(rule_get(CORRECTION, on=on).value["days"])
