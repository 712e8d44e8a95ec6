"""Reversal of loan operations (đảo giao dịch): repayment, interest collection, disbursement.

Loan of the support world: 30,000,000 VND, program 01 at 6.6 %/yr (ACT/365), disbursed 12/03/2025, no grace.
"""

import pytest
from django.utils import timezone

from tests.loans.support import (
    A,
    D,
    S,
    assert_cache_matches_ledger,
    disbursed_loan,
    next_loan_number,
    state,
    sub_balance,
)
from uythac.core.exceptions import DomainError
from uythac.core.models import AuditEvent
from uythac.ledger.models import EntryKind, LedgerPeriod, PeriodStatus
from uythac.ledger.selectors import balance, trial_balance
from uythac.loans.models import ApplicationStatus, LoanEventKind, LoanStatus
from uythac.loans.selectors import interest_payable, paid_principal_by_date
from uythac.loans.services import (
    loan_collect_interest,
    loan_disburse,
    loan_event_reverse,
    loan_repay_principal,
)

pytestmark = pytest.mark.django_db


def test_reversing_a_repayment_restores_principal_installments_and_interest(lw):
    loan = disbursed_loan(lw)
    repayment = loan_repay_principal(actor=lw.pgd_staff, loan=loan, amount=1_000_000, on=D(2025, 4, 12))
    assert loan.installments.get(number=1).principal_paid == 1_000_000
    reversal = loan_event_reverse(actor=lw.pgd_staff, event=repayment, on=D(2025, 5, 12),
                                  reason="Ghi nhầm khế ước")
    loan.refresh_from_db()
    assert (loan.principal_current, loan.last_transaction_on) == (30_000_000, D(2025, 3, 12))
    assert loan.installments.get(number=1).principal_paid == 0
    assert (reversal.kind, reversal.reversal_of_id, reversal.principal_amount, reversal.happened_on) == (
        LoanEventKind.REVERSAL, repayment.pk, 1_000_000, D(2025, 5, 12))
    assert (reversal.journal_entry.kind, reversal.journal_entry.reversal_of_id) == (
        EntryKind.REVERSAL, repayment.journal_entry_id)
    repayment.refresh_from_db()
    assert repayment.reversal == reversal
    assert paid_principal_by_date(loan) == {}
    # Catch-up interest on the 1,000,000 out of the base 12/04–11/05: 1M × 6.6 % × 30/365 = 5,424.66 → 5,425.
    assert reversal.detail["catch_up_interest"] == 5_425
    assert loan.interest_arrears_in_term == 5_425
    # Payable on 12/05: ledger 30M × 31 d + 29M × 30 d = 118,800,000/365 = 325,479 (+ 5,425) = 330,904, which is
    # 30M × 6.6 % × 61/365 = 330,904.11 → the repayment might never have happened.
    assert interest_payable(loan, D(2025, 5, 12)).total == 330_904
    assert AuditEvent.objects.filter(action="loan_event_reverse", object_key=loan.loan_number).count() == 1
    assert trial_balance().total == 0
    assert_cache_matches_ledger(loan)


def test_a_second_reversal_and_a_closed_month_are_refused_with_nothing_changed(lw):
    loan = disbursed_loan(lw)
    repayment = loan_repay_principal(actor=lw.pgd_staff, loan=loan, amount=1_000_000, on=D(2025, 4, 12))
    LedgerPeriod.objects.create(period="2025-05", status=PeriodStatus.CLOSED, closed_at=timezone.now())
    before = state()
    with pytest.raises(DomainError) as refused:
        loan_event_reverse(actor=lw.pgd_staff, event=repayment, on=D(2025, 5, 12), reason="Sai")
    assert refused.value.field == "on"
    assert "đã khóa sổ" in str(refused.value) and "tháng đang mở" in str(refused.value)
    for kwargs in (
        {"on": D(2025, 4, 11)},                          # before the original
        {"on": D(2025, 6, 2), "reason": "  "},           # no reason
    ):
        with pytest.raises(DomainError):
            loan_event_reverse(actor=lw.pgd_staff, event=repayment, **{"reason": "Sai", **kwargs})
    with pytest.raises(DomainError):                     # association officers do not write loans
        loan_event_reverse(actor=lw.commune_association, event=repayment, on=D(2025, 6, 2), reason="Sai")
    assert state() == before
    loan_event_reverse(actor=lw.pgd_staff, event=repayment, on=D(2025, 6, 2), reason="Sai", idempotency_key="r-1")
    replay = loan_event_reverse(actor=lw.pgd_staff, event=repayment, on=D(2025, 6, 2), reason="Sai",
                                idempotency_key="r-1")
    assert replay.replayed
    after_first = state()
    with pytest.raises(DomainError) as refused:
        loan_event_reverse(actor=lw.pgd_staff, event=repayment, on=D(2025, 6, 3), reason="Sai")
    assert "không đảo lần thứ hai" in str(refused.value)
    reversal = repayment.reversal
    with pytest.raises(DomainError):                     # a reversal is not itself reversible
        loan_event_reverse(actor=lw.pgd_staff, event=reversal, on=D(2025, 6, 3), reason="Sai")
    assert state() == after_first


