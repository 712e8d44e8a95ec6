"""Shared helpers of the program tests: a comparable snapshot of every parameter table and the audit trail."""

import datetime as dt
from decimal import Decimal

from uythac.core.models import AuditEvent
from uythac.programs.models import (
    BeneficiaryCategory,
    CreditProgram,
    OverdueRateRule,
    ProgramLimit,
    ProgramRate,
    RateOverride,
)

D = dt.date


def dec(text: str) -> Decimal:
    return Decimal(text)


def program_state() -> dict:
    """Every row the program services may write, as comparable values, plus the audit trail."""
    return {
        "programs": sorted(CreditProgram.objects.values_list("code", "identifier", "channel")),
        "categories": sorted(BeneficiaryCategory.objects.values_list("program__code", "code")),
        "rates": sorted(
            ProgramRate.objects.values_list("program__code", "category__code", "annual_rate", "effective_from",
                                            "effective_to", "confidence"),
            key=str,
        ),
        "overdue": sorted(OverdueRateRule.objects.values_list(
            "program__code", "category__code", "multiplier_percent", "fixed_annual_rate", "effective_from",
            "effective_to"), key=str),
        "overrides": sorted(
            (o.legal_basis, o.delta_points, o.absolute_rate, o.effective_from, o.effective_to,
             tuple(sorted(o.provinces.values_list("code", flat=True))),
             tuple(sorted(o.programs.values_list("code", flat=True))))
            for o in RateOverride.objects.all()
        ),
        "limits": sorted(ProgramLimit.objects.values_list(
            "program__code", "category__code", "kind", "amount_vnd", "months", "percent", "choice",
            "effective_from", "effective_to"), key=str),
        "audit": AuditEvent.objects.count(),
    }
