"""Every refused write raises a Vietnamese DomainError naming the field and leaves the database as it was."""

import datetime as dt

import pytest

from tests.loans.support import D, approved_application, disbursed_loan, make_poor, next_loan_number, state
from uythac.core.exceptions import DomainError
from uythac.core.guards import today
from uythac.groups.models import GroupMembership
from uythac.ledger.services import period_close
from uythac.loans.services import (
    ReviewDecision,
    application_approve,
    application_confirm_by_commune,
    application_mark_complete,
    application_submit,
    loan_collect_interest,
    loan_disburse,
    loan_repay_principal,
    review_meeting_record,
)

pytestmark = pytest.mark.django_db


def refused(call, field=None, text=None):
    before = state()
    with pytest.raises(DomainError) as caught:
        call()
    assert state() == before
    if field is not None:
        assert caught.value.field == field, caught.value.text()
    if text is not None:
        assert text in caught.value.text()
    return caught.value


def disburse(lw, application, **kwargs):
    values = {"actor": lw.credit_officer, "application": application, "disbursed_on": D(2025, 3, 12),
              "loan_number": next_loan_number()}
    values.update(kwargs)
    return lambda: loan_disburse(**values)


# --- disbursement ------------------------------------------------------------------------------------------------


def test_a_second_disbursement_of_the_same_approval_is_refused(lw):
    application = approved_application(lw)
    loan = loan_disburse(actor=lw.credit_officer, application=application, disbursed_on=D(2025, 3, 12),
                         loan_number=next_loan_number())
    error = refused(disburse(lw, application), "application", "lần thứ hai")
    assert loan.loan_number in error.text()


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"amount": 30_000_001}, "amount"),
    ({"amount": 0}, "amount"),
    ({"amount": -5_000_000}, "amount"),
    ({"amount": 1.5e7}, "amount"),
    ({"loan_number": "66001234"}, "loan_number"),
    ({"loan_number": "66000000000000AB"}, "loan_number"),
    ({"disbursed_on": D(2025, 3, 1)}, "disbursed_on"),  # before the approval
])
def test_bad_disbursement_values_are_refused(lw, kwargs, field):
    refused(disburse(lw, approved_application(lw), **kwargs), field)


def test_disbursement_in_the_future_is_refused(lw):
    refused(disburse(lw, approved_application(lw), disbursed_on=today() + dt.timedelta(days=1)), "disbursed_on")


def test_a_used_loan_number_is_refused(lw):
    loan = disbursed_loan(lw)
    other = lw.group_a.test_members[4]
    make_poor(other)
    application = approved_application(lw, household=other)
    refused(disburse(lw, application, loan_number=loan.loan_number), "loan_number", "đã được dùng")


def test_an_unapproved_application_is_not_disbursed(lw):
    application = application_submit(
        actor=lw.credit_officer, household=lw.household_a, program="01", requested_amount=10_000_000,
        term_months=12, purpose="Mua giống", submitted_on=D(2025, 3, 1), group=lw.group_a,
    )
    refused(disburse(lw, application), "application", "chưa được phê duyệt")


def test_a_household_that_left_the_group_is_not_disbursed(lw):
    application = approved_application(lw)
    GroupMembership.objects.filter(household=lw.household_a).update(left_on=D(2025, 3, 10), leave_reason="Chuyển")
    refused(disburse(lw, application), "household", "không phải tổ viên")


def test_a_household_no_longer_on_the_poor_list_is_not_disbursed(lw):
    application = approved_application(lw, submitted_on=D(2025, 12, 20))
    make_poor(lw.household_a, 2026, status="NONE")
    refused(disburse(lw, application, disbursed_on=D(2026, 1, 12)), "household", "danh sách hiện hành")


def test_a_household_that_moved_away_is_not_disbursed(lw):
    application = approved_application(lw)
    lw.household_a.moved_away_on = D(2025, 3, 5)
    lw.household_a.save()
    refused(disburse(lw, application), "household", "bỏ đi")


