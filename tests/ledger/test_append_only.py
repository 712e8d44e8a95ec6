"""Entries and postings are written once: the models, the managers and (on PostgreSQL) the database refuse changes."""

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from tests.ledger.helpers import MARCH_10, counts, disbursement
from uythac.ledger.models import AppendOnlyError, EntryKind, JournalEntry, LedgerAccount, Posting
from uythac.ledger.services import entry_post

ON_POSTGRESQL = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the append-only and balance triggers exist on PostgreSQL only (migration 0003); SQLite relies on the "
    "model and service guards tested above",
)


@pytest.fixture
def entry(poster):
    return entry_post(actor=poster, value_date=MARCH_10, kind=EntryKind.DISBURSEMENT, lines=disbursement(1_000))


def test_saving_or_deleting_an_existing_row_is_refused(entry):
    before = counts()
    posting = entry.postings.first()
    entry.memo = "sửa"
    posting.amount = 2_000
    for action in (entry.save, entry.delete, posting.save, posting.delete):
        with pytest.raises(AppendOnlyError):
            action()
    assert counts() == before
    assert JournalEntry.objects.get(pk=entry.pk).memo == ""


def test_bulk_updates_and_deletes_are_refused(entry):
    before = counts()
    with pytest.raises(AppendOnlyError):
        Posting.objects.filter(entry=entry).update(amount=5)
    with pytest.raises(AppendOnlyError):
        Posting.objects.update(amount=5)
    with pytest.raises(AppendOnlyError):
        JournalEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(AppendOnlyError):
        JournalEntry.objects.bulk_update([entry], ["memo"])
    assert counts() == before
    assert sorted(Posting.objects.values_list("amount", flat=True)) == [-1_000, 1_000]


def test_the_database_refuses_a_zero_posting_and_a_reversal_without_its_original(entry):
    account = LedgerAccount.objects.get(code="CASH_TELLER")
    with pytest.raises(IntegrityError), transaction.atomic():
        Posting.objects.create(entry=entry, account=account, amount=0, value_date=MARCH_10)
    with pytest.raises(IntegrityError), transaction.atomic():
        JournalEntry.objects.create(value_date=MARCH_10, kind=EntryKind.REVERSAL)
    with pytest.raises(IntegrityError), transaction.atomic():
        Posting.objects.create(entry=entry, account=account, amount=5, subledger_type="point", value_date=MARCH_10)


@ON_POSTGRESQL
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE ledger_posting SET amount = amount * 2",
        "DELETE FROM ledger_posting",
        "UPDATE ledger_journalentry SET memo = 'sửa'",
        "DELETE FROM ledger_journalentry",
    ],
)
def test_postgresql_triggers_refuse_raw_updates_and_deletes(entry, statement):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert sorted(Posting.objects.values_list("amount", flat=True)) == [-1_000, 1_000]


@ON_POSTGRESQL
def test_postgresql_refuses_at_commit_an_entry_that_does_not_balance(chart):
    """Rows written around the services (raw inserts) still cannot commit an unbalanced entry."""
    cash = LedgerAccount.objects.get(code="CASH_TELLER")
    with pytest.raises(IntegrityError, match="does not balance"), transaction.atomic():
        bad = JournalEntry.objects.create(value_date=MARCH_10, kind=EntryKind.CASH_DIFFERENCE)
        Posting.objects.create(entry=bad, account=cash, amount=5, value_date=MARCH_10)
        Posting.objects.create(entry=bad, account=cash, amount=-4, value_date=MARCH_10)
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ledger_entry_balanced IMMEDIATE")
    with transaction.atomic():
        good = JournalEntry.objects.create(value_date=MARCH_10, kind=EntryKind.CASH_DIFFERENCE)
        Posting.objects.create(entry=good, account=cash, amount=5, value_date=MARCH_10)
        Posting.objects.create(entry=good, account=cash, amount=-5, value_date=MARCH_10)
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ledger_entry_balanced IMMEDIATE")
    assert JournalEntry.objects.filter(pk=good.pk).exists()
