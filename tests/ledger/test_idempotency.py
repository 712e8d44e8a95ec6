"""A retried or doubled submission posts once; a key reused for something else is refused."""

import datetime as dt
from unittest import mock

import pytest
from django.utils import timezone

from tests.ledger.helpers import GROUP, LOAN_1, LOAN_2, MARCH_10, SAVINGS_1, counts, disbursement, repayment
from uythac.core.exceptions import DomainError
from uythac.ledger import services
from uythac.ledger.chart import AccountCode as A
from uythac.ledger.chart import SubledgerType as S
from uythac.ledger.lines import EntrySpec, Line
from uythac.ledger.models import EntryKind, JournalEntry, LedgerPeriod, PeriodStatus
from uythac.ledger.selectors import balance
from uythac.ledger.services import entries_post, entry_post

BATCH = [
    Line.debit(A.CASH_IN_TRANSIT, 500_000, S.GROUP, GROUP),
    Line.credit(A.INTEREST_INCOME, 400_000, S.LOAN, LOAN_1),
    Line.credit(A.SAVINGS_105, 100_000, S.SAVINGS, SAVINGS_1),
]


def post_batch(actor, lines=BATCH, **kwargs):
    args = {
        "value_date": MARCH_10, "kind": EntryKind.INTEREST_COLLECTION, "idempotency_key": "collectionbatch:41",
        "source_type": "collectionbatch", "source_key": "41", "memo": "Bảng kê 13/TD tổ 0000001",
    }
    args.update(kwargs)
    return entry_post(actor=actor, lines=lines, **args)


def test_a_retried_batch_posts_once_and_returns_the_first_entry(poster, world):
    first = post_batch(poster)
    before = counts()

    again = post_batch(world.credit_officer, lines=list(reversed(BATCH)), memo="gửi lại")

    assert again.pk == first.pk
    assert (first.replayed, again.replayed) == (False, True)
    assert counts() == before
    assert balance(A.CASH_IN_TRANSIT) == 500_000
    assert JournalEntry.objects.get(pk=first.pk).memo == "Bảng kê 13/TD tổ 0000001"


DIFFERENT = [
    ("amount", {"lines": [BATCH[0], Line.credit(A.INTEREST_INCOME, 300_000, S.LOAN, LOAN_1),
                          Line.credit(A.SAVINGS_105, 200_000, S.SAVINGS, SAVINGS_1)]}),
    ("sub-ledger", {"lines": [BATCH[0], Line.credit(A.INTEREST_INCOME, 400_000, S.LOAN, LOAN_2), BATCH[2]]}),
    ("value date", {"value_date": dt.date(2025, 3, 11)}),
    ("kind", {"kind": EntryKind.SAVINGS_DEPOSIT}),
    ("source", {"source_key": "42"}),
]


@pytest.mark.parametrize(("case", "changes"), DIFFERENT, ids=[d[0] for d in DIFFERENT])
def test_a_key_reused_for_a_different_request_is_refused(poster, case, changes):
    first = post_batch(poster)
    before = counts()
    with pytest.raises(DomainError) as refused:
        post_batch(poster, **changes)
    assert refused.value.message_dict == {"idempotency_key": [
        f"Mã chống trùng «collectionbatch:41» đã dùng cho bút toán #{first.pk} với nội dung khác: yêu cầu này "
        "không được ghi."
    ]}
    assert counts() == before


def test_a_retry_after_the_month_closed_still_returns_the_entry(poster):
    first = post_batch(poster)
    LedgerPeriod.objects.filter(period="2025-03").update(status=PeriodStatus.CLOSED, closed_at=timezone.now())
    assert post_batch(poster).pk == first.pk


def test_a_blank_key_means_no_key(poster):
    one = entry_post(actor=poster, value_date=MARCH_10, kind="DISBURSEMENT", lines=disbursement(5), idempotency_key="")
    two = entry_post(actor=poster, value_date=MARCH_10, kind="DISBURSEMENT", lines=disbursement(5), idempotency_key="")
    assert one.pk != two.pk
    assert (one.idempotency_key, two.idempotency_key) == (None, None)