def test_the_cap_per_household_counts_what_is_still_outstanding(lw):
    disbursed_loan(lw, amount=80_000_000, term=60)
    application = application_submit(
        actor=lw.credit_officer, household=lw.household_a, program="01", requested_amount=30_000_000,
        term_months=24, purpose="Mở rộng chuồng trại", submitted_on=D(2025, 3, 20), group=lw.group_a,
    )
    review_meeting_record(actor=lw.credit_officer, group=lw.group_a, held_on=D(2025, 3, 21), minutes_number="2",
                          request_list_number="2", attendee_count=5, association_present=True,
                          village_head_present=True, decisions=[ReviewDecision(application, True)])
    application_confirm_by_commune(actor=lw.credit_officer, application=application, confirmed_on=D(2025, 3, 21),
                                   reference="XN-2", confirmed_by="UBND")
    application_mark_complete(actor=lw.credit_officer, application=application, complete_on=D(2025, 3, 21))
    refused(lambda: application_approve(actor=lw.credit_officer, application=application,
                                        approved_on=D(2025, 3, 22)), "amount", "100.000.000")
    # 20M fits: 80M + 20M = 100M.
    application_approve(actor=lw.credit_officer, application=application, approved_on=D(2025, 3, 22),
                        approved_amount=20_000_000)


def test_a_term_longer_than_the_program_maximum_is_refused_at_approval(lw):
    with pytest.raises(DomainError) as caught:
        approved_application(lw, term=132)
    assert caught.value.field == "term_months"


@pytest.mark.parametrize("persona", ["commune_association", "group_leader", "commune_viewer", "branch_staff"])
def test_only_bank_staff_disburse(lw, persona):
    refused(disburse(lw, approved_application(lw), actor=getattr(lw, persona)), "application")


def test_a_credit_officer_cannot_disburse_outside_their_communes(lw):
    make_poor(lw.household_b)
    application = approved_application(lw, actor=lw.pgd_staff, household=lw.household_b, group=lw.group_b)
    refused(disburse(lw, application), "application", "phạm vi")


def test_a_closed_session_takes_no_disbursement(lw):
    class ClosedSession:
        pk = 7
        held_on = D(2025, 3, 12)
        transaction_point_id = None
        is_open = False

    refused(disburse(lw, approved_application(lw), session=ClosedSession()), "session", "đã đóng")


def test_a_session_of_another_day_is_refused(lw):
    class Session:
        pk = 8
        held_on = D(2025, 3, 13)
        is_open = True

    refused(disburse(lw, approved_application(lw), session=Session()), "session")


def test_nothing_is_posted_into_a_closed_month(lw):
    application = approved_application(lw)
    period_close(actor=lw.admin, period="2025-03")
    refused(disburse(lw, application), "value_date")


# --- repayments and collections --------------------------------------------------------------------------------


@pytest.mark.parametrize(("amount", "on", "field"), [
    (30_000_001, D(2025, 4, 12), "amount"),
    (0, D(2025, 4, 12), "amount"),
    (-1, D(2025, 4, 12), "amount"),
    (1_000_000, D(2025, 3, 11), "on"),  # before the disbursement
    (1_000_000, None, "on"),
])
def test_bad_principal_repayments_are_refused(lw, amount, on, field):
    loan = disbursed_loan(lw)
    on = on or today() + dt.timedelta(days=1)
    refused(lambda: loan_repay_principal(actor=lw.pgd_staff, loan=loan, amount=amount, on=on), field)


def test_repayment_from_savings_needs_enough_savings(lw):
    loan = disbursed_loan(lw)
    refused(lambda: loan_repay_principal(actor=lw.pgd_staff, loan=loan, amount=1_000_000, on=D(2025, 4, 12),
                                         from_savings=True, savings_account="105000000009"), "savings_account")


