"""Changes to a loan, hand-computed: extension limits, overdue transfer in both installment regimes, 08/TD
adjustment, overdue interest, moved away."""

import pytest

from tests.loans.support import A, D, assert_cache_matches_ledger, disbursed_loan, make_poor, state, sub_balance
from uythac.core.exceptions import DomainError
from uythac.loans.models import LoanEventKind
from uythac.loans.selectors import interest_due
from uythac.loans.services import (
    installment_adjust,
    loan_extend,
    loan_mark_moved_away,
    loan_repay_principal,
    overdue_transfer,
)

pytestmark = pytest.mark.django_db


# --- extension ---------------------------------------------------------------------------------------------------


def test_a_short_term_loan_may_be_extended_by_12_months_at_most(lw):
    loan = disbursed_loan(lw, term=12, frequency=12)
    assert loan.contract_maturity == D(2026, 3, 12)
    event = loan_extend(actor=lw.credit_officer, loan=loan, months=12, on=D(2026, 3, 1), form_number="TBPD_GHNO-1")
    loan.refresh_from_db()
    assert (event.kind, event.months, event.old_date, event.new_date) == (
        LoanEventKind.EXTENSION, 12, D(2026, 3, 12), D(2027, 3, 12))
    assert (loan.contract_maturity, loan.current_maturity) == (D(2026, 3, 12), D(2027, 3, 12))
    last = loan.installments.get()
    assert (last.due_on, last.original_due_on) == (D(2027, 3, 12), D(2026, 3, 12))
    before = state()
    with pytest.raises(DomainError) as refused:
        loan_extend(actor=lw.credit_officer, loan=loan, months=1, on=D(2026, 3, 2))
    assert "tối đa 12 tháng" in refused.value.text()
    assert state() == before


def test_a_medium_term_loan_may_be_extended_by_half_its_term_in_several_steps(lw):
    make_poor(lw.household_a, 2023)
    loan = disbursed_loan(lw, term=36, frequency=12, disbursed_on=D(2023, 11, 12))
    assert loan.contract_maturity == D(2026, 11, 12)
    loan_extend(actor=lw.credit_officer, loan=loan, months=10, on=D(2026, 11, 1))
    loan_extend(actor=lw.credit_officer, loan=loan, months=8, on=D(2026, 11, 2))
    # 36 months → at most 18, counted from the contract maturity: 12/11/2026 + 18 → 12/05/2028.
    loan.refresh_from_db()
    assert loan.current_maturity == D(2028, 5, 12)
    assert loan.installments.order_by("-number").first().due_on == D(2028, 5, 12)
    before = state()
    with pytest.raises(DomainError) as refused:
        loan_extend(actor=lw.credit_officer, loan=loan, months=1, on=D(2026, 11, 3))
    assert refused.value.field == "months"
    assert "tối đa 18 tháng" in refused.value.text()
    assert state() == before


def test_extension_limits_add_up_from_the_contract_maturity(lw):
    make_poor(lw.household_a, 2024)
    loan = disbursed_loan(lw, term=24, frequency=12, disbursed_on=D(2024, 11, 12))
    assert loan.contract_maturity == D(2026, 11, 12)
    loan_extend(actor=lw.credit_officer, loan=loan, months=8, on=D(2026, 11, 1))
    before = state()
    with pytest.raises(DomainError) as refused:
        loan_extend(actor=lw.credit_officer, loan=loan, months=5, on=D(2026, 11, 2))
    assert refused.value.field == "months"
    assert "tối đa 12 tháng" in refused.value.text() and "đã gia hạn 8 tháng" in refused.value.text()
    assert state() == before
    loan_extend(actor=lw.credit_officer, loan=loan, months=4, on=D(2026, 11, 2))
    loan.refresh_from_db()
    assert loan.current_maturity == D(2027, 11, 12)


def test_no_extension_after_the_maturity_has_passed(lw):
    loan = disbursed_loan(lw, term=12, frequency=12)
    before = state()
    with pytest.raises(DomainError) as refused:
        loan_extend(actor=lw.credit_officer, loan=loan, months=3, on=D(2026, 3, 13))
    assert refused.value.field == "on"
    assert state() == before


# --- transfer to overdue, loans disbursed before 01/03/2026 (whole balance at final maturity) -----------------


def test_old_regime_rolls_an_unpaid_installment_into_the_next(lw):
    loan = disbursed_loan(lw, term=36, frequency=12)
    assert loan.installment_regime == "ROLL_INTO_NEXT"
    assert overdue_transfer(loan=loan, as_of=D(2026, 3, 13)) is None
    assert sub_balance(A.LOAN_OVERDUE, loan) == 0


def test_old_regime_moves_the_whole_unpaid_balance_the_day_after_final_maturity(lw):
    loan = disbursed_loan(lw, term=12, frequency=12, amount=10_000_000)
    loan_repay_principal(actor=lw.pgd_staff, loan=loan, amount=4_000_000, on=D(2026, 3, 12))
    assert overdue_transfer(loan=loan, as_of=D(2026, 3, 12)) is None
    event = overdue_transfer(loan=loan, as_of=D(2026, 3, 13))
    assert (event.kind, event.form_number, event.principal_amount, event.happened_on) == (
        LoanEventKind.OVERDUE_TRANSFER, "14/TD", 6_000_000, D(2026, 3, 13))
    assert (sub_balance(A.LOAN_CURRENT, loan), sub_balance(A.LOAN_OVERDUE, loan)) == (0, 6_000_000)
    assert loan.installments.get().transferred_to_overdue == 6_000_000
    assert overdue_transfer(loan=loan, as_of=D(2026, 3, 14)) is None  # nothing more to move
    assert_cache_matches_ledger(loan)


