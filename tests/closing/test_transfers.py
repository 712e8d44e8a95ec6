"""Step 1 — transfers to overdue at the period end, both installment regimes, as the loans engine would make them."""

import pytest

from tests.closing.support import D, freeze, ledger, loan_of, money_state
from tests.loans.support import assert_cache_matches_ledger
from uythac.closing.runner import close_month
from uythac.ledger.chart import AccountCode as A
from uythac.ledger.models import EntryKind, JournalEntry
from uythac.loans.models import LoanEvent, LoanEventKind
from uythac.loans.services import installment_adjust, loan_extend, loan_repay_principal

pytestmark = pytest.mark.django_db


def close(period, **kwargs):
    return close_month(period=period, close_ledger=False, **kwargs)


def test_old_regime_moves_the_unpaid_balance_once_the_final_maturity_has_passed(cw):
    # 10M, 12 months, one installment due at the session of 12/03/2026 (= final maturity); 4M repaid on it.
    loan = loan_of(cw, cw.household_a, cw.group_a, on=D(2025, 3, 12), amount=10_000_000, term=12, frequency=12)
    not_due = loan_of(cw, cw.household_b, cw.group_b, on=D(2025, 3, 15), amount=20_000_000, term=36)
    loan_repay_principal(actor=cw.admin, loan=loan, amount=4_000_000, on=D(2026, 3, 12))
    close("2026-02")
    assert ledger(A.LOAN_OVERDUE) == 0  # due on 12/03: nothing at the end of February
    close("2026-03")
    assert (ledger(A.LOAN_CURRENT, loan), ledger(A.LOAN_OVERDUE, loan)) == (0, 6_000_000)
    assert (ledger(A.LOAN_CURRENT, not_due), ledger(A.LOAN_OVERDUE, not_due)) == (20_000_000, 0)
    entry = JournalEntry.objects.get(idempotency_key=f"closing:overdue:2026-03:{loan.loan_number}")
    assert (entry.kind, entry.value_date, entry.source_type, entry.source_key) == (
        EntryKind.OVERDUE_TRANSFER, D(2026, 3, 31), "loan", loan.loan_number)
    assert entry.memo == f"Chuyển nợ quá hạn khế ước {loan.loan_number} (14/TD)"
    event = LoanEvent.objects.get(loan=loan, kind=LoanEventKind.OVERDUE_TRANSFER)
    assert (event.form_number, event.happened_on, event.principal_amount, event.journal_entry_id) == (
        "14/TD", D(2026, 3, 31), 6_000_000, entry.pk)
    assert list(loan.installments.values_list("principal_paid", "transferred_to_overdue")) == [(4_000_000, 6_000_000)]
    assert_cache_matches_ledger(loan)
    assert_cache_matches_ledger(not_due)


def test_an_extended_loan_waits_for_its_new_maturity(cw):
    loan = loan_of(cw, cw.household_a, cw.group_a, on=D(2025, 3, 12), amount=10_000_000, term=12, frequency=12)
    loan_extend(actor=cw.admin, loan=loan, months=6, on=D(2026, 3, 10))
    close("2026-03")
    assert ledger(A.LOAN_OVERDUE, loan) == 0
    close("2026-09")
    assert (ledger(A.LOAN_CURRENT, loan), ledger(A.LOAN_OVERDUE, loan)) == (0, 10_000_000)
    assert_cache_matches_ledger(loan)


