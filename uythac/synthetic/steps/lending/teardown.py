"""What ``uythac generate --reset`` deletes of a province's lending data, children first (``reset.TEARDOWN``).

Everything that points at the province's households, groups, loans, savings accounts or network: the month-end
snapshots, commune sessions and leaders' batches, loan events, risk cases and rounds, installments, loans and their
applications, savings accounts — and the province's journal: every entry with a posting on one of its loans,
savings accounts, groups, transaction points, offices, association units or sessions (generated entries, and
whatever users or the month-end close posted on the generated data since). The journal is append-only; on
PostgreSQL its guard triggers are disabled for these deletes only, inside the reset's transaction (DDL is
transactional: a failed reset leaves them enabled), and enabled again right after.
"""

from __future__ import annotations

from collections.abc import Callable

from django.apps import apps
from django.db import connection, models
from django.db.models import Q, QuerySet
from django.db.models.functions import Cast

from uythac.groups.models import SavingsGroup
from uythac.ledger.chart import SubledgerType as S
from uythac.ledger.models import Posting
from uythac.loans.models import (
    ApplicationStatusChange,
    Installment,
    Loan,
    LoanApplication,
    LoanEvent,
    ReviewItem,
    ReviewMeeting,
    RiskCase,
    RiskRound,
)
from uythac.network.models import AssociationUnit, TransactionOffice, TransactionPoint
from uythac.savings.models import GroupDepositMinimum, MemberSavingsAccount
from uythac.transaction_sessions.models import (
    CollectionBatch,
    CollectionItem,
    CollectionReceipt,
    SessionAttendee,
    SessionEntry,
    SessionPayment,
    TransactionSession,
)

APPEND_ONLY_TRIGGERS = (
    ("ledger_posting", "ledger_posting_append_only"),
    ("ledger_journalentry", "ledger_journalentry_append_only"),
)


def province_postings(province) -> QuerySet:
    """Postings on a sub-ledger of the province (a loan, savings account, group, point, office, unit, session)."""
    sessions = TransactionSession.objects.filter(transaction_point__commune__province=province).annotate(
        key=Cast("id", models.CharField())).values("key")
    keys = (
        Q(subledger_type=S.LOAN, subledger_key__in=Loan.objects.filter(commune__province=province)
          .values("loan_number"))
        | Q(subledger_type=S.SAVINGS, subledger_key__in=MemberSavingsAccount.objects.filter(
            group__commune__province=province).values("account_number"))
        | Q(subledger_type=S.GROUP, subledger_key__in=SavingsGroup.objects.filter(commune__province=province)
            .values("code"))
        | Q(subledger_type=S.POINT, subledger_key__in=TransactionPoint.objects.filter(commune__province=province)
            .values("code"))
        | Q(subledger_type=S.OFFICE, subledger_key__in=TransactionOffice.objects.filter(branch__province=province)
            .values("code"))
        | Q(subledger_type=S.UNIT, subledger_key__in=AssociationUnit.objects.filter(province=province)
            .values("code"))
        | Q(subledger_type=S.SESSION, subledger_key__in=sessions)
    )
    return Posting.objects.filter(keys)


class JournalDeletion:
    """Stands in for a queryset in ``reset._delete_rows``: deletes the entries touching the province (all their
    postings first), returning the number of rows deleted."""

    def __init__(self, province):
        self.province = province
        self.db = "default"

    def _raw_delete(self, using) -> int:
        query, params = province_postings(self.province).values("entry_id").distinct().query.sql_with_params()
        postgresql = connection.vendor == "postgresql"
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS reset_entries")
            cursor.execute(f"CREATE TEMPORARY TABLE reset_entries AS {query}", params)
            if postgresql:
                # ALTER TABLE is refused while the transaction holds pending (deferred) trigger events — e.g. a
                # reset in the same transaction as the generation it undoes: check them now, and check the
                # deletes below at once too, then give the transaction back its deferred checks.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                for table, trigger in APPEND_ONLY_TRIGGERS:
                    cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {trigger}")
            cursor.execute("DELETE FROM ledger_posting WHERE entry_id IN (SELECT entry_id FROM reset_entries)")
            deleted = max(cursor.rowcount, 0)
            cursor.execute("DELETE FROM ledger_journalentry WHERE id IN (SELECT entry_id FROM reset_entries)")
            deleted += max(cursor.rowcount, 0)
            if postgresql:
                for table, trigger in APPEND_ONLY_TRIGGERS:
                    cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {trigger}")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            cursor.execute("DROP TABLE reset_entries")
        return deleted


def _snapshots(province) -> list:
    """The month-end close's per-period tables placed in the province (every closing model with a province)."""
    return [
        model.objects.filter(province=province)
        for model in apps.get_app_config("closing").get_models()
        if any(field.name == "province" for field in model._meta.get_fields())
    ]


def _sessions(province) -> list:
    here = Q(transaction_point__commune__province=province)
    return [
        CollectionItem.objects.filter(receipt__batch__group__commune__province=province),
        CollectionReceipt.objects.filter(batch__group__commune__province=province),
        SessionEntry.objects.filter(session__transaction_point__commune__province=province),
        CollectionBatch.objects.filter(group__commune__province=province),
        SessionPayment.objects.filter(session__transaction_point__commune__province=province),
        SessionAttendee.objects.filter(session__transaction_point__commune__province=province),
        TransactionSession.objects.filter(here),
    ]


# (label, querysets of one province), in deletion order: before the base tables of ``reset.TEARDOWN`` and before
# the province's user accounts (loans and sessions refer to the users who made them).
LENDING_TEARDOWN: tuple[tuple[str, Callable], ...] = (
    # Derived monthly data of the apps above synthetic (through the app registry: synthetic may not import them).
    ("fee_statements", lambda p: [
        apps.get_model("fees", "FeeStatementShare").objects.filter(statement__province=p),
        apps.get_model("fees", "FeeStatement").objects.filter(province=p),
        apps.get_model("fees", "CommissionStatement").objects.filter(province=p)]),
    ("scores", lambda p: [apps.get_model("scoring", "Score").objects.filter(province_id=p.id)]),
    ("closing_snapshots", _snapshots),
    ("transaction_sessions", _sessions),
    ("loan_events", lambda p: [LoanEvent.objects.filter(loan__commune__province=p)]),
    ("journal", lambda p: [JournalDeletion(p)]),
    ("risk_cases", lambda p: [RiskCase.objects.filter(loan__commune__province=p)]),
    ("risk_rounds", lambda p: [RiskRound.objects.filter(branch__province=p)]),
    ("installments", lambda p: [Installment.objects.filter(loan__commune__province=p)]),
    ("loans", lambda p: [Loan.objects.filter(commune__province=p)]),
    ("loan_applications", lambda p: [
        ReviewItem.objects.filter(meeting__group_meeting__group__commune__province=p),
        ReviewMeeting.objects.filter(group_meeting__group__commune__province=p),
        ApplicationStatusChange.objects.filter(application__household__commune__province=p),
        LoanApplication.objects.filter(household__commune__province=p),
    ]),
    ("savings_accounts", lambda p: [
        MemberSavingsAccount.objects.filter(Q(group__commune__province=p) | Q(household__commune__province=p)),
        GroupDepositMinimum.objects.filter(group__commune__province=p),
    ]),
)
