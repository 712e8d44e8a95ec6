"""Two connections posting the same idempotency key at the same moment apply it exactly once (PostgreSQL).

Each thread has its own database connection and really commits (``transaction=True``). A barrier releases both
requests together; in the "forced" runs a second barrier holds each request right after its idempotency look-up
until the other has made its own, so both are certain to miss it and race to insert: the loser's insert waits on
the unique index, fails when the winner commits, and the loser returns the winner's entry.
"""

import datetime as dt
import threading

import pytest
from django.db import connection, connections

from tests.ledger.helpers import GROUP, LOAN_1, ensure_chart
from uythac.accounts.models import Role, User
from uythac.core.exceptions import DomainError
from uythac.ledger import services
from uythac.ledger.chart import AccountCode as A
from uythac.ledger.chart import SubledgerType as S
from uythac.ledger.lines import Line
from uythac.ledger.models import EntryKind, JournalEntry, Posting
from uythac.ledger.selectors import trial_balance
from uythac.ledger.services import entry_post

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs two real concurrent connections; SQLite serialises writers (run with DATABASE_URL=postgres://…)",
    ),
    pytest.mark.django_db(transaction=True),
]

VALUE_DATE = dt.date(2025, 3, 10)


def _race(requests, *, forced: bool, monkeypatch):
    """Run each request (kwargs for entry_post) in its own thread and connection, all released at once."""
    start = threading.Barrier(len(requests))
    looked_up = threading.Barrier(len(requests))
    local = threading.local()
    real_lookup = services._existing_by_key

    def lookup_then_wait(specs):
        found = real_lookup(specs)
        if not getattr(local, "waited", False):
            local.waited = True
            looked_up.wait(timeout=10)
        return found

    if forced:
        monkeypatch.setattr(services, "_existing_by_key", lookup_then_wait)
    results = [None] * len(requests)

    def run(index, kwargs):
        try:
            start.wait(timeout=10)
            results[index] = entry_post(**kwargs)
        except Exception as error:  # reported to the test below
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, kwargs)) for i, kwargs in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.fixture
def actor():
    ensure_chart()
    return User.objects.create_user(username="ketoan", password="mat-khau-thu-nghiem-1", role=Role.ADMIN)


def _request(actor, amount=30_000_000):
    return {
        "actor": actor, "value_date": VALUE_DATE, "kind": EntryKind.INTEREST_COLLECTION,
        "lines": [
            Line.debit(A.CASH_IN_TRANSIT, amount, S.GROUP, GROUP),
            Line.credit(A.INTEREST_INCOME, amount, S.LOAN, LOAN_1),
        ],
        "idempotency_key": "collectionbatch:77",
        "source_type": "collectionbatch", "source_key": "77",
    }


@pytest.mark.parametrize("forced", [False, True], ids=["natural", "forced-interleaving"])
def test_the_same_key_from_two_connections_posts_once(actor, forced, monkeypatch):
    results = _race([_request(actor), _request(actor)], forced=forced, monkeypatch=monkeypatch)

    assert all(isinstance(result, JournalEntry) for result in results), results
    assert results[0].pk == results[1].pk
    assert sorted(result.replayed for result in results) == [False, True]
    assert JournalEntry.objects.filter(idempotency_key="collectionbatch:77").count() == 1
    assert JournalEntry.objects.count() == 1
    assert Posting.objects.count() == 2
    assert trial_balance().total == 0


def test_two_different_requests_with_one_key_post_one_and_refuse_the_other(actor, monkeypatch):
    results = _race([_request(actor, 30_000_000), _request(actor, 31_000_000)], forced=True, monkeypatch=monkeypatch)

    entries = [result for result in results if isinstance(result, JournalEntry)]
    refusals = [result for result in results if isinstance(result, DomainError)]
    assert (len(entries), len(refusals)) == (1, 1), results
    assert "Mã chống trùng «collectionbatch:77»" in refusals[0].messages[0]
    assert JournalEntry.objects.count() == 1
    assert Posting.objects.count() == 2
