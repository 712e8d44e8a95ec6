"""The session desk: operations a borrower or member does in person at the session, each through the owning app's
service with the session's till, then filed in the session's journal.

    session_disburse(*, actor, session, application, loan_number, amount=None, idempotency_key=None) -> Loan
    session_repay_principal(*, actor, session, loan, amount, from_savings=False, savings_account=None,
                            idempotency_key=None) -> LoanEvent
    session_collect_interest(*, actor, session, loan, amount, idempotency_key=None) -> LoanEvent
    session_savings_deposit(*, actor, session, account, amount, idempotency_key=None) -> JournalEntry
    session_savings_withdraw(*, actor, session, account, amount, idempotency_key=None) -> JournalEntry

Every operation is dated the session's day, refused when the session is closed (or its month is), and the loan
rules (closed or written-off loans, amounts above the outstanding, a second disbursement of one approval …) are
the loan services' own: nothing of them is re-implemented here. "Principal repaid from deposit" (13/TD) is
``from_savings=True``: the loans service posts REPAID_FROM_SAVINGS (SAVINGS_105 / LOAN_*), then the savings cache is
brought back to the ledger.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from uythac.core.exceptions import DomainError
from uythac.core.guards import code_of
from uythac.loans.access import access_loan
from uythac.loans.models import LoanEvent, LoanEventKind
from uythac.loans.services import loan_collect_interest, loan_disburse, loan_repay_principal
from uythac.savings.access import access_savings_account
from uythac.savings.cash import teller_in_session
from uythac.savings.services import savings_balance_resync, savings_deposit, savings_withdraw
from uythac.transaction_sessions.checks import link_entry, locked_session, refuse_closed_month, require_open
from uythac.transaction_sessions.models import SessionEntryPurpose

SOURCE_TYPE = "transactionsession"


def _open_session(actor, session):
    session = locked_session(actor, session)
    require_open(session)
    refuse_closed_month(session.session_date, field="session")
    return session


def loan_in_scope(actor, loan, *, field: str = "loan"):
    number = code_of(loan, "loan_number")
    try:
        return access_loan(actor, number, for_write=True)
    except Http404:
        raise DomainError(_("Không tìm thấy khế ước %(number)s trong phạm vi quản lý của bạn.") % {"number": number},
                          field=field) from None
    except PermissionDenied:
        raise DomainError(_("Bạn không có quyền thực hiện nghiệp vụ cho vay."), field=field) from None


def savings_in_scope(actor, account, *, field: str = "savings_account"):
    number = code_of(account, "account_number")
    try:
        return access_savings_account(actor, number, for_write=True)
    except Http404:
        raise DomainError(
            _("Không tìm thấy tài khoản tiền gửi %(number)s trong phạm vi quản lý của bạn.") % {"number": number},
            field=field,
        ) from None
    except PermissionDenied:
        raise DomainError(_("Bạn không có quyền ghi giao dịch tiền gửi của tổ viên."), field=field) from None


def session_disburse(*, actor, session, application, loan_number: str, amount=None, idempotency_key=None):
    with transaction.atomic():
        session = _open_session(actor, session)
        loan = loan_disburse(actor=actor, application=application, disbursed_on=session.session_date,
                             loan_number=loan_number, amount=amount, session=session, idempotency_key=idempotency_key)
        event = LoanEvent.objects.select_related("journal_entry").get(loan=loan, kind=LoanEventKind.DISBURSEMENT)
        link_entry(session, event.journal_entry, SessionEntryPurpose.DISBURSEMENT, loan.disbursed_amount,
                   loan_number=loan.loan_number,
                   description=_("Giải ngân cho hộ %(name)s") % {"name": loan.household.name})
    return loan


def session_repay_principal(*, actor, session, loan, amount, from_savings: bool = False, savings_account=None,
                            idempotency_key=None):
    with transaction.atomic():
        session = _open_session(actor, session)
        loan = loan_in_scope(actor, loan)
        account = None
        if from_savings:
            if savings_account in (None, ""):
                raise DomainError(_("Chưa chọn tài khoản tiền gửi để trả nợ."), field="savings_account")
            account = savings_in_scope(actor, savings_account)
            if account.household_id != loan.household_id:
                raise DomainError(
                    _("Tài khoản tiền gửi %(number)s không phải của hộ vay %(name)s.")
                    % {"number": account.account_number, "name": loan.household.name},
                    field="savings_account",
                )
            if not account.is_active:
                raise DomainError(_("Tài khoản tiền gửi %(number)s đã tất toán.") % {"number": account.account_number},
                                  field="savings_account")
        event = loan_repay_principal(
            actor=actor, loan=loan, amount=amount, on=session.session_date, session=session,
            from_savings=from_savings, savings_account=account.account_number if account else None,
            idempotency_key=idempotency_key, source_type=SOURCE_TYPE, source_key=str(session.pk),
        )
        if account is not None:
            savings_balance_resync(account=account)
        purpose = SessionEntryPurpose.REPAID_FROM_SAVINGS if from_savings else SessionEntryPurpose.PRINCIPAL_REPAYMENT
        link_entry(session, event.journal_entry, purpose, event.principal_amount, loan_number=loan.loan_number,
                   savings_account_number=account.account_number if account else "",
                   description=_("Thu nợ gốc hộ %(name)s") % {"name": loan.household.name})
    return event


def session_collect_interest(*, actor, session, loan, amount, idempotency_key=None):
    """Interest paid by the borrower at the counter (not through the leader): CASH_TELLER [session]."""
    with transaction.atomic():
        session = _open_session(actor, session)
        loan = loan_in_scope(actor, loan)
        event = loan_collect_interest(
            actor=actor, loan=loan, amount=amount, on=session.session_date, source_type=SOURCE_TYPE,
            source_key=str(session.pk), idempotency_key=idempotency_key, collected_by_leader=False, session=session,
        )
        link_entry(session, event.journal_entry, SessionEntryPurpose.INTEREST, event.interest_amount,
                   loan_number=loan.loan_number,
                   description=_("Thu lãi tại quầy hộ %(name)s") % {"name": loan.household.name})
    return event


def _savings_at_desk(service, purpose, actor, session, account, amount, idempotency_key):
    with transaction.atomic():
        session = _open_session(actor, session)
        account = savings_in_scope(actor, account, field="account")
        entry = service(actor=actor, account=account, amount=amount, on=session.session_date,
                        cash=teller_in_session(session.pk), idempotency_key=idempotency_key,
                        source_type=SOURCE_TYPE, source_key=str(session.pk))
        link_entry(session, entry, purpose, int(amount), savings_account_number=account.account_number,
                   description=_("Tổ viên %(name)s") % {"name": account.household.name})
    return entry


def session_savings_deposit(*, actor, session, account, amount, idempotency_key=None):
    return _savings_at_desk(savings_deposit, SessionEntryPurpose.SAVINGS_DEPOSIT, actor, session, account, amount,
                            idempotency_key)


def session_savings_withdraw(*, actor, session, account, amount, idempotency_key=None):
    return _savings_at_desk(savings_withdraw, SessionEntryPurpose.SAVINGS_WITHDRAWAL, actor, session, account, amount,
                            idempotency_key)
