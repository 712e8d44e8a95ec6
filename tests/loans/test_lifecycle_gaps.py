"""08/TD notice periods, borrower moved away (every loan, return, chasing list), review meeting as a GroupMeeting."""

import pytest

from tests.loans.support import D, disbursed_loan, make_poor, state
from uythac.core.exceptions import DomainError
from uythac.groups.models import GroupMeeting, MeetingKind
from uythac.loans.models import Loan, LoanEventKind, ReviewMeeting
from uythac.loans.selectors import loans_moved_away
from uythac.loans.services import (
    ReviewDecision,
    application_submit,
    installment_adjust,
    loan_mark_moved_away,
    loan_mark_returned,
    review_meeting_record,
)

pytestmark = pytest.mark.django_db


def new_regime_loan(lw):
    # 20M, 24 months, every 6 months, session day 12 → 5M due Saturday 12/09/2026, 12/03/2027, …
    return disbursed_loan(lw, term=24, frequency=6, amount=20_000_000, disbursed_on=D(2026, 3, 12))


# --- 08/TD ---------------------------------------------------------------------------------------------------


def test_borrower_must_ask_five_working_days_before_the_installment(lw):
    loan = new_regime_loan(lw)
    # 5 working days before Saturday 12/09/2026: 11, 10, 9, 8, 7/09 → at the latest Monday 07/09/2026.
    before = state()
    with pytest.raises(DomainError) as refused:
        installment_adjust(actor=lw.credit_officer, loan=loan, number=1, new_due_on=D(2026, 10, 12),
                           requested_on=D(2026, 9, 8))
    assert refused.value.field == "requested_on"
    assert "07/09/2026" in str(refused.value)
    assert state() == before
    event = installment_adjust(actor=lw.credit_officer, loan=loan, number=1, new_due_on=D(2026, 10, 12),
                               requested_on=D(2026, 9, 7))
    assert (event.new_date, event.detail) == (D(2026, 10, 12), None)


@pytest.mark.parametrize(("submitted_on", "accepted"), [
    (D(2026, 9, 9), True),    # 3 working days before (11, 10, 9/09)
    (D(2026, 9, 10), False),  # too late and not the session day
    (D(2026, 9, 12), True),   # the point's fixed session day (12), not after the due date
])
def test_leader_submits_three_working_days_before_or_on_the_session_day(lw, submitted_on, accepted):
    loan = new_regime_loan(lw)
    assert loan.transaction_point.session_day_of_month == 12
    call = {"actor": lw.credit_officer, "loan": loan, "number": 1, "new_due_on": D(2026, 10, 12),
            "requested_on": D(2026, 9, 4), "submitted_on": submitted_on}
    if accepted:
        assert installment_adjust(**call).detail == {"submitted_on": submitted_on.isoformat()}
        return
    before = state()
    with pytest.raises(DomainError) as refused:
        installment_adjust(**call)
    assert refused.value.field == "submitted_on"
    assert state() == before


def test_loans_before_the_597_rule_follow_the_contract(lw):
    loan = disbursed_loan(lw, term=24, frequency=6, amount=20_000_000)   # 12/03/2025: first due 12/09/2025
    event = installment_adjust(actor=lw.credit_officer, loan=loan, number=1, new_due_on=D(2025, 10, 12),
                               requested_on=D(2025, 9, 11), submitted_on=D(2025, 9, 12))
    assert event.new_date == D(2025, 10, 12)


# --- moved away ----------------------------------------------------------------------------------------------


