"""Deposits and withdrawals: exact ledger lines, the cached balance equal to the ledger, every refusal inert."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.support_lending import DAY, ledger_state, open_savings
from uythac.core.exceptions import DomainError
from uythac.ledger.models import JournalEntry, LedgerPeriod, PeriodStatus
from uythac.ledger.selectors import entry_lines
from uythac.savings.cash import leader_in_transit, teller_in_session
from uythac.savings.models import MemberSavingsAccount
from uythac.savings.selectors import group_savers, minimum_deposit, savings_balance, savings_movements
from uythac.savings.services import deposit_minimum_set, savings_deposit, savings_reverse, savings_withdraw

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(lending):
    return open_savings(lending, lending.household_a)


def lines_of(entry):
    return sorted((line.account_code, line.amount, line.subledger_type, line.subledger_key)
                  for line in entry_lines(entry))


def test_deposit_at_the_office_counter_by_default(lending, account):
    entry = savings_deposit(actor=lending.credit_officer, account=account.account_number, amount=250_000, on=DAY)
    assert (entry.kind, entry.value_date, entry.source_type, entry.source_key) == (
        "SAVINGS_DEPOSIT", DAY, "savingsaccount", account.account_number)
    assert lines_of(entry) == [("CASH_TELLER", 250_000, "office", "000101"),
                               ("SAVINGS_105", -250_000, "savings", account.account_number)]
    account.refresh_from_db()
    assert account.balance == savings_balance(account) == 250_000


def test_deposit_by_a_leader_and_withdrawal_at_a_session(lending, account):
    w = lending
    savings_deposit(actor=w.pgd_staff, account=account, amount=100_000, on=DAY, cash=leader_in_transit("0000001"))
    entry = savings_withdraw(actor=w.pgd_staff, account=account, amount=40_000, on=dt.date(2025, 3, 12),
                             cash=teller_in_session(77))
    assert lines_of(entry) == [("CASH_TELLER", -40_000, "session", "77"),
                               ("SAVINGS_105", 40_000, "savings", account.account_number)]
    account.refresh_from_db()
    assert account.balance == savings_balance(account) == 60_000
    assert savings_balance(account, as_of=DAY) == 100_000
    assert [(m.value_date, m.kind, m.deposit, m.withdrawal, m.balance) for m in savings_movements(account)] == [
        (DAY, "SAVINGS_DEPOSIT", 100_000, 0, 100_000),
        (dt.date(2025, 3, 12), "SAVINGS_WITHDRAWAL", 0, 40_000, 60_000),
    ]


def test_minimum_deposit_is_the_national_rule_or_the_higher_convention(lending, account):
    w = lending
    rule = minimum_deposit(account, DAY)
    assert (rule.amount, rule.provisional) == (5_000, False)
    assert "eng.vbsp.org.vn/terms-savings-deposits.html" in rule.source
    savings_deposit(actor=w.credit_officer, account=account, amount=5_000, on=DAY)
    before = ledger_state()
    with pytest.raises(DomainError) as refused:
        savings_deposit(actor=w.credit_officer, account=account, amount=4_999, on=DAY)
    assert refused.value.message_dict["amount"][0].startswith(
        "Số tiền gửi 4.999 đồng thấp hơn mức gửi tối thiểu 5.000 đồng (eng.vbsp.org.vn")
    assert ledger_state() == before

    deposit_minimum_set(actor=w.commune_association, group=w.group_a, amount=10_000,
                        effective_from=dt.date(2025, 3, 11), minutes="10C/TD ngày 11/03/2025")
    assert minimum_deposit(account, DAY).amount == 5_000
    assert minimum_deposit(account, dt.date(2025, 3, 11)).amount == 10_000
    convention = "thấp hơn mức gửi tối thiểu 10.000 đồng \\(quy ước tổ 0000001 từ 11/03/2025\\)"
    with pytest.raises(DomainError, match=convention):
        savings_deposit(actor=w.credit_officer, account=account, amount=9_999, on=dt.date(2025, 3, 11))
    before = ledger_state()
    with pytest.raises(DomainError, match="không được thấp hơn mức chung 5.000 đồng"):
        deposit_minimum_set(actor=w.commune_association, group=w.group_a, amount=4_000,
                            effective_from=dt.date(2025, 3, 12))
    with pytest.raises(DomainError, match="Bạn không có quyền thay đổi quy ước của tổ."):
        deposit_minimum_set(actor=w.commune_viewer, group=w.group_a, amount=20_000,
                            effective_from=dt.date(2025, 3, 12))
    with pytest.raises(DomainError, match="Tổ 0000003 không thuộc phạm vi quản lý của bạn."):
        deposit_minimum_set(actor=w.commune_association, group=w.group_b, amount=20_000,
                            effective_from=dt.date(2025, 3, 12))
    assert ledger_state() == before


BAD_AMOUNTS = [0, -5_000, 5_000.0, Decimal("5000.5"), "abc", True]


@pytest.mark.parametrize("amount", BAD_AMOUNTS, ids=[repr(a) for a in BAD_AMOUNTS])
@pytest.mark.parametrize("service", [savings_deposit, savings_withdraw], ids=["deposit", "withdraw"])
def test_amounts_must_be_whole_positive_dong(lending, account, service, amount):
    savings_deposit(actor=lending.credit_officer, account=account, amount=50_000, on=DAY)
    before = ledger_state()
    with pytest.raises(DomainError) as refused:
        service(actor=lending.credit_officer, account=account, amount=amount, on=DAY)
    assert refused.value.message_dict == {"amount": ["Số tiền phải là số tiền nguyên dương (đồng)."]}
    assert ledger_state() == before


def test_withdrawal_above_the_balance_is_refused(lending, account):
    w = lending
    savings_deposit(actor=w.credit_officer, account=account, amount=30_000, on=DAY)
    savings_deposit(actor=w.credit_officer, account=account, amount=70_000, on=dt.date(2025, 3, 20))
    before = ledger_state()
    with pytest.raises(DomainError) as refused:
        savings_withdraw(actor=w.credit_officer, account=account, amount=100_001, on=dt.date(2025, 3, 20))
    assert refused.value.message_dict == {"amount": [
        f"Số tiền rút 100.001 đồng vượt số dư tài khoản {account.account_number} (100.000 đồng)."]}
    # Back-dated: on 15/03 only 30,000 was there.
    with pytest.raises(DomainError, match="vượt số dư tài khoản .* \\(30.000 đồng\\)"):
        savings_withdraw(actor=w.credit_officer, account=account, amount=30_001, on=dt.date(2025, 3, 15))
    assert ledger_state() == before
    savings_withdraw(actor=w.credit_officer, account=account, amount=100_000, on=dt.date(2025, 3, 20))
    assert MemberSavingsAccount.objects.get(pk=account.pk).balance == 0


DATE_REFUSALS = [
    ("future", lambda: timezone.localdate() + dt.timedelta(days=1), "không được sau ngày hôm nay"),
    ("before opening", lambda: DAY - dt.timedelta(days=1), "không được trước ngày mở tài khoản \\(10/03/2025\\)"),
]


@pytest.mark.parametrize(("case", "on", "message"), DATE_REFUSALS, ids=[d[0] for d in DATE_REFUSALS])
@pytest.mark.parametrize("service", [savings_deposit, savings_withdraw], ids=["deposit", "withdraw"])
def test_dates_are_checked(lending, account, service, case, on, message):
    savings_deposit(actor=lending.credit_officer, account=account, amount=50_000, on=DAY)
    before = ledger_state()
    with pytest.raises(DomainError, match=message):
        service(actor=lending.credit_officer, account=account, amount=10_000, on=on())
    assert ledger_state() == before


def test_a_closed_ledger_month_is_refused(lending, account):
    savings_deposit(actor=lending.credit_officer, account=account, amount=50_000, on=DAY)
    LedgerPeriod.objects.filter(period="2025-03").update(status=PeriodStatus.CLOSED, closed_at=timezone.now())
    before = ledger_state()
    for service in (savings_deposit, savings_withdraw):
        with pytest.raises(DomainError, match="Kỳ 2025-03 đã khóa sổ: không ghi được bút toán ngày 10/03/2025."):
            service(actor=lending.credit_officer, account=account, amount=10_000, on=DAY)
    assert ledger_state() == before


@pytest.mark.parametrize("persona", ["group_leader", "commune_viewer", "commune_association", "province_association"])
def test_only_bank_staff_move_money(lending, account, persona):
    before = ledger_state()
    with pytest.raises(DomainError, match="Bạn không có quyền ghi giao dịch tiền gửi"):
        savings_deposit(actor=getattr(lending, persona), account=account, amount=10_000, on=DAY)
    assert ledger_state() == before


def test_an_account_outside_the_scope_is_refused_like_a_missing_one(lending):
    w = lending
    outside = open_savings(w, w.household_b)
    before = ledger_state()
    for number in (outside.account_number, "105999999999"):
        with pytest.raises(DomainError) as refused:
            savings_deposit(actor=w.credit_officer, account=number, amount=10_000, on=DAY)
        assert refused.value.message_dict == {"account": [
            f"Không tìm thấy tài khoản tiền gửi {number} trong phạm vi quản lý của bạn."]}
    assert ledger_state() == before


def test_a_retried_deposit_posts_once(lending, account):
    w = lending
    first = savings_deposit(actor=w.credit_officer, account=account, amount=80_000, on=DAY, idempotency_key="app:7")
    before = ledger_state()
    again = savings_deposit(actor=w.credit_officer, account=account, amount=80_000, on=DAY, idempotency_key="app:7")
    assert (again.pk, again.replayed) == (first.pk, True)
    assert ledger_state() == before
    with pytest.raises(DomainError, match="Mã chống trùng «app:7» đã dùng cho bút toán"):
        savings_deposit(actor=w.credit_officer, account=account, amount=90_000, on=DAY, idempotency_key="app:7")
    assert ledger_state() == before
    assert MemberSavingsAccount.objects.get(pk=account.pk).balance == 80_000


def test_reversing_a_deposit_moves_the_balance_back(lending, account):
    w = lending
    entry = savings_deposit(actor=w.credit_officer, account=account, amount=80_000, on=DAY)
    savings_deposit(actor=w.credit_officer, account=account, amount=20_000, on=DAY)
    reversal = savings_reverse(actor=w.credit_officer, entry=entry, on=dt.date(2025, 3, 11), reason="Nhập nhầm")
    assert reversal.kind == "REVERSAL" and reversal.reversal_of_id == entry.pk
    account.refresh_from_db()
    assert account.balance == savings_balance(account) == 20_000
    before = ledger_state()
    with pytest.raises(DomainError, match="đã được đảo bởi bút toán"):
        savings_reverse(actor=w.credit_officer, entry=entry, on=dt.date(2025, 3, 11), reason="Lần hai")
    assert ledger_state() == before


def test_reversing_a_deposit_already_withdrawn_is_refused(lending, account):
    w = lending
    entry = savings_deposit(actor=w.credit_officer, account=account, amount=80_000, on=DAY)
    savings_withdraw(actor=w.credit_officer, account=account, amount=80_000, on=DAY)
    before = ledger_state()
    with pytest.raises(DomainError, match="làm số dư tài khoản .* âm"):
        savings_reverse(actor=w.credit_officer, entry=entry, on=DAY, reason="Nhập nhầm")
    assert ledger_state() == before
    assert JournalEntry.objects.filter(kind="REVERSAL").count() == 0


def test_group_savers_counts_members_with_a_balance(lending):
    w = lending
    one = open_savings(w, w.group_a.test_members[0], deposit=100_000)
    open_savings(w, w.group_a.test_members[1])
    three = open_savings(w, w.group_a.test_members[2], deposit=35_000)
    open_savings(w, w.group_b.test_members[0], deposit=999_000)
    savings_withdraw(actor=None, account=three, amount=5_000, on=dt.date(2025, 3, 11))
    summary = group_savers(w.group_a, as_of=dt.date(2025, 3, 11))
    assert (summary.savers, summary.total, len(summary.accounts)) == (2, 130_000, 3)
    assert dict((a.account_number, b) for a, b in summary.accounts)[one.account_number] == 100_000
    assert group_savers(w.group_a, as_of=DAY).total == 135_000
