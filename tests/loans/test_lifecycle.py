"""The whole lifecycle of one entrusted poor-household loan, with exact ledger balances at every step.

Loan: 30,000,000 VND, program 01, Hà Nội (province 01), group 0000001 (point TXN0001, session day 12), disbursed
12/03/2025, 36 months, principal every 12 months → 10,000,000 due on 12/03/2026, 12/03/2027, 12/03/2028.
Rates in force (program data): 6.6 %/yr; Hà Nội is in the storm-relief area, −2 points from 01/10 to
31/12/2025 (4.6 %, then 4.24 % after the cut of 01/12/2025); 6.24 % from 01/01/2026. ACT/365.
"""

import pytest

from tests.factories import make_user
from tests.loans.support import (
    A,
    D,
    S,
    approved_application,
    assert_cache_matches_ledger,
    disbursed_loan,
    make_poor,
    next_loan_number,
    sub_balance,
)
from uythac.accounts.models import Role
from uythac.core.models import AuditEvent
from uythac.ledger.lines import Line
from uythac.ledger.models import EntryKind
from uythac.ledger.selectors import balance, trial_balance
from uythac.ledger.services import entry_post
from uythac.loans.models import ApplicationStatus, LoanEventKind, LoanStatus
from uythac.loans.selectors import applications_past_approval_deadline, interest_payable, loan_balances
from uythac.loans.services import (
    ReviewDecision,
    application_confirm_by_commune,
    application_mark_complete,
    application_submit,
    approval_deadline,
    approval_notice_issue,
    loan_collect_interest,
    loan_disburse,
    loan_repay_principal,
    review_meeting_record,
)

pytestmark = pytest.mark.django_db

def women_officer(world):
    return make_user("hpn_xa_a", Role.COMMUNE_ASSOCIATION, commune=world.commune_a, organization=world.orgs["12"])


OFFICE_CASH = {"subledger_type": S.OFFICE, "subledger_key": "000101"}
GROUP_TRANSIT = {"subledger_type": S.GROUP, "subledger_key": "0000001"}


def test_origination_steps_record_status_history_deadline_and_audit(lw):
    application = approved_application(lw, submitted_on=D(2025, 3, 2))
    # Complete on Monday 03/03/2025 → 3 working days → Thursday 06/03/2025.
    assert (application.dossier_complete_on, application.approval_deadline) == (D(2025, 3, 3), D(2025, 3, 6))
    assert (application.status, application.agreed_amount, application.approved_amount) == (
        ApplicationStatus.APPROVED, 30_000_000, 30_000_000)
    assert application.office == lw.office and application.channel == "ENTRUSTED"
    history = list(application.status_changes.values_list("from_status", "to_status", "changed_on"))
    assert history == [
        ("", "SUBMITTED", D(2025, 3, 2)),
        ("SUBMITTED", "REVIEWED", D(2025, 3, 3)),
        ("REVIEWED", "CONFIRMED", D(2025, 3, 3)),
        ("CONFIRMED", "COMPLETE", D(2025, 3, 3)),
        ("COMPLETE", "APPROVED", D(2025, 3, 3)),
    ]
    actions = list(AuditEvent.objects.filter(object_type="loanapplication", object_key=str(application.pk))
                   .order_by("id").values_list("action", flat=True))
    assert actions == ["application_submit", "application_review", "application_confirm_by_commune",
                       "application_mark_complete", "application_approve"]
    assert AuditEvent.objects.filter(action="review_meeting_record", parent_key="0000001").count() == 1
    notified = approval_notice_issue(actor=lw.credit_officer, applications=[application], number="04/TD-17",
                                     notice_on=D(2025, 3, 4), planned_disbursement_on=D(2025, 3, 12),
                                     planned_disbursement_place="Nhà văn hóa tổ dân phố số 1")[0]
    assert (notified.status, notified.notice_number, notified.planned_disbursement_on) == (
        "NOTIFIED", "04/TD-17", D(2025, 3, 12))


def test_group_leader_and_association_may_submit_and_review_for_their_group(lw):
    other = lw.group_a.test_members[3]
    make_poor(other)
    submitted = application_submit(
        actor=lw.group_leader, household=other, program="01", requested_amount=20_000_000, term_months=24,
        purpose="Trồng rau", submitted_on=D(2025, 4, 1), group=lw.group_a,
    )
    meeting = review_meeting_record(
        actor=lw.commune_association, group="0000001", held_on=D(2025, 4, 2), minutes_number="10C/TD-02",
        request_list_number="03/TD-02", attendee_count=6, association_present=True, village_head_present=False,
        decisions=[ReviewDecision(submitted, True, 15_000_000)],
    )
    submitted.refresh_from_db()
    assert (submitted.status, submitted.agreed_amount, submitted.created_by) == ("REVIEWED", 15_000_000,
                                                                                 lw.group_leader)
    assert list(meeting.items.values_list("application_id", "agreed", "agreed_amount")) == [
        (submitted.pk, True, 15_000_000)]


