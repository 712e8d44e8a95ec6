"""Risk handling in numbered rounds: dossier states, freeze (stops interest), write-off (closes the loan)."""

import pytest

from tests.loans.support import A, D, S, assert_cache_matches_ledger, disbursed_loan, state, sub_balance
from uythac.core.exceptions import DomainError
from uythac.ledger.selectors import balance, trial_balance
from uythac.loans.models import LoanStatus, RiskCaseState
from uythac.loans.selectors import interest_due, interest_payable
from uythac.loans.services import (
    freeze_months_for,
    loan_collect_interest,
    loan_repay_principal,
    overdue_transfer,
    risk_case_advance,
    risk_case_approve,
    risk_case_propose,
    risk_case_refuse,
    risk_round_close,
    risk_round_open,
)

pytestmark = pytest.mark.django_db


def propose(lw, loan, risk_round, **kwargs):
    values = {"measure": "FREEZE", "cause": "K1", "loss_percent": 60, "risk_on": D(2025, 4, 20),
              "requested_on": D(2025, 5, 1)}
    values.update(kwargs)
    return risk_case_propose(actor=lw.credit_officer, loan=loan, risk_round=risk_round, **values)


def to_proposed(lw, case, minutes_on=None, summary_on=None):
    minutes_on, summary_on = minutes_on or D(2025, 5, 5), summary_on or D(2025, 5, 8)
    risk_case_advance(actor=lw.credit_officer, case=case, on=minutes_on, number="02/XLN-7")
    return risk_case_advance(actor=lw.credit_officer, case=case, on=summary_on, number="TH-3")


def test_rounds_are_numbered_per_branch_and_year(lw):
    first = risk_round_open(actor=lw.pgd_staff, branch=lw.branch, year=2025, opened_on=D(2025, 3, 1))
    second = risk_round_open(actor=lw.pgd_staff, branch="000100", year=2025, opened_on=D(2025, 7, 1))
    third = risk_round_open(actor=lw.pgd_staff, branch=lw.branch, year=2025, opened_on=D(2025, 10, 1))
    other_year = risk_round_open(actor=lw.pgd_staff, branch=lw.branch, year=2026, opened_on=D(2026, 3, 1))
    assert [(r.number, str(r)) for r in (first, second, third, other_year)] == [
        (1, "Đợt I/2025"), (2, "Đợt II/2025"), (3, "Đợt III/2025"), (1, "Đợt I/2026")]
    before = state()
    with pytest.raises(DomainError) as refused:
        risk_round_open(actor=lw.pgd_staff, branch=lw.other_branch, year=2025, opened_on=D(2025, 3, 1))
    assert refused.value.field == "branch"
    with pytest.raises(DomainError):
        risk_round_open(actor=lw.commune_association, branch=lw.branch, year=2025, opened_on=D(2025, 3, 1))
    assert state() == before


@pytest.mark.parametrize(("loss", "cause", "months"), [
    (40, "K1", 36), (79, "K2", 36), (80, "K1", 60), (100, "K2", 60), (90, "K3", 36), (85, "K5", 36), (39, "K1", None),
])
def test_freeze_months_come_from_the_loss_band(lw, loss, cause, months):
    assert freeze_months_for(loss, cause, D(2025, 5, 1)) == months


def test_dossier_states_then_freeze_stops_interest(lw):
    loan = disbursed_loan(lw)
    loan_collect_interest(actor=lw.pgd_staff, loan=loan, amount=168_164, on=D(2025, 4, 12))
    risk_round = risk_round_open(actor=lw.pgd_staff, branch=lw.branch, year=2025, opened_on=D(2025, 4, 1))
    case = propose(lw, loan, risk_round)
    assert (case.state, case.freeze_months, case.principal_amount, case.capital_source) == (
        RiskCaseState.REQUESTED, 36, 30_000_000, "1")
    case = risk_case_advance(actor=lw.credit_officer, case=case, on=D(2025, 5, 5), number="02/XLN-7")
    assert (case.state, case.minutes_number) == (RiskCaseState.MINUTES, "02/XLN-7")
    case = risk_case_advance(actor=lw.credit_officer, case=case, on=D(2025, 5, 8), number="TH-3")
    assert (case.state, case.summary_form) == (RiskCaseState.PROPOSED, "04/XLN")
    risk_case_approve(actor=lw.credit_officer, case=case, decided_on=D(2025, 5, 12), decision_ref="TB 45/NHCS")
    loan.refresh_from_db()
    assert (loan.principal_current, loan.principal_frozen, loan.frozen_on, loan.frozen_until) == (
        0, 30_000_000, D(2025, 5, 12), D(2028, 5, 12))
    assert sub_balance(A.LOAN_FROZEN, loan) == 30_000_000
    # Interest ran until 11/05 (12/04–11/05: 30 days × 6.6 % on 30M = 162,739.73 → 162,740), then stops.
    assert interest_due(loan, D(2025, 5, 12), D(2025, 12, 31)).total == 0
    assert interest_payable(loan, D(2025, 9, 12)).total == 162_740
    assert overdue_transfer(loan=loan, as_of=D(2026, 3, 13)) is None  # frozen debt is not transferred
    assert loan.events.filter(kind="FREEZE").get().months == 36
    assert_cache_matches_ledger(loan)


