"""``uythac.ledger.bulk.post_transfers``: one balanced entry per selected row, written set-based, under the ledger's
rules (idempotency keys, closed months, dates, accounts)."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from tests.ledger.helpers import LOAN_1, LOAN_2, counts, disbursement, ensure_chart
from uythac.core.exceptions import DomainError
from uythac.ledger.bulk import post_transfers
from uythac.ledger.chart import AccountCode as A
from uythac.ledger.chart import SubledgerType as S
from uythac.ledger.lines import Line
from uythac.ledger.models import EntryKind, JournalEntry, LedgerPeriod, PeriodStatus, Posting
from uythac.ledger.selectors import balance, trial_balance
from uythac.ledger.services import entry_post

pytestmark = pytest.mark.django_db
DAY = dt.date(2025, 3, 31)
ROWS = "SELECT %s AS key, %s AS amount UNION ALL SELECT %s, %s"


@pytest.fixture(autouse=True)
def chart(db):
    ensure_chart()
    for loan in (LOAN_1, LOAN_2):
        entry_post(actor=None, value_date=dt.date(2025, 3, 10), kind=EntryKind.DISBURSEMENT,
                   lines=disbursement(10_000_000, loan=loan))


def transfer(*params, value_date=DAY, prefix="test:overdue:", kind=EntryKind.OVERDUE_TRANSFER, rows=ROWS,
             credit=A.LOAN_CURRENT):
    return post_transfers(
        kind=kind, value_date=value_date, debit_account=A.LOAN_OVERDUE, credit_account=credit, rows_sql=rows,
        params=params, idempotency_prefix=prefix, memo="Chuyển nợ quá hạn khế ước {key}", actor_label="close-month",
    )


def test_one_balanced_entry_and_two_postings_per_row(db):
    assert transfer(LOAN_1, 4_000_000, LOAN_2, 6_000_000) == 2
    entry = JournalEntry.objects.get(idempotency_key=f"test:overdue:{LOAN_1}")
    assert (entry.kind, entry.value_date, entry.memo, entry.actor_id, entry.actor_label, entry.source_type,
            entry.source_key) == (EntryKind.OVERDUE_TRANSFER, DAY, f"Chuyển nợ quá hạn khế ước {LOAN_1}", None,
                                  "close-month", "loan", LOAN_1)
    assert entry.created_at <= timezone.now()
    assert sorted(Posting.objects.filter(entry=entry).values_list("account__code", "amount", "subledger_type",
                                                                  "subledger_key", "value_date")) == [
        (A.LOAN_CURRENT, -4_000_000, "loan", LOAN_1, DAY), (A.LOAN_OVERDUE, 4_000_000, "loan", LOAN_1, DAY)]
    assert balance(A.LOAN_OVERDUE, subledger_type="loan", subledger_key=LOAN_2) == 6_000_000
    assert trial_balance().total == 0
    if connection.vendor == "postgresql":  # the deferred balance check of every new entry passes
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_a_rerun_posts_nothing_twice(db):
    transfer(LOAN_1, 4_000_000, LOAN_2, 6_000_000)
    before = counts()
    assert transfer(LOAN_1, 4_000_000, LOAN_2, 6_000_000) == 0
    assert counts() == before


def test_a_key_already_used_by_a_single_entry_is_skipped(db):
    entry_post(actor=None, value_date=DAY, kind=EntryKind.OVERDUE_TRANSFER, idempotency_key=f"test:overdue:{LOAN_1}",
               lines=[Line.debit(A.LOAN_OVERDUE, 1_000, S.LOAN, LOAN_1),
                      Line.credit(A.LOAN_CURRENT, 1_000, S.LOAN, LOAN_1)])
    assert transfer(LOAN_1, 4_000_000, LOAN_2, 6_000_000) == 1
    assert balance(A.LOAN_OVERDUE, subledger_type="loan", subledger_key=LOAN_1) == 1_000
    assert balance(A.LOAN_OVERDUE, subledger_type="loan", subledger_key=LOAN_2) == 6_000_000


def test_nothing_selected_touches_no_period(db):
    before = counts()
    assert transfer(LOAN_1, 1, rows="SELECT %s AS key, %s AS amount WHERE 1 = 0") == 0
    assert counts() == before


def test_a_closed_month_is_refused_and_nothing_is_written(db):
    LedgerPeriod.objects.filter(period="2025-03").update(status=PeriodStatus.CLOSED, closed_at=timezone.now())
    before = counts()
    with pytest.raises(DomainError) as refused:
        transfer(LOAN_1, 4_000_000, LOAN_2, 6_000_000)
    assert refused.value.text() == "Kỳ 2025-03 đã khóa sổ: không ghi được bút toán ngày 31/03/2025."
    assert counts() == before


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"value_date": timezone.localdate() + dt.timedelta(days=1)}, DomainError, "không được sau ngày hôm nay"),
        ({"kind": EntryKind.REVERSAL}, DomainError, "Loại nghiệp vụ «REVERSAL» không hợp lệ."),
        ({"credit": A.SAVINGS_105}, DomainError, "cần sổ chi tiết loại «savings» kèm mã"),
        ({"prefix": ""}, ValueError, "idempotency prefix is required"),
    ],
)
def test_refused_requests_write_nothing(db, kwargs, error, message):
    before = counts()
    with pytest.raises(error) as refused:
        transfer(LOAN_1, 4_000_000, LOAN_2, 6_000_000, **kwargs)
    assert message in str(refused.value.text() if isinstance(refused.value, DomainError) else refused.value)
    assert counts() == before


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ((LOAN_1, 0, LOAN_2, 6_000_000), "amount outside"),
        ((LOAN_1, -5, LOAN_2, 6_000_000), "amount outside"),
        ((LOAN_1, 4_000_000, LOAN_1, 6_000_000), "selected more than once"),
        (("", 4_000_000, LOAN_2, 6_000_000), "empty or too long key"),
    ],
)
def test_bad_rows_are_a_programming_error(db, params, message):
    before = counts()
    with pytest.raises(ValueError, match=message):
        transfer(*params)
    assert counts() == before