def test_full_lifecycle_with_exact_ledger_balances(lw):
    application = approved_application(lw, submitted_on=D(2025, 3, 2))
    loan = loan_disburse(actor=lw.credit_officer, application=application, disbursed_on=D(2025, 3, 12),
                         loan_number="6600000000012345")
    loan.refresh_from_db()
    assert (loan.status, loan.disbursed_amount, loan.principal_current, loan.contract_maturity) == (
        LoanStatus.OPEN, 30_000_000, 30_000_000, D(2028, 3, 12))
    assert (loan.group, loan.association_unit, loan.transaction_point, loan.commune, loan.office) == (
        lw.group_a, lw.unit_a["11"], lw.point_a, lw.commune_a, lw.office)
    assert (loan.installment_regime, loan.grace_months, loan.capital_source) == ("ROLL_INTO_NEXT", 0, "1")
    assert list(loan.installments.values_list("number", "due_on", "principal")) == [
        (1, D(2026, 3, 12), 10_000_000), (2, D(2027, 3, 12), 10_000_000), (3, D(2028, 3, 12), 10_000_000)]
    assert sub_balance(A.LOAN_CURRENT, loan) == 30_000_000
    assert balance(A.CASH_TELLER, **OFFICE_CASH) == -30_000_000
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DISBURSED

    # Session of 12/04/2025: interest 12/03–11/04 = 31 days × 6.6 % on 30M = 168,164.38 → 168,164.
    assert interest_payable(loan, D(2025, 4, 12)).total == 168_164
    event = loan_collect_interest(actor=lw.pgd_staff, loan=loan, amount=168_164, on=D(2025, 4, 12),
                                  source_type="collectionbatch", source_key="1", idempotency_key="cb:1:loan")
    assert (event.kind, event.interest_amount, event.replayed) == (LoanEventKind.INTEREST_COLLECTION, 168_164, False)
    assert balance(A.CASH_IN_TRANSIT, **GROUP_TRANSIT) == 168_164
    assert sub_balance(A.INTEREST_RECEIVABLE, loan) == 0
    assert sub_balance(A.INTEREST_INCOME, loan) == -168_164
    assert (loan.interest_accrued_through, loan.last_transaction_on) == (D(2025, 4, 11), D(2025, 4, 12))

    # A retried batch line posts nothing more.
    again = loan_collect_interest(actor=lw.pgd_staff, loan=loan, amount=168_164, on=D(2025, 4, 12),
                                  source_type="collectionbatch", source_key="1", idempotency_key="cb:1:loan")
    assert (again.pk, again.replayed) == (event.pk, True)
    assert balance(A.CASH_IN_TRANSIT, **GROUP_TRANSIT) == 168_164

    # 12/03/2026: interest 12/04/2025–11/03/2026 across the storm relief and the cut of 01/12/2025:
    # 30M × (6.6 % × 172 + 4.6 % × 61 + 4.24 % × 31 + 6.24 % × 70) / 365 = 1,630,717.81 → 1,630,718.
    loan_collect_interest(actor=lw.pgd_staff, loan=loan, amount=1_630_718, on=D(2026, 3, 12))
    repaid = loan_repay_principal(actor=lw.pgd_staff, loan=loan, amount=10_000_000, on=D(2026, 3, 12))
    assert (repaid.principal_amount, repaid.from_savings) == (10_000_000, False)
    assert list(loan.installments.values_list("principal_paid", flat=True)) == [10_000_000, 0, 0]
    assert sub_balance(A.LOAN_CURRENT, loan) == 20_000_000
    assert balance(A.CASH_TELLER, **OFFICE_CASH) == -20_000_000
    assert_cache_matches_ledger(loan)

    # 12/06/2026: early repayment of the rest; interest 12/03–11/06/2026 = 92 days × 6.24 % on 20M = 314,564.
    loan_repay_principal(actor=lw.pgd_staff, loan=loan, amount=20_000_000, on=D(2026, 6, 12))
    loan.refresh_from_db()
    assert (loan.status, loan.principal_current, loan.interest_arrears_in_term) == (LoanStatus.OPEN, 0, 314_564)
    loan_collect_interest(actor=lw.pgd_staff, loan=loan, amount=314_564, on=D(2026, 6, 12))
    loan.refresh_from_db()
    assert (loan.status, loan.closed_on, loan.outstanding, loan.interest_arrears) == (
        LoanStatus.CLOSED, D(2026, 6, 12), 0, 0)

    total_interest = 168_164 + 1_630_718 + 314_564
    assert loan_balances(loan).outstanding == 0
    assert sub_balance(A.INTEREST_RECEIVABLE, loan) == 0
    assert sub_balance(A.INTEREST_INCOME, loan) == -total_interest
    assert balance(A.CASH_TELLER, **OFFICE_CASH) == 0
    assert balance(A.CASH_IN_TRANSIT, **GROUP_TRANSIT) == total_interest
    assert trial_balance().total == 0
    assert list(loan.events.order_by("id").values_list("kind", flat=True)) == [
        "DISBURSEMENT", "INTEREST_COLLECTION", "INTEREST_COLLECTION", "PRINCIPAL_REPAYMENT",
        "PRINCIPAL_REPAYMENT", "INTEREST_COLLECTION", "CLOSE"]
    actions = list(AuditEvent.objects.filter(object_type="loan", object_key=loan.loan_number)
                   .order_by("id").values_list("action", flat=True))
    assert actions == ["loan_disburse", "loan_collect_interest", "loan_collect_interest", "loan_repay_principal",
                       "loan_repay_principal", "loan_collect_interest"]
    assert_cache_matches_ledger(loan)


