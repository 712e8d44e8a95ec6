"""Shared helpers of the ledger tests: dates, counts, typical lines."""

import datetime as dt
import importlib

from django.apps import apps

from uythac.core.models import AuditEvent
from uythac.ledger.chart import AccountCode as A
from uythac.ledger.chart import SubledgerType as S
from uythac.ledger.lines import Line
from uythac.ledger.models import JournalEntry, LedgerAccount, LedgerPeriod, Posting

MARCH_10 = dt.date(2025, 3, 10)
LOAN_1 = "0101202500000001"
LOAN_2 = "0101202500000002"
SAVINGS_1 = "105000000001"
SAVINGS_2 = "105000000002"
GROUP = "0000001"
POINT = "TXN0001"


def ensure_chart() -> None:
    if not LedgerAccount.objects.exists():
        importlib.import_module("uythac.ledger.migrations.0002_chart_of_accounts").load(apps, None)


def counts() -> dict[str, int]:
    """Everything a refused write must leave untouched."""
    return {
        "entries": JournalEntry.objects.count(),
        "postings": Posting.objects.count(),
        "periods": LedgerPeriod.objects.count(),
        "audit": AuditEvent.objects.count(),
    }


def disbursement(amount: int, loan: str = LOAN_1, point: str = POINT) -> list[Line]:
    return [Line.debit(A.LOAN_CURRENT, amount, S.LOAN, loan), Line.credit(A.CASH_TELLER, amount, S.POINT, point)]


def repayment(amount: int, loan: str = LOAN_1, point: str = POINT) -> list[Line]:
    return [Line.debit(A.CASH_TELLER, amount, S.POINT, point), Line.credit(A.LOAN_CURRENT, amount, S.LOAN, loan)]
