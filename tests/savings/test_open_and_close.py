"""Opening and closing member savings accounts: who, when, which group; closing pays the balance out."""

import datetime as dt

import pytest

from tests.support_lending import DAY, ledger_state, open_savings
from uythac.core.exceptions import DomainError
from uythac.core.models import AuditEvent
from uythac.groups.models import GroupMembership
from uythac.ledger.models import JournalEntry
from uythac.ledger.selectors import entry_lines
from uythac.savings.models import MemberSavingsAccount, SavingsAccountStatus
from uythac.savings.selectors import savings_balance
from uythac.savings.services import savings_close, savings_deposit, savings_open

pytestmark = pytest.mark.django_db


def test_open_through_the_current_group(lending):
    w = lending
    account = savings_open(actor=w.credit_officer, household=w.household_a.customer_code, opened_on=DAY)
    assert account.account_number == f"105{account.pk:09d}"
    assert (account.group, account.status, account.balance, account.closed_on) == (w.group_a, "A", 0, None)
    event = AuditEvent.objects.get(action="savings.open")
    assert (event.object_type, event.object_key, event.parent_key) == (
        "membersavingsaccount", account.account_number, "0000001")


def test_open_with_a_given_number_and_the_right_group(lending):
    w = lending
    account = savings_open(actor=w.pgd_staff, household=w.household_b, opened_on=DAY, group=w.group_b,
                           account_number="105000777001")
    assert (account.account_number, account.group) == ("105000777001", w.group_b)


REFUSALS = [
    ("not a member", lambda w: {"household": w.household_a, "opened_on": dt.date(2019, 12, 31)},
     "không là tổ viên của tổ TK&VV nào vào ngày 31/12/2019"),
    ("future", lambda w: {"household": w.household_a, "opened_on": dt.date.today() + dt.timedelta(days=2)},
     "không được sau ngày hôm nay"),
    ("wrong group", lambda w: {"household": w.household_a, "opened_on": DAY, "group": w.group_a_women},
     "là tổ viên tổ 0000001, không phải tổ 0000002"),
    ("out of scope", lambda w: {"household": w.household_b, "opened_on": DAY},
     "không thuộc phạm vi quản lý của bạn"),
    ("bad number", lambda w: {"household": w.household_a, "opened_on": DAY, "account_number": "12AB"},
     "Số tài khoản tiền gửi phải gồm 6 đến 20 chữ số."),
]


@pytest.mark.parametrize(("case", "args", "message"), REFUSALS, ids=[r[0] for r in REFUSALS])
def test_open_refusals_change_nothing(lending, case, args, message):
    before = ledger_state()
    with pytest.raises(DomainError) as refused:
        savings_open(actor=lending.credit_officer, **args(lending))
    assert message in refused.value.text()
    assert ledger_state() == before


def test_open_refuses_a_second_active_account_and_a_taken_number(lending):
    w = lending
    first = open_savings(w, w.household_a)
    before = ledger_state()
    with pytest.raises(DomainError, match=f"đã có tài khoản tiền gửi {first.account_number} đang hoạt động"):
        savings_open(actor=w.credit_officer, household=w.household_a, opened_on=DAY)
    with pytest.raises(DomainError, match=f"Số tài khoản {first.account_number} đã tồn tại"):
        savings_open(actor=w.credit_officer, household=w.group_a.test_members[3], opened_on=DAY,
                     account_number=first.account_number)
    assert ledger_state() == before


@pytest.mark.parametrize("persona", ["group_leader", "commune_viewer", "commune_association"])
def test_only_bank_staff_open_accounts(lending, persona):
    before = ledger_state()
    with pytest.raises(DomainError, match="Bạn không có quyền ghi giao dịch tiền gửi"):
        savings_open(actor=getattr(lending, persona), household=lending.household_a, opened_on=DAY)
    assert ledger_state() == before


def test_close_pays_the_balance_out_and_locks_the_account(lending):
    w = lending
    account = open_savings(w, w.household_a, deposit=120_000)
    closed = savings_close(actor=w.credit_officer, account=account, on=dt.date(2025, 4, 12), reason="Rời tổ")
    assert (closed.status, closed.closed_on, closed.balance) == (SavingsAccountStatus.CLOSED, dt.date(2025, 4, 12), 0)
    payout = JournalEntry.objects.get(idempotency_key=f"savings:{account.pk}:close")
    assert (payout.kind, payout.value_date) == ("SAVINGS_WITHDRAWAL", dt.date(2025, 4, 12))
    assert sorted((line.account_code, line.amount, line.subledger_key) for line in entry_lines(payout)) == [
        ("CASH_TELLER", -120_000, "000101"), ("SAVINGS_105", 120_000, account.account_number)]
    assert savings_balance(account) == 0
    assert AuditEvent.objects.get(action="savings.close").note == "Rời tổ"
    # A closed account takes nothing, and a new one can be opened for the household.
    before = ledger_state()
    with pytest.raises(DomainError, match="đã tất toán ngày 12/04/2025: không nhận giao dịch"):
        savings_deposit(actor=w.credit_officer, account=account, amount=50_000, on=dt.date(2025, 4, 12))
    with pytest.raises(DomainError, match="đã tất toán"):
        savings_close(actor=w.credit_officer, account=account, on=dt.date(2025, 4, 13))
    assert ledger_state() == before
    again = savings_open(actor=w.credit_officer, household=w.household_a, opened_on=dt.date(2025, 5, 2))
    assert again.pk != account.pk and again.status == "A"


def test_close_refuses_a_date_before_the_last_movement(lending):
    w = lending
    account = open_savings(w, w.household_a)
    savings_deposit(actor=w.credit_officer, account=account, amount=50_000, on=dt.date(2025, 3, 20))
    before = ledger_state()
    with pytest.raises(DomainError, match="không được trước ngày giao dịch gần nhất"):
        savings_close(actor=w.credit_officer, account=account, on=dt.date(2025, 3, 19))
    assert ledger_state() == before


def test_group_at_opening_is_kept_when_the_member_moves(lending):
    w = lending
    account = open_savings(w, w.household_a)
    GroupMembership.objects.filter(household=w.household_a).update(left_on=dt.date(2025, 6, 1))
    GroupMembership.objects.create(group=w.group_a_women, household=w.household_a, joined_on=dt.date(2025, 6, 2))
    assert MemberSavingsAccount.objects.get(pk=account.pk).group == w.group_a