def test_disbursement_in_a_session_lands_on_the_session_till(lw):
    class Session:
        pk = 41
        held_on = D(2025, 3, 12)
        transaction_point_id = lw.point_a.pk
        is_open = True

    application = approved_application(lw, submitted_on=D(2025, 3, 2))
    loan = loan_disburse(actor=lw.pgd_staff, application=application, disbursed_on=D(2025, 3, 12),
                         loan_number=next_loan_number(), amount=25_000_000, session=Session())
    assert balance(A.CASH_TELLER, subledger_type=S.SESSION, subledger_key="41") == -25_000_000
    assert (loan.disbursed_amount, loan.approved_amount, loan.disbursement_session_key) == (
        25_000_000, 30_000_000, "41")
    # 25M over 3 yearly installments, rounded down to 100,000: 8.3M, 8.3M, 8.4M.
    assert list(loan.installments.values_list("principal", flat=True)) == [8_300_000, 8_300_000, 8_400_000]


def test_repayment_from_savings_debits_the_member_account(lw):
    loan = disbursed_loan(lw)
    entry_post(actor=lw.pgd_staff, value_date=D(2025, 4, 12), kind=EntryKind.SAVINGS_DEPOSIT,
               lines=[Line.debit(A.CASH_TELLER, 3_000_000, S.OFFICE, "000101"),
                      Line.credit(A.SAVINGS_105, 3_000_000, S.SAVINGS, "105000000001")])
    event = loan_repay_principal(actor=lw.pgd_staff, loan=loan, amount=2_000_000, on=D(2025, 5, 12),
                                 from_savings=True, savings_account="105000000001")
    assert event.from_savings
    assert balance(A.SAVINGS_105, subledger_type=S.SAVINGS, subledger_key="105000000001", normal=True) == 1_000_000
    assert sub_balance(A.LOAN_CURRENT, loan) == 28_000_000
    assert event.journal_entry.kind == "REPAID_FROM_SAVINGS"
    assert_cache_matches_ledger(loan)


def test_applications_past_the_approval_deadline(lw):
    application = application_submit(
        actor=lw.credit_officer, household=lw.household_a, program="01", requested_amount=10_000_000,
        term_months=12, purpose="Mua giống", submitted_on=D(2025, 12, 1), group=lw.group_a,
    )
    review_meeting_record(actor=lw.credit_officer, group=lw.group_a, held_on=D(2025, 12, 2), minutes_number="1",
                          request_list_number="1", attendee_count=5, association_present=True,
                          village_head_present=True, decisions=[ReviewDecision(application, True)])
    application_confirm_by_commune(actor=lw.credit_officer, application=application, confirmed_on=D(2025, 12, 3),
                                   reference="XN", confirmed_by="UBND")
    # Friday 05/12/2025 → Wednesday 10/12/2025.
    application_mark_complete(actor=lw.credit_officer, application=application, complete_on=D(2025, 12, 5))
    application.refresh_from_db()
    assert application.approval_deadline == D(2025, 12, 10)
    assert list(applications_past_approval_deadline(lw.credit_officer, D(2025, 12, 10))) == []
    assert list(applications_past_approval_deadline(lw.credit_officer, D(2025, 12, 11))) == [application]
    assert list(applications_past_approval_deadline(lw.group_leader, D(2025, 12, 11))) == [application]
    # Association officers of another organization do not see the Farmers' Union group's applications.
    assert list(applications_past_approval_deadline(women_officer(lw), D(2025, 12, 11))) == []
    assert list(applications_past_approval_deadline(lw.commune_viewer, D(2025, 12, 11))) == [application]
    assert list(applications_past_approval_deadline(lw.admin, D(2025, 12, 11))) == [application]


def test_tet_holidays_push_the_approval_deadline(lw):
    # Friday 13/02/2026 + 3 working days, Tết 16–20/02/2026 off → Wednesday 25/02/2026.
    assert approval_deadline(D(2026, 2, 13)) == D(2026, 2, 25)
    # 29/04/2025 (Tue) + 3: 30/04, 01/05, 02/05 off, weekend → 07/05/2025.
    assert approval_deadline(D(2025, 4, 29)) == D(2025, 5, 7)
