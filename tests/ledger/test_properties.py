"""Property-based tests: for random sequences of operations the ledger balances and every balance is the sum of
its postings.

A Hypothesis state machine plays a small commune: three loans, three savings accounts, two groups, one transaction
point. Each step is a disbursement, a counter repayment, a leader's collection batch (interest + savings, with an
idempotency key), a withdrawal, a repayment from savings, a hand-over with a counted difference, a transfer to
overdue, a reversal, an identical retry, a conflicting retry or a refused request. The machine keeps, in plain
Python, every line it expects the ledger to hold; after each step it checks that the trial balance is 0, that each
entry balances, and that every account and sub-ledger balance equals the Python sum. Each example runs inside a
savepoint that is rolled back at its end.
"""

import datetime as dt
import random
from collections import Counter, defaultdict

import pytest
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from uythac.core.exceptions import DomainError
from uythac.ledger.chart import AccountCode as A
from uythac.ledger.chart import SubledgerType as S
from uythac.ledger.lines import Line
from uythac.ledger.models import EntryKind, JournalEntry, Posting
from uythac.ledger.selectors import balance, balances_by_subledger, trial_balance
from uythac.ledger.services import entry_post, entry_reverse

LOANS = ["0101202500000001", "0101202500000002", "0101202500000003"]
SAVINGS = ["105000000001", "105000000002", "105000000003"]
GROUPS = ["0000001", "0000002"]
POINT = "TXN0001"
START = dt.date(2025, 1, 1)

amounts = st.integers(min_value=1, max_value=10**10)
fractions = st.floats(min_value=0.01, max_value=1.0)


