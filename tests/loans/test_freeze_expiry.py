"""Freeze expiry: one loan at the desk and set-based for the month-end close; the expiry lists.

Loan of the support world: 30,000,000 VND, program 01, disbursed 12/03/2025, 6.6 %/yr until 30/11/2025 and
6.24 %/yr from 01/12/2025 (overdue rate 130 %: 8.112 %/yr), ACT/365. The freeze bands are shortened to 12 months in
these tests (rule data) so that the expiry falls before today.
"""

import pytest

from tests.loans.support import A, D, assert_cache_matches_ledger, disbursed_loan, state, sub_balance
from uythac.core.exceptions import DomainError
from uythac.core.models import AuditEvent, RuleValue
from uythac.ledger.models import EntryKind, JournalEntry
from uythac.loans.freeze_expiry import freezes_expired, freezes_expiring, freezes_expiring_next_month
from uythac.loans.models import Loan, LoanEvent, LoanEventKind
from uythac.loans.selectors import interest_due
from uythac.loans.services import (
    expire_freezes,
    freeze_expire,
    risk_case_advance,
    risk_case_approve,
    risk_case_propose,
    risk_round_open,
)

pytestmark = pytest.mark.django_db


MAY_12_2025 = D(2025, 5, 12)


def frozen_loan(lw, *, months=12, decided_on=MAY_12_2025, **kwargs):
    RuleValue.objects.filter(key="loans.risk.freeze_bands").update(
        value={"bands": [{"min": 40, "max": 79, "months": months}, {"min": 80, "max": 100, "months": months}]})
    loan = disbursed_loan(lw, **kwargs)
    risk_round = risk_round_open(actor=lw.pgd_staff, branch=lw.branch, year=2025, opened_on=D(2025, 4, 1))
    case = risk_case_propose(actor=lw.credit_officer, loan=loan, risk_round=risk_round, measure="FREEZE",
                             cause="K1", loss_percent=60, risk_on=D(2025, 4, 20), requested_on=D(2025, 5, 1))
    risk_case_advance(actor=lw.credit_officer, case=case, on=D(2025, 5, 5), number="02/XLN-1")
    risk_case_advance(actor=lw.credit_officer, case=case, on=D(2025, 5, 8), number="TH-1")
    risk_case_approve(actor=lw.credit_officer, case=case, decided_on=decided_on, decision_ref="TB 1")
    loan.refresh_from_db()
    return loan


def test_freeze_expire_returns_the_frozen_principal_to_overdue_and_interest_resumes(lw):
    loan = frozen_loan(lw)
    assert (loan.principal_frozen, loan.frozen_until) == (30_000_000, D(2026, 5, 12))
    event = freeze_expire(actor=lw.credit_officer, loan=loan, on=D(2026, 5, 12))
    loan.refresh_from_db()
    assert (loan.principal_current, loan.principal_overdue, loan.principal_frozen) == (0, 30_000_000, 0)
    assert (sub_balance(A.LOAN_FROZEN, loan), sub_balance(A.LOAN_OVERDUE, loan)) == (0, 30_000_000)
    assert (event.kind, event.principal_amount, event.old_date, event.journal_entry.kind) == (
        LoanEventKind.FREEZE_EXPIRY, 30_000_000, D(2026, 5, 12), EntryKind.UNFREEZE)
    assert event.journal_entry.idempotency_key == f"loan:unfreeze:{loan.loan_number}:2026-05-12"
    # Nothing accrues while frozen; from 12/05/2026 the overdue rate: 30M × 8.112 % × 20/365 = 133,347.9 → 133,348.
    assert interest_due(loan, D(2025, 5, 12), D(2026, 5, 11)).total == 0
    buckets = interest_due(loan, D(2026, 5, 12), D(2026, 5, 31))
    assert (buckets.overdue, buckets.in_term) == (133_348, 0)
    assert AuditEvent.objects.filter(action="freeze_expire", object_key=loan.loan_number).count() == 1
    assert_cache_matches_ledger(loan)