def test_write_off_closes_the_loan_with_its_interest(lw):
    loan = disbursed_loan(lw)
    loan_collect_interest(actor=lw.pgd_staff, loan=loan, amount=168_164, on=D(2025, 4, 12))
    risk_round = risk_round_open(actor=lw.pgd_staff, branch=lw.branch, year=2025, opened_on=D(2025, 4, 1))
    case = to_proposed(lw, propose(lw, loan, risk_round))
    risk_case_approve(actor=lw.credit_officer, case=case, decided_on=D(2025, 5, 12), decision_ref="TB 45")
    loan_repay_principal(actor=lw.pgd_staff, loan=loan, amount=1_000_000, on=D(2025, 6, 12))  # frozen debt repaid
    write_off = to_proposed(lw, propose(lw, loan, risk_round, measure="WRITE_OFF", cause="K4", loss_percent=100,
                                        risk_on=D(2025, 8, 1), requested_on=D(2025, 8, 5)),
                            minutes_on=D(2025, 8, 6), summary_on=D(2025, 8, 7))
    assert (write_off.summary_form, write_off.principal_amount, write_off.interest_amount) == (
        "05/XLN", 29_000_000, 0)
    risk_case_approve(actor=lw.credit_officer, case=write_off, decided_on=D(2025, 9, 12), decision_ref="TB 77")
    loan.refresh_from_db()
    assert (loan.status, loan.closed_on, loan.outstanding, loan.interest_arrears) == (
        LoanStatus.WRITTEN_OFF, D(2025, 9, 12), 0, 0)
    # 29M principal + 162,740 interest arrears accrued until the freeze.
    assert sub_balance(A.WRITE_OFF_LOSS, loan) == 29_000_000 + 162_740
    event = loan.events.get(kind="WRITE_OFF")
    assert (event.principal_amount, event.interest_amount) == (29_000_000, 162_740)
    assert trial_balance().total == 0
    assert_cache_matches_ledger(loan)
    before = state()
    with pytest.raises(DomainError) as refused:
        loan_collect_interest(actor=lw.pgd_staff, loan=loan, amount=1_000, on=D(2025, 10, 12))
    assert "xóa nợ" in refused.value.text()
    with pytest.raises(DomainError):
        loan_repay_principal(actor=lw.pgd_staff, loan=loan, amount=1_000, on=D(2025, 10, 12))
    assert state() == before
    assert balance(A.CASH_TELLER, subledger_type=S.OFFICE, subledger_key="000101") == -29_000_000
    risk_round_close(actor=lw.pgd_staff, risk_round=risk_round, closed_on=D(2025, 10, 1), decision_ref="TB 80")


def test_extension_measure_moves_the_maturity(lw):
    loan = disbursed_loan(lw, term=12, frequency=12)
    risk_round = risk_round_open(actor=lw.pgd_staff, branch=lw.branch, year=2026, opened_on=D(2026, 1, 5))
    case = to_proposed(lw, propose(lw, loan, risk_round, measure="EXTENSION", loss_percent=30,
                                   risk_on=D(2026, 1, 10), requested_on=D(2026, 1, 12), extension_months=6),
                       minutes_on=D(2026, 1, 13), summary_on=D(2026, 1, 14))
    assert case.summary_form == "03/XLN"
    risk_case_approve(actor=lw.credit_officer, case=case, decided_on=D(2026, 1, 20), decision_ref="TB 3")
    loan.refresh_from_db()
    assert loan.current_maturity == D(2026, 9, 12)


def test_refused_risk_steps_change_nothing(lw):
    loan = disbursed_loan(lw)
    risk_round = risk_round_open(actor=lw.pgd_staff, branch=lw.branch, year=2025, opened_on=D(2025, 4, 1))
    before = state()
    with pytest.raises(DomainError) as refused:
        propose(lw, loan, risk_round, loss_percent=30)  # below 40 %: extension only
    assert refused.value.field == "loss_percent"
    with pytest.raises(DomainError) as refused:
        propose(lw, loan, risk_round, principal_amount=31_000_000)
    assert refused.value.field == "principal_amount"
    with pytest.raises(DomainError):
        propose(lw, loan, risk_round, measure="EXTENSION")  # months missing
    assert state() == before
    case = propose(lw, loan, risk_round)
    before = state()
    with pytest.raises(DomainError):
        propose(lw, loan, risk_round)  # one pending case per loan
    with pytest.raises(DomainError) as refused:
        risk_case_approve(actor=lw.credit_officer, case=case, decided_on=D(2025, 5, 12), decision_ref="x")
    assert refused.value.field == "case"
    with pytest.raises(DomainError):
        risk_round_close(actor=lw.pgd_staff, risk_round=risk_round, closed_on=D(2025, 6, 1), decision_ref="TB")
    assert state() == before
    risk_case_refuse(actor=lw.credit_officer, case=case, decided_on=D(2025, 5, 20), reason="Nguyên nhân chủ quan")
    case.refresh_from_db()
    assert case.state == RiskCaseState.REFUSED