class LedgerMachine(RuleBasedStateMachine):
    actor = None  # set by the test

    def __init__(self):
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.clock = START
        self.expected: list[tuple[str, str, str, int, dt.date]] = []  # every line the ledger should hold
        self.entries: dict[int, tuple[dt.date, list[Line]]] = {}
        self.reversed: set[int] = set()
        self.keyed: dict[str, tuple[dict, int]] = {}
        self.serial = 0

    def teardown(self):
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    # --- helpers -------------------------------------------------------------------------------------------------

    def _tick(self, days: int) -> dt.date:
        self.clock = min(self.clock + dt.timedelta(days=days), timezone.localdate())
        return self.clock

    def _held(self, code: str, sub_type: str, sub_key: str) -> int:
        return sum(a for c, t, k, a, _d in self.expected if (c, t, k) == (code, sub_type, sub_key))

    def _post(self, kind: str, lines: list[Line], *, key: str | None = None) -> JournalEntry:
        kwargs = {"value_date": self.clock, "kind": kind, "lines": lines, "idempotency_key": key}
        entry = entry_post(actor=self.actor, **kwargs)
        assert entry.replayed is False
        self._record(entry, lines)
        if key:
            self.keyed[key] = (kwargs, entry.pk)
        return entry

    def _record(self, entry: JournalEntry, lines: list[Line]) -> None:
        self.entries[entry.pk] = (entry.value_date, lines)
        self.expected += [(ln.account_code, ln.subledger_type, ln.subledger_key, ln.amount, entry.value_date)
                          for ln in lines]

    def _key(self, prefix: str) -> str:
        self.serial += 1
        return f"{prefix}:{self.serial}"

    def _unchanged(self) -> tuple[int, int]:
        return JournalEntry.objects.count(), Posting.objects.count()

    # --- operations ----------------------------------------------------------------------------------------------

    @rule(loan=st.sampled_from(LOANS), amount=amounts, days=st.integers(0, 5), keyed=st.booleans())
    def disburse(self, loan, amount, days, keyed):
        self._tick(days)
        self._post(EntryKind.DISBURSEMENT, [Line.debit(A.LOAN_CURRENT, amount, S.LOAN, loan),
                                            Line.credit(A.CASH_TELLER, amount, S.POINT, POINT)],
                   key=self._key("disbursement") if keyed else None)

    @rule(loan=st.sampled_from(LOANS), fraction=fractions, days=st.integers(0, 5))
    def repay(self, loan, fraction, days):
        held = self._held(A.LOAN_CURRENT, S.LOAN, loan)
        if held <= 0:
            return
        self._tick(days)
        amount = max(1, int(held * fraction))
        self._post(EntryKind.PRINCIPAL_REPAYMENT, [Line.debit(A.CASH_TELLER, amount, S.POINT, POINT),
                                                   Line.credit(A.LOAN_CURRENT, amount, S.LOAN, loan)])

    @rule(
        group=st.sampled_from(GROUPS),
        interest=st.lists(st.tuples(st.sampled_from(LOANS), amounts), max_size=3),
        deposits=st.lists(st.tuples(st.sampled_from(SAVINGS), amounts), max_size=3),
        days=st.integers(0, 5),
    )
    def leader_batch(self, group, interest, deposits, days):
        if not interest and not deposits:
            return
        self._tick(days)
        lines = [Line.credit(A.INTEREST_INCOME, amount, S.LOAN, loan) for loan, amount in interest]
        lines += [Line.credit(A.SAVINGS_105, amount, S.SAVINGS, account) for account, amount in deposits]
        total = sum(amount for _k, amount in interest + deposits)
        self._post(EntryKind.INTEREST_COLLECTION, [Line.debit(A.CASH_IN_TRANSIT, total, S.GROUP, group), *lines],
                   key=self._key("collectionbatch"))

    @rule(account=st.sampled_from(SAVINGS), fraction=fractions, days=st.integers(0, 5))
    def withdraw(self, account, fraction, days):
        held = -self._held(A.SAVINGS_105, S.SAVINGS, account)
        if held <= 0:
            return
        self._tick(days)
        amount = max(1, int(held * fraction))
        self._post(EntryKind.SAVINGS_WITHDRAWAL, [Line.debit(A.SAVINGS_105, amount, S.SAVINGS, account),
                                                  Line.credit(A.CASH_TELLER, amount, S.POINT, POINT)])

    @rule(account=st.sampled_from(SAVINGS), loan=st.sampled_from(LOANS), fraction=fractions)
    def repay_from_savings(self, account, loan, fraction):
        available = min(-self._held(A.SAVINGS_105, S.SAVINGS, account), self._held(A.LOAN_CURRENT, S.LOAN, loan))
        if available <= 0:
            return
        amount = max(1, int(available * fraction))
        self._post(EntryKind.REPAID_FROM_SAVINGS, [Line.debit(A.SAVINGS_105, amount, S.SAVINGS, account),
                                                   Line.credit(A.LOAN_CURRENT, amount, S.LOAN, loan)])

    @rule(group=st.sampled_from(GROUPS), difference=st.integers(-5_000, 5_000), days=st.integers(0, 5))
    def hand_over(self, group, difference, days):
        listed = self._held(A.CASH_IN_TRANSIT, S.GROUP, group)
        counted = listed + difference
        if listed <= 0 or counted <= 0:
            return
        self._tick(days)
        lines = [Line.debit(A.CASH_TELLER, counted, S.POINT, POINT),
                 Line.credit(A.CASH_IN_TRANSIT, listed, S.GROUP, group)]
        if difference:
            lines.append(Line(A.CASH_DIFFERENCE, -difference, S.GROUP, group))
        self._post(EntryKind.COLLECTION_HANDOVER, lines, key=self._key("handover"))

    @rule(loan=st.sampled_from(LOANS))
    def transfer_to_overdue(self, loan):
        held = self._held(A.LOAN_CURRENT, S.LOAN, loan)
        if held <= 0:
            return
        self._post(EntryKind.OVERDUE_TRANSFER, [Line.debit(A.LOAN_OVERDUE, held, S.LOAN, loan),
                                                Line.credit(A.LOAN_CURRENT, held, S.LOAN, loan)])

    @rule(data=st.data(), days=st.integers(0, 5), keyed=st.booleans())
    def reverse(self, data, days, keyed):
        candidates = sorted(set(self.entries) - self.reversed)
        if not candidates:
            return
        original = data.draw(st.sampled_from(candidates))
        self._tick(days)
        key = self._key("reversal") if keyed else None
        reversal = entry_reverse(actor=self.actor, entry=original, value_date=self.clock, reason="Sai sót",
                                 idempotency_key=key)
        self.reversed.add(original)
        self._record(reversal, [line.mirrored() for line in self.entries[original][1]])
        if keyed:
            before = self._unchanged()
            again = entry_reverse(actor=self.actor, entry=original, value_date=self.clock, reason="Sai sót",
                                  idempotency_key=key)
            assert (again.pk, again.replayed, self._unchanged()) == (reversal.pk, True, before)
        before = self._unchanged()
        with pytest.raises(DomainError):
            entry_reverse(actor=self.actor, entry=original, value_date=self.clock, reason="Lần nữa")
        assert self._unchanged() == before

    @rule(data=st.data())
    def retry_identical(self, data):
        if not self.keyed:
            return
        key = data.draw(st.sampled_from(sorted(self.keyed)))
        kwargs, pk = self.keyed[key]
        lines = list(kwargs["lines"])
        random.Random(len(lines)).shuffle(lines)  # a retry may list the lines in another order
        before = self._unchanged()
        again = entry_post(actor=self.actor, **{**kwargs, "lines": lines})
        assert (again.pk, again.replayed, self._unchanged()) == (pk, True, before)

    @rule(data=st.data(), extra=st.integers(1, 1_000))
    def retry_different(self, data, extra):
        if not self.keyed:
            return
        key = data.draw(st.sampled_from(sorted(self.keyed)))
        kwargs, _pk = self.keyed[key]
        first, second, *rest = kwargs["lines"]
        changed = [Line(first.account_code, first.amount + extra, first.subledger_type, first.subledger_key),
                   Line(second.account_code, second.amount - extra, second.subledger_type, second.subledger_key),
                   *rest]
        before = self._unchanged()
        with pytest.raises(DomainError, match="Mã chống trùng"):
            entry_post(actor=self.actor, **{**kwargs, "lines": changed})
        assert self._unchanged() == before

    @rule(
        debits=st.lists(amounts, min_size=1, max_size=3),
        credits=st.lists(amounts, min_size=1, max_size=3),
        loan=st.sampled_from(LOANS),
    )
    def refused_unbalanced(self, debits, credits, loan):
        if sum(debits) == sum(credits):
            return
        lines = [Line.debit(A.LOAN_CURRENT, amount, S.LOAN, loan) for amount in debits]
        lines += [Line.credit(A.CASH_TELLER, amount, S.POINT, POINT) for amount in credits]
        before = self._unchanged()
        with pytest.raises(DomainError, match="Bút toán không cân"):
            entry_post(actor=self.actor, value_date=self.clock, kind=EntryKind.DISBURSEMENT, lines=lines,
                       idempotency_key=self._key("unbalanced"))
        assert self._unchanged() == before

    @rule(data=st.data())
    def balances_as_of_a_past_date(self, data):
        as_of = data.draw(st.dates(min_value=START - dt.timedelta(days=1), max_value=self.clock))
        self._check(as_of, each_key=True)

    # --- invariants ----------------------------------------------------------------------------------------------

    @invariant()
    def every_entry_balances(self):
        unbalanced = (Posting.objects.order_by().values("entry_id").annotate(total=Sum("amount"), lines=Count("id"))
                      .exclude(total=0))
        assert list(unbalanced) == []
        assert not JournalEntry.objects.annotate(lines=Count("postings")).filter(lines__lt=2).exists()
        assert self._unchanged() == (len(self.entries), len(self.expected))

    @invariant()
    def balances_are_the_sum_of_the_postings(self):
        self._check(None)

    def _check(self, as_of: dt.date | None, *, each_key: bool = False) -> None:
        """Trial balance and every (account, sub-ledger type) grouping against the Python sums; with ``each_key``
        also ``balance()`` of every single sub-ledger (zero balances included)."""
        lines = [row for row in self.expected if as_of is None or row[4] <= as_of]
        by_account = Counter()
        by_subledger = defaultdict(Counter)
        for code, sub_type, sub_key, amount, _day in lines:
            by_account[code] += amount
            by_subledger[(code, sub_type)][sub_key] += amount
        tb = trial_balance(as_of)
        assert tb.total == 0
        assert {row.code: row.balance for row in tb.rows if row.balance} == {c: a for c, a in by_account.items() if a}
        for (code, sub_type), per_key in by_subledger.items():
            expected = {key: amount for key, amount in per_key.items() if amount}
            assert balances_by_subledger(code, sub_type, as_of) == expected
            if each_key:
                for key, amount in per_key.items():
                    assert balance(code, subledger_type=sub_type, subledger_key=key, as_of=as_of) == amount


def test_random_operation_sequences_keep_the_ledger_exact(poster):
    LedgerMachine.actor = poster
    run_state_machine_as_test(
        LedgerMachine,
        settings=settings(
            max_examples=30, stateful_step_count=25, deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
