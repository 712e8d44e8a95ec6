"""Builders shared by the savings, transaction-session and lending page tests (they extend the ``world`` fixture).

* ``ensure_lending_reference_data()`` — the chart of accounts and the savings rule values, loaded again when a
  transactional test (live server, PostgreSQL race) flushed them.
* ``open_savings(world, household, ...)`` — an account opened by the system actor, optionally with a first deposit.
* ``out_of_scope_session(world)`` / ``out_of_scope_savings(world)`` — objects of province 79 for the permission
  matrix (created on first use, then reused).
* ``ledger_state()`` — everything a refused money write must leave untouched.
"""

import datetime as dt
import importlib

from django.apps import apps

from uythac.core.models import AuditEvent, RuleValue
from uythac.ledger.models import JournalEntry, LedgerAccount, LedgerPeriod, Posting
from uythac.savings.models import MemberSavingsAccount

# A past business day after every world membership (2020) — every test dates its facts from here.
DAY = dt.date(2025, 3, 10)


def ensure_lending_reference_data() -> None:
    if not LedgerAccount.objects.exists():
        importlib.import_module("uythac.ledger.migrations.0002_chart_of_accounts").load(apps, None)
    if not RuleValue.objects.filter(key="savings.minimum_deposit").exists():
        importlib.import_module("uythac.savings.migrations.0002_rule_values").load(apps, None)


def ledger_state() -> dict:
    """Counts and sums of the money tables plus the audit trail (compare before/after a refused write)."""
    return {
        "entries": JournalEntry.objects.count(),
        "postings": list(Posting.objects.order_by("id").values_list("id", "account__code", "amount",
                                                                     "subledger_key")),
        "periods": list(LedgerPeriod.objects.order_by("period").values_list("period", "status")),
        "accounts": list(MemberSavingsAccount.objects.order_by("id").values_list(
            "id", "account_number", "status", "closed_on", "balance")),
        "audit": AuditEvent.objects.count(),
    }


def open_savings(world, household, *, on: dt.date = DAY, deposit: int = 0, actor=None) -> MemberSavingsAccount:
    from uythac.savings.services import savings_deposit, savings_open

    account = savings_open(actor=actor, household=household, opened_on=on)
    if deposit:
        savings_deposit(actor=actor, account=account, amount=deposit, on=on)
        account.refresh_from_db()
    return account


def out_of_scope_savings(world) -> MemberSavingsAccount:
    found = MemberSavingsAccount.objects.filter(household=world.household_c).first()
    return found or open_savings(world, world.household_c)


def out_of_scope_session(world):
    from uythac.transaction_sessions.models import TransactionSession

    found = TransactionSession.objects.filter(transaction_point=world.point_c).first()
    if found is not None:
        return found
    from uythac.transaction_sessions.services import session_open

    ensure_lending_reference_data()
    return session_open(actor=world.admin, point=world.point_c, session_date=DAY, team_leader=world.admin)
