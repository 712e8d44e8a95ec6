import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.ledger.helpers import (
    GROUP,
    LOAN_1,
    LOAN_2,
    MARCH_10,
    POINT,
    SAVINGS_1,
    SAVINGS_2,
    counts,
    disbursement,
)
from uythac.core.exceptions import DomainError
from uythac.ledger.chart import AccountCode as A
from uythac.ledger.chart import SubledgerType as S
from uythac.ledger.lines import Line
from uythac.ledger.models import EntryKind, JournalEntry, LedgerAccount, LedgerPeriod, PeriodStatus, Posting
from uythac.ledger.selectors import balance, entry_lines, trial_balance
from uythac.ledger.services import entry_post


def post(actor, lines, **kwargs):
    kwargs.setdefault("value_date", MARCH_10)
    kwargs.setdefault("kind", EntryKind.DISBURSEMENT)
    return entry_post(actor=actor, lines=lines, **kwargs)


def test_a_disbursement_posts_two_balanced_lines(poster):
    entry = post(
        poster, disbursement(30_000_000), memo="Giải ngân  khế ước 0101202500000001",
        source_type="disbursement", source_key="17",
    )

    entry = JournalEntry.objects.get(pk=entry.pk)
    assert (entry.value_date, entry.kind) == (MARCH_10, "DISBURSEMENT")
    assert entry.memo == "Giải ngân khế ước 0101202500000001"
    assert (entry.actor, entry.actor_label, entry.idempotency_key) == (poster, "pgd_hoankiem", None)
    assert (entry.source_type, entry.source_key, entry.reversal_of) == ("disbursement", "17", None)
    rows = list(entry.postings.order_by("id").values_list(
        "account__code", "amount", "subledger_type", "subledger_key", "value_date"
    ))
    assert rows == [
        ("LOAN_CURRENT", 30_000_000, "loan", LOAN_1, MARCH_10),
        ("CASH_TELLER", -30_000_000, "point", POINT, MARCH_10),
    ]
    assert balance(A.LOAN_CURRENT, subledger_type=S.LOAN, subledger_key=LOAN_1) == 30_000_000
    assert balance(A.CASH_TELLER) == -30_000_000
    assert trial_balance().total == 0
    assert LedgerPeriod.objects.get().period == "2025-03"


def test_a_leader_batch_is_one_entry_with_many_lines(poster):
    lines = [
        Line.debit(A.CASH_IN_TRANSIT, 1_234_000, S.GROUP, GROUP),
        Line.credit(A.INTEREST_INCOME, 412_000, S.LOAN, LOAN_1),
        Line.credit(A.INTEREST_INCOME, 322_000, S.LOAN, LOAN_2),
        Line.credit(A.SAVINGS_105, 300_000, S.SAVINGS, SAVINGS_1),
        Line.credit(A.SAVINGS_105, 200_000, S.SAVINGS, SAVINGS_2),
    ]
    entry = post(poster, lines, kind=EntryKind.INTEREST_COLLECTION, idempotency_key="collectionbatch:9")

    assert entry_lines(entry) == lines
    assert entry.replayed is False
    assert balance(A.CASH_IN_TRANSIT, subledger_type=S.GROUP, subledger_key=GROUP) == 1_234_000
    assert balance(A.SAVINGS_105, subledger_type=S.SAVINGS, subledger_key=SAVINGS_1, normal=True) == 300_000
    assert balance(A.INTEREST_INCOME, normal=True) == 734_000


def test_today_is_a_valid_value_date_and_the_system_may_post(chart):
    today = timezone.localdate()
    entry = post(None, disbursement(5_000), value_date=today)
    assert (entry.value_date, entry.actor, entry.actor_label) == (today, None, "system")


def test_line_helpers_put_the_sign(chart):
    assert Line.debit(A.CASH_TELLER, 7) == Line("CASH_TELLER", 7)
    assert Line.credit(A.CASH_TELLER, 7, "point", "X") == Line("CASH_TELLER", -7, "point", "X")
    assert Line.credit(A.CASH_TELLER, 7).mirrored() == Line("CASH_TELLER", 7)