def test_freeze_expire_refusals_change_nothing(lw):
    loan = frozen_loan(lw)
    other = disbursed_loan(lw)
    before = state()
    for kwargs, field in (
        ({"loan": loan, "on": D(2026, 5, 11)}, "on"),          # one day before the expiry
        ({"loan": other, "on": D(2026, 5, 12)}, "loan"),       # not frozen
    ):
        with pytest.raises(DomainError) as refused:
            freeze_expire(actor=lw.credit_officer, **kwargs)
        assert refused.value.field == field
    with pytest.raises(DomainError):
        freeze_expire(actor=lw.commune_association, loan=loan, on=D(2026, 5, 12))
    assert "chưa hết hạn khoanh" in str(pytest.raises(DomainError, freeze_expire, actor=lw.credit_officer,
                                                      loan=loan, on=D(2026, 5, 1)).value)
    assert state() == before


def test_expire_freezes_is_set_based_idempotent_and_dates_each_loan_at_its_expiry(lw):
    early = frozen_loan(lw, months=12, decided_on=D(2025, 5, 12))
    late = frozen_loan(lw, months=12, decided_on=D(2025, 5, 20))
    not_yet = frozen_loan(lw, months=13, decided_on=D(2025, 5, 20))   # expires 20/06/2026
    assert expire_freezes(on=D(2026, 5, 31), scope=("c.province_id = %s", [lw.other_province.pk])) == 0
    assert expire_freezes(on=D(2026, 5, 31)) == 2
    for loan, expiry in ((early, D(2026, 5, 12)), (late, D(2026, 5, 20))):
        loan.refresh_from_db()
        assert (loan.principal_overdue, loan.principal_frozen) == (30_000_000, 0)
        event = LoanEvent.objects.get(loan=loan, kind=LoanEventKind.FREEZE_EXPIRY)
        assert (event.happened_on, event.principal_amount, event.journal_entry.value_date) == (
            expiry, 30_000_000, expiry)
        assert_cache_matches_ledger(loan)
    not_yet.refresh_from_db()
    assert (not_yet.principal_frozen, not_yet.frozen_until) == (30_000_000, D(2026, 6, 20))
    entries = JournalEntry.objects.count()
    assert expire_freezes(on=D(2026, 5, 31)) == 0
    assert JournalEntry.objects.count() == entries
    # The desk service on an already unfrozen loan: nothing frozen any more.
    with pytest.raises(DomainError):
        freeze_expire(actor=lw.credit_officer, loan=early, on=D(2026, 5, 31))


def test_expire_freezes_posts_on_the_first_day_when_the_expiry_month_was_missed(lw):
    loan = frozen_loan(lw, decided_on=D(2025, 5, 12))
    assert expire_freezes(on=D(2026, 6, 30)) == 1
    event = LoanEvent.objects.get(loan=loan, kind=LoanEventKind.FREEZE_EXPIRY)
    assert (event.happened_on, event.old_date) == (D(2026, 6, 1), D(2026, 5, 12))


def test_expiry_lists(lw):
    early = frozen_loan(lw, months=12, decided_on=D(2025, 5, 12))
    late = frozen_loan(lw, months=13, decided_on=D(2025, 5, 20))
    loans = Loan.objects.all()
    assert list(freezes_expiring_next_month(loans, D(2026, 4, 15))) == [early]
    assert list(freezes_expiring_next_month(loans, D(2026, 5, 31))) == [late]
    assert list(freezes_expiring(loans, D(2026, 5, 1), D(2026, 6, 30))) == [early, late]
    assert list(freezes_expired(loans, D(2026, 5, 12))) == [early]
    freeze_expire(actor=lw.credit_officer, loan=early, on=D(2026, 5, 12))
    assert list(freezes_expired(loans, D(2026, 6, 30))) == [late]
