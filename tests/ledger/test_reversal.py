"""Corrections are reversals: the mirror image of an entry, linked to it, once."""

import datetime as dt
from unittest import mock

import pytest
from django.utils import timezone

from tests.ledger.helpers import LOAN_1, MARCH_10, POINT, counts, disbursement
from uythac.core.exceptions import DomainError
from uythac.core.models import AuditEvent
from uythac.ledger import services
from uythac.ledger.chart import AccountCode as A
from uythac.ledger.chart import SubledgerType as S
from uythac.ledger.models import EntryKind, LedgerPeriod, PeriodStatus
from uythac.ledger.selectors import balance, entry_lines, trial_balance
from uythac.ledger.services import entry_post, entry_reverse

MARCH_20 = dt.date(2025, 3, 20)


@pytest.fixture
def original(poster):
    return entry_post(
        actor=poster, value_date=MARCH_10, kind=EntryKind.DISBURSEMENT, lines=disbursement(30_000_000),
        source_type="disbursement", source_key="17", idempotency_key="disbursement:17",
    )


def test_a_reversal_mirrors_every_line_and_links_the_original(poster, original):
    reversal = entry_reverse(actor=poster, entry=original, value_date=MARCH_20, reason="Nhập sai số tiền")

    assert (reversal.kind, reversal.reversal_of, reversal.value_date) == ("REVERSAL", original, MARCH_20)
    assert (reversal.source_type, reversal.source_key, reversal.idempotency_key) == ("disbursement", "17", None)
    assert reversal.memo == f"Đảo bút toán #{original.pk} (10/03/2025): Nhập sai số tiền"
    assert [(line.account_code, line.amount, line.subledger_key) for line in entry_lines(reversal)] == [
        ("LOAN_CURRENT", -30_000_000, LOAN_1), ("CASH_TELLER", 30_000_000, POINT),
    ]
    original.refresh_from_db()
    assert original.reversed_by == reversal
    assert balance(A.LOAN_CURRENT, subledger_type=S.LOAN, subledger_key=LOAN_1) == 0
    assert balance(A.LOAN_CURRENT, as_of=dt.date(2025, 3, 19)) == 30_000_000
    assert trial_balance().total == 0
    event = AuditEvent.objects.get(action="ledger.entry_reverse")
    assert (event.actor, event.object_key, event.parent_type, event.parent_key, event.note) == (
        poster, str(reversal.pk), "journalentry", str(original.pk), "Nhập sai số tiền"
    )


def test_an_entry_is_reversed_only_once(poster, original):
    first = entry_reverse(actor=poster, entry=original, value_date=MARCH_20, reason="Sai")
    before = counts()
    with pytest.raises(DomainError) as refused:
        entry_reverse(actor=poster, entry=original.pk, value_date=MARCH_20, reason="Sai lần nữa")
    assert refused.value.message_dict == {"entry": [f"Bút toán #{original.pk} đã được đảo bởi bút toán #{first.pk}."]}
    assert counts() == before


def test_a_retried_reversal_with_its_key_returns_the_first(poster, original):
    first = entry_reverse(actor=poster, entry=original, value_date=MARCH_20, reason="Sai", idempotency_key="rev:17")
    before = counts()
    again = entry_reverse(actor=poster, entry=original, value_date=MARCH_20, reason="Sai", idempotency_key="rev:17")
    assert (again.pk, again.replayed) == (first.pk, True)
    assert counts() == before  # no second audit event either


def test_a_reversal_key_already_used_elsewhere_is_refused(poster, original):
    before = counts()
    with pytest.raises(DomainError) as refused:
        entry_reverse(
            actor=poster, entry=original, value_date=MARCH_20, reason="Sai", idempotency_key="disbursement:17"
        )
    assert refused.value.message_dict == {"idempotency_key": [
        f"Mã chống trùng «disbursement:17» đã dùng cho bút toán #{original.pk} với nội dung khác: yêu cầu này "
        "không được ghi."
    ]}
    assert counts() == before


