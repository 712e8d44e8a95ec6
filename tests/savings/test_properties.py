"""Random sequences of deposits and withdrawals (some refused): the cached balance always equals the ledger, never
goes negative, and equals the sum of the accepted movements."""

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support_lending import DAY, ensure_lending_reference_data, open_savings
from uythac.core.exceptions import DomainError
from uythac.ledger.selectors import trial_balance
from uythac.savings.models import MemberSavingsAccount
from uythac.savings.selectors import savings_balance
from uythac.savings.services import savings_deposit, savings_withdraw

pytestmark = pytest.mark.django_db

operations = st.lists(
    st.tuples(st.sampled_from(["deposit", "withdraw"]), st.integers(min_value=-1_000, max_value=300_000),
              st.integers(min_value=0, max_value=20)),
    min_size=1, max_size=12,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations)
def test_cache_equals_ledger_for_any_sequence(world, ops):
    ensure_lending_reference_data()
    # The world lives for the whole test: examples continue on the same account, from its current balance.
    account = MemberSavingsAccount.objects.filter(household=world.household_a).first() or open_savings(
        world, world.household_a)
    expected = account.balance
    for kind, amount, day in ops:
        on = DAY + dt.timedelta(days=day)
        service = savings_deposit if kind == "deposit" else savings_withdraw
        try:
            service(actor=world.credit_officer, account=account, amount=amount, on=on)
        except DomainError:
            continue
        expected += amount if kind == "deposit" else -amount
    account.refresh_from_db()
    assert account.balance == savings_balance(account) == expected >= 0
    assert trial_balance().total == 0