def test_moved_away_flags_every_open_loan_and_lists_them_until_the_return(lw):
    first = disbursed_loan(lw, amount=10_000_000)
    second = disbursed_loan(lw, amount=10_000_000, disbursed_on=D(2025, 4, 12))
    loan_mark_moved_away(actor=lw.credit_officer, loan=first, moved_away_on=D(2025, 8, 1), note="Đi Bình Dương")
    second.refresh_from_db()
    assert second.moved_away_on == D(2025, 8, 1)
    assert second.events.filter(kind=LoanEventKind.MOVED_AWAY).count() == 1
    rows = list(loans_moved_away(Loan.objects.all(), on=D(2027, 8, 1)))
    assert [(row.loan_number, row.absent_two_years) for row in rows] == [
        (first.loan_number, True), (second.loan_number, True)]
    assert [row.absent_two_years for row in loans_moved_away(Loan.objects.all(), on=D(2027, 7, 31))] == [
        False, False]
    before = state()
    for kwargs in ({"returned_on": D(2025, 7, 31), "note": "Đã về"}, {"returned_on": D(2025, 9, 1), "note": " "}):
        with pytest.raises(DomainError):
            loan_mark_returned(actor=lw.credit_officer, loan=second, **kwargs)
    assert state() == before
    event = loan_mark_returned(actor=lw.credit_officer, loan=second, returned_on=D(2025, 9, 1),
                               note="Công an xã xác nhận đã về")
    assert (event.kind, event.old_date) == (LoanEventKind.RETURNED, D(2025, 8, 1))
    first.refresh_from_db()
    lw.household_a.refresh_from_db()
    assert (first.moved_away_on, lw.household_a.moved_away_on) == (None, None)
    assert list(loans_moved_away(Loan.objects.all())) == []
    with pytest.raises(DomainError):
        loan_mark_returned(actor=lw.credit_officer, loan=first, returned_on=D(2025, 9, 2), note="x")


# --- review meeting as a GroupMeeting --------------------------------------------------------------------------


def _application(lw, day=None):
    other = lw.group_a.test_members[3]
    make_poor(other)
    return application_submit(actor=lw.credit_officer, household=other, program="01", requested_amount=20_000_000,
                              term_months=24, purpose="Trồng rau", submitted_on=day or D(2025, 4, 1),
                              group=lw.group_a)


def test_review_meeting_is_a_group_meeting_of_kind_review(lw):
    application = _application(lw)
    meeting = review_meeting_record(
        actor=lw.credit_officer, group=lw.group_a, held_on=D(2025, 4, 2), minutes_number="10C/TD-02",
        request_list_number="03/TD-02", attendee_count=6, association_present=True, village_head_present=True,
        association_officer_name="Nguyễn Thị Hội", village_head_name="Trần Văn Thôn",
        decisions=[ReviewDecision(application, True, 15_000_000)],
    )
    group_meeting = meeting.group_meeting
    assert (group_meeting.kind, group_meeting.group, group_meeting.held_on, group_meeting.attendee_count) == (
        MeetingKind.REVIEW, lw.group_a, D(2025, 4, 2), 6)
    assert group_meeting.minutes == "Họp bình xét cho vay: biên bản 10C/TD số 10C/TD-02, danh sách 03/TD số 03/TD-02."
    assert (meeting.held_on, meeting.group, meeting.attendee_count, meeting.association_present,
            meeting.village_head_present, meeting.recorded_by) == (
        D(2025, 4, 2), lw.group_a, 6, True, True, lw.credit_officer)
    assert (meeting.association_officer_name, meeting.village_head_name) == ("Nguyễn Thị Hội", "Trần Văn Thôn")
    assert list(lw.group_a.meetings.filter(kind=MeetingKind.REVIEW)) == [group_meeting]


def test_an_already_recorded_group_meeting_is_linked_not_duplicated(lw):
    application = _application(lw)
    recorded = GroupMeeting.objects.create(group=lw.group_a, held_on=D(2025, 4, 2), kind=MeetingKind.REVIEW,
                                           attendee_count=6, association_present=True, village_head_present=False,
                                           minutes="Biên bản họp bình xét")
    regular = GroupMeeting.objects.create(group=lw.group_a, held_on=D(2025, 4, 2), kind=MeetingKind.REGULAR,
                                          attendee_count=6, minutes="Sinh hoạt")
    call = {"actor": lw.credit_officer, "group": lw.group_a, "held_on": D(2025, 4, 2), "minutes_number": "1",
            "request_list_number": "1", "attendee_count": 6, "association_present": True,
            "village_head_present": False, "decisions": [ReviewDecision(application, True)]}
    before = state()
    for kwargs in ({"group_meeting": regular}, {"group_meeting": recorded, "attendee_count": 5},
                   {"village_head_name": "Ông Thôn"}):
        with pytest.raises(DomainError):
            review_meeting_record(**{**call, **kwargs})
    assert state() == before
    meeting = review_meeting_record(**call, group_meeting=recorded)
    assert meeting.group_meeting == recorded
    assert GroupMeeting.objects.filter(kind=MeetingKind.REVIEW).count() == 1
    assert ReviewMeeting.objects.get().note == "Biên bản họp bình xét"
