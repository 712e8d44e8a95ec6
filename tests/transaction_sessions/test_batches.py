"""Leaders' collection batches (13/TD): submission posts nothing, the hand-over at the session posts exactly the
interest, deposits, repayments from deposit and the counted cash with its difference; every refusal is inert."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.loans.support import state as loan_state
from tests.support_lending import ledger_state
from tests.transaction_sessions.support import SESSION_DAY, receipt, saver_receipt
from uythac.core.exceptions import DomainError
from uythac.core.models import AuditEvent
from uythac.ledger.chart import AccountCode as A
from uythac.ledger.chart import SubledgerType as S
from uythac.ledger.models import JournalEntry, LedgerPeriod, PeriodStatus
from uythac.ledger.selectors import balance, entry_lines
from uythac.loans.models import Loan, LoanStatus
from uythac.savings.models import MemberSavingsAccount
from uythac.transaction_sessions.models import (
    BatchStatus,
    CollectionBatch,
    CollectionItem,
    SessionEntry,
    TransactionSession,
)
from uythac.transaction_sessions.services import batch_handover, batch_reject, batch_submit, session_close

pytestmark = pytest.mark.django_db


def everything() -> dict:
    return {**ledger_state(), **loan_state(),
            "batches": list(CollectionBatch.objects.order_by("id").values_list(
                "id", "status", "session_id", "counted_total", "cash_count")),
            "items": CollectionItem.objects.count(), "links": SessionEntry.objects.count(),
            "sessions": list(TransactionSession.objects.values_list("id", "status", "closing_cash"))}


def submit(scene, actor=None, key="app-1", receipts=None, total=None):
    receipts = receipts if receipts is not None else [receipt(scene), saver_receipt(scene)]
    return batch_submit(actor=actor or scene.world.group_leader, group=scene.world.group_a, receipts=receipts,
                        declared_total=220_000 if total is None else total, idempotency_key=key,
                        list_number="13/TD-04")


def lines(entry):
    return sorted((line.account_code, line.amount, line.subledger_type, line.subledger_key)
                  for line in entry_lines(entry))


# --- submission -------------------------------------------------------------------------------------------

def test_a_leader_submits_a_pending_batch_that_posts_nothing(scene):
    entries = JournalEntry.objects.count()
    batch = submit(scene)
    assert (batch.status, batch.declared_total, batch.replayed, batch.submitted_by) == (
        "PENDING", 220_000, False, scene.world.group_leader)
    assert sorted(CollectionItem.objects.values_list("kind", "amount")) == [
        ("INTEREST", 150_000), ("SAVINGS", 20_000), ("SAVINGS", 50_000)]
    assert JournalEntry.objects.count() == entries
    assert balance(A.CASH_IN_TRANSIT) == 0
    assert AuditEvent.objects.filter(action="batch.submit", parent_key="0000001").count() == 1


def test_a_resent_submission_posts_once_and_a_different_one_under_the_same_key_is_refused(scene):
    first = submit(scene)
    before = everything()
    again = submit(scene, actor=scene.world.credit_officer,
                   receipts=[saver_receipt(scene), receipt(scene)])  # same list, other order, on behalf
    assert (again.pk, again.replayed) == (first.pk, True)
    assert everything() == before
    with pytest.raises(DomainError) as refused:
        submit(scene, receipts=[receipt(scene, interest=160_000), saver_receipt(scene)], total=230_000)
    assert refused.value.message_dict == {"idempotency_key": [
        f"Mã chống trùng «app-1» đã dùng cho bảng kê #{first.pk} với nội dung khác: bảng kê này không được ghi."]}
    assert everything() == before


def _closed_loan(scene):
    Loan.objects.filter(pk=scene.loan.pk).update(status=LoanStatus.CLOSED, closed_on=dt.date(2025, 4, 1),
                                                 principal_current=0)


def _written_off(scene):
    Loan.objects.filter(pk=scene.loan.pk).update(status=LoanStatus.WRITTEN_OFF, closed_on=dt.date(2025, 4, 2),
                                             principal_current=0)


SUBMIT_REFUSALS = [
    ("principal", lambda s: {"receipts": [receipt(s, principal=1_000_000)]},
     "Biên lai BL-001: tổ trưởng không được thu nợ gốc. Người vay tự trả nợ gốc tại phiên giao dịch xã hoặc tại "
     "phòng giao dịch."),
    ("total differs", lambda s: {"total": 219_000},
     "Tổng tiền bảng kê (219.000 đồng) khác tổng lãi và tiền gửi trên các biên lai (220.000 đồng)."),
    ("future date", lambda s: {"receipts": [receipt(s, collected_on=timezone.localdate() + dt.timedelta(days=1))],
                               "total": 170_000}, "Biên lai BL-001: Ngày thu"),
    ("not a member", lambda s: {"receipts": [dict(saver_receipt(s), household=s.world.household_b.customer_code)],
                                "total": 50_000}, "không là tổ viên của tổ 0000001 vào ngày 06/04/2025"),
    ("twice the same receipt", lambda s: {"receipts": [receipt(s), saver_receipt(s, number="BL-001")]},
     "Biên lai BL-001: số biên lai bị trùng trong bảng kê."),
    ("no account", lambda s: {"receipts": [dict(saver_receipt(s), household=s.world.group_a.test_members[4]
                                                .customer_code)], "total": 50_000},
     "chưa có tài khoản tiền gửi đang hoạt động"),
    ("below minimum", lambda s: {"receipts": [saver_receipt(s, savings=4_000)], "total": 4_000},
     "tiền gửi 4.000 đồng thấp hơn mức gửi tối thiểu 5.000 đồng"),
    ("zero interest", lambda s: {"receipts": [receipt(s, interest=0, savings=0) | {"interest": {
        s.loan.loan_number: 0}}], "total": 1}, "Tiền lãi phải là số tiền nguyên dương"),
    ("empty", lambda s: {"receipts": [], "total": 1}, "Bảng kê chưa có biên lai nào."),
]


@pytest.mark.parametrize(("case", "args", "message"), SUBMIT_REFUSALS, ids=[r[0] for r in SUBMIT_REFUSALS])
def test_submission_refusals_change_nothing(scene, case, args, message):
    before = everything()
    with pytest.raises(DomainError) as refused:
        submit(scene, **args(scene))
    assert message in refused.value.text()
    assert everything() == before


@pytest.mark.parametrize(("make", "message"), [
    (_closed_loan, "món vay {number} đã tất toán ngày 01/04/2025: không thu lãi."),
    (_written_off, "món vay {number} đã được xóa nợ ngày 02/04/2025: không thu."),
])
def test_collections_on_closed_or_written_off_loans_are_refused(scene, make, message):
    make(scene)
    before = everything()
    with pytest.raises(DomainError, match=message.format(number=scene.loan.loan_number)):
        submit(scene)
    assert everything() == before


def test_a_leader_cannot_act_for_another_group_and_viewers_cannot_submit(scene):
    w = scene.world
    before = everything()
    with pytest.raises(DomainError, match="Tổ 0000002 không thuộc phạm vi quản lý của bạn."):
        batch_submit(actor=w.group_leader, group=w.group_a_women, receipts=[saver_receipt(scene)],
                     declared_total=50_000, idempotency_key="x")
    with pytest.raises(DomainError, match="Chỉ tổ trưởng"):
        submit(scene, actor=w.commune_viewer)
    with pytest.raises(DomainError, match="Chỉ tổ trưởng"):
        submit(scene, actor=w.commune_association)
    assert everything() == before


def test_a_receipt_number_is_used_once_per_group(scene):
    first = submit(scene)
    before = everything()
    with pytest.raises(DomainError, match=f"Biên lai BL-002 đã có trong bảng kê #{first.pk} của tổ."):
        submit(scene, key="app-2", receipts=[saver_receipt(scene)], total=50_000)
    assert everything() == before
    batch_reject(actor=scene.world.group_leader, batch=first, reason="Lập sai, lập lại")
    again = submit(scene, key="app-2", receipts=[saver_receipt(scene)], total=50_000)
    assert again.status == "PENDING"


# --- hand-over --------------------------------------------------------------------------------------------

def test_handover_posts_interest_deposits_and_the_counted_cash_with_its_shortage(scene):
    w, session = scene.world, scene.session
    batch = submit(scene)
    arrears_before = Loan.objects.get(pk=scene.loan.pk).interest_arrears
    handed = batch_handover(actor=w.pgd_staff, session=session, batch=batch, counted_total=210_000,
                            difference_note="Tổ trưởng nộp thiếu, hẹn bổ sung")
    assert (handed.status, handed.session, handed.counted_total, handed.difference, handed.has_difference) == (
        BatchStatus.HANDED_OVER, session, 210_000, -10_000, True)

    handover = JournalEntry.objects.get(idempotency_key=f"collectionbatch:{batch.pk}:handover")
    assert (handover.kind, handover.value_date) == ("COLLECTION_HANDOVER", SESSION_DAY)
    assert lines(handover) == [("CASH_DIFFERENCE", 10_000, "group", "0000001"),
                               ("CASH_IN_TRANSIT", -220_000, "group", "0000001"),
                               ("CASH_TELLER", 210_000, "session", str(session.pk))]
    interest = JournalEntry.objects.get(kind="INTEREST_COLLECTION", source_key=str(batch.pk))
    assert lines(interest) == [("CASH_IN_TRANSIT", 150_000, "group", "0000001"),
                               ("INTEREST_RECEIVABLE", -150_000, "loan", scene.loan.loan_number)]
    deposits = JournalEntry.objects.filter(kind="SAVINGS_DEPOSIT", source_type="collectionbatch")
    assert sorted(lines(e)[0][1] for e in deposits) == [20_000, 50_000]  # CASH_IN_TRANSIT debits
    assert balance(A.CASH_IN_TRANSIT, subledger_type=S.GROUP, subledger_key="0000001") == 0
    assert balance(A.CASH_DIFFERENCE, subledger_type=S.GROUP, subledger_key="0000001") == 10_000
    loan = Loan.objects.get(pk=scene.loan.pk)
    assert loan.interest_arrears == arrears_before + 168_164 - 150_000
    assert MemberSavingsAccount.objects.get(pk=scene.borrower_savings.pk).balance == 620_000
    assert MemberSavingsAccount.objects.get(pk=scene.saver_savings.pk).balance == 50_000
    assert sorted(SessionEntry.objects.filter(batch=batch).values_list("purpose", "amount")) == [
        ("DEPOSIT", 20_000), ("DEPOSIT", 50_000), ("HANDOVER", 210_000), ("INTEREST", 150_000)]
    event = AuditEvent.objects.get(action="batch.handover")
    assert event.note == "Chênh lệch -10.000 đồng so với bảng kê"


def test_a_second_handover_is_refused_and_changes_nothing(scene):
    w = scene.world
    batch = submit(scene)
    batch_handover(actor=w.pgd_staff, session=scene.session, batch=batch, counted_total=220_000)
    before = everything()
    with pytest.raises(DomainError) as refused:
        batch_handover(actor=w.credit_officer, session=scene.session, batch=batch.pk, counted_total=220_000)
    assert refused.value.message_dict == {"batch": [
        f"Bảng kê #{batch.pk} đã được giao tại phiên giao dịch ngày 12/04/2025: không giao lần thứ hai."]}
    assert everything() == before


def test_cash_count_by_denomination_and_a_surplus(scene):
    batch = submit(scene)
    handed = batch_handover(actor=scene.world.pgd_staff, session=scene.session, batch=batch,
                            cash_count={"200000": 1, "20000": 1, "5000": 1, "500000": 0})
    assert (handed.counted_total, handed.cash_count, handed.difference) == (
        225_000, {"200000": 1, "20000": 1, "5000": 1}, 5_000)
    assert balance(A.CASH_DIFFERENCE, subledger_type=S.GROUP, subledger_key="0000001") == -5_000


def test_savings_may_repay_principal_at_the_handover(scene):
    w = scene.world
    batch = submit(scene, receipts=[receipt(scene, savings=0, savings_to_principal={scene.loan.loan_number:
                                                                                    500_000})], total=150_000)
    batch_handover(actor=w.pgd_staff, session=scene.session, batch=batch, counted_total=150_000)
    repaid = JournalEntry.objects.get(kind="REPAID_FROM_SAVINGS")
    assert lines(repaid) == [("LOAN_CURRENT", -500_000, "loan", scene.loan.loan_number),
                             ("SAVINGS_105", 500_000, "savings", scene.borrower_savings.account_number)]
    assert MemberSavingsAccount.objects.get(pk=scene.borrower_savings.pk).balance == 100_000
    assert Loan.objects.get(pk=scene.loan.pk).outstanding == 29_500_000


HANDOVER_REFUSALS = [
    ("nothing counted", {}, "Chưa nhập số tiền mặt thực nhận từ tổ trưởng."),
    ("negative count", {"counted_total": -1}, "Tiền mặt thực nhận phải là số tiền nguyên không âm (đồng)."),
    ("bad denomination", {"cash_count": {"300000": 1}}, "Mệnh giá 300000 không hợp lệ."),
    ("count differs from pieces", {"cash_count": {"200000": 1}, "counted_total": 220_000},
     "Số tiền thực nhận khác tổng bảng kê tiền theo mệnh giá (200.000 đồng)."),
]


@pytest.mark.parametrize(("case", "args", "message"), HANDOVER_REFUSALS, ids=[r[0] for r in HANDOVER_REFUSALS])
def test_handover_refusals_change_nothing(scene, case, args, message):
    batch = submit(scene)
    before = everything()
    with pytest.raises(DomainError) as refused:
        batch_handover(actor=scene.world.pgd_staff, session=scene.session, batch=batch, **args)
    assert message in refused.value.text()
    assert everything() == before


def test_handover_into_a_closed_session_or_month_is_refused(scene):
    w = scene.world
    batch = submit(scene)
    LedgerPeriod.objects.filter(period="2025-04").update(status=PeriodStatus.CLOSED, closed_at=timezone.now())
    before = everything()
    with pytest.raises(DomainError, match="Kỳ 2025-04 đã khóa sổ: không ghi được giao dịch ngày 12/04/2025."):
        batch_handover(actor=w.pgd_staff, session=scene.session, batch=batch, counted_total=220_000)
    assert everything() == before
    LedgerPeriod.objects.filter(period="2025-04").update(status=PeriodStatus.OPEN, closed_at=None)
    session_close(actor=w.credit_officer, session=scene.session, closing_cash=20_000_000)
    before = everything()
    with pytest.raises(DomainError, match="Phiên giao dịch ngày 12/04/2025 tại Điểm GD Hoàn Kiếm đã đóng"):
        batch_handover(actor=w.pgd_staff, session=scene.session, batch=batch, counted_total=220_000)
    assert everything() == before


def test_interest_above_what_is_due_is_refused_by_the_loan_at_handover(scene):
    batch = submit(scene, receipts=[receipt(scene, interest=168_165, savings=0)], total=168_165)
    before = everything()
    with pytest.raises(DomainError, match="lớn hơn số lãi phải trả đến ngày 12/04/2025 \\(168.164 đồng\\)"):
        batch_handover(actor=scene.world.pgd_staff, session=scene.session, batch=batch, counted_total=168_165)
    assert everything() == before


def test_only_the_team_hands_over_and_only_at_the_groups_point(scene):
    w = scene.world
    batch = submit(scene)
    before = everything()
    with pytest.raises(DomainError, match="Chỉ cán bộ tín dụng, cán bộ phòng giao dịch"):
        batch_handover(actor=w.group_leader, session=scene.session, batch=batch, counted_total=220_000)
    from uythac.transaction_sessions.services import session_open
    other = session_open(actor=w.pgd_staff, point=w.point_b, session_date=dt.date(2025, 4, 15),
                         team_leader=w.pgd_staff)
    before = everything()
    with pytest.raises(DomainError, match="Tổ 0000001 không giao dịch tại điểm giao dịch của phiên này."):
        batch_handover(actor=w.pgd_staff, session=other, batch=batch, counted_total=220_000)
    assert everything() == before


def test_a_rejected_batch_cannot_be_handed_over(scene):
    batch = submit(scene)
    batch_reject(actor=scene.world.credit_officer, batch=batch, reason="Sai số tiền")
    before = everything()
    with pytest.raises(DomainError, match=f"Bảng kê #{batch.pk} đã bị hủy."):
        batch_handover(actor=scene.world.pgd_staff, session=scene.session, batch=batch, counted_total=220_000)
    with pytest.raises(DomainError, match="Chỉ hủy được bảng kê đang chờ giao"):
        batch_reject(actor=scene.world.credit_officer, batch=batch, reason="Lần hai")
    assert everything() == before
