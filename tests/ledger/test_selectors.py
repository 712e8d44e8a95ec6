import datetime as dt

import pytest

from tests.ledger.helpers import GROUP, LOAN_1, LOAN_2, POINT, SAVINGS_1, SAVINGS_2, disbursement, repayment
from uythac.core.exceptions import DomainError
from uythac.ledger.chart import AccountCode as A
from uythac.ledger.chart import SubledgerType as S
from uythac.ledger.lines import EntrySpec, Line
from uythac.ledger.models import EntryKind
from uythac.ledger.selectors import (
    balance,
    balances_by_subledger,
    entries_for_source,
    entry_by_idempotency_key,
    entry_lines,
    trial_balance,
    turnover,
)
from uythac.ledger.services import entries_post

JAN, FEB, MAR = dt.date(2025, 1, 10), dt.date(2025, 2, 10), dt.date(2025, 3, 10)


@pytest.fixture
def book(poster):
    """Two loans, two savings accounts, a leader batch, a counter repayment, a transfer to overdue."""
    return entries_post(actor=poster, entries=[
        EntrySpec(JAN, EntryKind.DISBURSEMENT, disbursement(30_000_000, LOAN_1), source_type="loan", source_key=LOAN_1),
        EntrySpec(JAN, EntryKind.DISBURSEMENT, disbursement(20_000_000, LOAN_2), idempotency_key="d:2"),
        EntrySpec(FEB, EntryKind.INTEREST_COLLECTION, [
            Line.debit(A.CASH_IN_TRANSIT, 700_000, S.GROUP, GROUP),
            Line.credit(A.INTEREST_INCOME, 200_000, S.LOAN, LOAN_1),
            Line.credit(A.INTEREST_INCOME, 100_000, S.LOAN, LOAN_2),
            Line.credit(A.SAVINGS_105, 250_000, S.SAVINGS, SAVINGS_1),
            Line.credit(A.SAVINGS_105, 150_000, S.SAVINGS, SAVINGS_2),
        ]),
        EntrySpec(FEB, EntryKind.SAVINGS_WITHDRAWAL, [
            Line.debit(A.SAVINGS_105, 50_000, S.SAVINGS, SAVINGS_1), Line.credit(A.CASH_TELLER, 50_000, S.POINT, POINT),
        ]),
        EntrySpec(MAR, EntryKind.PRINCIPAL_REPAYMENT, repayment(5_000_000, LOAN_1), source_type="loan",
                  source_key=LOAN_1),
        EntrySpec(MAR, EntryKind.OVERDUE_TRANSFER, [
            Line.debit(A.LOAN_OVERDUE, 20_000_000, S.LOAN, LOAN_2),
            Line.credit(A.LOAN_CURRENT, 20_000_000, S.LOAN, LOAN_2),
        ]),
    ])


def test_balances_of_one_account_and_one_subledger(book):
    assert balance(A.LOAN_CURRENT) == 25_000_000
    assert balance(A.LOAN_CURRENT, as_of=FEB) == 50_000_000
    assert balance(A.LOAN_CURRENT, as_of=dt.date(2025, 1, 9)) == 0
    assert balance(A.LOAN_CURRENT, subledger_type=S.LOAN, subledger_key=LOAN_2) == 0
    assert balance(A.LOAN_OVERDUE, subledger_type=S.LOAN, subledger_key=LOAN_2) == 20_000_000
    assert balance(A.SAVINGS_105, subledger_type=S.SAVINGS) == -350_000
    assert balance(A.SAVINGS_105, subledger_type=S.SAVINGS, subledger_key=SAVINGS_1, normal=True) == 200_000
    assert balance(A.CASH_TELLER, subledger_type=S.POINT, subledger_key=POINT) == -45_050_000
    with pytest.raises(TypeError):
        balance(A.LOAN_CURRENT, subledger_key=LOAN_1)
    with pytest.raises(DomainError):
        balance("NO_SUCH_ACCOUNT")


def test_balances_by_subledger_is_one_group_by_query(book, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert balances_by_subledger(A.LOAN_CURRENT, S.LOAN) == {LOAN_1: 25_000_000}
    assert balances_by_subledger(A.LOAN_CURRENT, S.LOAN, include_zero=True) == {LOAN_1: 25_000_000, LOAN_2: 0}
    assert balances_by_subledger(A.LOAN_CURRENT, S.LOAN, FEB) == {LOAN_1: 30_000_000, LOAN_2: 20_000_000}
    assert balances_by_subledger(A.SAVINGS_105, S.SAVINGS, normal=True) == {SAVINGS_1: 200_000, SAVINGS_2: 150_000}
    assert balances_by_subledger(A.INTEREST_INCOME, S.LOAN, JAN) == {}
    with pytest.raises(DomainError):
        balances_by_subledger("NO_SUCH_ACCOUNT", S.LOAN)


def test_trial_balance(book):
    tb = trial_balance()
    assert tb.total == 0
    assert tb.debit == tb.credit == 30_000_000 + 20_000_000 + 700_000 + 50_000 + 5_000_000 + 20_000_000
    cash = tb.row("CASH_TELLER")
    assert (cash.debit, cash.credit, cash.balance, cash.normal_balance) == (
        5_000_000, 50_050_000, -45_050_000, -45_050_000
    )
    savings = tb.row("SAVINGS_105")
    assert (savings.debit, savings.credit, savings.balance, savings.normal_balance) == (50_000, 400_000, -350_000,
                                                                                        350_000)
    assert tb.row("FEE_PAYABLE").balance == 0
    assert len(tb.rows) == 16
    january = trial_balance(JAN)
    assert (january.total, january.row("LOAN_CURRENT").balance) == (0, 50_000_000)


def test_turnover_within_dates(book):
    assert turnover(A.SAVINGS_105, date_from=dt.date(2025, 1, 1), date_to=dt.date(2025, 12, 31)) == (
        turnover(A.SAVINGS_105, date_from=FEB, date_to=FEB)
    )
    savings = turnover(A.SAVINGS_105, date_from=FEB, date_to=MAR, subledger_type=S.SAVINGS, subledger_key=SAVINGS_1)
    assert (savings.debit, savings.credit, savings.net) == (50_000, 250_000, -200_000)
    loans = turnover(A.LOAN_CURRENT, date_from=MAR, date_to=MAR)
    assert (loans.debit, loans.credit) == (0, 25_000_000)


def test_entry_lines_and_lookups(book):
    assert entry_lines(book[3]) == [
        Line(A.SAVINGS_105, 50_000, S.SAVINGS, SAVINGS_1), Line(A.CASH_TELLER, -50_000, S.POINT, POINT),
    ]
    assert list(entries_for_source("loan", LOAN_1)) == [book[0], book[4]]
    assert entry_by_idempotency_key("d:2") == book[1]
    assert entry_by_idempotency_key("d:404") is None
