"""Money coming back: principal repaid by the borrower (session, office, or from savings), interest collected
(through the group leader's batch or at the counter), and interest accrual (lãi dự thu).

Interest (decisions, see ``uythac.loans.interest`` for the day conventions, "tạm tính"):

* Interest is accrued from the ledger's daily balances: LOAN_CURRENT at the contract rate (in the grace bucket
  while inside the grace period), LOAN_OVERDUE at the overdue rate; LOAN_FROZEN bears none.
* An accrual posts INTEREST_ACCRUAL: INTEREST_RECEIVABLE [loan] / INTEREST_INCOME [loan], adds to the arrears
  buckets and moves ``Loan.interest_accrued_through``. A collection on day D first accrues up to D − 1 (a day's
  interest uses its end-of-day balance, so a repayment on D stops interest from D), booked on D.
* A collection settles arrears overdue first, then in-term, then grace (``allocate_interest_collection``); more
  than is payable is refused (no prepaid interest).
* A loan closes when its principal is 0 and no interest is left unpaid: the final principal repayment closes it
  when the interest is settled, otherwise the interest collection that settles it does.
* The last transaction date (KHĐ rule) moves with disbursements, principal repayments and interest collections
  — what counts is not documented (scoring-and-inspection.md §4.2, L); transfers and accruals do not count.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from uythac.core.audit import snapshot
from uythac.core.exceptions import DomainError
from uythac.core.guards import clean_date
from uythac.core.periods import Period
from uythac.ledger.chart import AccountCode as A
from uythac.ledger.chart import SubledgerType as S
from uythac.ledger.lines import Line
from uythac.ledger.models import EntryKind, JournalEntry
from uythac.ledger.selectors import balance
from uythac.loans.access import require_loan_writer
from uythac.loans.eligibility import vnd
from uythac.loans.interest import InterestBuckets, allocate_interest_collection
from uythac.loans.models import Loan, LoanEvent, LoanEventKind, LoanStatus
from uythac.loans.selectors import accrual_window_start, interest_due
from uythac.loans.services_common import (
    ONE_DAY,
    audit_loan,
    check_open,
    clean_amount,
    clean_business_date,
    lock_loan,
    post_loan_entry,
    principal_lines,
    record_event,
    refresh_caller,
    replayed_event,
    session_cash_subledger,
)


@dataclass(frozen=True)
class Accrual:
    start: dt.date
    end: dt.date
    buckets: InterestBuckets
    entry: JournalEntry | None


def accrue_through(actor, loan: Loan, through: dt.date, *, value_date: dt.date | None = None) -> Accrual | None:
    """Post the interest of the days after ``interest_accrued_through`` up to ``through`` (locked loan)."""
    start = accrual_window_start(loan)
    if through < start:
        return None
    buckets = interest_due(loan, start, through)
    entry = None
    if buckets.total:
        entry = post_loan_entry(
            actor=actor, loan=loan, kind=EntryKind.INTEREST_ACCRUAL, value_date=value_date or through,
            lines=[Line.debit(A.INTEREST_RECEIVABLE, buckets.total, S.LOAN, loan.loan_number),
                   Line.credit(A.INTEREST_INCOME, buckets.total, S.LOAN, loan.loan_number)],
            memo=_("Dự thu lãi khế ước %(number)s từ %(start)s đến %(end)s")
            % {"number": loan.loan_number, "start": f"{start:%d/%m/%Y}", "end": f"{through:%d/%m/%Y}"},
            idempotency_key=f"loan:{loan.loan_number}:accrual:{through.isoformat()}",
            interest_delta=buckets,
        )
    loan.interest_accrued_through = through
    loan.save(update_fields=["interest_accrued_through"])
    return Accrual(start, through, buckets, entry)


@transaction.atomic
def interest_accrue(*, loan, period=None, through: dt.date | None = None, actor=None) -> Accrual | None:
    """Accrue a loan's interest up to the last day of ``period`` ("YYYY-MM" or ``Period``) or up to ``through``.
    Idempotent: days already accrued are not accrued again. Month-end order: overdue transfer, then accrual."""
    if (period is None) == (through is None):
        raise TypeError("give exactly one of period and through")
    if period is not None:
        through = (period if isinstance(period, Period) else Period.parse(str(period))).last_day
    through = clean_date(through, field="through", label=_("ngày tính lãi đến"))
    locked = lock_loan(loan)
    if actor is not None:
        require_loan_writer(actor, locked.commune_id)
    if locked.status != LoanStatus.OPEN:
        return None
    result = accrue_through(actor, locked, through)
    refresh_caller(loan, locked)
    return result


def _close_if_settled(actor, loan: Loan, on: dt.date) -> None:
    if loan.outstanding or loan.interest_arrears or loan.status != LoanStatus.OPEN:
        return
    loan.status = LoanStatus.CLOSED
    loan.closed_on = on
    loan.save(update_fields=["status", "closed_on"])
    record_event(actor=actor, loan=loan, kind=LoanEventKind.CLOSE, happened_on=on)


def _allocate_to_installments(loan: Loan, amount: int) -> None:
    """Principal repaid settles the oldest installments first (the rule ``overdue_amount`` assumes)."""
    for item in loan.installments.filter(principal_paid__lt=F("principal")).order_by("number"):
        if amount <= 0:
            break
        take = min(amount, item.principal - item.principal_paid)
        item.principal_paid += take
        item.save(update_fields=["principal_paid"])
        amount -= take


@transaction.atomic
def loan_repay_principal(
    *, actor, loan, amount: int, on: dt.date, session=None, from_savings: bool = False, savings_account=None,
    idempotency_key: str | None = None, source_type: str = "", source_key: str = "",
) -> LoanEvent:
    """The borrower repays principal (at the session or the office; or from savings: ``from_savings=True`` with
    ``savings_account`` = the member savings account or its number, debited on SAVINGS_105). Settles overdue
    first, then in-term, then frozen principal; closes the loan at zero when no interest is left unpaid."""
    locked = lock_loan(loan)
    replay = replayed_event(locked, idempotency_key, LoanEventKind.PRINCIPAL_REPAYMENT)
    if replay is not None:
        return replay
    require_loan_writer(actor, locked.commune_id)
    check_open(locked)
    amount = clean_amount(amount, label=_("Số tiền trả nợ gốc"))
    on = clean_business_date(locked, on, field="on", label=_("ngày trả nợ"))
    if amount > locked.outstanding:
        raise DomainError(
            _("Số tiền trả nợ gốc (%(amount)s đồng) lớn hơn dư nợ của món vay (%(outstanding)s đồng).")
            % {"amount": vnd(amount), "outstanding": vnd(locked.outstanding)},
            field="amount",
        )
    parts, rest = {}, amount
    for code, field in ((A.LOAN_OVERDUE, "principal_overdue"), (A.LOAN_CURRENT, "principal_current"),
                        (A.LOAN_FROZEN, "principal_frozen")):
        parts[code] = min(rest, getattr(locked, field))
        rest -= parts[code]
    if from_savings:
        number = str(getattr(savings_account, "number", None) or getattr(savings_account, "account_number", None)
                     or savings_account or "").strip()
        if not number:
            raise DomainError(_("Chưa chọn tài khoản tiền gửi để trả nợ."), field="savings_account")
        available = balance(A.SAVINGS_105, subledger_type=S.SAVINGS, subledger_key=number, normal=True)
        if amount > available:
            raise DomainError(
                _("Số dư tiền gửi %(number)s (%(available)s đồng) không đủ để trả %(amount)s đồng.")
                % {"number": number, "available": vnd(available), "amount": vnd(amount)},
                field="savings_account",
            )
        debit, kind = Line.debit(A.SAVINGS_105, amount, S.SAVINGS, number), EntryKind.REPAID_FROM_SAVINGS
    else:
        cash = session_cash_subledger(session, on, point_id=locked.transaction_point_id, office=locked.office)
        debit, kind = Line.debit(A.CASH_TELLER, amount, *cash), EntryKind.PRINCIPAL_REPAYMENT
    before = snapshot(locked)
    entry = post_loan_entry(
        actor=actor, loan=locked, kind=kind, value_date=on, lines=[debit, *principal_lines(locked, parts)],
        memo=_("Thu nợ gốc khế ước %(number)s") % {"number": locked.loan_number},
        idempotency_key=idempotency_key, source_type=source_type, source_key=source_key,
    )
    _allocate_to_installments(locked, amount)
    locked.last_transaction_on = max(locked.last_transaction_on, on)
    locked.save(update_fields=["last_transaction_on"])
    event = record_event(actor=actor, loan=locked, kind=LoanEventKind.PRINCIPAL_REPAYMENT, happened_on=on,
                         entry=entry, principal_amount=amount, from_savings=bool(from_savings))
    if locked.outstanding == 0:
        accrue_through(actor, locked, on - ONE_DAY, value_date=on)
        _close_if_settled(actor, locked, on)
    audit_loan(actor=actor, action="loan_repay_principal", loan=locked, before=before)
    refresh_caller(loan, locked)
    return event


@transaction.atomic
def loan_collect_interest(
    *, actor, loan, amount: int, on: dt.date, source_type: str = "", source_key: str = "",
    idempotency_key: str | None = None, collected_by_leader: bool | None = None, session=None,
) -> LoanEvent:
    """Interest paid on ``on``: by default through the group leader for an entrusted loan (debit CASH_IN_TRANSIT
    [group]: the leader hands the cash over at the session, which posts COLLECTION_HANDOVER), at the counter
    otherwise (CASH_TELLER [session or office]). Interest only — never principal."""
    locked = lock_loan(loan)
    replay = replayed_event(locked, idempotency_key, LoanEventKind.INTEREST_COLLECTION)
    if replay is not None:
        return replay
    require_loan_writer(actor, locked.commune_id)
    check_open(locked)
    amount = clean_amount(amount, label=_("Số tiền lãi thu"))
    on = clean_business_date(locked, on, field="on", label=_("ngày thu lãi"))
    by_leader = locked.group_id is not None if collected_by_leader is None else bool(collected_by_leader)
    if by_leader and locked.group_id is None:
        raise DomainError(_("Món vay trực tiếp không thu lãi qua tổ trưởng."), field="collected_by_leader")
    before = snapshot(locked)
    accrue_through(actor, locked, on - ONE_DAY, value_date=on)
    arrears = InterestBuckets(locked.interest_arrears_in_term, locked.interest_arrears_overdue,
                              locked.interest_arrears_grace)
    applied, rest = allocate_interest_collection(arrears, amount)
    if rest:
        raise DomainError(
            _("Số tiền lãi thu (%(amount)s đồng) lớn hơn số lãi phải trả đến ngày %(date)s (%(payable)s đồng).")
            % {"amount": vnd(amount), "date": f"{on:%d/%m/%Y}", "payable": vnd(arrears.total)},
            field="amount",
        )
    if by_leader:
        debit = Line.debit(A.CASH_IN_TRANSIT, amount, S.GROUP, locked.group.code)
    else:
        cash = session_cash_subledger(session, on, point_id=locked.transaction_point_id, office=locked.office)
        debit = Line.debit(A.CASH_TELLER, amount, *cash)
    entry = post_loan_entry(
        actor=actor, loan=locked, kind=EntryKind.INTEREST_COLLECTION, value_date=on,
        lines=[debit, Line.credit(A.INTEREST_RECEIVABLE, amount, S.LOAN, locked.loan_number)],
        memo=_("Thu lãi khế ước %(number)s") % {"number": locked.loan_number},
        idempotency_key=idempotency_key, source_type=source_type, source_key=source_key,
        interest_delta=applied, interest_sign=-1,
    )
    locked.last_transaction_on = max(locked.last_transaction_on, on)
    locked.save(update_fields=["last_transaction_on"])
    event = record_event(actor=actor, loan=locked, kind=LoanEventKind.INTEREST_COLLECTION, happened_on=on,
                         entry=entry, interest_amount=amount,
                         detail={"in_term": applied.in_term, "overdue": applied.overdue, "grace": applied.grace})
    _close_if_settled(actor, locked, on)
    audit_loan(actor=actor, action="loan_collect_interest", loan=locked, before=before)
    refresh_caller(loan, locked)
    return event