@pytest.mark.parametrize(("amount", "field", "text"), [
    (168_165, "amount", "168.164"),  # one đồng more than payable
    (0, "amount", None),
    (-100, "amount", None),
])
def test_bad_interest_collections_are_refused(lw, amount, field, text):
    loan = disbursed_loan(lw)
    refused(lambda: loan_collect_interest(actor=lw.pgd_staff, loan=loan, amount=amount, on=D(2025, 4, 12)),
            field, text)


def test_collections_on_a_closed_loan_are_refused(lw):
    loan = disbursed_loan(lw, amount=10_000_000, term=12)
    loan_repay_principal(actor=lw.pgd_staff, loan=loan, amount=10_000_000, on=D(2025, 3, 12))
    loan.refresh_from_db()
    assert (loan.status, loan.closed_on) == ("CLOSED", D(2025, 3, 12))
    refused(lambda: loan_collect_interest(actor=lw.pgd_staff, loan=loan, amount=1_000, on=D(2025, 4, 12)),
            "loan", "tất toán")
    refused(lambda: loan_repay_principal(actor=lw.pgd_staff, loan=loan, amount=1_000, on=D(2025, 4, 12)),
            "loan", "tất toán")


def test_associations_and_leaders_collect_nothing_themselves(lw):
    loan = disbursed_loan(lw)
    for persona in (lw.group_leader, lw.commune_association, lw.commune_viewer):
        refused(lambda p=persona: loan_collect_interest(actor=p, loan=loan, amount=1_000, on=D(2025, 4, 12)),
                "loan")
        refused(lambda p=persona: loan_repay_principal(actor=p, loan=loan, amount=1_000, on=D(2025, 4, 12)),
                "loan")


# --- origination ---------------------------------------------------------------------------------------------------


def submit(lw, **kwargs):
    values = {"actor": lw.group_leader, "household": lw.household_a, "program": "01",
              "requested_amount": 10_000_000, "term_months": 12, "purpose": "Mua giống", "submitted_on": D(2025, 3, 1),
              "group": lw.group_a}
    values.update(kwargs)
    return lambda: application_submit(**values)


def test_bad_applications_are_refused(lw):
    refused(submit(lw, actor=lw.commune_viewer), "group")
    refused(submit(lw, group=lw.group_a_women), "group")  # not the leader's group
    refused(submit(lw, household=lw.household_b), "household")  # out of the leader's scope
    refused(submit(lw, actor=lw.credit_officer, household=lw.group_a_women.test_members[0]), "household")
    refused(submit(lw, group=None), "group")  # direct lending is for bank staff
    refused(submit(lw, requested_amount=0), "requested_amount")
    refused(submit(lw, term_months=0), "term_months")
    refused(submit(lw, purpose="  "), "purpose")
    refused(submit(lw, submitted_on=today() + dt.timedelta(days=1)), "submitted_on")
    refused(submit(lw, program="77"), "program")
    submit(lw)()
    refused(submit(lw), "program", "đang xử lý")


def test_a_review_cannot_agree_more_than_requested(lw):
    application = submit(lw)()
    refused(lambda: review_meeting_record(
        actor=lw.group_leader, group=lw.group_a, held_on=D(2025, 3, 2), minutes_number="1", request_list_number="1",
        attendee_count=5, association_present=True, village_head_present=True,
        decisions=[ReviewDecision(application, True, 10_000_001)]), "decisions")
    refused(lambda: review_meeting_record(
        actor=lw.group_leader, group=lw.group_a, held_on=D(2025, 2, 28), minutes_number="1", request_list_number="1",
        attendee_count=5, association_present=True, village_head_present=True,
        decisions=[ReviewDecision(application, True)]), "held_on")


def test_approval_needs_a_complete_dossier(lw):
    application = submit(lw)()
    refused(lambda: application_approve(actor=lw.credit_officer, application=application, approved_on=D(2025, 3, 5)),
            "application")
