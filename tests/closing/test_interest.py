"""Interest arrears at the period end computed set-based, equal to the loans engine's ``interest_due``: across the
rate cut of 01/12/2025, with a grace period, and when interest was collected after the period end before the close."""

import pytest

from tests.closing.support import D, loan_of, snapshot_of
from uythac.closing.runner import close_month
from uythac.closing.steps.interest import rate_scale
from uythac.core.exceptions import DomainError
from uythac.loans.models import Loan
from uythac.loans.selectors import accrual_window_start, interest_due, interest_payable
from uythac.loans.services import loan_collect_interest

pytestmark = pytest.mark.django_db


def engine_arrears(loan: Loan, end: D) -> tuple[int, int, int]:
    loan.refresh_from_db()
    due = interest_due(loan, accrual_window_start(loan), end)
    return (loan.interest_arrears_in_term + due.in_term, loan.interest_arrears_overdue + due.overdue,
            loan.interest_arrears_grace + due.grace)


def arrears(period: str, loan: Loan) -> tuple[int, int, int]:
    row = snapshot_of(period, loan)
    return row.interest_arrears_in_term, row.interest_arrears_overdue, row.interest_arrears_grace


def test_a_window_across_the_rate_cut_of_1_december_2025_and_the_storm_relief(cw):
    # 20M from 15/11/2025 to 31/12/2025: 16 days at the November rate, 31 days at the rate cut of 01/12/2025.
    hanoi = loan_of(cw, cw.household_a, cw.group_a, on=D(2025, 11, 15), amount=20_000_000)
    saigon = loan_of(cw, cw.household_c, cw.group_c, on=D(2025, 11, 15), amount=20_000_000)
    close_month(period="2025-12", close_ledger=False)
    # Hồ Chí Minh City: 20,000,000 × (6.6 % × 16 + 6.24 % × 31) / 365 = 59,808,000 / 365 = 163,857.5 → 163,858.
    assert arrears("2025-12", saigon) == (163_858, 0, 0) == engine_arrears(saigon, D(2025, 12, 31))
    # Hà Nội is under the storm relief (−2 points, 01/10–31/12/2025, added to the rate in force each day):
    # 20,000,000 × (4.6 % × 16 + 4.24 % × 31) / 365 = 41,008,000 / 365 = 112,350.7 → 112,351.
    assert arrears("2025-12", hanoi) == (112_351, 0, 0) == engine_arrears(hanoi, D(2025, 12, 31))


def test_interest_collected_during_the_window_restarts_it(cw):
    loan = loan_of(cw, cw.household_a, cw.group_a, on=D(2026, 3, 12), amount=20_000_000)
    loan_collect_interest(actor=cw.admin, loan=loan, amount=100_000, on=D(2026, 9, 12))
    close_month(period="2026-09", close_ledger=False)
    assert arrears("2026-09", loan) == engine_arrears(loan, D(2026, 9, 30))
    loan.refresh_from_db()
    assert loan.interest_accrued_through == D(2026, 9, 11)  # the close posted nothing


def test_a_grace_period_keeps_its_own_bucket(cw):
    loan = loan_of(cw, cw.household_a, cw.group_a, on=D(2026, 3, 12), amount=20_000_000)
    Loan.objects.filter(pk=loan.pk).update(grace_months=6)  # grace to 11/09/2026 (as a program with grace has)
    close_month(period="2026-09", close_ledger=False)
    in_term, overdue, grace = arrears("2026-09", loan)
    # 12/03–11/09: 184 days of grace, 229,632,000 / 365 = 629,128.8; 12/09–30/09: 19 days in term,
    # 23,712,000 / 365 = 64,964.4 (20M × 6.24 % a year).
    assert (in_term, overdue, grace) == (64_964, 0, 629_129) == engine_arrears(loan, D(2026, 9, 30))


def test_closing_after_a_collection_of_the_next_month_still_counts_the_period_s_days(cw):
    loan = loan_of(cw, cw.household_a, cw.group_a, on=D(2026, 3, 12), amount=20_000_000)
    at_end = interest_payable(loan, D(2026, 10, 1))  # what the borrower owed at the end of 30/09
    loan_collect_interest(actor=cw.admin, loan=loan, amount=300_000, on=D(2026, 10, 5))
    close_month(period="2026-09", close_ledger=False)
    assert sum(arrears("2026-09", loan)) == at_end.total


def test_the_rate_scale_is_the_smallest_that_keeps_rates_whole():
    from decimal import Decimal

    assert rate_scale([Decimal("6.24"), Decimal("8.112")]) == 1_000
    assert rate_scale([Decimal("7.488"), Decimal("9.7344")]) == 10_000
    assert rate_scale([Decimal("3")]) == 1
    with pytest.raises(DomainError):
        rate_scale([Decimal("6.1234567")])