def _future():
    return timezone.localdate() + dt.timedelta(days=1)


REFUSALS = [
    ("no lines", {"lines": []}, "lines", "Bút toán cần ít nhất hai dòng (một bên Nợ, một bên Có)."),
    (
        "one line", {"lines": [Line.debit(A.LOAN_CURRENT, 0 + 5, S.LOAN, LOAN_1)]}, "lines",
        "Bút toán cần ít nhất hai dòng (một bên Nợ, một bên Có).",
    ),
    (
        "zero amount",
        {"lines": [Line.debit(A.LOAN_CURRENT, 0, S.LOAN, LOAN_1), Line.credit(A.CASH_TELLER, 0)]},
        "lines", "Dòng 1: số tiền phải là số nguyên đồng khác 0 (Nợ dương, Có âm).",
    ),
    (
        "float amount",
        {"lines": [Line(A.LOAN_CURRENT, 10.0, S.LOAN, LOAN_1), Line(A.CASH_TELLER, -10)]},
        "lines", "Dòng 1: số tiền phải là số nguyên đồng khác 0 (Nợ dương, Có âm).",
    ),
    (
        "decimal amount",
        {"lines": [Line(A.LOAN_CURRENT, 10, S.LOAN, LOAN_1), Line(A.CASH_TELLER, Decimal("-10"))]},
        "lines", "Dòng 2: số tiền phải là số nguyên đồng khác 0 (Nợ dương, Có âm).",
    ),
    (
        "boolean amount",
        {"lines": [Line(A.LOAN_CURRENT, True, S.LOAN, LOAN_1), Line(A.CASH_TELLER, -1)]},
        "lines", "Dòng 1: số tiền phải là số nguyên đồng khác 0 (Nợ dương, Có âm).",
    ),
    (
        "too large",
        {"lines": disbursement(10**15)},
        "lines", "Dòng 1: số tiền vượt quá 999.999.999.999.999 đồng.",
    ),
    (
        "unbalanced",
        {"lines": [Line.debit(A.LOAN_CURRENT, 30_000_000, S.LOAN, LOAN_1), Line.credit(A.CASH_TELLER, 29_999_000)]},
        "lines", "Bút toán không cân: tổng Nợ 30.000.000 đồng, tổng Có 29.999.000 đồng (chênh lệch 1.000 đồng).",
    ),
    (
        "empty account code",
        {"lines": [Line.debit(" ", 5), Line.credit(A.CASH_TELLER, 5)]},
        "lines", "Dòng 1: chưa chọn tài khoản.",
    ),
    (
        "unknown account",
        {"lines": [Line.debit("LOAN_WHATEVER", 5, S.LOAN, LOAN_1), Line.credit(A.CASH_TELLER, 5)]},
        "lines", "Dòng 1: tài khoản «LOAN_WHATEVER» không tồn tại.",
    ),
    (
        "missing sub-ledger",
        {"lines": [Line.debit(A.LOAN_CURRENT, 5), Line.credit(A.CASH_TELLER, 5)]},
        "lines", "Dòng 1: tài khoản «LOAN_CURRENT» cần sổ chi tiết loại «loan» kèm mã.",
    ),
    (
        "wrong sub-ledger type",
        {"lines": [Line.debit(A.CASH_TELLER, 5), Line.credit(A.SAVINGS_105, 5, S.GROUP, GROUP)]},
        "lines", "Dòng 2: tài khoản «SAVINGS_105» cần sổ chi tiết loại «savings» kèm mã.",
    ),
    (
        "half a sub-ledger",
        {"lines": [Line.debit(A.LOAN_CURRENT, 5, S.LOAN, ""), Line.credit(A.CASH_TELLER, 5)]},
        "lines", "Dòng 1: sổ chi tiết cần cả loại và mã (tối đa 20 và 40 ký tự).",
    ),
    ("reversal kind", {"kind": EntryKind.REVERSAL}, "kind", "Bút toán đảo chỉ được tạo bằng chức năng đảo bút toán."),
    ("unknown kind", {"kind": "GIFT"}, "kind", "Loại nghiệp vụ «GIFT» không hợp lệ."),
    ("half a source", {"source_type": "disbursement"}, "source_key",
     "Chứng từ gốc cần cả loại và mã (tối đa 40 và 60 ký tự)."),
    ("key too long", {"idempotency_key": "k" * 101}, "idempotency_key", "Mã chống trùng phải có từ 1 đến 100 ký tự."),
    ("datetime value date", {"value_date": dt.datetime(2025, 3, 10, 8, 0)}, "value_date",
     "Ngày hạch toán không hợp lệ."),
]