def test_new_regime_moves_each_unpaid_installment_on_its_own(cw):
    # 20M from 12/03/2026, 24 months every 6: 5M due 12/09/2026, 12/03/2027, 12/09/2027, 12/03/2028.
    loan = loan_of(cw, cw.household_a, cw.group_a, on=D(2026, 3, 12), amount=20_000_000, term=24, frequency=6)
    assert loan.installment_regime == "AUTO_OVERDUE"
    loan_repay_principal(actor=cw.admin, loan=loan, amount=2_000_000, on=D(2026, 9, 12))
    close("2026-08")
    assert ledger(A.LOAN_OVERDUE, loan) == 0
    close("2026-09")
    assert (ledger(A.LOAN_CURRENT, loan), ledger(A.LOAN_OVERDUE, loan)) == (15_000_000, 3_000_000)
    assert list(loan.installments.order_by("number").values_list("principal_paid", "transferred_to_overdue")) == [
        (2_000_000, 3_000_000), (0, 0), (0, 0), (0, 0)]
    close("2026-10")  # nothing new falls due in October
    assert ledger(A.LOAN_OVERDUE, loan) == 3_000_000
    assert LoanEvent.objects.filter(loan=loan, kind=LoanEventKind.OVERDUE_TRANSFER).count() == 1
    assert_cache_matches_ledger(loan)


def test_an_adjusted_installment_goes_overdue_after_its_new_date_only(cw):
    loan = loan_of(cw, cw.household_a, cw.group_a, on=D(2026, 3, 12), amount=20_000_000, term=24, frequency=6)
    installment_adjust(actor=cw.admin, loan=loan, number=1, new_due_on=D(2026, 10, 12), requested_on=D(2026, 9, 3))
    close("2026-09")
    assert ledger(A.LOAN_OVERDUE, loan) == 0
    close("2026-10")
    assert (ledger(A.LOAN_CURRENT, loan), ledger(A.LOAN_OVERDUE, loan)) == (15_000_000, 5_000_000)
    assert loan.installments.get(number=1).transferred_to_overdue == 5_000_000


def test_a_frozen_loan_is_not_transferred(cw):
    loan = loan_of(cw, cw.household_a, cw.group_a, on=D(2025, 3, 12), amount=10_000_000, term=12, frequency=12)
    freeze(loan, D(2025, 12, 1))
    close("2026-03")
    assert (ledger(A.LOAN_FROZEN, loan), ledger(A.LOAN_OVERDUE, loan)) == (10_000_000, 0)


def test_a_rerun_posts_nothing_twice(cw):
    loan = loan_of(cw, cw.household_a, cw.group_a, on=D(2025, 3, 12), amount=10_000_000, term=12, frequency=12)
    close("2026-03")
    before = money_state()
    report = close("2026-03")
    assert [step.status for step in report.steps] == ["skipped"] * (len(report.steps) - 1) + ["not_applicable"]
    assert money_state()["entries"] == before["entries"]
    redo = close("2026-03", redo=True)
    assert redo.steps[0].rows == 0
    after = money_state()
    assert (after["entries"], after["postings"], after["loans"], after["installments"], after["events"]) == (
        before["entries"], before["postings"], before["loans"], before["installments"], before["events"])
    assert ledger(A.LOAN_OVERDUE, loan) == 10_000_000


def test_a_reversed_repayment_does_not_count_as_paid_at_the_transfer(cw):
    # 10M, 12 months, one installment at the session of 12/03/2026; 4M repaid on 12/03 then reversed on 20/03 (a
    # teller's mistake): at the end of March the whole 10M goes overdue, not 6M.
    from uythac.loans.services import loan_event_reverse

    loan = loan_of(cw, cw.household_a, cw.group_a, on=D(2025, 3, 12), amount=10_000_000, term=12, frequency=12)
    repayment = loan_repay_principal(actor=cw.admin, loan=loan, amount=4_000_000, on=D(2026, 3, 12))
    loan_event_reverse(actor=cw.admin, event=repayment, on=D(2026, 3, 20), reason="Nhập nhầm")
    close("2026-03")
    assert (ledger(A.LOAN_CURRENT, loan), ledger(A.LOAN_OVERDUE, loan)) == (0, 10_000_000)
    assert LoanEvent.objects.get(loan=loan, kind=LoanEventKind.OVERDUE_TRANSFER).principal_amount == 10_000_000
    assert_cache_matches_ledger(loan)
