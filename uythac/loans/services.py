"""Loan lifecycle services — the public write API of ``uythac.loans`` (import everything from here).

API NOTE (keyword-only, atomic, audited under the loan; refusals are ``DomainError`` in Vietnamese naming the field;
``actor`` must be a credit officer / PGD staff (or the administrator) whose communes include the borrower's, except
``application_submit`` and ``review_meeting_record`` which group leaders and associations may also call for their
groups; ``actor=None`` is the system and is accepted only where shown)::

    # origination (process.md §3.1)
    application_submit(*, actor, household, program, requested_amount, term_months, purpose, submitted_on,
                       group=None, category=None, office=None, use_of_funds_plan="",
                       installment_frequency_months=None, capital_source="1") -> LoanApplication
    review_meeting_record(*, actor, group, held_on, minutes_number, request_list_number, attendee_count,
                          association_present, village_head_present, decisions: [ReviewDecision], note="",
                          association_officer_name="", village_head_name="", group_meeting=None)
        # the meeting is a groups.GroupMeeting of kind REVIEW (created, or the given one linked)
    application_confirm_by_commune(*, actor, application, confirmed_on, reference, confirmed_by)
    application_mark_complete(*, actor, application, complete_on)    # sets approval_deadline (+3 working days)
    application_approve(*, actor, application, approved_on, approved_amount=None)
    application_reject(*, actor, application, rejected_on, reason)
    approval_notice_issue(*, actor, applications, number, notice_on, planned_disbursement_on,
                          planned_disbursement_place) -> [LoanApplication]           # 04/TD

    # money (every VND through uythac.ledger.services.entry_post; Loan caches updated in the same transaction)
    loan_disburse(*, actor, application, disbursed_on, loan_number, amount=None, session=None,
                  idempotency_key=None) -> Loan              # LOAN_CURRENT [loan] / CASH_TELLER [session|office]
    loan_repay_principal(*, actor, loan, amount, on, session=None, from_savings=False, savings_account=None,
                         idempotency_key=None, source_type="", source_key="") -> LoanEvent
        # CASH_TELLER [session|office] (or SAVINGS_105 [savings]) / LOAN_OVERDUE, LOAN_CURRENT, LOAN_FROZEN
    loan_collect_interest(*, actor, loan, amount, on, source_type="", source_key="", idempotency_key=None,
                          collected_by_leader=None, session=None) -> LoanEvent
        # accrues to on−1, then CASH_IN_TRANSIT [group] (leader; default for entrusted loans) or CASH_TELLER /
        # INTEREST_RECEIVABLE [loan]; refused above what is payable (selectors.interest_payable)
    interest_accrue(*, loan, period=None, through=None, actor=None) -> Accrual | None
        # INTEREST_RECEIVABLE / INTEREST_INCOME [loan] for the days after Loan.interest_accrued_through

    # changes (process.md §3.3–§3.6)
    installment_adjust(*, actor, loan, number, new_due_on, requested_on, form_number="08/TD", note="",
                       submitted_on=None)          # 08/TD notice periods: rule loans.adjustment.notice (M)
    loan_extend(*, actor, loan, months, on, form_number="", note="")
    overdue_transfer(*, loan, as_of, actor=None, idempotency_key=None) -> LoanEvent | None   # 14/TD
    loan_mark_moved_away(*, actor, loan, moved_away_on, note="")     # flags every open loan of the household
    loan_mark_returned(*, actor, loan, returned_on, note) -> LoanEvent  # clears it (household too)

    # freeze expiry (uythac.loans.freeze_expiry; rule loans.risk.freeze_expiry, M)
    freeze_expire(*, actor, loan, on) -> LoanEvent       # frozen principal → overdue (rule) on on ≥ frozen_until
    expire_freezes(*, on, scope=("1 = 1", []), actor=None, actor_label="system") -> int    # set-based, month-end

    # corrections (uythac.loans.services_reversal)
    loan_event_reverse(*, actor, event, on, reason, idempotency_key=None) -> LoanEvent   # kind REVERSAL

    # risk handling (process.md §4)
    risk_round_open(*, actor, branch, year, opened_on, note="") -> RiskRound
    risk_round_close(*, actor, risk_round, closed_on, decision_ref)
    risk_case_propose(*, actor, loan, risk_round, measure, cause, loss_percent, risk_on, requested_on,
                      principal_amount=None, interest_amount=None, extension_months=None, note="") -> RiskCase
    risk_case_advance(*, actor, case, on, number)        # 01/XLN → 02/XLN → 03/04/05/XLN
    risk_case_approve(*, actor, case, decided_on, decision_ref)   # FREEZE / WRITE_OFF / EXTENSION applied
    risk_case_refuse(*, actor, case, decided_on, reason, decision_ref="")

Contracts for callers:

* **Idempotency.** ``idempotency_key`` (a leader batch line, an API request id) makes a retry return the first
  result (``event.replayed`` / ``loan.replayed`` is True) without posting again; the key is the ledger entry's.
* **Sessions.** ``session`` is duck-typed (``transaction_sessions`` sits above ``loans``): it needs ``pk``; when it
  has ``is_open`` (False → refused), ``held_on`` (must equal the operation date) and ``transaction_point_id``
  (must equal the loan's) they are checked. Cash then lands on CASH_TELLER with sub-ledger ``("session", pk)``;
  without a session on ``("office", PGD code)``.
* **Leader collections.** ``loan_collect_interest`` debits CASH_IN_TRANSIT [group code] by default for entrusted
  loans; the session's hand-over (COLLECTION_HANDOVER: CASH_TELLER / CASH_IN_TRANSIT) is the session's job.
* **From savings.** ``from_savings=True`` needs ``savings_account`` (an object with ``number`` or
  ``account_number``, or the number): SAVINGS_105 [savings, number] is debited after checking its ledger balance;
  a cached savings balance, if the savings app keeps one, is the caller's to update in the same transaction.
* **Dates.** Balance changes are refused in the future, before the disbursement, on or before
  ``Loan.interest_accrued_through`` (interest up to that day is already posted), and in a closed ledger month.
  Month-end order: ``overdue_transfer`` (as_of = month end), then ``interest_accrue(period=…)``.
* **Caches.** ``Loan.principal_current/overdue/frozen`` and ``interest_arrears_in_term/overdue/grace`` equal the
  loan's sub-ledger balances on LOAN_CURRENT/LOAN_OVERDUE/LOAN_FROZEN and INTEREST_RECEIVABLE (the latter = the
  three buckets' sum); ``selectors.loan_balances(loan)`` reads the ledger. Set-based code that posts on its own
  (month-end) must update these columns in the same transaction.
"""

