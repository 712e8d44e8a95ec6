"""Helpers of the month-end close tests: reference data, loans made through the loans services (or, for a freeze
and a student loan, rows changed consistently with the ledger), totals to compare."""

import datetime as dt
import importlib

from django.apps import apps
from django.db.models import Count, F, Q, Sum

from tests.loans.support import disbursed_loan, ensure_reference_data
from uythac.closing.models import ClosingRun, ClosingStepState, LoanSnapshot
from uythac.core.models import AuditEvent, RuleValue
from uythac.ledger.chart import AccountCode as A
from uythac.ledger.chart import SubledgerType as S
from uythac.ledger.lines import Line
from uythac.ledger.models import EntryKind, JournalEntry, LedgerPeriod, Posting
from uythac.ledger.selectors import balance
from uythac.ledger.services import entry_post
from uythac.loans.models import Installment, Loan, LoanEvent
from uythac.programs.models import CreditProgram

D = dt.date


def ensure_closing_reference_data() -> None:
    ensure_reference_data()
    if not RuleValue.objects.filter(key="closing.inactive_3m").exists():
        importlib.import_module("uythac.closing.migrations.0002_rule_values").load(apps, None)


def loan_of(world, household, group, *, on: D, amount: int, term: int = 36, frequency: int = 12) -> Loan:
    """A loan taken through every origination step by the administrator (whose scope is the whole country)."""
    return disbursed_loan(world, household=household, group=group, actor=world.admin, disbursed_on=on,
                          amount=amount, term=term, frequency=frequency)


def freeze(loan: Loan, on: D) -> None:
    """Khoanh the whole in-term balance as the risk services would: FREEZE entry + the loan's cached balances."""
    loan.refresh_from_db()
    amount = loan.principal_current
    entry_post(actor=None, value_date=on, kind=EntryKind.FREEZE,
               lines=[Line.debit(A.LOAN_FROZEN, amount, S.LOAN, loan.loan_number),
                      Line.credit(A.LOAN_CURRENT, amount, S.LOAN, loan.loan_number)])
    Loan.objects.filter(pk=loan.pk).update(principal_frozen=F("principal_frozen") + amount,
                                           principal_current=F("principal_current") - amount, frozen_on=on)


def make_student_loan(loan: Loan) -> None:
    """Turn a loan into a student loan (program 02 bears the same rates as 01): only the program changes."""
    Loan.objects.filter(pk=loan.pk).update(program=CreditProgram.objects.get(code="02"))


def ledger(account: str, loan: Loan | None = None, as_of: D | None = None) -> int:
    if loan is None:
        return balance(account, subledger_type=S.LOAN, as_of=as_of)
    return balance(account, subledger_type=S.LOAN, subledger_key=loan.loan_number, as_of=as_of)


def snapshot_of(period: str, loan: Loan) -> LoanSnapshot:
    return LoanSnapshot.objects.get(period=period, loan=loan)


def loan_snapshot_totals(period: str) -> dict:
    sums = LoanSnapshot.objects.filter(period=period).aggregate(
        current=Sum("principal_current"), overdue=Sum("principal_overdue"), frozen=Sum("principal_frozen"),
        in_term=Sum("interest_arrears_in_term"), interest_overdue=Sum("interest_arrears_overdue"),
        grace=Sum("interest_arrears_grace"), inactive=Count("loan", filter=Q(is_inactive_3m=True)),
    )
    return {key: int(value or 0) for key, value in sums.items()}


def money_state() -> dict:
    """Everything a refused or re-run close must leave as it was."""
    return {
        "entries": JournalEntry.objects.count(),
        "postings": list(Posting.objects.order_by("id").values_list("id", "amount")),
        "loans": list(Loan.objects.order_by("id").values_list(
            "principal_current", "principal_overdue", "principal_frozen", "interest_arrears_in_term",
            "interest_accrued_through")),
        "installments": list(Installment.objects.order_by("id").values_list("transferred_to_overdue")),
        "events": LoanEvent.objects.count(),
        "periods": list(LedgerPeriod.objects.order_by("period").values_list("period", "status")),
        "snapshots": LoanSnapshot.objects.count(),
        "states": list(ClosingStepState.objects.order_by("id").values_list("step", "status")),
        "runs": list(ClosingRun.objects.order_by("id").values_list("status")),
        "audit": AuditEvent.objects.count(),
    }
