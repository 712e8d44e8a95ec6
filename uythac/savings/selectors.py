"""Reads of member savings: balances (from the ledger), movements, the minimum deposit, savers per group.

``savings_balance(account, *, as_of=None) -> int``
    The ledger's balance of ``SAVINGS_105`` for the account (normal side: a credit balance is positive). Equal to
    ``account.balance`` (the cache) when ``as_of`` is None.
``savings_movements(account) -> list[SavingsMovement]``
    Every posting on the account in date order with the running balance (the passbook).
``minimum_deposit(account_or_group, on) -> MinimumDeposit``
    The minimum one deposit must reach on ``on``: the national rule ``savings.minimum_deposit`` or, when higher,
    the group convention in force (``GroupDepositMinimum``).
``group_savers(group, *, as_of=None) -> GroupSavings``
    The accounts of the households that are members of the group on ``as_of`` (default today) with their ledger
    balances in ONE grouped query: how many members save and the total.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from uythac.core.guards import format_date, today
from uythac.core.rules import rule_get
from uythac.groups.models import GroupMembership, SavingsGroup
from uythac.ledger.chart import AccountCode, SubledgerType
from uythac.ledger.models import EntryKind, Posting
from uythac.ledger.selectors import balance
from uythac.savings.models import GroupDepositMinimum, MemberSavingsAccount

MINIMUM_RULE = "savings.minimum_deposit"


def _number(account) -> str:
    return str(getattr(account, "account_number", account))


def savings_balance(account, *, as_of: dt.date | None = None) -> int:
    return balance(AccountCode.SAVINGS_105, subledger_type=SubledgerType.SAVINGS, subledger_key=_number(account),
                   as_of=as_of, normal=True)


@dataclass(frozen=True)
class SavingsMovement:
    value_date: dt.date
    kind: str
    kind_label: str
    deposit: int  # > 0 for a credit to the member
    withdrawal: int  # > 0 for a debit
    balance: int  # running balance after this movement
    entry_id: int
    memo: str


def savings_movements(account) -> list[SavingsMovement]:
    rows = (
        Posting.objects.filter(account__code=AccountCode.SAVINGS_105, subledger_type=SubledgerType.SAVINGS,
                               subledger_key=_number(account))
        .order_by("value_date", "entry_id", "id")
        .values_list("value_date", "entry__kind", "amount", "entry_id", "entry__memo")
    )
    running = 0
    movements = []
    labels = dict(EntryKind.choices)
    for value_date, kind, amount, entry_id, memo in rows:
        running -= amount  # liability: a credit (negative) raises the member's balance
        movements.append(SavingsMovement(
            value_date=value_date, kind=kind, kind_label=str(labels.get(kind, kind)),
            deposit=-amount if amount < 0 else 0, withdrawal=amount if amount > 0 else 0, balance=running,
            entry_id=entry_id, memo=memo,
        ))
    return movements


@dataclass(frozen=True)
class MinimumDeposit:
    amount: int
    national: int
    convention: GroupDepositMinimum | None
    source: str
    provisional: bool


def minimum_deposit(account_or_group, on: dt.date) -> MinimumDeposit:
    group = account_or_group if isinstance(account_or_group, SavingsGroup) else account_or_group.group
    if isinstance(account_or_group, MemberSavingsAccount):
        membership = (
            GroupMembership.objects.filter(household_id=account_or_group.household_id, joined_on__lte=on)
            .filter(Q(left_on__isnull=True) | Q(left_on__gte=on))
            .select_related("group").order_by("-joined_on").first()
        )
        if membership is not None:
            group = membership.group
    rule = rule_get(MINIMUM_RULE, on=on)
    national = int(rule.value["amount"])
    convention = (
        GroupDepositMinimum.objects.filter(group=group, effective_from__lte=on).order_by("-effective_from").first()
    )
    if convention is not None and convention.amount > national:
        source = _("quy ước tổ %(code)s từ %(on)s") % {"code": group.code, "on": format_date(convention.effective_from)}
        return MinimumDeposit(convention.amount, national, convention, source, provisional=False)
    return MinimumDeposit(national, national, convention, rule.source_document, provisional=rule.is_provisional)


@dataclass(frozen=True)
class GroupSavings:
    group: SavingsGroup
    as_of: dt.date
    accounts: tuple[tuple[MemberSavingsAccount, int], ...]  # (account, ledger balance)

    @property
    def savers(self) -> int:
        """Members with a positive balance."""
        return sum(1 for _account, amount in self.accounts if amount > 0)

    @property
    def total(self) -> int:
        return sum(amount for _account, amount in self.accounts)


def group_savers(group: SavingsGroup, *, as_of: dt.date | None = None) -> GroupSavings:
    as_of = as_of or today()
    members = GroupMembership.objects.filter(group=group, joined_on__lte=as_of).filter(
        Q(left_on__isnull=True) | Q(left_on__gte=as_of)
    ).values("household_id")
    accounts = list(
        MemberSavingsAccount.objects.filter(household_id__in=members, opened_on__lte=as_of)
        .select_related("household").order_by("household__name", "account_number")
    )
    numbers = [account.account_number for account in accounts]
    sums = dict(
        Posting.objects.filter(account__code=AccountCode.SAVINGS_105, subledger_type=SubledgerType.SAVINGS,
                               subledger_key__in=numbers, value_date__lte=as_of)
        .order_by().values_list("subledger_key").annotate(total=Sum("amount")).values_list("subledger_key", "total")
    )
    return GroupSavings(group=group, as_of=as_of,
                        accounts=tuple((account, -int(sums.get(account.account_number) or 0)) for account in accounts))
