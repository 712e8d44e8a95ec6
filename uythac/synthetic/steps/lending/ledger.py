"""The journal of the generated history, collected in memory and written in bulk by step «ledger».

Entries follow the services' accounts and signs (``uythac.loans.services_*``, ``uythac.savings.services``) but are
grouped the way a commune session's journal is: one entry per transaction point, day and kind for disbursements,
principal repayments and withdrawals (each loan or account on its own line, the teller's cash on one line), one per
group and session day for the leader's interest and savings batch (13/TD), one per loan for transfers to overdue,
freezes, write-offs. After each session day the teller's cash goes back to the PGD vault (CASH_TRANSFER) and each
month the vault is settled against the lending funds (FUNDING); the balances brought forward at the start of the
history form one OPENING_BALANCE entry per PGD. Every entry balances; the step checks it again before writing.

Rows go in with explicit ids reserved from the table's sequence (PostgreSQL) or after the largest id (SQLite, one
writer at a time), so postings need no look-up of their entry's id.
"""

from __future__ import annotations

from collections import defaultdict

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from uythac.core.exceptions import DomainError
from uythac.ledger.chart import AccountCode as A
from uythac.ledger.chart import SubledgerType as S
from uythac.ledger.models import EntryKind, JournalEntry, LedgerAccount, LedgerPeriod, PeriodStatus, Posting
from uythac.synthetic.load import db_datetime, insert_rows
from uythac.synthetic.steps.lending.dates import date_of, iso, month_end, month_of

ACTOR_LABEL = "generate"


def reserve_ids(model, count: int) -> list[int]:
    """``count`` primary keys for explicit inserts into ``model``'s table."""
    if not count:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count]
            )
            return sorted(row[0] for row in cursor.fetchall())
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(table)}")
        first = cursor.fetchone()[0] + 1
    return list(range(first, first + count))


class Journal:
    def __init__(self):
        self.accounts = dict(LedgerAccount.objects.values_list("code", "id"))
        self.entries: list[list] = []  # [day, kind, memo, source_type, source_key]
        self.lines: list[tuple] = []  # (entry index, account id, amount, subledger type, key)
        self._batches: dict[tuple, int] = {}
        self._cash: dict[int, tuple[str, str, str]] = {}  # entry index → the cash line's (account, type, key)
        self.postings = 0

    def entry(self, day: int, kind: str, memo: str, source_type: str = "", source_key: str = "") -> int:
        self.entries.append([day, kind, memo[:255], source_type, source_key[:60]])
        return len(self.entries) - 1

    def batch(self, day: int, kind: str, scope: str, memo, *, cash: tuple[str, str, str] | None,
              source_type: str = "", source_key: str = "") -> int:
        """The entry of (``kind``, ``scope``, ``day``), created on first use; its cash line (what balances the
        other lines) is added by ``settle_cash``."""
        key = (kind, scope, day)
        index = self._batches.get(key)
        if index is None:
            index = self.entry(day, kind, memo() if callable(memo) else memo, source_type, source_key)
            self._batches[key] = index
            if cash is not None:
                self._cash[index] = cash
        return index

    def line(self, index: int, account: str, amount: int, subledger_type: str = "", key: str = "") -> None:
        """A signed line (debit +, credit −); zero lines are dropped."""
        if amount:
            self.lines.append((index, self.accounts[account], amount, subledger_type, key))

    def _sums(self) -> tuple[list[int], list[int]]:
        totals = [0] * len(self.entries)
        counts = [0] * len(self.entries)
        for index, _account, amount, _type, _key in self.lines:
            totals[index] += amount
            counts[index] += 1
        return totals, counts

    # -- cash management ---------------------------------------------------------------------------------------

    def settle_cash(self, office_of_point: dict[str, str]) -> None:
        """Cash lines of the batches, then the teller's cash back to the vault after each session day and the
        vault against the lending funds each month."""
        totals, _counts = self._sums()
        teller = defaultdict(int)  # (point key, day) → net cash received
        for index, (account, subledger_type, key) in self._cash.items():
            amount = -totals[index]
            if amount:
                self.line(index, account, amount, subledger_type, key)
                if account == A.CASH_TELLER and subledger_type == S.POINT:
                    teller[(key, self.entries[index][0])] += amount
        vault = defaultdict(int)  # (office, month) → net cash received
        for (point, day), amount in sorted(teller.items()):
            if not amount:
                continue
            office = office_of_point[point]
            index = self.entry(day, EntryKind.CASH_TRANSFER,
                               f"Điểm giao dịch {point} nộp tiền mặt về quỹ PGD {office} sau phiên giao dịch",
                               "point", point)
            self.line(index, A.CASH_TELLER, -amount, S.POINT, point)
            self.line(index, A.CASH_VAULT, amount, S.OFFICE, office)
            vault[(office, month_of(day))] += amount
        for (office, month), amount in sorted(vault.items()):
            if not amount:
                continue
            day = month_end(month)
            index = self.entry(day, EntryKind.FUNDING, f"Điều chuyển vốn tháng {date_of(day):%m/%Y} của PGD {office}",
                               "office", office)
            self.line(index, A.CASH_VAULT, -amount, S.OFFICE, office)
            self.line(index, A.LENDING_FUNDS, amount, S.OFFICE, office)

    # -- writing -----------------------------------------------------------------------------------------------

    def check(self) -> None:
        totals, counts = self._sums()
        unbalanced = [i for i in range(len(self.entries)) if totals[i] or counts[i] < 2]
        if unbalanced:
            index = unbalanced[0]
            raise ValueError(f"{len(unbalanced)} generated entries do not balance, e.g. {self.entries[index]} "
                             f"({counts[index]} lines, sum {totals[index]})")

    def write(self) -> list[int]:
        """Insert the entries and their postings; returns the entries' ids (by index)."""
        self.check()
        ids = reserve_ids(JournalEntry, len(self.entries))
        created = db_datetime(timezone.now())
        dates = [iso(day) for day, *_rest in self.entries]
        insert_rows(JournalEntry, ("id", "value_date", "kind", "memo", "actor_label", "created_at", "source_type",
                                   "source_key"), [
            (entry_id, dates[index], str(kind), memo, ACTOR_LABEL, created, source_type, source_key)
            for index, (entry_id, (_day, kind, memo, source_type, source_key))
            in enumerate(zip(ids, self.entries, strict=True))
        ])
        insert_rows(Posting, ("entry", "account", "amount", "subledger_type", "subledger_key", "value_date"), [
            (ids[index], account, amount, subledger_type, key, dates[index])
            for index, account, amount, subledger_type, key in self.lines
        ])
        self.postings = len(self.lines)
        return ids

    def open_periods(self) -> None:
        """The months of the history must be open (a closed month takes no posting); missing ones are created."""
        periods = {iso(day)[:7] for day, *_rest in self.entries}
        existing = dict(LedgerPeriod.objects.filter(period__in=periods).values_list("period", "status"))
        closed = sorted(period for period, status in existing.items() if status == PeriodStatus.CLOSED)
        if closed:
            raise DomainError(
                _("Kỳ kế toán %(periods)s đã khóa sổ: không sinh được lịch sử giao dịch vào các tháng này.")
                % {"periods": ", ".join(closed)}
            )
        LedgerPeriod.objects.bulk_create([LedgerPeriod(period=period) for period in sorted(periods - set(existing))])
