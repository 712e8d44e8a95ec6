"""Helpers of the loan lifecycle tests: a poverty record, a loan taken through every origination step, snapshots
of everything a refused write must leave untouched."""

import datetime as dt
import importlib
import itertools

from django.apps import apps

from uythac.core.models import AuditEvent, RuleValue
from uythac.households.models import PovertyStatusRecord
from uythac.ledger.chart import AccountCode as A
from uythac.ledger.chart import SubledgerType as S
from uythac.ledger.models import JournalEntry, LedgerAccount, Posting
from uythac.ledger.selectors import balance
from uythac.loans.models import (
    ApplicationStatusChange,
    Installment,
    Loan,
    LoanApplication,
    LoanEvent,
    ReviewMeeting,
    RiskCase,
    RiskRound,
)
from uythac.loans.selectors import loan_balances
from uythac.loans.services import (
    ReviewDecision,
    application_approve,
    application_confirm_by_commune,
    application_mark_complete,
    application_submit,
    approval_notice_issue,
    loan_disburse,
    review_meeting_record,
)

D = dt.date
MARCH_1_2025 = D(2025, 3, 1)
MARCH_12_2025 = D(2025, 3, 12)
_numbers = itertools.count(1)


def ensure_reference_data() -> None:
    """Chart of accounts and the loans' rule values (loaded again if a transactional test flushed them)."""
    if not LedgerAccount.objects.exists():
        importlib.import_module("uythac.ledger.migrations.0002_chart_of_accounts").load(apps, None)
    if not RuleValue.objects.filter(key="loans.approval.working_days").exists():
        importlib.import_module("uythac.loans.migrations.0002_rule_values").load(apps, None)
    if not RuleValue.objects.filter(key="loans.risk.freeze_expiry").exists():
        importlib.import_module("uythac.loans.migrations.0006_rule_values_lifecycle_gaps").load(apps, None)


def next_loan_number() -> str:
    return f"6600{next(_numbers):012d}"


def make_poor(household, year: int = 2025, status: str = "POOR") -> PovertyStatusRecord:
    return PovertyStatusRecord.objects.create(
        household=household, status=status, year=year, source_list=f"QĐ phê duyệt danh sách {year}",
        recorded_on=D(year, 1, 15),
    )


def approved_application(
    world, *, household=None, group=None, actor=None, program="01", amount=30_000_000, term=36, frequency=12,
    submitted_on=MARCH_1_2025, approved_on=None, category=None,
):
    """An application taken through submission, review, commune confirmation, complete dossier and approval."""
    household = household or world.household_a
    group = group or world.group_a
    actor = actor or world.credit_officer
    application = application_submit(
        actor=actor, household=household, program=program, requested_amount=amount, term_months=term,
        installment_frequency_months=frequency, purpose="Chăn nuôi bò sinh sản", submitted_on=submitted_on,
        group=group, category=category,
    )
    day = submitted_on + dt.timedelta(days=1)
    review_meeting_record(
        actor=actor, group=group, held_on=day, minutes_number="10C/TD-01", request_list_number="03/TD-01",
        attendee_count=5, association_present=True, village_head_present=True,
        decisions=[ReviewDecision(application, True, amount)],
    )
    application_confirm_by_commune(actor=actor, application=application, confirmed_on=day,
                                   reference="XN-01", confirmed_by="Chủ tịch UBND xã")
    application_mark_complete(actor=actor, application=application, complete_on=day)
    application_approve(actor=actor, application=application, approved_on=approved_on or day)
    application.refresh_from_db()
    return application


def disbursed_loan(world, *, disbursed_on=MARCH_12_2025, actor=None, amount=30_000_000, notice=False,
                   **kwargs) -> Loan:
    """A loan of ``amount`` (approved and disbursed in full) taken through every origination step."""
    actor = actor or world.credit_officer
    application = approved_application(world, actor=actor, amount=amount,
                                       submitted_on=disbursed_on - dt.timedelta(days=10), **kwargs)
    if notice:
        approval_notice_issue(actor=actor, applications=[application], number="04/TD-01",
                              notice_on=application.decided_on, planned_disbursement_on=disbursed_on,
                              planned_disbursement_place="Điểm giao dịch xã")
    return loan_disburse(actor=actor, application=application, disbursed_on=disbursed_on,
                         loan_number=next_loan_number())


def sub_balance(account: str, loan: Loan) -> int:
    return balance(account, subledger_type=S.LOAN, subledger_key=loan.loan_number)


def assert_cache_matches_ledger(loan: Loan) -> None:
    loan.refresh_from_db()
    ledger = loan_balances(loan)
    assert (loan.principal_current, loan.principal_overdue, loan.principal_frozen) == (
        ledger.principal_current, ledger.principal_overdue, ledger.principal_frozen)
    assert loan.interest_arrears == ledger.interest_receivable
    for value in (loan.principal_current, loan.principal_overdue, loan.principal_frozen,
                  loan.interest_arrears_in_term, loan.interest_arrears_overdue, loan.interest_arrears_grace):
        assert value >= 0


def state() -> dict:
    """Everything a refused write must leave untouched."""
    return {
        "applications": list(LoanApplication.objects.order_by("id").values_list(
            "id", "status", "agreed_amount", "approved_amount", "decided_on", "notice_number")),
        "status_changes": ApplicationStatusChange.objects.count(),
        "meetings": ReviewMeeting.objects.count(),
        "loans": list(Loan.objects.order_by("id").values_list(
            "loan_number", "status", "principal_current", "principal_overdue", "principal_frozen",
            "interest_arrears_in_term", "interest_arrears_overdue", "interest_arrears_grace",
            "interest_accrued_through", "current_maturity", "moved_away_on", "last_transaction_on")),
        "installments": list(Installment.objects.order_by("id").values_list(
            "due_on", "principal_paid", "transferred_to_overdue")),
        "events": LoanEvent.objects.count(),
        "entries": JournalEntry.objects.count(),
        "postings": Posting.objects.count(),
        "audit": AuditEvent.objects.count(),
        "rounds": RiskRound.objects.count(),
        "cases": list(RiskCase.objects.order_by("id").values_list("state")),
    }


__all__ = ["A", "D", "S"]
