"""Hand-computed interest on real loans (ACT/365, rounded once per bucket, half-up to the đồng)."""

import pytest

from tests.loans.support import A, D, assert_cache_matches_ledger, disbursed_loan, make_poor, sub_balance
from uythac.core.exceptions import DomainError
from uythac.loans.selectors import interest_due, interest_payable
from uythac.loans.services import interest_accrue, loan_collect_interest, loan_repay_principal

pytestmark = pytest.mark.django_db


def hcmc_loan(lw, **kwargs):
    """A loan in province 79 (TP Hồ Chí Minh): outside the 2025 storm-relief area, so only the cut applies."""
    make_poor(lw.household_c, 2025)
    return disbursed_loan(lw, actor=lw.admin, household=lw.household_c, group=lw.group_c, **kwargs)


def test_interest_across_the_cut_of_01_12_2025_on_a_real_loan(lw):
    loan = hcmc_loan(lw, amount=20_000_000, disbursed_on=D(2025, 11, 15))
    # 15/11–30/11: 16 days at 6.6 %; 01/12–14/12: 14 days at 6.24 %:
    # 20,000,000 × (6.6 % × 16 + 6.24 % × 14) / 365 = 38,592,000 / 365 = 105,731.51 → 105,732.
    assert interest_payable(loan, D(2025, 12, 15)).total == 105_732
    loan_collect_interest(actor=lw.admin, loan=loan, amount=105_732, on=D(2025, 12, 15))
    assert sub_balance(A.INTEREST_INCOME, loan) == -105_732
    assert sub_balance(A.INTEREST_RECEIVABLE, loan) == 0
    assert_cache_matches_ledger(loan)


def test_storm_relief_lowers_the_rate_in_ha_noi_on_both_sides_of_the_cut(lw):
    loan = disbursed_loan(lw, amount=20_000_000, disbursed_on=D(2025, 11, 15))
    # Hà Nội: −2 points from 01/10 to 31/12/2025 on the rate in force each day: 4.6 % then 4.24 %.
    # 20,000,000 × (4.6 % × 16 + 4.24 % × 14) / 365 = 26,592,000 / 365 = 72,854.79 → 72,855.
    assert interest_due(loan, D(2025, 11, 15), D(2025, 12, 14)).in_term == 72_855
    # January 2026: 6.24 % again, 31 days: 20M × 6.24 % × 31 / 365 = 105,994.52 → 105,995.
    assert interest_due(loan, D(2026, 1, 1), D(2026, 1, 31)).in_term == 105_995


def test_month_end_accrual_posts_receivable_and_income_once(lw):
    loan = disbursed_loan(lw, amount=30_000_000)
    accrual = interest_accrue(loan=loan, period="2025-03")
    # 12/03–31/03/2025: 20 days × 6.6 % on 30M = 108,493.15 → 108,493.
    assert (accrual.start, accrual.end, accrual.buckets.in_term) == (D(2025, 3, 12), D(2025, 3, 31), 108_493)
    assert accrual.entry.value_date == D(2025, 3, 31)
    assert interest_accrue(loan=loan, period="2025-03") is None  # nothing left to accrue
    loan.refresh_from_db()
    assert (loan.interest_accrued_through, loan.interest_arrears_in_term) == (D(2025, 3, 31), 108_493)
    assert sub_balance(A.INTEREST_RECEIVABLE, loan) == 108_493
    # A repayment dated in the accrued period would change interest already posted: refused.
    with pytest.raises(DomainError) as refused:
        loan_repay_principal(actor=lw.pgd_staff, loan=loan, amount=1_000_000, on=D(2025, 3, 31))
    assert refused.value.field == "on"
    # The session of 12/04: arrears 108,493 + 01/04–11/04 (11 days: 59,671.23 → 59,671).
    assert interest_payable(loan, D(2025, 4, 12)).total == 108_493 + 59_671
    loan_collect_interest(actor=lw.pgd_staff, loan=loan, amount=100_000, on=D(2025, 4, 12))
    loan.refresh_from_db()
    assert loan.interest_arrears_in_term == 108_493 + 59_671 - 100_000
    assert_cache_matches_ledger(loan)


def test_grace_period_interest_is_kept_apart(lw):
    # Poor-household housing, phase 2 (program 07): 25M, 15 years with 5 years' grace, 3 %/yr.
    loan = disbursed_loan(lw, program="07", category="PHASE_2", amount=25_000_000, term=180, frequency=12)
    assert loan.grace_months == 60
    first = loan.installments.order_by("number").first()
    assert first.due_on == D(2031, 3, 12)
    # 12/03–11/04/2025 inside the grace period: 25M × 3 % × 31 / 365 = 63,698.63 → 63,699, grace bucket.
    due = interest_due(loan, D(2025, 3, 12), D(2025, 4, 11))
    assert (due.in_term, due.overdue, due.grace) == (0, 0, 63_699)
    loan_collect_interest(actor=lw.pgd_staff, loan=loan, amount=60_000, on=D(2025, 4, 12))
    loan.refresh_from_db()
    assert (loan.interest_arrears_grace, loan.interest_arrears_in_term) == (3_699, 0)
    assert_cache_matches_ledger(loan)
