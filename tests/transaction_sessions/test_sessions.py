"""Opening, the giao ban, fees/commissions, closing and corrections of a commune transaction session."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.transaction_sessions.support import OPENING_CASH, SESSION_DAY, receipt, saver_receipt
from tests.transaction_sessions.test_batches import everything, lines
from uythac.core.exceptions import DomainError
from uythac.core.models import AuditEvent
from uythac.ledger.chart import AccountCode as A
from uythac.ledger.chart import SubledgerType as S
from uythac.ledger.models import JournalEntry, LedgerPeriod, PeriodStatus
from uythac.ledger.selectors import balance
from uythac.network.models import TransactionPoint
from uythac.transaction_sessions.models import SessionEntry, SessionPayment, SessionStatus, TransactionSession
from uythac.transaction_sessions.services import (
    batch_handover,
    batch_submit,
    session_attendance_record,
    session_close,
    session_entry_reverse,
    session_open,
    session_payment_add,
    session_payment_remove,
    session_repay_principal,
    session_savings_deposit,
)

pytestmark = pytest.mark.django_db


def test_opening_brings_cash_from_the_vault(scene):
    w, session = scene.world, scene.session
    assert (session.status, session.team_leader, session.teller, session.opening_cash, session.held_on) == (
        "OPEN", w.credit_officer, w.pgd_staff, OPENING_CASH, SESSION_DAY)
    entry = JournalEntry.objects.get(idempotency_key=f"session:{session.pk}:cash-open")
    assert (entry.kind, entry.value_date) == ("CASH_TRANSFER", SESSION_DAY)
    assert lines(entry) == [("CASH_TELLER", OPENING_CASH, "session", str(session.pk)),
                            ("CASH_VAULT", -OPENING_CASH, "office", "000101")]
    assert AuditEvent.objects.filter(action="session.open", object_key=str(session.pk)).count() == 1


OPEN_REFUSALS = [
    ("same point and day", lambda w: {}, "Điểm giao dịch TXN0001 đã có phiên giao dịch ngày 12/04/2025."),
    ("future", lambda w: {"session_date": timezone.localdate() + dt.timedelta(days=1)}, "không được sau ngày hôm nay"),
    ("outside the scope", lambda w: {"point": w.point_b}, "Điểm giao dịch TXN0002 không thuộc phạm vi quản lý"),
    ("leader of another office", lambda w: {"session_date": dt.date(2025, 5, 12), "team_leader": w.branch_staff},
     "Tổ trưởng tổ giao dịch phải là cán bộ của phòng giao dịch phụ trách điểm giao dịch (cn_hanoi không phải)."),
    ("same person twice", lambda w: {"session_date": dt.date(2025, 5, 12), "teller": w.credit_officer},
     "Tổ trưởng, kiểm soát viên và thủ quỹ phải là ba người khác nhau."),
    ("negative cash", lambda w: {"session_date": dt.date(2025, 5, 12), "opening_cash": -5},
     "Tiền mặt mang đi phải là số tiền nguyên không âm (đồng)."),
]


@pytest.mark.parametrize(("case", "args", "message"), OPEN_REFUSALS, ids=[r[0] for r in OPEN_REFUSALS])
def test_open_refusals_change_nothing(scene, case, args, message):
    w = scene.world
    before = everything()
    arguments = {"point": w.point_a, "session_date": SESSION_DAY, "team_leader": w.credit_officer}
    arguments.update(args(w))
    with pytest.raises(DomainError) as refused:
        session_open(actor=w.credit_officer, **arguments)
    assert message in refused.value.text()
    assert everything() == before


def test_open_refuses_closed_months_inactive_points_and_non_bank_actors(scene):
    w = scene.world
    before = everything()
    LedgerPeriod.objects.create(period="2025-02", status=PeriodStatus.CLOSED, closed_at=timezone.now())
    with pytest.raises(DomainError, match="Kỳ 2025-02 đã khóa sổ: không ghi được giao dịch ngày 12/02/2025."):
        session_open(actor=w.credit_officer, point=w.point_a, session_date=dt.date(2025, 2, 12),
                     team_leader=w.credit_officer)
    LedgerPeriod.objects.filter(period="2025-02").delete()
    TransactionPoint.objects.filter(pk=w.point_a.pk).update(is_active=False)
    with pytest.raises(DomainError, match="Điểm giao dịch TXN0001 đã ngừng hoạt động."):
        session_open(actor=w.credit_officer, point=w.point_a, session_date=dt.date(2025, 5, 12),
                     team_leader=w.credit_officer)
    TransactionPoint.objects.filter(pk=w.point_a.pk).update(is_active=True)
    for persona in (w.commune_viewer, w.commune_association, w.group_leader, w.branch_staff):
        with pytest.raises(DomainError, match="Chỉ cán bộ tín dụng, cán bộ phòng giao dịch"):
            session_open(actor=persona, point=w.point_a, session_date=dt.date(2025, 5, 12),
                         team_leader=w.credit_officer)
    assert everything() == before


def test_giao_ban_attendance_with_names(scene):
    w, session = scene.world, scene.session
    notes = "Phổ biến lãi suất mới"
    session_attendance_record(actor=w.credit_officer, session=session, briefing_notes=notes, attendees=[
        {"role": "ASSOCIATION", "name": "Đỗ Văn Xã", "association_unit": w.unit_a["11"].code},
        {"role": "GROUP_LEADER", "name": "Thành viên 0000001-01", "group": "0000001"},
        {"role": "GROUP_LEADER", "name": "Thành viên 0000002-01", "group": "0000002"},
    ])
    assert sorted(session.attendees.values_list("role", "name")) == [
        ("ASSOCIATION", "Đỗ Văn Xã"), ("GROUP_LEADER", "Thành viên 0000001-01"),
        ("GROUP_LEADER", "Thành viên 0000002-01")]
    assert TransactionSession.objects.get(pk=session.pk).briefing_notes == "Phổ biến lãi suất mới"
    before = everything()
    with pytest.raises(DomainError, match="Người dự thứ 1: tổ 0000003 không thuộc phạm vi"):
        session_attendance_record(actor=w.credit_officer, session=session,
                                  attendees=[{"role": "GROUP_LEADER", "name": "X", "group": "0000003"}])
    with pytest.raises(DomainError, match="Người dự thứ 2: Chưa nhập họ tên."):
        session_attendance_record(actor=w.credit_officer, session=session,
                                  attendees=[{"role": "OTHER", "name": "Y"}, {"role": "OTHER", "name": " "}])
    assert everything() == before and session.attendees.count() == 3


def test_close_posts_fees_commissions_the_difference_and_returns_the_cash(scene):
    w, session = scene.world, scene.session
    batch = batch_submit(actor=w.group_leader, group=w.group_a, receipts=[receipt(scene), saver_receipt(scene)],
                         declared_total=220_000, idempotency_key="k1")
    batch_handover(actor=w.pgd_staff, session=session, batch=batch, counted_total=210_000)
    session_repay_principal(actor=w.credit_officer, session=session, loan=scene.loan, amount=2_000_000)
    session_savings_deposit(actor=w.credit_officer, session=session, account=scene.saver_savings, amount=100_000)
    fee = session_payment_add(actor=w.credit_officer, session=session, kind="FEE", amount=1_250_000,
                              recipient="Đỗ Văn Xã", period="2025-03", association_unit=w.unit_a["11"].code)
    session_payment_add(actor=w.credit_officer, session=session, kind="COMMISSION", amount=380_000,
                        recipient="Tổ trưởng tổ 0000001", period="2025-03", group="0000001")
    mistake = session_payment_add(actor=w.credit_officer, session=session, kind="COMMISSION", amount=1,
                                  recipient="nhầm", period="2025-03", group="0000002")
    session_payment_remove(actor=w.credit_officer, session=session, payment=mistake)
    assert fee.entry is None  # posted at close
    # Till: 50,000,000 + 210,000 + 2,000,000 + 100,000 − 1,250,000 − 380,000 = 50,680,000; counted 50,670,000.
    closed = session_close(actor=w.credit_officer, session=session, closing_cash=50_670_000, notes="Thiếu 10.000")
    assert (closed.status, closed.expected_closing_cash, closed.closing_cash, closed.cash_difference) == (
        SessionStatus.CLOSED, 50_680_000, 50_670_000, -10_000)
    assert balance(A.CASH_TELLER, subledger_type=S.SESSION, subledger_key=str(session.pk)) == 0
    assert balance(A.CASH_DIFFERENCE, subledger_type=S.SESSION, subledger_key=str(session.pk)) == 10_000
    assert balance(A.CASH_VAULT, subledger_type=S.OFFICE, subledger_key="000101") == 50_670_000 - OPENING_CASH
    assert balance(A.FEE_PAYABLE, subledger_type=S.UNIT, subledger_key=w.unit_a["11"].code) == 1_250_000
    assert balance(A.COMMISSION_PAYABLE, subledger_type=S.GROUP, subledger_key="0000001") == 380_000
    fee.refresh_from_db()
    assert lines(fee.entry) == [("CASH_TELLER", -1_250_000, "session", str(session.pk)),
                                ("FEE_PAYABLE", 1_250_000, "unit", w.unit_a["11"].code)]
    assert SessionPayment.objects.count() == 2 and SessionPayment.objects.filter(entry__isnull=True).count() == 0
    assert sorted(SessionEntry.objects.filter(session=session).values_list("purpose", flat=True)) == sorted([
        "CASH_OPEN", "INTEREST", "DEPOSIT", "DEPOSIT", "HANDOVER", "PRINCIPAL", "DEPOSIT", "FEE", "COMMISSION",
        "CASH_DIFF", "CASH_CLOSE"])
    assert AuditEvent.objects.get(action="session.close").note == "Chênh lệch tiền mặt -10.000 đồng"


def test_a_closed_session_refuses_every_write(scene):
    w, session = scene.world, scene.session
    batch = batch_submit(actor=w.group_leader, group=w.group_a, receipts=[saver_receipt(scene)],
                         declared_total=50_000, idempotency_key="k2")
    session_close(actor=w.credit_officer, session=session, closing_cash=OPENING_CASH)
    before = everything()
    closed = "Phiên giao dịch ngày 12/04/2025 tại Điểm GD Hoàn Kiếm đã đóng: không ghi thêm giao dịch; điều chỉnh " \
             "chỉ bằng bút toán đảo."
    writes = [
        lambda: session_repay_principal(actor=w.credit_officer, session=session, loan=scene.loan, amount=100_000),
        lambda: session_savings_deposit(actor=w.credit_officer, session=session, account=scene.saver_savings,
                                        amount=100_000),
        lambda: batch_handover(actor=w.pgd_staff, session=session, batch=batch, counted_total=50_000),
        lambda: session_payment_add(actor=w.credit_officer, session=session, kind="COMMISSION", amount=1,
                                    recipient="x", period="2025-03", group="0000001"),
        lambda: session_attendance_record(actor=w.credit_officer, session=session, attendees=[]),
        lambda: session_close(actor=w.credit_officer, session=session, closing_cash=0),
    ]
    for write in writes:
        with pytest.raises(DomainError) as refused:
            write()
        assert refused.value.message_dict == {"session": [closed]}
    assert everything() == before


def test_corrections_after_close_are_reversals(scene):
    w, session = scene.world, scene.session
    payment = session_payment_add(actor=w.credit_officer, session=session, kind="FEE", amount=700_000,
                                  recipient="Đỗ Văn Xã", period="2025-03", association_unit=w.unit_a["11"].code)
    deposit = session_savings_deposit(actor=w.credit_officer, session=session, account=scene.saver_savings,
                                      amount=100_000)
    repayment = session_repay_principal(actor=w.credit_officer, session=session, loan=scene.loan, amount=1_000_000)
    session_close(actor=w.credit_officer, session=session, closing_cash=50_400_000)
    payment.refresh_from_db()
    reversal = session_entry_reverse(actor=w.credit_officer, session=session, entry=payment.entry,
                                     reason="Trả nhầm kỳ", on=dt.date(2025, 4, 14))
    assert (reversal.kind, reversal.reversal_of_id, reversal.value_date) == ("REVERSAL", payment.entry_id,
                                                                             dt.date(2025, 4, 14))
    assert balance(A.FEE_PAYABLE, subledger_type=S.UNIT, subledger_key=w.unit_a["11"].code) == 0
    session_entry_reverse(actor=w.credit_officer, session=session, entry=deposit, reason="Nhầm tài khoản",
                          on=dt.date(2025, 4, 14))
    scene.saver_savings.refresh_from_db()
    assert scene.saver_savings.balance == 0
    assert SessionEntry.objects.filter(session=session, purpose="REVERSAL").count() == 2
    # A loan operation is reversed on the loan (caches, installments, catch-up interest) and linked to the session:
    # 1,000,000 back in the base on 12/04 and 13/04: 1M × 6.6 % × 2/365 = 361.6 → 362.
    loan_reversal = session_entry_reverse(actor=w.credit_officer, session=session, entry=repayment.journal_entry,
                                          reason="Thu nhầm món vay", on=dt.date(2025, 4, 14))
    scene.loan.refresh_from_db()
    assert (loan_reversal.reversal_of_id, scene.loan.principal_current) == (repayment.journal_entry_id, 30_000_000)
    event = scene.loan.events.get(kind="REVERSAL")
    assert (event.reversal_of_id, event.detail["catch_up_interest"]) == (repayment.pk, 362)
    assert SessionEntry.objects.filter(session=session, purpose="REVERSAL").count() == 3
    before = everything()
    again_loan = session_entry_reverse(actor=w.credit_officer, session=session, entry=repayment.journal_entry,
                                       reason="bấm hai lần", on=dt.date(2025, 4, 14))
    assert again_loan.pk == loan_reversal.pk
    with pytest.raises(DomainError, match="Không đảo một bút toán đảo tại phiên."):
        session_entry_reverse(actor=w.credit_officer, session=session, entry=reversal, reason="x")
    again = session_entry_reverse(actor=w.credit_officer, session=session, entry=payment.entry_id,
                                  reason="bấm hai lần", on=dt.date(2025, 4, 14))
    assert (again.pk, again.replayed) == (reversal.pk, True)
    assert everything() == before
