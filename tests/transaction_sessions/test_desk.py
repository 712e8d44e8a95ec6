"""The session desk calls the loans and savings services with the session's till and files the entries."""

import pytest

from tests.loans.support import approved_application, make_poor, next_loan_number
from tests.transaction_sessions.support import SESSION_DAY
from tests.transaction_sessions.test_batches import everything, lines
from uythac.core.exceptions import DomainError
from uythac.ledger.models import JournalEntry
from uythac.loans.models import Loan
from uythac.savings.models import MemberSavingsAccount
from uythac.transaction_sessions.models import SessionEntry
from uythac.transaction_sessions.services import (
    session_collect_interest,
    session_disburse,
    session_repay_principal,
    session_savings_withdraw,
)

pytestmark = pytest.mark.django_db


def test_disbursement_at_the_session_pays_from_the_till_once(scene):
    w, session = scene.world, scene.session
    borrower = w.group_a.test_members[4]
    make_poor(borrower, 2025)
    application = approved_application(w, household=borrower, amount=20_000_000)
    number = next_loan_number()
    loan = session_disburse(actor=w.credit_officer, session=session, application=application, loan_number=number)
    entry = JournalEntry.objects.get(kind="DISBURSEMENT", postings__subledger_key=number)
    assert lines(entry) == [("CASH_TELLER", -20_000_000, "session", str(session.pk)),
                            ("LOAN_CURRENT", 20_000_000, "loan", number)]
    assert (loan.disbursed_on, loan.disbursement_session_key) == (SESSION_DAY, str(session.pk))
    assert SessionEntry.objects.get(entry=entry).purpose == "DISBURSEMENT"
    before = everything()
    with pytest.raises(DomainError, match="đã được giải ngân .* không giải ngân lần thứ hai"):
        session_disburse(actor=w.credit_officer, session=session, application=application,
                         loan_number=next_loan_number())
    assert everything() == before


def test_principal_in_cash_and_from_savings(scene):
    w, session = scene.world, scene.session
    cash = session_repay_principal(actor=w.credit_officer, session=session, loan=scene.loan.loan_number,
                                   amount=3_000_000)
    assert lines(cash.journal_entry) == [("CASH_TELLER", 3_000_000, "session", str(session.pk)),
                                         ("LOAN_CURRENT", -3_000_000, "loan", scene.loan.loan_number)]
    saved = session_repay_principal(actor=w.credit_officer, session=session, loan=scene.loan, amount=400_000,
                                    from_savings=True, savings_account=scene.borrower_savings.account_number)
    assert saved.journal_entry.kind == "REPAID_FROM_SAVINGS"
    assert MemberSavingsAccount.objects.get(pk=scene.borrower_savings.pk).balance == 200_000
    assert Loan.objects.get(pk=scene.loan.pk).outstanding == 26_600_000
    assert sorted(SessionEntry.objects.filter(session=session).values_list("purpose", "amount")) == [
        ("CASH_OPEN", 50_000_000), ("FROM_SAVINGS", 400_000), ("PRINCIPAL", 3_000_000)]


def test_desk_refusals_change_nothing(scene):
    w, session = scene.world, scene.session
    before = everything()
    with pytest.raises(DomainError, match="lớn hơn dư nợ của món vay"):
        session_repay_principal(actor=w.credit_officer, session=session, loan=scene.loan, amount=30_000_001)
    with pytest.raises(DomainError, match="Số tiền trả nợ gốc phải lớn hơn 0"):
        session_repay_principal(actor=w.credit_officer, session=session, loan=scene.loan, amount=0)
    with pytest.raises(DomainError, match="không phải của hộ vay"):
        session_repay_principal(actor=w.credit_officer, session=session, loan=scene.loan, amount=1_000,
                                from_savings=True, savings_account=scene.saver_savings)
    with pytest.raises(DomainError, match="không đủ để trả"):
        session_repay_principal(actor=w.credit_officer, session=session, loan=scene.loan, amount=600_001,
                                from_savings=True, savings_account=scene.borrower_savings)
    with pytest.raises(DomainError, match="Không tìm thấy khế ước 6699999999999999 trong phạm vi"):
        session_repay_principal(actor=w.credit_officer, session=session, loan="6699999999999999", amount=1_000)
    with pytest.raises(DomainError, match="vượt số dư tài khoản"):
        session_savings_withdraw(actor=w.credit_officer, session=session, account=scene.saver_savings, amount=1)
    with pytest.raises(DomainError, match="Chỉ cán bộ tín dụng, cán bộ phòng giao dịch"):
        session_collect_interest(actor=w.commune_viewer, session=session, loan=scene.loan, amount=1_000)
    assert everything() == before


def test_interest_at_the_counter(scene):
    w, session = scene.world, scene.session
    event = session_collect_interest(actor=w.pgd_staff, session=session, loan=scene.loan, amount=168_164)
    assert lines(event.journal_entry) == [("CASH_TELLER", 168_164, "session", str(session.pk)),
                                          ("INTEREST_RECEIVABLE", -168_164, "loan", scene.loan.loan_number)]
    assert Loan.objects.get(pk=scene.loan.pk).interest_arrears == 0