def test_reversing_an_interest_collection_puts_the_arrears_back(lw):
    loan = disbursed_loan(lw)
    collection = loan_collect_interest(actor=lw.pgd_staff, loan=loan, amount=168_164, on=D(2025, 4, 12))
    assert collection.detail == {"in_term": 168_164, "overdue": 0, "grace": 0}
    loan.refresh_from_db()
    assert (loan.interest_arrears, loan.last_transaction_on) == (0, D(2025, 4, 12))
    loan_event_reverse(actor=lw.pgd_staff, event=collection, on=D(2025, 4, 20), reason="Thu nhầm")
    loan.refresh_from_db()
    assert (loan.interest_arrears_in_term, loan.last_transaction_on) == (168_164, D(2025, 3, 12))
    assert sub_balance(A.INTEREST_RECEIVABLE, loan) == 168_164
    assert_cache_matches_ledger(loan)


def test_reversing_the_repayment_that_closed_a_loan_reopens_it(lw):
    loan = disbursed_loan(lw)
    loan_collect_interest(actor=lw.pgd_staff, loan=loan, amount=168_164, on=D(2025, 4, 12))
    final = loan_repay_principal(actor=lw.pgd_staff, loan=loan, amount=30_000_000, on=D(2025, 4, 12))
    loan.refresh_from_db()
    assert loan.status == LoanStatus.CLOSED
    loan_event_reverse(actor=lw.pgd_staff, event=final, on=D(2025, 4, 14), reason="Tiền giả")
    loan.refresh_from_db()
    # 30M back in the base for 12/04 and 13/04: 30M × 6.6 % × 2/365 = 10,849.3 → 10,849.
    assert (loan.status, loan.closed_on, loan.principal_current, loan.interest_arrears) == (
        LoanStatus.OPEN, None, 30_000_000, 10_849)
    assert_cache_matches_ledger(loan)


def test_reversing_a_disbursement_cancels_the_loan_and_frees_the_approval(lw):
    loan = disbursed_loan(lw)
    application = loan.application
    loan_event_reverse(actor=lw.pgd_staff, event=loan.events.get(kind=LoanEventKind.DISBURSEMENT),
                       on=D(2025, 3, 14), reason="Giải ngân sai số tiền")
    loan.refresh_from_db()
    application.refresh_from_db()
    assert (loan.status, loan.closed_on, loan.outstanding, loan.application_id) == (
        LoanStatus.CLOSED, D(2025, 3, 14), 0, None)
    assert application.status == ApplicationStatus.APPROVED
    assert sub_balance(A.LOAN_CURRENT, loan) == 0
    assert_cache_matches_ledger(loan)
    again = loan_disburse(actor=lw.pgd_staff, application=application, disbursed_on=D(2025, 3, 14),
                          loan_number=next_loan_number(), amount=20_000_000)
    assert (again.outstanding, again.application_id) == (20_000_000, application.pk)


def test_a_disbursement_with_later_operations_is_not_reversed(lw):
    loan = disbursed_loan(lw)
    loan_repay_principal(actor=lw.pgd_staff, loan=loan, amount=1_000_000, on=D(2025, 4, 12))
    before = state()
    with pytest.raises(DomainError) as refused:
        loan_event_reverse(actor=lw.pgd_staff, event=loan.events.get(kind=LoanEventKind.DISBURSEMENT),
                           on=D(2025, 4, 14), reason="Sai")
    assert "Thu nợ gốc" in str(refused.value)
    assert state() == before


def test_reversing_a_repayment_from_savings_gives_the_deposit_back(lw):
    from tests.support_lending import ensure_lending_reference_data, open_savings

    ensure_lending_reference_data()
    loan = disbursed_loan(lw)
    account = open_savings(lw, lw.household_a, on=D(2025, 3, 12), deposit=600_000, actor=lw.pgd_staff)
    repayment = loan_repay_principal(actor=lw.pgd_staff, loan=loan, amount=500_000, on=D(2025, 4, 12),
                                     from_savings=True, savings_account=account.account_number)
    account.balance -= 500_000   # the caller keeps the savings cache (the session desk does it)
    account.save(update_fields=["balance"])
    loan_event_reverse(actor=lw.pgd_staff, event=repayment, on=D(2025, 4, 12), reason="Nhầm tài khoản")
    account.refresh_from_db()
    loan.refresh_from_db()
    assert (account.balance, loan.principal_current) == (600_000, 30_000_000)
    assert balance(A.SAVINGS_105, subledger_type=S.SAVINGS, subledger_key=account.account_number,
                   normal=True) == 600_000
    assert loan.interest_arrears == 0   # reversed the same day: no day out of the base
    assert_cache_matches_ledger(loan)
