"""Reads of loans for pages, reports and the month-end close. Nothing here writes or posts.

``loan_balances(loan, as_of=None) -> LoanBalances``
    The loan's balances FROM THE LEDGER (the truth): principal in-term / overdue / frozen and interest receivable.
    ``loan_cache_matches_ledger(loan)`` compares them with the cached columns of ``Loan``.
``household_outstanding(household, program=None) -> int``
    Outstanding (in-term + overdue + frozen) of the household's open loans, optionally in one program (caps).
``applications_past_approval_deadline(user, as_of) -> QuerySet[LoanApplication]``
    Complete dossiers not yet decided whose 3-working-day deadline is before ``as_of``, in the user's scope.
``application_deadline_missed(application, as_of) -> bool``
    The approval came (or is still pending) after the deadline.
``interest_due(loan, start, end) -> InterestBuckets``
    Interest of ``start``..``end`` (inclusive) on the daily balances read from the ledger at the rate in force each
    day (``rate_segments``; overdue part at the overdue rate), split into in-term / overdue / grace. Frozen
    principal (LOAN_FROZEN) bears none. Each bucket is rounded once (``round_vnd``).
``interest_payable(loan, on) -> InterestBuckets``
    What the borrower owes in interest when paying on ``on``: posted arrears + interest not yet accrued up to the
    day before ``on`` (the 13/TD "interest due" column).
``loan_schedule(loan)`` / ``paid_principal_by_date(loan)``
    The installments as ``uythac.loans.schedule.Installment`` values, and principal repaid per day (for
    ``overdue_amount``; reversed repayments excluded).
``loans_moved_away(queryset, on=None)``
    Open loans flagged "borrower moved away", for chasing (``absent_two_years`` with ``on``).
Freeze expiry lists (``freezes_expiring``, ``freezes_expiring_next_month``, ``freezes_expired``) live in
``uythac.loans.freeze_expiry``.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import BooleanField, ExpressionWrapper, F, Q, Sum

from uythac.core.periods import add_months
from uythac.ledger.chart import AccountCode as A
from uythac.ledger.chart import SubledgerType as S
from uythac.ledger.models import Posting
from uythac.loans import schedule as pure_schedule
from uythac.loans.access import application_queryset_for
from uythac.loans.interest import InterestBuckets, accrue_interest
from uythac.loans.models import ApplicationStatus, Loan, LoanEvent, LoanEventKind, LoanStatus
from uythac.programs.selectors import overdue_rate_segments, rate_segments

ONE_DAY = dt.timedelta(days=1)
PRINCIPAL_ACCOUNTS = (A.LOAN_CURRENT, A.LOAN_OVERDUE, A.LOAN_FROZEN)


@dataclass(frozen=True)
class LoanBalances:
    principal_current: int = 0
    principal_overdue: int = 0
    principal_frozen: int = 0
    interest_receivable: int = 0

    @property
    def outstanding(self) -> int:
        return self.principal_current + self.principal_overdue + self.principal_frozen


def loan_balances(loan: Loan, as_of: dt.date | None = None) -> LoanBalances:
    postings = Posting.objects.filter(subledger_type=S.LOAN, subledger_key=loan.loan_number)
    if as_of is not None:
        postings = postings.filter(value_date__lte=as_of)
    sums = dict(postings.order_by().values_list("account__code").annotate(total=Sum("amount")))
    return LoanBalances(
        principal_current=int(sums.get(A.LOAN_CURRENT, 0)),
        principal_overdue=int(sums.get(A.LOAN_OVERDUE, 0)),
        principal_frozen=int(sums.get(A.LOAN_FROZEN, 0)),
        interest_receivable=int(sums.get(A.INTEREST_RECEIVABLE, 0)),
    )


def loan_cache_matches_ledger(loan: Loan) -> bool:
    ledger = loan_balances(loan)
    return (ledger.principal_current, ledger.principal_overdue, ledger.principal_frozen,
            ledger.interest_receivable) == (loan.principal_current, loan.principal_overdue, loan.principal_frozen,
                                            loan.interest_arrears)


def household_outstanding(household, program=None, *, exclude_loan: Loan | None = None) -> int:
    loans = Loan.objects.filter(household=household, status=LoanStatus.OPEN)
    if program is not None:
        loans = loans.filter(program=program)
    if exclude_loan is not None:
        loans = loans.exclude(pk=exclude_loan.pk)
    total = loans.aggregate(total=Sum(F("principal_current") + F("principal_overdue") + F("principal_frozen")))
    return int(total["total"] or 0)


def applications_past_approval_deadline(user, as_of: dt.date):
    return (
        application_queryset_for(user)
        .filter(status=ApplicationStatus.COMPLETE, approval_deadline__lt=as_of)
        .select_related("household", "group", "program", "office")
        .order_by("approval_deadline", "id")
    )


def application_deadline_missed(application, as_of: dt.date) -> bool:
    deadline = application.approval_deadline
    if deadline is None:
        return False
    if application.decided_on is not None:
        return application.decided_on > deadline
    return application.status == ApplicationStatus.COMPLETE and as_of > deadline


# --- schedules and payments -----------------------------------------------------------------------------------------


def loan_schedule(loan: Loan) -> tuple[pure_schedule.Installment, ...]:
    return tuple(
        pure_schedule.Installment(
            number=item.number, due_on=item.due_on, principal=item.principal,
            original_due_on=item.original_due_on if item.original_due_on != item.due_on else None,
        )
        for item in loan.installments.order_by("number")
    )


def paid_principal_by_date(loan: Loan) -> dict[dt.date, int]:
    rows = (
        LoanEvent.objects.filter(loan=loan, kind=LoanEventKind.PRINCIPAL_REPAYMENT, reversal__isnull=True)
        .values("happened_on").annotate(total=Sum("principal_amount")).order_by("happened_on")
    )
    return {row["happened_on"]: int(row["total"]) for row in rows}


# --- interest ---------------------------------------------------------------------------------------------------------


def balance_history(loan: Loan, account_code: str, through: dt.date) -> dict[dt.date, int]:
    """``{day: end-of-day balance from that day on}`` of one loan account, from its postings up to ``through``."""
    rows = (
        Posting.objects.filter(
            account__code=str(account_code), subledger_type=S.LOAN, subledger_key=loan.loan_number,
            value_date__lte=through,
        )
        .order_by().values("value_date").annotate(total=Sum("amount")).order_by("value_date")
    )
    history, running = {}, 0
    for row in rows:
        running += int(row["total"])
        history[row["value_date"]] = running
    return history


def _has_balance(history: dict[dt.date, int], start: dt.date, end: dt.date) -> bool:
    before = [day for day in history if day <= start]
    if before and history[max(before)] != 0:
        return True
    return any(amount != 0 for day, amount in history.items() if start < day <= end)


def _province(loan: Loan):
    return loan.commune.province if loan.commune_id else None


def _accrue(history, rates_of, start: dt.date, end: dt.date) -> int:
    if end < start or not _has_balance(history, start, end):
        return 0
    return accrue_interest(balances=history, rates=rates_of(start, end), start=start, end=end).total


def interest_due(loan: Loan, start: dt.date, end: dt.date) -> InterestBuckets:
    if end < start:
        return InterestBuckets()
    province = _province(loan)

    def contract_rates(first, last):
        return rate_segments(loan.program, first, last, category=loan.category, province=province)

    def overdue_rates(first, last):
        return overdue_rate_segments(loan.program, first, last, category=loan.category, province=province)

    current = balance_history(loan, A.LOAN_CURRENT, end)
    overdue = balance_history(loan, A.LOAN_OVERDUE, end)
    grace = in_term = 0
    grace_last = add_months(loan.disbursed_on, loan.grace_months) - ONE_DAY if loan.grace_months else None
    if grace_last is not None and start <= grace_last:
        grace = _accrue(current, contract_rates, start, min(end, grace_last))
    in_term_start = max(start, grace_last + ONE_DAY) if grace_last is not None else start
    in_term = _accrue(current, contract_rates, in_term_start, end)
    return InterestBuckets(in_term=in_term, overdue=_accrue(overdue, overdue_rates, start, end), grace=grace)


def accrual_window_start(loan: Loan) -> dt.date:
    """First day whose interest is not yet posted."""
    return loan.interest_accrued_through + ONE_DAY if loan.interest_accrued_through else loan.disbursed_on


def interest_payable(loan: Loan, on: dt.date) -> InterestBuckets:
    posted = InterestBuckets(loan.interest_arrears_in_term, loan.interest_arrears_overdue, loan.interest_arrears_grace)
    return posted + interest_due(loan, accrual_window_start(loan), on - ONE_DAY)


def loans_due_between(queryset, start: dt.date, end: dt.date):
    """Open loans of ``queryset`` with an unpaid installment due in ``start``..``end`` (the due list sent to the
    leaders ≥ 30 days ahead, process.md §3.2)."""
    return queryset.filter(
        Q(status=LoanStatus.OPEN),
        Q(installments__due_on__gte=start, installments__due_on__lte=end,
          installments__principal_paid__lt=F("installments__principal")),
    ).distinct()


def events_by_kind(loan: Loan) -> dict[str, list[LoanEvent]]:
    grouped = defaultdict(list)
    for event in loan.events.order_by("happened_on", "id"):
        grouped[event.kind].append(event)
    return dict(grouped)


def loans_moved_away(queryset, on: dt.date | None = None):
    """Open loans whose borrower left the place of residence (process.md §3.6), oldest departure first: the list
    the association, the poverty-reduction board and the credit officer chase. With ``on``, each row carries
    ``absent_two_years`` — absence ≥ 2 years without reliable information is a freeze cause (K4, §4, M)."""
    rows = queryset.filter(status=LoanStatus.OPEN, moved_away_on__isnull=False).order_by("moved_away_on",
                                                                                         "loan_number")
    if on is None:
        return rows
    return rows.annotate(absent_two_years=ExpressionWrapper(Q(moved_away_on__lte=add_months(on, -24)),
                                                            output_field=BooleanField()))