@pytest.mark.parametrize(("case", "changes", "field", "message"), REFUSALS, ids=[r[0] for r in REFUSALS])
def test_refused_posts_write_nothing(poster, case, changes, field, message):
    before = counts()
    kwargs = {"lines": disbursement(5_000), **changes}
    with pytest.raises(DomainError) as refused:
        post(poster, **kwargs)
    assert refused.value.message_dict == {field: [message]}
    assert counts() == before


def test_a_future_value_date_is_refused(poster):
    before = counts()
    future = _future()
    with pytest.raises(DomainError) as refused:
        post(poster, disbursement(5_000), value_date=future)
    assert refused.value.message_dict == {
        "value_date": [f"Ngày hạch toán ({future:%d/%m/%Y}) không được sau ngày hôm nay."]
    }
    assert counts() == before


def test_an_inactive_account_is_refused(poster):
    LedgerAccount.objects.filter(code=A.CASH_VAULT).update(is_active=False)
    before = counts()
    with pytest.raises(DomainError) as refused:
        post(poster, [Line.debit(A.CASH_TELLER, 5, S.POINT, POINT), Line.credit(A.CASH_VAULT, 5, S.OFFICE, "000101")],
             kind=EntryKind.CASH_TRANSFER)
    assert refused.value.message_dict == {"lines": ["Dòng 2: tài khoản «CASH_VAULT» đã ngừng sử dụng."]}
    assert counts() == before


def test_a_closed_month_is_refused(poster, world):
    LedgerPeriod.objects.create(period="2025-03", status=PeriodStatus.CLOSED, closed_at=timezone.now())
    before = counts()
    with pytest.raises(DomainError) as refused:
        post(poster, disbursement(5_000))
    assert refused.value.message_dict == {
        "value_date": ["Kỳ 2025-03 đã khóa sổ: không ghi được bút toán ngày 10/03/2025."]
    }
    assert counts() == before
    entry = post(poster, disbursement(5_000), value_date=dt.date(2025, 4, 1))
    assert entry.value_date == dt.date(2025, 4, 1)


def test_a_read_only_user_cannot_post(poster, world):
    before = counts()
    with pytest.raises(DomainError) as refused:
        post(world.commune_viewer, disbursement(5_000))
    assert refused.value.messages == ["Bạn không có quyền ghi sổ cái."]
    assert counts() == before


def test_lines_must_be_line_objects(poster):
    before = counts()
    with pytest.raises(TypeError):
        post(poster, [("LOAN_CURRENT", 5), ("CASH_TELLER", -5)])
    assert counts() == before


def test_the_refusal_happens_before_anything_of_a_valid_part_is_written(poster):
    """An entry whose second line points to an unknown account leaves no entry, posting or period behind."""
    before = counts()
    with pytest.raises(DomainError):
        post(poster, [Line.debit(A.LOAN_CURRENT, 5, S.LOAN, LOAN_1), Line.credit("NOPE", 5)])
    assert counts() == before
    assert not Posting.objects.exists()
