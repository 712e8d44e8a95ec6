"""Paying statements at the commune session: balanced postings, idempotent retries, refusals that change nothing."""

import datetime as dt

import pytest

from tests.fees.support import PERIOD, snap
from tests.loans.support import ensure_reference_data
from uythac.closing.scope import scope_parse
from uythac.core.exceptions import DomainError
from uythac.core.models import AuditEvent
from uythac.core.periods import Period
from uythac.fees.models import CommissionStatement, FeeStatement, StatementStatus
from uythac.fees.payments import commission_payment_record, fee_payment_record, fees_payable_at_session
from uythac.fees.statements import fees_compute
from uythac.ledger.chart import AccountCode as A
from uythac.ledger.models import JournalEntry, Posting
from uythac.ledger.selectors import balance
from uythac.transaction_sessions.models import SessionEntry
from uythac.transaction_sessions.services import session_close, session_open

SESSION_DAY = dt.date(2021, 1, 12)  # point TXN0001 transacts on the 12th


@pytest.fixture
def scene(world):
    w = world
    ensure_reference_data()
    snap(w, w.group_a, current=800_000_000, interest=6_000_000)  # fee 256 000; commission 690 000
    snap(w, w.group_b, current=100_000_000, interest=1_000_000)  # commune B: fee 32 000; commission 115 000
    fees_compute(actor=w.admin, period=Period.parse(PERIOD), scope=scope_parse("01"))
    w.fee = FeeStatement.objects.get(association_unit=w.unit_a["11"])
    w.fee_b = FeeStatement.objects.get(association_unit=w.unit_b["11"])
    w.commission = CommissionStatement.objects.get(group=w.group_a)
    w.commission_b = CommissionStatement.objects.get(group=w.group_b)
    w.session = session_open(actor=w.credit_officer, point=w.point_a, session_date=SESSION_DAY,
                             team_leader=w.credit_officer, teller=w.pgd_staff, opening_cash=5_000_000)
    return w


def till(w) -> int:
    return balance(A.CASH_TELLER, subledger_type="session", subledger_key=str(w.session.pk))


def test_payable_at_the_session(scene):
    payable = fees_payable_at_session(scene.session)
    assert payable["fees"] == [scene.fee] and payable["commissions"] == [scene.commission]
    assert payable["total"] == 256_000 + 690_000


def test_fee_payment_posts_balanced_once(scene):
    w = scene
    paid = fee_payment_record(actor=w.credit_officer, session=w.session, statement=w.fee, amount=256_000)
    assert paid.status == StatementStatus.PAID and paid.paid_session == w.session
    entry = paid.paid_entry
    lines = sorted(Posting.objects.filter(entry=entry).values_list("account__code", "amount", "subledger_key"))
    assert lines == [(A.CASH_TELLER, -256_000, str(w.session.pk)), (A.FEE_EXPENSE, 256_000, w.unit_a["11"].code)]
    assert till(w) == 5_000_000 - 256_000
    assert SessionEntry.objects.get(entry=entry).purpose == "FEE"
    # The same payment retried: nothing posted again.
    entries = JournalEntry.objects.count()
    again = fee_payment_record(actor=w.credit_officer, session=w.session, statement=w.fee.pk, amount="256.000")
    assert again.paid_entry_id == entry.pk and JournalEntry.objects.count() == entries
    assert till(w) == 5_000_000 - 256_000
    assert fees_payable_at_session(w.session)["fees"] == []


def test_commission_payment_and_session_close(scene):
    w = scene
    paid = commission_payment_record(actor=w.credit_officer, session=w.session, statement=w.commission,
                                     amount=690_000)
    lines = sorted(Posting.objects.filter(entry=paid.paid_entry).values_list("account__code", "amount"))
    assert lines == [(A.CASH_TELLER, -690_000), (A.COMMISSION_EXPENSE, 690_000)]
    session_close(actor=w.credit_officer, session=w.session, closing_cash=5_000_000 - 690_000)
    assert till(w) == 0


def state(w):
    return (JournalEntry.objects.count(), AuditEvent.objects.count(),
            list(FeeStatement.objects.order_by("id").values_list("status", "paid_entry")),
            list(CommissionStatement.objects.order_by("id").values_list("status", "paid_entry")))


@pytest.mark.parametrize(("who", "kind", "which", "amount", "words"), [
    ("credit_officer", "fee", "fee", 200_000, "đúng bằng"),  # partial payment
    ("credit_officer", "fee", "fee", 300_000, "đúng bằng"),
    ("credit_officer", "fee", "fee", "abc", "số nguyên"),
    ("pgd_staff", "fee", "fee_b", 32_000, "xã khác"),  # unit of commune B at the point of commune A
    ("pgd_staff", "commission", "commission_b", 115_000, "không giao dịch tại điểm này"),
    ("credit_officer", "fee", "fee_b", 32_000, "Không tìm thấy bảng kê"),  # commune B: outside their communes
    ("commune_association", "fee", "fee", 256_000, "Chỉ cán bộ"),  # not a session writer
    ("commune_viewer", "fee", "fee", 256_000, "Chỉ cán bộ"),
])
def test_refusals_change_nothing(scene, who, kind, which, amount, words):
    w = scene
    before = state(w)
    pay = fee_payment_record if kind == "fee" else commission_payment_record
    with pytest.raises(DomainError) as refused:
        pay(actor=getattr(w, who), session=w.session, statement=getattr(w, which), amount=amount)
    assert words in str(refused.value)
    assert state(w) == before


def test_refused_when_paid_elsewhere_or_session_closed(scene):
    w = scene
    fee_payment_record(actor=w.credit_officer, session=w.session, statement=w.fee, amount=256_000)
    session_close(actor=w.credit_officer, session=w.session, closing_cash=5_000_000 - 256_000)
    before = state(w)
    with pytest.raises(DomainError) as refused:
        commission_payment_record(actor=w.credit_officer, session=w.session, statement=w.commission, amount=690_000)
    assert refused.value.field == "session"
    other = session_open(actor=w.credit_officer, point=w.point_a, session_date=dt.date(2021, 2, 12),
                         team_leader=w.credit_officer, teller=w.pgd_staff, opening_cash=1_000_000)
    before = state(w)
    with pytest.raises(DomainError) as refused:
        fee_payment_record(actor=w.credit_officer, session=other, statement=w.fee, amount=256_000)
    assert "đã được chi trả" in str(refused.value)
    assert state(w) == before


def test_out_of_scope_statement_is_not_found(scene):
    w = scene
    snap(w, w.group_c, current=100_000_000, interest=1_000_000, office=w.other_office)
    fees_compute(actor=w.admin, period=Period.parse(PERIOD), scope=scope_parse("79"))
    foreign = FeeStatement.objects.get(association_unit=w.unit_c["11"])
    before = state(w)
    with pytest.raises(DomainError) as refused:
        fee_payment_record(actor=w.credit_officer, session=w.session, statement=foreign, amount=foreign.amount)
    assert "Không tìm thấy bảng kê" in str(refused.value)
    assert state(w) == before
