"""Reads of the ledger: balances are sums of postings, nothing is stored twice.

Every balance is the signed sum of postings (debit +, credit −) with ``value_date <= as_of`` (``as_of=None``: all
postings). Pass ``normal=True`` to get it on the account's normal side instead (a liability's usual credit balance
comes back positive): ``balance("SAVINGS_105", subledger_type="savings", subledger_key=n, normal=True)`` is the
member's savings balance.

``balance(account_code, *, subledger_type=None, subledger_key=None, as_of=None, normal=False) -> int``
    One account, optionally one sub-ledger type or one sub-ledger (type + key).
``balances_by_subledger(account_code, subledger_type, as_of=None, *, normal=False, include_zero=False)
-> dict[str, int]``
    Balance per sub-ledger key in ONE ``GROUP BY`` query (e.g. the outstanding of every loan); keys whose balance is
    0 are left out unless ``include_zero``.
``trial_balance(as_of=None) -> TrialBalance``
    Debit and credit turnover and signed balance of every account (one query); ``TrialBalance.total`` is 0.
``turnover(account_code, *, date_from, date_to, subledger_type=None, subledger_key=None) -> Turnover``
    Debits and credits within dates (both included), e.g. deposits and withdrawals of a year on SAVINGS_105.
``entry_lines(entry) -> list[Line]``
    The lines of an entry in posting order, as ``Line`` objects (the type ``entry_post`` takes).
``entries_for_source(source_type, source_key)`` / ``entry_by_idempotency_key(key)``
    Entries a higher-level record caused; the entry posted under a key (or ``None``).

The selectors are not scoped: the calling page or report restricts the sub-ledger keys to what the user may see.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet, Sum
from django.utils.translation import gettext as _

from uythac.core.exceptions import DomainError
from uythac.ledger.lines import Line
from uythac.ledger.models import JournalEntry, LedgerAccount, Posting

__all__ = [
    "TrialBalance",
    "TrialBalanceRow",
    "Turnover",
    "balance",
    "balances_by_subledger",
    "entries_for_source",
    "entry_by_idempotency_key",
    "entry_lines",
    "trial_balance",
    "turnover",
]


@dataclass(frozen=True)
class TrialBalanceRow:
    code: str
    name: str
    kind: str
    normal_side: str
    debit: int  # sum of debit postings (≥ 0)
    credit: int  # sum of credit postings, as a positive number
    balance: int  # debit − credit (signed, debit positive)

    @property
    def normal_balance(self) -> int:
        return self.balance if self.normal_side == "D" else -self.balance


@dataclass(frozen=True)
class TrialBalance:
    as_of: dt.date | None
    rows: tuple[TrialBalanceRow, ...]

    @property
    def debit(self) -> int:
        return sum(row.debit for row in self.rows)

    @property
    def credit(self) -> int:
        return sum(row.credit for row in self.rows)

    @property
    def total(self) -> int:
        """Sum of all signed balances: 0 in a sound ledger."""
        return sum(row.balance for row in self.rows)

    def row(self, code: str) -> TrialBalanceRow:
        return next(row for row in self.rows if row.code == code)


@dataclass(frozen=True)
class Turnover:
    debit: int
    credit: int

    @property
    def net(self) -> int:
        return self.debit - self.credit


def _account(code) -> LedgerAccount:
    account = LedgerAccount.objects.filter(code=str(code)).first()
    if account is None:
        raise DomainError(_("Tài khoản «%(code)s» không tồn tại.") % {"code": code}, field="account_code")
    return account


def _as_of(postings: QuerySet, as_of: dt.date | None) -> QuerySet:
    return postings if as_of is None else postings.filter(value_date__lte=as_of)


def _subledger(postings: QuerySet, subledger_type: str | None, subledger_key: str | None) -> QuerySet:
    if subledger_key is not None and subledger_type is None:
        raise TypeError("subledger_key needs subledger_type")
    if subledger_type is not None:
        postings = postings.filter(subledger_type=subledger_type)
    if subledger_key is not None:
        postings = postings.filter(subledger_key=subledger_key)
    return postings


def balance(
    account_code: str,
    *,
    subledger_type: str | None = None,
    subledger_key: str | None = None,
    as_of: dt.date | None = None,
    normal: bool = False,
) -> int:
    account = _account(account_code)
    postings = _subledger(_as_of(Posting.objects.filter(account=account), as_of), subledger_type, subledger_key)
    total = int(postings.aggregate(total=Sum("amount"))["total"] or 0)
    return account.to_normal(total) if normal else total


def balances_by_subledger(
    account_code: str,
    subledger_type: str,
    as_of: dt.date | None = None,
    *,
    normal: bool = False,
    include_zero: bool = False,
) -> dict[str, int]:
    rows = (
        _as_of(Posting.objects.filter(account__code=str(account_code), subledger_type=subledger_type), as_of)
        .order_by()
        .values("subledger_key", "account__normal_side")
        .annotate(total=Sum("amount"))
    )
    if not include_zero:
        rows = rows.exclude(total=0)
    result = {}
    for row in rows:
        total = int(row["total"])
        result[row["subledger_key"]] = -total if normal and row["account__normal_side"] == "C" else total
    if not result:
        _account(account_code)  # an unknown account is an error, not an empty ledger
    return result


def trial_balance(as_of: dt.date | None = None) -> TrialBalance:
    postings = _as_of(Posting.objects.all(), as_of)
    sums = {
        row["account_id"]: row
        for row in postings.order_by().values("account_id").annotate(
            debit=Sum("amount", filter=Q(amount__gt=0)),
            credit=Sum("amount", filter=Q(amount__lt=0)),
        )
    }
    rows = []
    for account in LedgerAccount.objects.order_by("code"):
        found = sums.get(account.pk, {})
        debit = int(found.get("debit") or 0)
        credit = -int(found.get("credit") or 0)
        rows.append(TrialBalanceRow(
            code=account.code, name=account.name, kind=account.kind, normal_side=account.normal_side,
            debit=debit, credit=credit, balance=debit - credit,
        ))
    return TrialBalance(as_of=as_of, rows=tuple(rows))


def turnover(
    account_code: str,
    *,
    date_from: dt.date,
    date_to: dt.date,
    subledger_type: str | None = None,
    subledger_key: str | None = None,
) -> Turnover:
    account = _account(account_code)
    postings = _subledger(
        Posting.objects.filter(account=account, value_date__gte=date_from, value_date__lte=date_to),
        subledger_type, subledger_key,
    )
    sums = postings.aggregate(
        debit=Sum("amount", filter=Q(amount__gt=0)), credit=Sum("amount", filter=Q(amount__lt=0))
    )
    return Turnover(debit=int(sums["debit"] or 0), credit=-int(sums["credit"] or 0))


def entry_lines(entry: JournalEntry | int) -> list[Line]:
    rows = Posting.objects.filter(entry_id=getattr(entry, "pk", entry)).order_by("id").values_list(
        "account__code", "amount", "subledger_type", "subledger_key"
    )
    return [Line(code, amount, sub_type, sub_key) for code, amount, sub_type, sub_key in rows]


def entries_for_source(source_type: str, source_key: str) -> QuerySet:
    return JournalEntry.objects.filter(source_type=source_type, source_key=str(source_key)).order_by("value_date", "id")


def entry_by_idempotency_key(key: str) -> JournalEntry | None:
    return JournalEntry.objects.filter(idempotency_key=key).first()
