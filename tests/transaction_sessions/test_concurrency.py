"""Two connections at once (PostgreSQL only: SQLite runs one write transaction at a time, so there is no race to
show): the same leader batch submitted twice, and the same batch handed over twice, are applied exactly once."""

import threading

import pytest
from django.db import connection, connections

from tests.factories import build_world, reload_reference_data
from tests.transaction_sessions.support import build_scene, receipt, saver_receipt
from uythac.core.exceptions import DomainError
from uythac.ledger.chart import AccountCode as A
from uythac.ledger.chart import SubledgerType as S
from uythac.ledger.models import JournalEntry
from uythac.ledger.selectors import balance
from uythac.loans.models import Loan
from uythac.savings.models import MemberSavingsAccount
from uythac.transaction_sessions.models import BatchStatus, CollectionBatch, CollectionItem
from uythac.transaction_sessions.services import batch_handover, batch_submit

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="needs two concurrent write transactions: PostgreSQL only (SQLite serialises writers)"),
]


def race(*calls):
    """Run the calls in two threads released together by a barrier; each has its own database connection."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except Exception as error:  # noqa: BLE001 - collected for the assertions
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.fixture
def race_scene():
    reload_reference_data()
    return build_scene(build_world())


def test_the_same_batch_submitted_from_two_phones_at_once_is_recorded_once(race_scene):
    scene = race_scene
    w = scene.world

    def submit():
        return batch_submit(actor=w.group_leader, group=w.group_a, receipts=[receipt(scene), saver_receipt(scene)],
                            declared_total=220_000, idempotency_key="phone-42")

    first, second = race(submit, submit)
    assert isinstance(first, CollectionBatch) and isinstance(second, CollectionBatch), (first, second)
    assert first.pk == second.pk
    assert sorted([first.replayed, second.replayed]) == [False, True]
    assert CollectionBatch.objects.count() == 1 and CollectionItem.objects.count() == 3


def test_the_same_batch_handed_over_from_two_connections_is_applied_exactly_once(race_scene):
    scene = race_scene
    w = scene.world
    batch = batch_submit(actor=w.group_leader, group=w.group_a, receipts=[receipt(scene), saver_receipt(scene)],
                         declared_total=220_000, idempotency_key="phone-43")
    arrears = Loan.objects.get(pk=scene.loan.pk).interest_arrears

    def hand_over(actor):
        return lambda: batch_handover(actor=actor, session=scene.session.pk, batch=batch.pk, counted_total=220_000)

    results = race(hand_over(w.pgd_staff), hand_over(w.credit_officer))
    done = [r for r in results if isinstance(r, CollectionBatch)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert (len(done), len(refused)) == (1, 1), results
    assert "không giao lần thứ hai" in refused[0].text()
    assert CollectionBatch.objects.get(pk=batch.pk).status == BatchStatus.HANDED_OVER
    assert JournalEntry.objects.filter(kind="COLLECTION_HANDOVER").count() == 1
    assert JournalEntry.objects.filter(kind="INTEREST_COLLECTION").count() == 1
    assert JournalEntry.objects.filter(kind="SAVINGS_DEPOSIT", source_type="collectionbatch").count() == 2
    assert balance(A.CASH_TELLER, subledger_type=S.SESSION, subledger_key=str(scene.session.pk)) == (
        scene.session.opening_cash + 220_000)
    assert balance(A.CASH_IN_TRANSIT, subledger_type=S.GROUP, subledger_key="0000001") == 0
    assert Loan.objects.get(pk=scene.loan.pk).interest_arrears == arrears + 168_164 - 150_000
    assert MemberSavingsAccount.objects.get(pk=scene.saver_savings.pk).balance == 50_000
