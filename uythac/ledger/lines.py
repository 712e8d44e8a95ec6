"""What a caller hands to the ledger: posting lines and entry requests (pure; no Django).

Sign convention — one signed integer per line, in whole VND:

* **debit = positive, credit = negative**. An entry balances when its amounts sum to exactly 0.
* Build lines with ``Line.debit(...)`` / ``Line.credit(...)`` (both take a positive amount) so the sign is never
  typed by hand::

      Line.debit(AccountCode.LOAN_CURRENT, 20_000_000, "loan", "0101201900012345")
      Line.credit(AccountCode.CASH_TELLER, 20_000_000, "point", "TXN0001")

* ``subledger_type`` / ``subledger_key`` say *whose* balance the line moves (``("loan", loan_number)``,
  ``("savings", account_number)``, ``("group", group_code)``, ``("unit", unit_code)``, ``("point", point_code)``,
  ``("office", pgd_code)``); both empty means the line belongs to no sub-ledger. Per-loan, per-savings-account and
  per-group balances are then plain sums of postings (``uythac.ledger.selectors``).
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Line:
    """One posting line of an entry request: account, signed amount (debit +, credit −) and its sub-ledger."""

    account_code: str
    amount: int
    subledger_type: str = ""
    subledger_key: str = ""

    @classmethod
    def debit(cls, account_code: str, amount: int, subledger_type: str = "", subledger_key: str = "") -> "Line":
        return cls(str(account_code), amount, subledger_type, subledger_key)

    @classmethod
    def credit(cls, account_code: str, amount: int, subledger_type: str = "", subledger_key: str = "") -> "Line":
        return cls(str(account_code), -amount, subledger_type, subledger_key)

    def mirrored(self) -> "Line":
        """The same line on the other side (what a reversal posts)."""
        return Line(self.account_code, -self.amount, self.subledger_type, self.subledger_key)

    def sort_key(self) -> tuple[str, str, str, int]:
        return (self.account_code, self.subledger_type, self.subledger_key, self.amount)


@dataclass(frozen=True)
class EntrySpec:
    """One entry for ``entries_post`` (the batch form of ``entry_post``); same fields, same rules."""

    value_date: dt.date
    kind: str
    lines: Sequence[Line]
    memo: str = ""
    idempotency_key: str | None = None
    source_type: str = ""
    source_key: str = ""
    # Set only by ``entry_reverse``: the id of the entry this one reverses.
    reversal_of_id: int | None = field(default=None, compare=False)


def lines_signature(lines: Sequence[Line]) -> tuple[tuple[str, str, str, int], ...]:
    """Order-free identity of a set of lines: two requests with the same lines in another order are the same."""
    return tuple(sorted(line.sort_key() for line in lines))