from uythac.loans.freeze_expiry import expire_freezes, freeze_expire
from uythac.loans.services_changes import (
    installment_adjust,
    loan_extend,
    loan_mark_moved_away,
    loan_mark_returned,
    overdue_transfer,
)
from uythac.loans.services_disbursement import loan_disburse
from uythac.loans.services_origination import (
    ReviewDecision,
    application_approve,
    application_confirm_by_commune,
    application_mark_complete,
    application_reject,
    application_submit,
    approval_deadline,
    approval_notice_issue,
    review_meeting_record,
)
from uythac.loans.services_repayment import Accrual, interest_accrue, loan_collect_interest, loan_repay_principal
from uythac.loans.services_reversal import loan_event_reverse
from uythac.loans.services_risk import (
    freeze_months_for,
    risk_case_advance,
    risk_case_approve,
    risk_case_propose,
    risk_case_refuse,
    risk_round_close,
    risk_round_open,
)

__all__ = [
    "Accrual",
    "ReviewDecision",
    "application_approve",
    "application_confirm_by_commune",
    "application_mark_complete",
    "application_reject",
    "application_submit",
    "approval_deadline",
    "approval_notice_issue",
    "expire_freezes",
    "freeze_expire",
    "freeze_months_for",
    "installment_adjust",
    "interest_accrue",
    "loan_collect_interest",
    "loan_disburse",
    "loan_event_reverse",
    "loan_extend",
    "loan_mark_moved_away",
    "loan_mark_returned",
    "loan_repay_principal",
    "overdue_transfer",
    "review_meeting_record",
    "risk_case_advance",
    "risk_case_approve",
    "risk_case_propose",
    "risk_case_refuse",
    "risk_round_close",
    "risk_round_open",
]