def test_losing_the_race_returns_the_winner(poster):
    """Both requests passed the look-up before either wrote (what two connections do at once): the loser's insert
    hits the unique key inside a savepoint, and the second pass finds and returns the winner's entry."""
    winner = post_batch(poster)
    before = counts()
    real = services._existing_by_key
    calls = []

    def first_miss(specs):
        calls.append(len(calls))
        return {} if len(calls) == 1 else real(specs)

    with mock.patch.object(services, "_existing_by_key", side_effect=first_miss):
        loser = post_batch(poster)
    assert calls == [0, 1]
    assert loser.pk == winner.pk and loser.replayed is True
    assert counts() == before


def test_losing_the_race_with_a_different_request_is_refused(poster):
    winner = post_batch(poster)
    before = counts()
    real = services._existing_by_key
    calls = []

    def first_miss(specs):
        calls.append(1)
        return {} if len(calls) == 1 else real(specs)

    with mock.patch.object(services, "_existing_by_key", side_effect=first_miss), pytest.raises(DomainError) as refused:
        post_batch(poster, value_date=dt.date(2025, 3, 12))
    assert f"bút toán #{winner.pk} với nội dung khác" in refused.value.messages[0]
    assert counts() == before


def test_a_batch_posts_all_entries_or_none(poster):
    specs = [
        EntrySpec(MARCH_10, EntryKind.DISBURSEMENT, disbursement(10_000_000), idempotency_key="d:1"),
        EntrySpec(MARCH_10, EntryKind.DISBURSEMENT, disbursement(8_000_000, loan=LOAN_2), idempotency_key="d:2"),
        EntrySpec(dt.date(2025, 4, 2), EntryKind.PRINCIPAL_REPAYMENT, repayment(1_000_000)),
    ]
    entries = entries_post(actor=poster, entries=specs)
    assert [e.kind for e in entries] == ["DISBURSEMENT", "DISBURSEMENT", "PRINCIPAL_REPAYMENT"]
    assert [e.replayed for e in entries] == [False, False, False]
    assert balance(A.LOAN_CURRENT) == 17_000_000
    assert set(LedgerPeriod.objects.values_list("period", flat=True)) == {"2025-03", "2025-04"}

    before = counts()
    again = entries_post(actor=poster, entries=[
        specs[1], EntrySpec(MARCH_10, EntryKind.DISBURSEMENT, disbursement(2_000_000), idempotency_key="d:3"),
    ])
    assert [again[0].pk, again[0].replayed, again[1].replayed] == [entries[1].pk, True, False]
    assert counts()["entries"] == before["entries"] + 1

    before = counts()
    with pytest.raises(DomainError) as refused:
        entries_post(actor=poster, entries=[
            EntrySpec(MARCH_10, EntryKind.DISBURSEMENT, disbursement(1_000), idempotency_key="d:4"),
            EntrySpec(MARCH_10, EntryKind.DISBURSEMENT, [Line.debit(A.CASH_TELLER, 5), Line.credit(A.CASH_TELLER, 4)]),
        ])
    assert refused.value.message_dict == {"lines": [
        "Bút toán thứ 2: Bút toán không cân: tổng Nợ 5 đồng, tổng Có 4 đồng (chênh lệch 1 đồng)."
    ]}
    assert counts() == before


def test_a_batch_cannot_use_one_key_twice(poster):
    before = counts()
    spec = EntrySpec(MARCH_10, EntryKind.DISBURSEMENT, disbursement(1_000), idempotency_key="d:9")
    with pytest.raises(DomainError) as refused:
        entries_post(actor=poster, entries=[spec, spec])
    assert refused.value.message_dict == {
        "idempotency_key": ["Một mã chống trùng xuất hiện hai lần trong cùng một lô bút toán."]
    }
    assert counts() == before
    assert entries_post(actor=poster, entries=[]) == []
