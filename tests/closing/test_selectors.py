"""Where a close stands, and the snapshots each persona may see."""

import pytest

from tests.closing.support import D, loan_of
from uythac.closing.runner import close_month
from uythac.closing.selectors import (
    close_is_complete,
    close_states,
    commune_snapshot_queryset_for,
    group_snapshot_queryset_for,
    loan_snapshot_queryset_for,
)
from uythac.closing.steps import step_names

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed(cw):
    loans = {
        "a": loan_of(cw, cw.household_a, cw.group_a, on=D(2026, 3, 12), amount=10_000_000),
        "women": loan_of(cw, cw.household_a_women, cw.group_a_women, on=D(2026, 3, 12), amount=15_000_000),
        "b": loan_of(cw, cw.household_b, cw.group_b, on=D(2026, 3, 15), amount=20_000_000),
        "c": loan_of(cw, cw.household_c, cw.group_c, on=D(2026, 3, 5), amount=5_000_000),
    }
    close_month(period="2026-09", close_ledger=False)
    return cw, {key: loan.loan_number for key, loan in loans.items()}


def test_close_state_in_step_order(closed):
    # The core steps first, then any step an app above closing registered (scores, fees…), in step order.
    assert [row.step for row in close_states("2026-09")] == [
        name for name in step_names() if name != "ledger_period_close"]
    assert step_names()[:5] == ("freeze_expiry", "overdue_transfers", "loan_snapshots", "inactive_3m", "aggregates")
    assert not close_is_complete("2026-09")  # the ledger month is still open: the country close is not complete
    assert close_states("2026-09", "province:01") == []
    close_month(period="2026-09", scope="01", close_ledger=False)
    assert close_is_complete("2026-09", "province:01")


@pytest.mark.parametrize(
    ("persona", "loans", "groups", "communes"),
    [
        ("admin", ["a", "b", "c", "women"], 4, 7),
        ("credit_officer", ["a", "women"], 2, 3),  # commune A only
        ("commune_association", ["a"], 1, 1),  # Farmers' Union of commune A: its rows, no mixed total row
        ("group_leader", ["a"], 1, 0),
        ("commune_viewer", ["a", "women"], 2, 3),
    ],
)
def test_each_persona_sees_its_scope(closed, persona, loans, groups, communes):
    world, numbers = closed
    user = getattr(world, persona)
    seen = list(loan_snapshot_queryset_for(user, "2026-09").values_list("loan_number", flat=True))
    assert seen == sorted(numbers[key] for key in loans)
    assert group_snapshot_queryset_for(user, "2026-09").count() == groups
    assert commune_snapshot_queryset_for(user, "2026-09").count() == communes
