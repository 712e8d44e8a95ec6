"""Property: any valid sequence of disbursement, principal repayments, interest collections, month-end accruals,
overdue transfers and reversals of repayments/collections keeps every cached balance of the loan equal to its ledger
balance, never negative, and the ledger balanced (each example runs in a savepoint that is rolled back)."""

import datetime as dt

import pytest
from django.db import transaction
from django.db.models import F
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.loans.support import D, assert_cache_matches_ledger, disbursed_loan, make_poor
from uythac.core.guards import today
from uythac.core.periods import Period
from uythac.ledger.selectors import trial_balance
from uythac.loans.models import LoanStatus
from uythac.loans.selectors import interest_payable, loan_balances
from uythac.loans.services import (
    interest_accrue,
    loan_collect_interest,
    loan_event_reverse,
    loan_repay_principal,
    overdue_transfer,
)

pytestmark = pytest.mark.django_db

OPERATION = st.tuples(
    st.sampled_from(["repay", "interest", "transfer", "accrue", "repay_all", "after_due", "reverse"]),
    st.integers(min_value=1, max_value=200),  # days after the previous operation
    st.integers(min_value=1, max_value=100),  # percent of what may be paid
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(
    disbursed_on=st.sampled_from([D(2023, 1, 12), D(2024, 10, 3), D(2025, 6, 12), D(2026, 3, 12)]),
    millions=st.integers(min_value=1, max_value=90),
    shape=st.sampled_from([(12, 12), (24, 6), (36, 12)]),
    operations=st.lists(OPERATION, max_size=10),
)
def test_random_sequences_keep_the_cache_equal_to_the_ledger(lw, disbursed_on, millions, shape, operations):
    savepoint = transaction.savepoint()
    try:
        make_poor(lw.household_a, disbursed_on.year) if disbursed_on.year < 2025 else None
        term, frequency = shape
        loan = disbursed_loan(lw, disbursed_on=disbursed_on, amount=millions * 1_000_000, term=term,
                              frequency=frequency)
        day = disbursed_on
        for kind, gap, percent in operations:
            day = day + dt.timedelta(days=gap)
            if kind == "after_due":  # jump past the next unpaid installment (or the maturity), then transfer
                unpaid = loan.installments.filter(principal_paid__lt=F("principal"), due_on__gte=day)
                due = unpaid.order_by("due_on").values_list("due_on", flat=True).first()
                day = max(day, (due or loan.current_maturity) + dt.timedelta(days=1))
            if day > today() or loan.status != LoanStatus.OPEN:
                break
            if kind == "repay" and loan.outstanding:
                amount = max(1, loan.outstanding * percent // 100)
                loan_repay_principal(actor=lw.pgd_staff, loan=loan, amount=amount, on=day)
            elif kind == "repay_all" and loan.outstanding:
                loan_repay_principal(actor=lw.pgd_staff, loan=loan, amount=loan.outstanding, on=day)
            elif kind == "interest":
                payable = interest_payable(loan, day).total
                if payable:
                    loan_collect_interest(actor=lw.pgd_staff, loan=loan, amount=max(1, payable * percent // 100),
                                          on=day)
            elif kind in ("transfer", "after_due"):
                overdue_transfer(loan=loan, as_of=day)
            elif kind == "reverse":  # the latest repayment or collection not yet reversed
                event = loan.events.filter(kind__in=["PRINCIPAL_REPAYMENT", "INTEREST_COLLECTION"],
                                           reversal__isnull=True).order_by("-id").first()
                if event is not None and day > (loan.interest_accrued_through or loan.disbursed_on):
                    loan_event_reverse(actor=lw.pgd_staff, event=event, on=day, reason="Kiểm thử")
                    loan.refresh_from_db()
            elif kind == "accrue":
                last_day = Period.of(day).previous().last_day
                if last_day > (loan.interest_accrued_through or loan.disbursed_on):
                    interest_accrue(loan=loan, through=last_day)
                    day = max(day, last_day + dt.timedelta(days=1))
            assert_cache_matches_ledger(loan)
            assert loan_balances(loan).outstanding == loan.outstanding <= loan.disbursed_amount
            assert sum(loan.installments.values_list("principal_paid", flat=True)) == (
                loan.disbursed_amount - loan.outstanding)
        assert trial_balance().total == 0
        if loan.status == LoanStatus.CLOSED:
            assert loan.outstanding == loan.interest_arrears == 0
    finally:
        transaction.savepoint_rollback(savepoint)
