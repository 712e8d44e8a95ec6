"""Two closes started at the same moment from two connections: the second is refused while the first runs
(PostgreSQL: real concurrent connections; SQLite runs writers one at a time, see test_runner for the lock row)."""

import threading

import pytest
from django.db import connection, connections

from tests.closing.support import ensure_closing_reference_data
from uythac.closing.models import ClosingRun, RunStatus
from uythac.closing.runner import close_month
from uythac.closing.steps.transfers import OverdueTransfers
from uythac.core.exceptions import DomainError

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs two real concurrent connections; SQLite serialises writers (run with DATABASE_URL=postgres://…)",
    ),
    pytest.mark.django_db(transaction=True),
]


def test_a_close_started_while_another_runs_is_refused(monkeypatch):
    ensure_closing_reference_data()
    inside, release = threading.Event(), threading.Event()
    real_run = OverdueTransfers.run

    def held_run(self, ctx):
        if threading.current_thread().name == "first":
            inside.set()
            release.wait(timeout=20)
        return real_run(self, ctx)

    monkeypatch.setattr(OverdueTransfers, "run", held_run)
    results = {}

    def run(name):
        try:
            results[name] = close_month(period="2026-09", close_ledger=False)
        except Exception as error:  # reported below
            results[name] = error
        finally:
            if name == "second":
                release.set()
            connections.close_all()

    first = threading.Thread(target=run, args=("first",), name="first")
    first.start()
    assert inside.wait(timeout=20)
    second = threading.Thread(target=run, args=("second",), name="second")
    second.start()
    second.join(timeout=30)
    first.join(timeout=30)
    assert isinstance(results["second"], DomainError)
    assert "đang được khóa sổ bởi một lần chạy khác" in results["second"].text()
    assert [step.status for step in results["first"].steps][:4] == ["done", "done", "done", "done"]
    assert list(ClosingRun.objects.values_list("status", flat=True)) == [RunStatus.DONE]