def test_a_reversal_can_itself_be_reversed_once(poster, original):
    reversal = entry_reverse(actor=poster, entry=original, value_date=MARCH_20, reason="Đảo nhầm")
    restored = entry_reverse(actor=poster, entry=reversal, value_date=MARCH_20, reason="Khôi phục")
    assert restored.reversal_of == reversal
    assert balance(A.LOAN_CURRENT) == 30_000_000
    with pytest.raises(DomainError):
        entry_reverse(actor=poster, entry=reversal, value_date=MARCH_20, reason="Lần ba")


def _future():
    return timezone.localdate() + dt.timedelta(days=1)


@pytest.mark.parametrize(
    ("case", "kwargs", "field", "message"),
    [
        ("before the original", {"value_date": dt.date(2025, 3, 9)}, "value_date",
         "Ngày đảo (09/03/2025) không được trước ngày hạch toán của bút toán gốc (10/03/2025)."),
        ("no reason", {"reason": "  "}, "reason", "Chưa nhập lý do đảo bút toán."),
        ("unknown entry", {"entry": 999_999}, "entry", "Không tìm thấy bút toán cần đảo."),
    ],
    ids=["before the original", "no reason", "unknown entry"],
)
def test_refused_reversals_write_nothing(poster, original, case, kwargs, field, message):
    before = counts()
    args = {"entry": original, "value_date": MARCH_20, "reason": "Sai", **kwargs}
    with pytest.raises(DomainError) as refused:
        entry_reverse(actor=poster, **args)
    assert refused.value.message_dict == {field: [message]}
    assert counts() == before


def test_a_reversal_in_the_future_is_refused(poster, original):
    before = counts()
    with pytest.raises(DomainError) as refused:
        entry_reverse(actor=poster, entry=original, value_date=_future(), reason="Sai")
    assert list(refused.value.message_dict) == ["value_date"]
    assert counts() == before


def test_a_reversal_into_a_closed_month_is_refused_but_the_next_month_is_fine(poster, original):
    LedgerPeriod.objects.filter(period="2025-03").update(status=PeriodStatus.CLOSED, closed_at=timezone.now())
    before = counts()
    with pytest.raises(DomainError) as refused:
        entry_reverse(actor=poster, entry=original, value_date=MARCH_20, reason="Sai")
    assert refused.value.message_dict == {
        "value_date": ["Kỳ 2025-03 đã khóa sổ: không ghi được bút toán ngày 20/03/2025."]
    }
    assert counts() == before
    reversal = entry_reverse(actor=poster, entry=original, value_date=dt.date(2025, 4, 1), reason="Sai")
    assert balance(A.LOAN_CURRENT, as_of=dt.date(2025, 3, 31)) == 30_000_000
    assert balance(A.LOAN_CURRENT, as_of=reversal.value_date) == 0


def test_a_read_only_user_cannot_reverse(world, original):
    before = counts()
    with pytest.raises(DomainError):
        entry_reverse(actor=world.commune_viewer, entry=original, value_date=MARCH_20, reason="Sai")
    assert counts() == before


def test_two_reversals_racing_post_one(poster, original):
    """The second reversal passed the "already reversed?" check before the first committed: the one-to-one link
    refuses its insert, and the second pass reports the winner."""
    winner = entry_reverse(actor=poster, entry=original, value_date=MARCH_20, reason="Sai")
    before = counts()
    real = services._check_not_reversed
    calls = []

    def first_passes(entry_id, prefix):
        calls.append(1)
        if len(calls) > 1:
            real(entry_id, prefix)

    with mock.patch.object(services, "_check_not_reversed", side_effect=first_passes), pytest.raises(
        DomainError
    ) as refused:
        entry_reverse(actor=poster, entry=original, value_date=MARCH_20, reason="Sai")
    assert len(calls) == 2
    assert refused.value.messages == [f"Bút toán #{original.pk} đã được đảo bởi bút toán #{winner.pk}."]
    assert counts() == before