def test_an_extended_loan_is_not_transferred_at_its_contract_maturity(lw):
    loan = disbursed_loan(lw, term=12, frequency=12, amount=10_000_000)
    loan_extend(actor=lw.credit_officer, loan=loan, months=6, on=D(2026, 3, 10))
    assert overdue_transfer(loan=loan, as_of=D(2026, 3, 13)) is None
    event = overdue_transfer(loan=loan, as_of=D(2026, 9, 13))
    assert event.principal_amount == 10_000_000


# --- loans disbursed from 01/03/2026: each unpaid installment goes overdue on its own (597/NHCS-TDNN) -----------


def new_regime_loan(lw):
    # 20M, 24 months, every 6 months, session day 12 → 5M due 12/09/2026, 12/03/2027, 12/09/2027, 12/03/2028.
    return disbursed_loan(lw, term=24, frequency=6, amount=20_000_000, disbursed_on=D(2026, 3, 12))


def test_new_regime_moves_an_unpaid_installment_to_overdue(lw):
    loan = new_regime_loan(lw)
    assert loan.installment_regime == "AUTO_OVERDUE"
    assert list(loan.installments.values_list("due_on", "principal")) == [
        (D(2026, 9, 12), 5_000_000), (D(2027, 3, 12), 5_000_000), (D(2027, 9, 12), 5_000_000),
        (D(2028, 3, 12), 5_000_000)]
    loan_repay_principal(actor=lw.pgd_staff, loan=loan, amount=2_000_000, on=D(2026, 9, 12))
    assert overdue_transfer(loan=loan, as_of=D(2026, 9, 12)) is None
    event = overdue_transfer(loan=loan, as_of=D(2026, 9, 13))
    assert event.principal_amount == 3_000_000
    assert (sub_balance(A.LOAN_CURRENT, loan), sub_balance(A.LOAN_OVERDUE, loan)) == (15_000_000, 3_000_000)
    assert list(loan.installments.values_list("principal_paid", "transferred_to_overdue")) == [
        (2_000_000, 3_000_000), (0, 0), (0, 0), (0, 0)]
    # 13/09–12/10/2026 (30 days): in-term 15M × 6.24 % = 76,931.51 → 76,932; overdue 3M × 130 % × 6.24 %
    # = 8.112 %: 20,002.19 → 20,002.
    due = interest_due(loan, D(2026, 9, 13), D(2026, 10, 12))
    assert (due.in_term, due.overdue, due.grace) == (76_932, 20_002, 0)
    # Repayment settles the overdue first.
    loan_repay_principal(actor=lw.pgd_staff, loan=loan, amount=3_500_000, on=D(2026, 10, 12))
    assert (sub_balance(A.LOAN_CURRENT, loan), sub_balance(A.LOAN_OVERDUE, loan)) == (14_500_000, 0)
    assert_cache_matches_ledger(loan)


def test_an_adjusted_installment_does_not_go_overdue_on_its_old_date(lw):
    loan = new_regime_loan(lw)
    event = installment_adjust(actor=lw.credit_officer, loan=loan, number=1, new_due_on=D(2026, 10, 12),
                               requested_on=D(2026, 9, 3))
    assert (event.kind, event.form_number, event.installment_number, event.old_date, event.new_date) == (
        LoanEventKind.ADJUSTMENT, "08/TD", 1, D(2026, 9, 12), D(2026, 10, 12))
    first = loan.installments.get(number=1)
    assert (first.due_on, first.original_due_on, first.adjustment_count) == (D(2026, 10, 12), D(2026, 9, 12), 1)
    assert overdue_transfer(loan=loan, as_of=D(2026, 9, 13)) is None
    assert overdue_transfer(loan=loan, as_of=D(2026, 10, 13)).principal_amount == 5_000_000


@pytest.mark.parametrize(
    ("number", "new_due_on", "requested_on", "field"),
    [
        (1, D(2027, 3, 13), D(2026, 9, 1), "new_due_on"),  # after the next installment
        (1, D(2026, 9, 10), D(2026, 9, 1), "new_due_on"),  # earlier, not later
        (1, D(2026, 10, 1), D(2026, 9, 13), "requested_on"),  # the due date has passed
        (4, D(2028, 4, 1), D(2026, 9, 1), "new_due_on"),  # past the final maturity
        (9, D(2026, 10, 1), D(2026, 9, 1), "number"),
    ],
)
def test_refused_adjustments_change_nothing(lw, number, new_due_on, requested_on, field):
    loan = new_regime_loan(lw)
    before = state()
    with pytest.raises(DomainError) as refused:
        installment_adjust(actor=lw.credit_officer, loan=loan, number=number, new_due_on=new_due_on,
                           requested_on=requested_on)
    assert refused.value.field == field
    assert state() == before


def test_moved_away_is_recorded_on_the_loan_and_the_household(lw):
    loan = disbursed_loan(lw)
    event = loan_mark_moved_away(actor=lw.credit_officer, loan=loan, moved_away_on=D(2025, 8, 1), note="Đi Bình Dương")
    loan.refresh_from_db()
    lw.household_a.refresh_from_db()
    assert (event.kind, loan.moved_away_on, lw.household_a.moved_away_on) == (
        LoanEventKind.MOVED_AWAY, D(2025, 8, 1), D(2025, 8, 1))
    before = state()
    with pytest.raises(DomainError):
        loan_mark_moved_away(actor=lw.credit_officer, loan=loan, moved_away_on=D(2025, 8, 2))
    assert state() == before
